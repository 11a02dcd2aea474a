"""Paths without and with an instrument, checked against hand computation and the survival module."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scoring_builders import (
    caseload,
    cloglog,
    constant_model,
    remaining_by_hand,
    survival_by_hand,
)

import rendement.scoring.paths as score_paths
from rendement.hazard.toe.known import AdviceHistories
from rendement.model.hazard_model import HazardModel, Heterogeneity
from rendement.model.spec import ModelSpec
from rendement.scoring.caseload import score_clients
from rendement.scoring.counterfactual import (
    cumulate,
    eta_with,
    eta_without,
    rates,
    rates_with,
    survival,
)
from rendement.scoring.states import ClientStates, Coefficients, Scenario
from rendement.scoring.survival import restricted_mean_residual, survival_from_eta

B = -2.0  # constant baseline: monthly hazard 1 - exp(-exp(-2)) = 0.1266
GAMMA, DELTA = -0.8, 0.6  # lock-in and after-effect of instrument A
A = {"instrument": "A", "price": 2000.0, "duration_months": 3, "waiting_months": 2}
C = {"instrument": "C", "price": 500.0, "duration_months": 2, "waiting_months": 0}


def _model(**kw: object) -> HazardModel:
    return constant_model(
        B, [A, C], {"in:A": GAMMA, "after:A": DELTA, "in:C": -0.2, "after:C": 0.3}, **kw
    )


def test_constant_hazard_matches_closed_form() -> None:
    h = cloglog(B)
    for horizon in (60, 24):
        s = score_clients(_model(), caseload(1, months=12, codes=["A", "C"]), horizon=horizon)
        r = s.ranking.iloc[0]
        assert r["p_outflow_6m"] == pytest.approx(1 - (1 - h) ** 6, rel=1e-12)
        assert r["p_outflow_18m"] == pytest.approx(1 - (1 - h) ** 18, rel=1e-12)
        assert r["expected_remaining_months"] == pytest.approx(
            (1 - (1 - h) ** horizon) / h, rel=1e-12
        )


def test_with_path_by_hand() -> None:
    h0, h_in, h_after = cloglog(B), cloglog(B + GAMMA), cloglog(B + DELTA)
    hazards = [h0] * 2 + [h_in] * 3 + [h_after] * 60
    s = score_clients(_model(), caseload(1, months=30, codes=["A", "C"]), keep_paths=True)
    row = s.returns[s.returns["instrument"] == "A"].iloc[0]
    assert row["expected_remaining_months_with"] == pytest.approx(
        remaining_by_hand(hazards, 60), rel=1e-12
    )
    # success: gone by month W + D + 3 = 8 of the path with A
    assert row["p_success"] == pytest.approx(1 - survival_by_hand(hazards)[7], rel=1e-12)
    assert s.paths is not None
    path = s.paths[s.paths["instrument"] == "A"].sort_values("month")["survival"].to_numpy()
    np.testing.assert_allclose(path, survival_by_hand(hazards)[:60], rtol=1e-12)
    without = s.paths[s.paths["instrument"] == "geen"]["survival"].to_numpy()
    np.testing.assert_allclose(without, survival_by_hand([h0] * 60), rtol=1e-12)


def test_running_instrument_stays_in_then_turns_after() -> None:
    frame = caseload(1, months=7, codes=["A", "C"], current_instrument="A", remaining_in_months=4)
    frame["in:A"] = 1
    s = score_clients(_model(), frame)
    hazards = [cloglog(B + GAMMA)] * 4 + [cloglog(B + DELTA)] * 60
    r = s.ranking.iloc[0]
    assert r["expected_remaining_months"] == pytest.approx(
        remaining_by_hand(hazards, 60), rel=1e-12
    )
    assert r["p_outflow_6m"] == pytest.approx(1 - survival_by_hand(hazards)[5], rel=1e-12)
    assert r["current_instrument"] == "A" and r["best_instrument"] == ""
    assert s.returns.empty


def test_current_after_state_is_kept_in_both_paths() -> None:
    frame = caseload(1, months=20, codes=["A", "C"])
    frame["after:A"] = 1
    s = score_clients(_model(), frame)
    without = [cloglog(B + DELTA)] * 60
    assert s.ranking.iloc[0]["expected_remaining_months"] == pytest.approx(
        remaining_by_hand(without, 60), rel=1e-12
    )
    with_c = [cloglog(B + DELTA - 0.2)] * 2 + [cloglog(B + DELTA + 0.3)] * 60
    got = s.returns.set_index("instrument")["expected_remaining_months_with"]
    assert got["C"] == pytest.approx(remaining_by_hand(with_c, 60), rel=1e-12)
    # A again: lock-in on top of the after-effect it keeps; the after-effect is not counted twice
    with_a = [cloglog(B + DELTA)] * 2 + [cloglog(B + DELTA + GAMMA)] * 3 + without
    assert got["A"] == pytest.approx(remaining_by_hand(with_a, 60), rel=1e-12)


def test_effect_modifier_and_client_terms() -> None:
    spec = ModelSpec(
        baseline_cuts=(1, 13),
        features=("education",),
        effect_modifiers=("education[laag]",),
        instruments=("A",),
    )
    params = pd.Series(
        {
            "baseline:1-12": -1.5,
            "baseline:13+": -2.5,
            "education[laag]": -0.4,
            "in:A": GAMMA,
            "after:A": 0.2,
            "after:A*education[laag]": 0.5,
        }
    )
    model = HazardModel(spec, params, None, constant_model(B, [A]).instruments)
    frame = caseload(2, months=[5, 5], codes=["A"], education=["laag", "hoog"])
    s = score_clients(model, frame, interval=None)
    got = s.returns.set_index("client_id")["expected_remaining_months_with"]
    for cid, client, after in (("K0000", -0.4, 0.7), ("K0001", 0.0, 0.2)):
        base = [-1.5 if 5 + 1 + t <= 12 else -2.5 for t in range(60)]
        eta = [
            b + client + (GAMMA if 2 <= t < 5 else after if t >= 5 else 0.0)
            for t, b in enumerate(base)
        ]
        assert got[cid] == pytest.approx(
            remaining_by_hand([cloglog(e) for e in eta], 60), rel=1e-12
        )


def test_calendar_year_of_each_future_month() -> None:
    spec = ModelSpec(
        baseline_cuts=(1,),
        features=(),
        effect_modifiers=(),
        calendar=True,
        calendar_years=(2024, 2025, 2026),
    )
    params = pd.Series({"baseline:1+": -2.0, "calendar:2025": 0.5, "calendar:2026": -0.5})
    model = HazardModel(spec, params, None, constant_model(B).instruments)
    # inflow 2025-03-15, 8 months on benefit: month d+1 starts 2025-11-15
    frame = caseload(1, months=8, inflow_date=pd.Timestamp("2025-03-15"))
    r = score_clients(model, frame, interval=None).ranking.iloc[0]
    eta = [-2.0 + (0.5 if t < 2 else -0.5) for t in range(60)]  # Nov, Dec 2025; then 2026+
    assert r["expected_remaining_months"] == pytest.approx(
        remaining_by_hand([cloglog(e) for e in eta], 60), rel=1e-12
    )


def _random_states(model: HazardModel, n: int, seed: int) -> ClientStates:
    rng = np.random.default_rng(seed)
    frame = caseload(n, months=rng.integers(0, 150, n), codes=["A", "C"])
    for c in ("A", "C"):
        frame[f"after:{c}"] = (rng.random(n) < 0.3).astype(np.int8)
    running = rng.random(n) < 0.4
    frame["in:A"] = running.astype(np.int8)
    frame["remaining_in_months"] = np.where(running, rng.integers(1, 8, n), 0)
    return ClientStates.from_frame(model.spec, frame)


def test_time_major_paths_agree_with_survival_module() -> None:
    model = _model()
    states = _random_states(model, 300, 1)
    coefs = Coefficients.from_params(model.spec, model.params)
    eta0 = eta_without(states, coefs, model.spec, 60)
    s0 = survival(eta0)
    np.testing.assert_allclose(s0.T, survival_from_eta(eta0.T), rtol=1e-12)
    assert np.all((s0 >= 0) & (s0 <= 1)) and np.all(np.diff(s0, axis=0) <= 0)
    sc = Scenario("A", 0, 2, 3)
    ew = eta_with(eta0, states, coefs, sc)
    np.testing.assert_allclose(rates_with(rates(eta0), states, coefs, sc), rates(ew), rtol=1e-12)
    np.testing.assert_allclose(
        1 + survival(ew)[:59].sum(axis=0), restricted_mean_residual(survival_from_eta(ew.T), 60)
    )
    np.testing.assert_allclose(cumulate(rates(ew)), np.cumsum(rates(ew), axis=0), rtol=1e-12)


def test_flags_combine_with_or_for_clients_in_the_instrument() -> None:
    """In A for 4 more months, offered A after 2 months: in A months 0..4, after A from month 4.

    Month 4 has both flags (the first A is over, the second runs): lock-in plus after-effect,
    as the person-month panel codes a repeated instrument.
    """
    model = _model()
    frame = caseload(1, months=3, codes=["A", "C"], remaining_in_months=4)
    frame["in:A"] = 1
    states = ClientStates.from_frame(model.spec, frame)
    coefs = Coefficients.from_params(model.spec, model.params)
    eta0 = eta_without(states, coefs, model.spec, 20)
    ew = eta_with(eta0, states, coefs, Scenario("A", 0, 2, 3))[:, 0] - B
    np.testing.assert_allclose(ew, [GAMMA] * 4 + [GAMMA + DELTA] + [DELTA] * 15)


def test_chunking_does_not_change_results(monkeypatch: pytest.MonkeyPatch) -> None:
    model = _model(cov_scale=0.05)
    rng = np.random.default_rng(4)
    frame = caseload(700, months=rng.integers(0, 100, 700), codes=["A", "C"])
    frame["after:C"] = (rng.random(700) < 0.3).astype(np.int8)
    whole = score_clients(model, frame, n_draws=20)
    monkeypatch.setattr(score_paths, "CELLS_PER_CHUNK", 200 * 60)
    parts = score_clients(model, frame, n_draws=20)
    pd.testing.assert_frame_equal(whole.ranking, parts.ranking, rtol=1e-12)
    pd.testing.assert_frame_equal(whole.returns, parts.returns, rtol=1e-12)


def test_mixture_over_mass_points() -> None:
    het = Heterogeneity((-1.0, 0.5), (0.3, 0.7))
    model = constant_model(B, [A], {"in:A": GAMMA, "after:A": DELTA}, heterogeneity=het)
    frame = caseload(2, months=10, codes=["A"])
    weights = np.array([[0.3, 0.7], [0.9, 0.1]])
    s = score_clients(model, frame, type_weights=weights)
    for i, w in enumerate(weights):
        paths = [survival_by_hand([cloglog(B + v)] * 60) for v in het.locations]
        mixed = w[0] * np.array(paths[0]) + w[1] * np.array(paths[1])
        want = 1 + mixed[:59].sum()
        got = s.ranking.set_index("client_id").loc[f"K000{i}", "expected_remaining_months"]
        assert got == pytest.approx(want, rel=1e-12)
    # without weights: the types are weighted by surviving the 10 months already on benefit
    default = score_clients(model, frame)
    assert any("months on benefit and the current instrument" in w for w in default.warnings)
    survivors = AdviceHistories(model, frame).weights(model)
    assert survivors[0, 0] > het.probabilities[0]  # the slow type is over-represented by now
    explicit = score_clients(model, frame, type_weights=survivors)
    pd.testing.assert_frame_equal(default.ranking, explicit.ranking)


def test_survivor_weights_shift_to_slow_types_with_duration() -> None:
    het = Heterogeneity((-1.0, 0.5), (0.3, 0.7))
    model = constant_model(B, [], heterogeneity=het)
    w = AdviceHistories(model, caseload(3, months=[0, 12, 48])).weights(model)
    np.testing.assert_allclose(w[0], het.probabilities)
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    assert w[0, 0] < w[1, 0] < w[2, 0]  # the slow type (location -1) gains weight
    # by hand for d = 12: prior x survival of 12 months of each type
    s = [0.3 * (1 - cloglog(B - 1.0)) ** 12, 0.7 * (1 - cloglog(B + 0.5)) ** 12]
    np.testing.assert_allclose(w[1], np.array(s) / sum(s), rtol=1e-10)
