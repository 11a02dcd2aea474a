"""The dynamic programme over groups of options (the exact core of the plan) against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import rendement.plan.optimize as optimize
from rendement.plan.dynamic import (
    Group,
    TooManyStates,
    _suffix_relaxations,
    best_selection,
)


def random_groups(rng: np.random.Generator, n_groups: int, n_tracked: int) -> list[Group]:
    groups = []
    for g in range(n_groups):
        k = int(rng.integers(1, 4))
        spend = np.r_[0.0, rng.choice([800.0, 1500.0, 3000.0], k - 1)]
        if rng.random() < 0.3:
            spend[1:] = rng.uniform(500, 3000, k - 1)  # a price that varies per client
        value = np.r_[0.0, rng.uniform(-500, 4000, k - 1)]
        usage = np.zeros((k, n_tracked), dtype=np.int64)
        if n_tracked:
            for o in range(1, k):
                usage[o, rng.integers(0, n_tracked)] = 1
        members = [np.array([10 * g + o]) for o in range(k)]
        groups.append(Group(spend, value, np.zeros(k), usage, members))
    return groups


def brute(groups: list[Group], budget: float, places: np.ndarray) -> float:
    best = -np.inf
    for combo in itertools.product(*(range(len(g.spend)) for g in groups)):
        spend = sum(g.spend[o] for g, o in zip(groups, combo, strict=True))
        use = sum(g.usage[o] for g, o in zip(groups, combo, strict=True))
        if spend <= budget and (np.asarray(use) <= places).all():
            best = max(best, sum(g.value[o] for g, o in zip(groups, combo, strict=True)))
    return best


def test_best_selection_equals_brute_force() -> None:
    rng = np.random.default_rng(2)
    for _ in range(60):
        n_tracked = int(rng.integers(0, 3))
        groups = random_groups(rng, int(rng.integers(1, 7)), n_tracked)
        budget = float(rng.uniform(0, 9000))
        places = rng.integers(0, 3, n_tracked)
        expected = brute(groups, budget, places)
        found = best_selection(groups, budget, places, np.inf)
        assert found is not None
        assert found.value == pytest.approx(expected)
        # the members are those of the options that give this value
        chosen = {int(m) for m in found.members}
        total = sum(
            g.value[o]
            for g in groups
            for o in range(len(g.spend))
            if len(g.members[o]) and int(g.members[o][0]) in chosen
        )
        assert total == pytest.approx(found.value)


def test_target_prunes_only_what_cannot_beat_it() -> None:
    rng = np.random.default_rng(4)
    for _ in range(40):
        groups = random_groups(rng, 6, 1)
        budget = float(rng.uniform(1000, 9000))
        places = np.array([2])
        best = brute(groups, budget, places)
        found = best_selection(groups, budget, places, np.inf, target=best - 1.0)
        assert found is not None and found.value == pytest.approx(best)
        beyond = best_selection(groups, budget, places, np.inf, target=best + 1.0)
        assert beyond is None or beyond.value < best + 1.0


def test_relaxation_is_an_upper_bound() -> None:
    rng = np.random.default_rng(6)
    for _ in range(40):
        groups = random_groups(rng, 5, 0)
        relax = _suffix_relaxations(groups, np.zeros(0))
        (s0, v0), xs, ys = relax[0]
        for budget in rng.uniform(0, 9000, 5):
            best = brute(groups, float(budget), np.zeros(0))
            if budget < s0:
                assert best == -np.inf
                continue
            assert v0 + np.interp(budget - s0, xs, ys) >= best - 1e-6


def test_state_limit_raises() -> None:
    rng = np.random.default_rng(8)
    groups = random_groups(rng, 14, 0)
    with pytest.raises(TooManyStates):
        best_selection(groups, 1e9, np.zeros(0), np.inf, max_work=50)


def test_plan_stays_exact_when_the_core_falls_back_to_highs(monkeypatch) -> None:
    """With the dynamic programme unavailable, HiGHS searches every core (briefly for the
    cores that only improve the incumbent, exactly for the one that proves it): same optimum."""
    from test_plan_optimize import brute_force, reference_milp, run

    def unavailable(*args, **kwargs):
        raise TooManyStates

    monkeypatch.setattr(optimize, "best_selection", unavailable)
    calls = {"exact": 0, "quick": 0}
    real_milp = optimize.milp

    def counting_milp(*args, **kwargs):
        calls["quick" if "node_limit" in kwargs["options"] else "exact"] += 1
        return real_milp(*args, **kwargs)

    monkeypatch.setattr(optimize, "milp", counting_milp)
    rng = np.random.default_rng(9)
    for t in range(40):
        small = t < 25
        n, m = (int(rng.integers(3, 7)), int(rng.integers(1, 4))) if small else (300, 4)
        net = rng.uniform(-500, 3000, (n, m))
        cost = rng.uniform(500, 3000, (n, m))
        places = rng.integers(1, 4 if small else 60, m)
        budget = float(rng.uniform(1000, 6000) if small else rng.uniform(2e4, 2e5))
        sol, *_ = run(net, cost, places, budget)
        expected = (brute_force if small else reference_milp)(net, cost, places, budget)
        assert sol.status == "optimal"
        assert sol.objective == pytest.approx(expected, abs=0.02)
    assert calls["exact"] >= 10 and calls["quick"] >= 1  # both HiGHS paths were taken
