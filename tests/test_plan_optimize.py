"""The exact optimiser against brute force, and its guarantees.

Brute force enumerates every assignment (each client: nothing or one
instrument) of small random instances; the optimiser must reach the same
total, with and without a budget, and never break a constraint.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rendement.plan.optimize import _undominated, solve


def brute_force(
    net: np.ndarray, cost: np.ndarray, places: np.ndarray, budget: float | None
) -> float:
    """The best total over every assignment (each client: nothing or one instrument)."""
    n, m = net.shape
    combos = np.array(list(itertools.product(range(-1, m), repeat=n)), dtype=np.int64)
    rows = np.arange(n)
    on = combos >= 0
    j = np.maximum(combos, 0)
    value = np.where(on, net[rows, j], 0.0)
    spend = np.where(on, cost[rows, j], 0.0).sum(axis=1)
    ok = ~(on & (value <= 0)).any(axis=1)
    for k in range(m):
        ok &= (combos == k).sum(axis=1) <= places[k]
    if budget is not None:
        ok &= spend <= budget
    return float(value.sum(axis=1)[ok].max())


def run(net: np.ndarray, cost: np.ndarray, places: np.ndarray, budget: float | None):
    n, m = net.shape
    ii, jj = np.meshgrid(np.arange(n), np.arange(m), indexing="ij")
    sol = solve(ii.ravel(), jj.ravel(), net.ravel(), cost.ravel(), places, budget)
    return sol, ii.ravel(), jj.ravel()


def assert_feasible(sol, ii, jj, net, cost, places, budget) -> None:
    x = sol.chosen
    assert np.bincount(ii[x], minlength=net.shape[0]).max(initial=0) <= 1
    assert (np.bincount(jj[x], minlength=len(places)) <= places).all()
    assert (net.ravel()[x] > 0).all()
    if budget is not None:
        assert cost.ravel()[x].sum() <= budget
    assert sol.objective == pytest.approx(net.ravel()[x].sum())


def random_instance(rng: np.random.Generator, n: int, m: int, integer_costs: bool):
    net = rng.normal(400, 1500, (n, m)).round(0)
    if integer_costs:
        cost = rng.integers(1, 30, (n, m)).astype(float) * 100  # ties and exact budget hits
    else:
        cost = rng.uniform(100, 3000, (n, m))
    places = rng.integers(0, 4, m)
    return net, cost, places


@pytest.mark.parametrize("with_budget", [False, True])
def test_equals_brute_force_on_small_random_instances(with_budget: bool) -> None:
    rng = np.random.default_rng(11 if with_budget else 12)
    for t in range(120):
        n, m = int(rng.integers(1, 7)), int(rng.integers(1, 4))
        net, cost, places = random_instance(rng, n, m, integer_costs=t % 2 == 0)
        budget = float(rng.integers(0, 60)) * 100 if with_budget else None
        sol, ii, jj = run(net, cost, places, budget)
        assert sol.status == "optimal"
        assert sol.objective == pytest.approx(brute_force(net, cost, places, budget), abs=1e-6)
        assert sol.bound == pytest.approx(sol.objective, abs=0.02)
        assert_feasible(sol, ii, jj, net, cost, places, budget)


def test_budget_cases_go_through_the_exact_core() -> None:
    """Instances where the LP is fractional: the core MILP must be used and still be exact."""
    rng = np.random.default_rng(5)
    used_core = 0
    for _ in range(60):
        n, m = int(rng.integers(4, 8)), int(rng.integers(2, 4))
        net = rng.uniform(100, 3000, (n, m))
        cost = rng.uniform(500, 3000, (n, m))
        places = rng.integers(1, 4, m)
        budget = float(rng.uniform(1000, 6000))
        sol, ii, jj = run(net, cost, places, budget)
        used_core += sol.core_variables > 0
        assert sol.objective == pytest.approx(brute_force(net, cost, places, budget), abs=1e-6)
        assert_feasible(sol, ii, jj, net, cost, places, budget)
    assert used_core >= 20  # the branch under test was really taken


def test_constant_prices_with_a_budget() -> None:
    """Many clients per instrument at one price (the symmetric case the chains break) vs brute force."""
    rng = np.random.default_rng(21)
    for _ in range(25):
        n, m = 8, 2
        net = rng.uniform(-200, 3000, (n, m)).round(0)
        cost = np.repeat(rng.choice([800.0, 1500.0, 3000.0], (1, m)), n, axis=0)
        places = rng.integers(1, 6, m)
        budget = float(rng.integers(1, 12)) * 700
        sol, ii, jj = run(net, cost, places, budget)
        assert sol.objective == pytest.approx(brute_force(net, cost, places, budget))
        assert_feasible(sol, ii, jj, net, cost, places, budget)


def test_never_assigns_non_positive_returns() -> None:
    net = np.array([[-5.0, 0.0], [0.0, -1.0], [-100.0, -1e-9]])
    sol, *_ = run(net, np.full(net.shape, 10.0), np.array([5, 5]), None)
    assert not sol.chosen.any()
    assert sol.objective == 0.0


def test_instrument_without_places_and_too_expensive_options_are_never_chosen() -> None:
    net = np.array([[5000.0, 100.0, 50.0]])
    cost = np.array([[10.0, 10.0, 9000.0]])
    sol, _, jj = run(net, cost, np.array([0, 1, 1]), 1000.0)
    assert jj[sol.chosen].tolist() == [1]


def test_time_limit_is_reported_and_the_bound_stays_valid() -> None:
    """Without time to prove optimality the result says so; its bound still covers the optimum."""
    rng = np.random.default_rng(3)
    found_unproven = False
    for _ in range(30):
        n, m = 6, 3
        net = rng.uniform(100, 3000, (n, m))
        cost = rng.uniform(500, 3000, (n, m))
        places = rng.integers(1, 4, m)
        budget = float(rng.uniform(1000, 6000))
        ii, jj = np.meshgrid(np.arange(n), np.arange(m), indexing="ij")
        sol = solve(ii.ravel(), jj.ravel(), net.ravel(), cost.ravel(), places, budget, time_limit=0)
        best = brute_force(net, cost, places, budget)
        assert sol.objective <= best + 1e-6
        assert sol.bound >= best - 1e-6
        if sol.status == "time_limit":
            found_unproven = True
            assert sol.gap > 0
        else:
            assert sol.objective == pytest.approx(best, abs=1e-6)
    assert found_unproven


def test_dominance_keeps_an_optimum() -> None:
    """Dropping options with >= P better-and-cheaper rivals never changes the optimum."""
    rng = np.random.default_rng(8)
    dropped_any = False
    for _ in range(80):
        n, m = 7, 2
        net = rng.uniform(-500, 3000, (n, m))
        cost = np.repeat(rng.uniform(500, 2000, (1, m)), n, axis=0) * rng.uniform(0.8, 1.2, (n, m))
        places = rng.integers(1, 3, m)
        budget = float(rng.uniform(1000, 5000)) if rng.random() < 0.5 else None
        ii, jj = np.meshgrid(np.arange(n), np.arange(m), indexing="ij")
        keep = _undominated(jj.ravel(), net.ravel(), cost.ravel(), places, budget)
        dropped_any |= not keep.all()
        pruned = np.where(keep.reshape(n, m), net, -1.0)
        assert brute_force(pruned, cost, places, budget) == pytest.approx(
            brute_force(net, cost, places, budget)
        )
    assert dropped_any


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(1, 40),
    m=st.integers(1, 5),
    budget_share=st.one_of(st.none(), st.floats(0.0, 1.0)),
)
def test_constraints_hold_on_larger_random_instances(
    seed: int, n: int, m: int, budget_share: float | None
) -> None:
    rng = np.random.default_rng(seed)
    net = rng.normal(200, 2000, (n, m))
    cost = rng.uniform(100, 6000, (n, m))
    places = rng.integers(0, n // 2 + 2, m)
    budget = None if budget_share is None else budget_share * float(cost.sum()) / m
    sol, ii, jj = run(net, cost, places, budget)
    assert sol.status == "optimal"
    assert_feasible(sol, ii, jj, net, cost, places, budget)


def reference_milp(
    net: np.ndarray, cost: np.ndarray, places: np.ndarray, budget: float | None
) -> float:
    """The textbook formulation solved by HiGHS as it stands (presolve on, gap 0)."""
    import scipy.sparse as sp
    from scipy.optimize import Bounds, LinearConstraint, milp

    n, m = net.shape
    ii, jj = np.nonzero(net > 0)
    k = len(ii)
    if not k:
        return 0.0
    rows = [
        sp.csr_matrix((np.ones(k), (ii, np.arange(k))), shape=(n, k)),
        sp.csr_matrix((np.ones(k), (jj, np.arange(k))), shape=(m, k)),
    ]
    rhs = [np.ones(n), places.astype(float)]
    if budget is not None:
        rows.append(sp.csr_matrix(cost[ii, jj][None, :]))
        rhs.append(np.array([budget]))
    res = milp(
        -net[ii, jj],
        constraints=LinearConstraint(sp.vstack(rows), -np.inf, np.concatenate(rhs)),
        integrality=np.ones(k),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0.0},
    )
    return -float(res.fun)


def test_equals_highs_on_the_textbook_formulation() -> None:
    """Medium instances (too big for brute force): same optimum as HiGHS on the plain MILP,
    with prices shared per instrument, varying a little, or varying freely."""
    rng = np.random.default_rng(123)
    for t in range(24):
        n, m = int(rng.integers(20, 120)), int(rng.integers(1, 7))
        net = rng.normal(500, 2000, (n, m))
        prices = rng.choice([800.0, 1500.0, 3000.0, 4500.0], m)
        if t % 3 == 0:
            cost = np.broadcast_to(prices, (n, m)).copy()
        elif t % 3 == 1:
            cost = prices * rng.uniform(0.8, 1.0, (n, m))
        else:
            cost = rng.uniform(300, 6000, (n, m))
        places = rng.integers(0, n // 3 + 2, m)
        budget = None if t % 4 == 0 else float(rng.uniform(0.05, 0.8) * cost.mean() * places.sum())
        sol, ii, jj = run(net, cost, places, budget)
        assert sol.status == "optimal"
        assert sol.objective == pytest.approx(reference_milp(net, cost, places, budget), abs=0.02)
        assert_feasible(sol, ii, jj, net, cost, places, budget)
