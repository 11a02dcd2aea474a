"""The exact truth of months on benefit counting returns agrees with the simulated process.

For every caseload client the truth (:mod:`rendement.simulate.truth_returns`) gives the
expected months on benefit in the next ``H`` months counting returns and new spells,
without and with each instrument. Continuing the caseload forward by simulation with
the simulator's own return rules (:mod:`rendement.simulate.forward_returns`) must
reproduce it within sampling error - in Droomstad, with durability effects, with a
client's type kept over spells and with a continuous unobserved term - while the
months of the current spell alone, or a truth without the durability effect, are
clearly rejected (the check has power). z-statistics with fixed seeds: deterministic.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from test_simulate_truth import Z_MAX, z_score

from rendement.simulate import SimulationConfig, simulate
from rendement.simulate.forward_returns import simulate_benefit_months
from rendement.simulate.truth import posterior_weights, without_path
from rendement.simulate.truth_returns import Path, _subset, benefit_truth

SHORT_JOBS = {"werkdirect": 0.9}  # Werk Direct's exits return about 2.5 times as often


def _with_path(sim, code: str, free: np.ndarray) -> Path:  # type: ignore[no-untyped-def]
    row = sim.process.model.instruments.set_index("instrument").loc[code]
    months = sim.caseload_state.months[free]
    first = months + int(row["waiting_months"]) + 1
    j = sim.process.codes.index(code)
    return Path(np.full(len(free), j), first, first + int(row["duration_months"]) - 1)


@pytest.mark.parametrize(
    "regime",
    [
        {"return_effects": SHORT_JOBS},
        {"types": "two", "types_per_client": True, "selection": "hardest_first"},
        {"types": "gamma", "selection": "hardest_first"},
    ],
    ids=["durability", "type-per-client", "gamma"],
)
def test_forward_simulation_matches_the_truth_counting_returns(regime: dict) -> None:
    sim = simulate(SimulationConfig(clients=4000, seed=81, **regime))
    state, future, truth = sim.caseload_state, sim.caseload_future, sim.truth_caseload
    assert future is not None
    a = truth["months_to_pension"].to_numpy()
    total, later = simulate_benefit_months(
        sim.process, state, future, Path(*without_path(state)), runs=60, seed=5, pension_months=a
    )
    expected = truth["expected_benefit_months"].to_numpy()
    added = expected - truth["expected_remaining_months"].to_numpy()
    assert 1.0 < added.mean() < 4.0  # returns add months, a few on average
    assert abs(z_score(total.mean(axis=0), expected)) < Z_MAX
    assert abs(z_score(later.mean(axis=0), added)) < Z_MAX
    # Power: the months of the current spell alone are clearly rejected.
    assert z_score(total.mean(axis=0), truth["expected_remaining_months"]) > 2 * Z_MAX

    free = np.flatnonzero(state.running < 0)
    returns = sim.truth_returns
    for code in ("werkdirect", "werkstage"):
        with_total, _ = simulate_benefit_months(
            sim.process,
            _subset(state, free),
            future.subset(free),
            _with_path(sim, code, free),
            runs=60,
            seed=6,
            pension_months=a[free],
        )
        exact = returns.loc[returns["instrument"] == code, "expected_benefit_months_with"]
        assert abs(z_score(with_total.mean(axis=0), exact)) < Z_MAX


def test_the_durability_effect_is_in_the_truth_and_has_power() -> None:
    """Werk Direct's short jobs: its months saved counting returns are smaller than over the
    spell, and the forward runs reject a truth computed as if its exits were durable."""
    sim = simulate(SimulationConfig(clients=4000, seed=82, return_effects=SHORT_JOBS))
    returns = sim.truth_returns
    wd = (returns["instrument"] == "werkdirect").to_numpy()
    assert returns.loc[wd, "benefit_months_saved"].mean() < (
        returns.loc[wd, "months_saved"].mean() - 0.5
    )
    state, future = sim.caseload_state, sim.caseload_future
    assert future is not None
    free = np.flatnonzero(state.running < 0)
    a = sim.truth_caseload["months_to_pension"].to_numpy()
    durable = replace(sim.process, return_effects=None)
    weights = posterior_weights(sim.process, state.loglik)
    _, wrong_with = benefit_truth(durable, state, future, weights, a, 60)
    code = durable.model.instruments["instrument"].tolist().index("werkdirect")
    _, later = simulate_benefit_months(
        sim.process,
        _subset(state, free),
        future.subset(free),
        _with_path(sim, "werkdirect", free),
        runs=60,
        seed=7,
        pension_months=a[free],
    )
    remaining = returns.loc[wd, "expected_remaining_months_with"].to_numpy()
    right = returns.loc[wd, "expected_benefit_months_with"].to_numpy() - remaining
    wrong = wrong_with[:, code] - remaining
    assert abs(z_score(later.mean(axis=0), right)) < Z_MAX
    assert abs(z_score(later.mean(axis=0), wrong)) > 2 * Z_MAX


def test_returns_only_add_months() -> None:
    sim = simulate(SimulationConfig(clients=2000, seed=83, return_effects=SHORT_JOBS))
    c, r = sim.truth_caseload, sim.truth_returns
    assert (c["expected_benefit_months"] >= c["expected_remaining_months"] - 1e-9).all()
    assert (r["expected_benefit_months_with"] >= r["expected_remaining_months_with"] - 1e-9).all()
    h = sim.truth_model.spec.horizon
    assert (c["expected_benefit_months"] <= h + 1e-9).all()
    # no months after the pension date: a client within a year of it gains at most that year
    near = c["months_to_pension"] < 12
    assert (c.loc[near, "expected_benefit_months"] <= c.loc[near, "months_to_pension"] + 1e-9).all()
    np.testing.assert_allclose(
        r["benefit_months_saved"],
        c.set_index("client_id").loc[r["client_id"], "expected_benefit_months"].to_numpy()
        - r["expected_benefit_months_with"].to_numpy(),
    )
