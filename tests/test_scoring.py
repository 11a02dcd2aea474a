"""score_clients: ranking order and ties, columns, warnings, intervals and paths."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scoring_builders import caseload, constant_model

from rendement.scoring.caseload import RANKING_COLUMNS, RETURNS_COLUMNS, score_clients

B = -2.0
X = {"instrument": "X", "price": 1500.0, "duration_months": 3, "waiting_months": 1}
Y = {"instrument": "Y", "price": 3000.0, "duration_months": 6, "waiting_months": 2}


def _model(cov_scale: float | None = 0.05) -> object:
    return constant_model(
        B, [X, Y], {"in:X": 0.0, "after:X": 0.5, "in:Y": -0.4, "after:Y": 0.6}, cov_scale=cov_scale
    )


def test_rank_keys_in_order_then_client_id() -> None:
    # Running X with no lock-in: the same hazard as the others for `remaining` months, then faster.
    frame = caseload(5, months=10, codes=["X", "Y"], ids=["K9", "K3", "K5", "K1", "K7"])
    frame.loc[[0, 2], ["current_instrument", "in:X"]] = ["X", 1]
    frame.loc[0, "remaining_in_months"] = 6  # p6 equal to the others, p18 higher: rank 1
    frame.loc[2, "remaining_in_months"] = 18  # p6 and p18 equal, fewer remaining months: rank 2
    frame.loc[4, "after:X"] = 1  # faster from the start: highest p6 of all
    rk = score_clients(_model(), frame).ranking
    assert list(rk["client_id"]) == ["K7", "K9", "K5", "K1", "K3"]
    assert list(rk["rank"]) == [1, 2, 3, 4, 5]
    by = rk.set_index("client_id")
    assert by.loc["K9", "p_outflow_6m"] == pytest.approx(by.loc["K1", "p_outflow_6m"], abs=1e-15)
    assert by.loc["K5", "p_outflow_18m"] == pytest.approx(by.loc["K1", "p_outflow_18m"], abs=1e-15)
    # identical clients K1 and K3 tie on all keys: client_id decides, whatever the input order
    shuffled = score_clients(_model(), frame.iloc[::-1]).ranking
    pd.testing.assert_frame_equal(shuffled, rk)


def test_ranks_are_one_to_n_for_many_ties() -> None:
    frame = caseload(50, months=np.repeat([3, 30], 25), codes=["X", "Y"])
    frame = frame.sample(frac=1.0, random_state=3)
    rk = score_clients(_model(), frame, interval=None).ranking
    assert sorted(rk["rank"]) == list(range(1, 51))
    assert rk["client_id"].iloc[:25].is_monotonic_increasing  # ties broken by client_id


def test_columns_contract_first_then_extras() -> None:
    frame = caseload(3, months=[2, 20, 50], codes=["X", "Y"])
    s = score_clients(_model(), frame)
    assert tuple(s.ranking.columns[: len(RANKING_COLUMNS)]) == RANKING_COLUMNS
    assert tuple(s.returns.columns[: len(RETURNS_COLUMNS)]) == RETURNS_COLUMNS
    for extra in ("district", "caseworker_id", "monthly_benefit", "p_success", "model_kind"):
        assert extra in s.ranking.columns
    for extra in ("months_saved_lower", "net_return_eur_upper", "p_success", "monthly_benefit"):
        assert extra in s.returns.columns
    assert "gender" not in s.ranking.columns and "gender" not in s.returns.columns
    assert set(s.ranking["model_kind"]) == {"estimated"}
    assert s.model_version == "test-1" and s.as_of is None
    assert len(s.returns) == 3 * 2
    # returns rows follow the ranking's client order, instruments in catalogue order
    order = list(dict.fromkeys(s.returns["client_id"]))
    assert order == list(s.ranking["client_id"])
    assert list(s.returns["instrument"].iloc[:2]) == ["X", "Y"]


def test_only_scorable_instruments_of_the_meter_and_a_warning_for_the_rest() -> None:
    instruments = [X, Y, {"instrument": "HB", "meter": "handhaving", "price": 100.0}]
    effects = {"in:X": 0.0, "after:X": 0.5, "after:HB": 0.3}  # Y never estimated
    model = constant_model(B, instruments, effects)
    s = score_clients(model, caseload(2, codes=["X", "Y", "HB"]))
    assert set(s.returns["instrument"]) == {"X"}
    assert any("Y" in w and "not scored" in w for w in s.warnings)
    assert not any("HB" in w for w in s.warnings)


def test_expert_model_is_labelled_and_has_no_intervals() -> None:
    model = replace(_model(cov_scale=None), kind="expert")  # type: ignore[type-var]
    s = score_clients(model, caseload(2, codes=["X", "Y"]))
    assert set(s.ranking["model_kind"]) == {"expert"} and s.model_kind == "expert"
    assert "months_saved_lower" not in s.returns.columns
    assert any("no intervals" in w for w in s.warnings)
    none = score_clients(_model(), caseload(2, codes=["X", "Y"]), interval=None)
    assert "net_return_eur_lower" not in none.returns.columns and not none.warnings


def test_intervals_contain_the_estimate_and_shrink_with_the_covariance() -> None:
    frame = caseload(20, months=np.arange(0, 100, 5), codes=["X", "Y"])
    wide = score_clients(_model(0.08), frame, n_draws=300, seed=1).returns
    narrow = score_clients(_model(0.02), frame, n_draws=300, seed=1).returns
    for r in (wide, narrow):
        assert (r["months_saved_lower"] <= r["months_saved"]).all()
        assert (r["months_saved"] <= r["months_saved_upper"]).all()
        assert (r["net_return_eur_lower"] <= r["net_return_eur"]).all()
        assert (r["net_return_eur"] <= r["net_return_eur_upper"]).all()
    w = wide["months_saved_upper"] - wide["months_saved_lower"]
    n = narrow["months_saved_upper"] - narrow["months_saved_lower"]
    assert (n < w).all()
    # a quarter of the standard deviation: about a quarter of the width (nearly linear)
    assert np.median(n / w) == pytest.approx(0.25, abs=0.05)
    again = score_clients(_model(0.08), frame, n_draws=300, seed=1).returns
    pd.testing.assert_frame_equal(again, wide)  # seeded


def test_paths_for_the_caseworker_chart() -> None:
    frame = caseload(2, months=[4, 9], codes=["X", "Y"])
    frame.loc[1, ["current_instrument", "in:Y", "remaining_in_months"]] = ["Y", 1, 3]
    s = score_clients(_model(), frame, keep_paths=True, horizon=24)
    assert s.paths is not None
    counts = s.paths.groupby("client_id")["instrument"].unique()
    assert sorted(counts["K0000"]) == ["X", "Y", "geen"]
    assert list(counts["K0001"]) == ["geen"]  # running: no paths with a new instrument
    p = s.paths[(s.paths["client_id"] == "K0000") & (s.paths["instrument"] == "geen")]
    assert list(p["month"]) == list(range(1, 25))
    assert list(p["months_on_benefit"]) == list(range(5, 29))
    rem = 1 + p["survival"].iloc[:23].sum()
    by = s.ranking.set_index("client_id")
    assert by.loc["K0000", "expected_remaining_months"] == pytest.approx(rem)
    assert score_clients(_model(), frame).paths is None


def test_bad_options_and_missing_columns() -> None:
    frame = caseload(1, codes=["X", "Y"])
    with pytest.raises(ValueError, match="interval"):
        score_clients(_model(), frame, interval=1.5)
    with pytest.raises(ValueError, match="horizon"):
        score_clients(_model(), frame, horizon=0)
    from rendement.errors import ModelMismatchError

    with pytest.raises(ModelMismatchError, match="months_on_benefit"):
        score_clients(_model(), frame.drop(columns="months_on_benefit"))


def test_empty_caseload() -> None:
    s = score_clients(_model(), caseload(0, codes=["X", "Y"]))
    assert s.ranking.empty and s.returns.empty
    assert tuple(s.ranking.columns[: len(RANKING_COLUMNS)]) == RANKING_COLUMNS
