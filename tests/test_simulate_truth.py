"""The computed ground truth agrees with what the simulated process does.

* continuing the caseload forward by simulation (many runs per client, with the
  client's true type) reproduces the exact expected residual duration and
  outflow chances within sampling error - and the prior (instead of the
  posterior) type weights would be rejected, so the check has power;
* with selection on unobservables, the posterior type weights are calibrated
  in the clients with and without a trajectory, which an outflow-only
  posterior is not;
* the Kaplan-Meier curve of simulated spells matches the model's survival
  curve (mixture over types);
* the magnitudes are those of ``docs/domain.md``; 50,000 clients take well under a minute.

Every comparison is a z-statistic with fixed seeds: deterministic, never flaky.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from test_simulate import _panel_loglik

from rendement.pension import pension_dates
from rendement.scoring.survival import (
    mixture_survival,
    outflow_probability,
    restricted_mean_residual,
    survival_from_eta,
)
from rendement.simulate import Simulation, SimulationConfig, simulate
from rendement.simulate.forward import simulate_remaining
from rendement.simulate.truth import path_eta, posterior_weights, without_path
from rendement.timeutil import months_between_arrays

Z_MAX = 4.0


def z_score(simulated: np.ndarray, expected: np.ndarray) -> float:
    """Mean difference over clients divided by its standard error."""
    diff = np.asarray(simulated, dtype=float) - np.asarray(expected, dtype=float)
    return float(diff.mean() / (diff.std(ddof=1) / np.sqrt(len(diff))))


def test_forward_simulation_matches_the_truth() -> None:
    sim = simulate(SimulationConfig(clients=4000, seed=21))
    state, truth = sim.caseload_state, sim.truth_caseload
    horizon = sim.truth_model.spec.horizon
    # clients reach the pension age (AOW) while on benefit: no outflow from then on
    a = truth["months_to_pension"].to_numpy()
    assert (a < horizon).sum() > 10
    runs = simulate_remaining(
        sim.process, state, runs=40, horizon=horizon, seed=1, pension_months=a
    )
    remaining = np.minimum(np.minimum(runs, horizon), a).mean(axis=0)
    within6, within18 = (runs <= 6).mean(axis=0), (runs <= 18).mean(axis=0)

    assert abs(z_score(remaining, truth["expected_remaining_months"])) < Z_MAX
    assert abs(z_score(within6, truth["p_outflow_6m"])) < Z_MAX
    assert abs(z_score(within18, truth["p_outflow_18m"])) < Z_MAX

    # Given the true type, each client's own one-type path is right too (among those whose
    # pension date lies beyond the horizon).
    eta = path_eta(sim.process, state, *without_path(state), horizon)
    own = survival_from_eta(eta + sim.process.locations[state.type][:, None])
    far = a >= horizon
    own_remaining = restricted_mean_residual(own, horizon)[far]
    assert abs(z_score(remaining[far], own_remaining)) < Z_MAX
    assert abs(z_score(within6[far], outflow_probability(own, 6)[far])) < Z_MAX

    # Power: ignoring the history (prior type shares) is clearly rejected.
    prior = mixture_survival(eta, sim.process.locations, sim.process.probabilities)
    prior_remaining = restricted_mean_residual(prior, horizon)[far]
    assert abs(z_score(remaining[far], prior_remaining)) > 3 * Z_MAX


def test_posterior_is_calibrated_with_selection_on_unobservables(tmp_path: Path) -> None:
    sim = simulate(SimulationConfig(clients=10000, seed=31, selection="unobserved"))
    sim.write(tmp_path / "d", tmp_path / "t")
    truth = sim.truth_caseload
    spells = sim.spells.set_index("spell_id")
    trajectories = sim.trajectories.merge(truth[["client_id", "spell_id"]], on="client_id")
    in_spell = (
        trajectories["start_date"].to_numpy()
        >= spells.loc[trajectories["spell_id"], "start_date"].to_numpy()
    )
    reint = trajectories["instrument"].isin(sim.process.reintegration_codes).to_numpy()
    treated = truth["client_id"].isin(trajectories.loc[in_spell & reint, "client_id"]).to_numpy()
    assert 0.2 < treated.mean() < 0.6

    posterior = truth[[f"posterior_type_{k}" for k in range(3)]].to_numpy()
    loglik = _panel_loglik(sim, tmp_path / "d").loc[truth["spell_id"], [0, 1, 2]].to_numpy()
    outflow_only = posterior_weights(sim.process, loglik)
    true_type = truth["true_type"].to_numpy()
    worst_outflow_only = 0.0
    for group in (treated, ~treated):
        for k in range(3):
            indicator = (true_type[group] == k).astype(float)
            assert abs(z_score(indicator, posterior[group, k])) < Z_MAX
            worst_outflow_only = max(
                worst_outflow_only, abs(z_score(indicator, outflow_only[group, k]))
            )
    # Entering a trajectory tells something about the type: leaving it out is rejected.
    assert worst_outflow_only > Z_MAX


def test_kaplan_meier_matches_the_model_survival_curve() -> None:
    """Spells that started 8-12 years before the extraction date, of clients whose pension
    date (AOW) lies more than 96 months after the start: no censoring in 96 months."""
    sim = simulate(SimulationConfig(clients=20000, seed=41, instruments=False))
    assert sim.trajectories.empty
    as_of = sim.as_of
    sp = sim.spells.merge(sim.clients[["client_id", "birth_date"]], on="client_id")
    far = pension_dates(sp["birth_date"]) > pd.DatetimeIndex(sp["start_date"]) + pd.DateOffset(
        months=97
    )
    cohort = sp[
        (sp["start_date"] > as_of - pd.DateOffset(years=12))
        & (sp["start_date"] <= as_of - pd.DateOffset(years=8))
        & far
    ].drop(columns="birth_date")
    pension = (cohort["end_reason"] == "aow").to_numpy()
    assert (months_between_arrays(cohort["start_date"], cohort["end_date"])[pension] > 96).all()
    ended = (cohort["end_date"].notna() & (cohort["end_reason"] != "aow")).to_numpy()
    duration = months_between_arrays(cohort["start_date"], cohort["end_date"].fillna(as_of))
    km = KaplanMeierFitter().fit(duration, event_observed=ended)

    frame = cohort.merge(sim.clients, on="client_id").rename(columns={"start_date": "inflow_date"})
    model = sim.truth_model
    months = np.arange(1, 97)
    eta = model.baseline_eta(months)[None, :] + model.client_eta(frame)[:, None]
    assert model.heterogeneity is not None
    curve = mixture_survival(
        eta,
        np.asarray(model.heterogeneity.locations),
        np.asarray(model.heterogeneity.probabilities),
    ).mean(axis=0)
    for m in (1, 3, 6, 12, 24, 48, 96):
        observed = float(km.survival_function_at_times(m).iloc[0])
        expected = float(curve[m - 1])
        se = np.sqrt(expected * (1 - expected) / len(cohort))
        assert abs(observed - expected) < Z_MAX * se, (m, observed, expected)
    # Power: the curve of a model without heterogeneity (same baseline) is rejected.
    one_type = survival_from_eta(eta).mean(axis=0)
    observed48 = float(km.survival_function_at_times(48).iloc[0])
    assert abs(observed48 - one_type[47]) > Z_MAX * np.sqrt(
        one_type[47] * (1 - one_type[47]) / len(cohort)
    )


def _assert_flows_are_realistic(sim: Simulation) -> None:
    s = sim.summary()
    assert 0.62 <= s.share_over_2_years <= 0.78
    assert 0.06 <= s.share_under_6_months <= 0.13
    assert 0.17 <= s.yearly_outflow_share <= 0.25
    assert 0.33 <= s.outflow_to_work_share <= 0.48
    assert 0.15 <= s.return_within_year_share <= 0.26


def test_magnitudes_without_heterogeneity() -> None:
    """All duration dependence in the baseline: about the same caseload."""
    _assert_flows_are_realistic(
        simulate(SimulationConfig(clients=10000, seed=52, heterogeneity=False))
    )


def test_magnitudes_are_realistic() -> None:
    sim = simulate(SimulationConfig(clients=12000, seed=51))
    _assert_flows_are_realistic(sim)

    sp = sim.spells.merge(sim.clients, on="client_id")
    age = months_between_arrays(sp["birth_date"], sp["start_date"]) // 12
    assert age.min() == 18 and age.max() == 66
    running = sp[sp["end_date"].isna()]
    single = running[running["household_type"] != "paar"]["monthly_benefit"]
    couple = running[running["household_type"] == "paar"]["monthly_benefit"]
    assert 1369 <= single.median() <= 1400 and 1956 <= couple.median() <= 2000
    assert (single < 0.95 * single.median()).mean() > 0.05  # partial benefits exist

    for col in ("dutch_language", "work_experience_years", "health_restriction"):
        assert 0.01 < sim.clients[col].isna().mean() < 0.06, col
    assert 4 <= sim.clients["district"].nunique() <= 6
    assert sim.clients["caseworker_id"].nunique() == 20

    r = sim.truth_returns
    positive = r.groupby("instrument")["net_return_eur"].apply(lambda x: (x > 0).mean())
    assert positive["scholing"] < 0.05  # supply-strengthening (2b) mostly returns negatively
    assert (positive.drop("scholing") > 0.05).all()
    assert (r["net_return_eur"] > 0).any() and (r["net_return_eur"] < 0).any()
    # Long trajectories return negatively for clients who would leave soon by themselves.
    c = sim.truth_caseload.set_index("client_id")
    werkstage = r[r["instrument"] == "werkstage"].set_index("client_id")
    fast = c.loc[werkstage.index, "p_outflow_6m"] > 0.35
    assert fast.sum() > 10
    assert (werkstage.loc[fast, "net_return_eur"] < 0).mean() > 0.5
