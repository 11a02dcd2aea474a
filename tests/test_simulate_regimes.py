"""The simulator's regimes: each does what it says, and its truth stays exact.

The robustness battery of the timing-of-events model (``rendement.simulate.regimes``)
is only as good as the truth of every regime. For each regime the caseload is
continued forward by simulation with every client's *actual* unobserved term (a
draw from a continuous law, a client's type kept over spells, ...), and the
average months still on benefit must match the computed truth within sampling
error: the truth's posterior integrates over exactly what the process did.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_simulate_truth import Z_MAX, z_score

from rendement.simulate import SimulationConfig, simulate
from rendement.simulate import regimes as regimes_module
from rendement.simulate.forward import simulate_remaining
from rendement.simulate.regimes import BATTERY

FORWARD = [
    "lognormaal",
    "gamma",
    "conjunctuurschok",
    "gladde-baseline",
    "wijken",
    "keuze-op-type",
    "type-per-client",
    "moeilijkste-eerst-herinstroom-zeldzaam",
]


@pytest.mark.parametrize("regime", FORWARD)
def test_forward_simulation_matches_the_truth_in_every_regime(regime: str) -> None:
    sim = simulate(SimulationConfig(clients=3000, seed=71, **BATTERY[regime]))
    state, truth = sim.caseload_state, sim.truth_caseload
    horizon = sim.truth_model.spec.horizon
    a = truth["months_to_pension"].to_numpy()  # no outflow from the pension date (AOW) on
    runs = simulate_remaining(
        sim.process, state, runs=40, horizon=horizon, seed=2, pension_months=a
    )
    remaining = np.minimum(np.minimum(runs, horizon), a).mean(axis=0)
    assert abs(z_score(remaining, truth["expected_remaining_months"])) < Z_MAX
    assert abs(z_score((runs <= 6).mean(axis=0), truth["p_outflow_6m"])) < Z_MAX


def test_the_grid_of_a_continuous_term_is_fine_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    """The truth integrates a continuous term on a grid: twice as many points change the
    expected months by far less than any estimator's error."""
    config = SimulationConfig(clients=1500, seed=72, **BATTERY["gamma"])
    coarse = simulate(config)
    monkeypatch.setattr(regimes_module, "GRID_POINTS", 2 * regimes_module.GRID_POINTS + 1)
    fine = simulate(config)
    pd.testing.assert_frame_equal(coarse.spells, fine.spells)  # the same data
    a = coarse.truth_returns["months_saved"].to_numpy()
    b = fine.truth_returns["months_saved"].to_numpy()
    assert np.abs(a - b).max() < 0.01
    da = coarse.truth_caseload["expected_remaining_months"].to_numpy()
    db = fine.truth_caseload["expected_remaining_months"].to_numpy()
    assert np.abs(da - db).max() < 0.01


def _trajectories_per_spell(sim) -> pd.Series:  # type: ignore[no-untyped-def]
    tr = sim.trajectories[sim.trajectories["instrument"].isin(sim.process.reintegration_codes)]
    spells = sim.spells[["client_id", "spell_id", "start_date", "end_date"]]
    pairs = tr.merge(spells, on="client_id")
    inside = (pairs["start_date_x"] >= pairs["start_date_y"]) & (
        pairs["end_date_y"].isna() | (pairs["start_date_x"] <= pairs["end_date_y"])
    )
    return pairs[inside].groupby("spell_id").size()


def test_reentry_never_rarer_and_same() -> None:
    counts = {
        r: _trajectories_per_spell(
            simulate(SimulationConfig(clients=3000, seed=73, selection="creaming", reentry=r))
        )
        for r in ("never", "rarer", "same")
    }
    assert counts["never"].max() == 1
    share = {r: float((c > 1).mean()) for r, c in counts.items()}
    assert 0.0 < share["rarer"] < share["same"] / 2


def test_selection_direction_changes_who_gets_a_trajectory() -> None:
    """Creaming gives trajectories to the fast types, hardest-first to the slow ones."""
    fast_share = {}
    for selection in ("creaming", "hardest_first"):
        sim = simulate(
            SimulationConfig(
                clients=4000, seed=74, selection=selection, types="two", reentry="never"
            )
        )
        per_spell = _trajectories_per_spell(sim)
        truth = sim.truth_caseload.set_index("spell_id")
        treated = truth.index.isin(per_spell.index)
        fast_share[selection] = float((truth.loc[treated, "true_type"] == 0).mean())
    assert fast_share["creaming"] > fast_share["hardest_first"] + 0.1


def test_the_calendar_shock_lowers_outflow_in_its_window() -> None:
    shock = simulate(SimulationConfig(clients=4000, seed=75, calendar_shock=True))
    calm = simulate(SimulationConfig(clients=4000, seed=75))
    as_of = shock.as_of
    lo = as_of - pd.DateOffset(months=regimes_module.SHOCK_WINDOW[0])
    hi = as_of - pd.DateOffset(months=regimes_module.SHOCK_WINDOW[1])

    def ended_in_window(sim) -> int:  # type: ignore[no-untyped-def]
        end = sim.spells["end_date"]
        return int(((end >= lo) & (end < hi)).sum())

    assert ended_in_window(shock) < 0.85 * ended_in_window(calm)


def test_unknown_regime_values_are_refused() -> None:
    from rendement.simulate.config import SimulationConfigError

    with pytest.raises(SimulationConfigError, match="reentry must be one of"):
        SimulationConfig(reentry="sometimes")  # type: ignore[arg-type]
