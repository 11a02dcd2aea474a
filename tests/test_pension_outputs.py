"""Lists and plan stop at the pension date (AOW): a client a few months before it gets the
expected months, outflow chances, months saved and net return of a benefit that ends there.

The check is independent of :mod:`rendement.pension.cap`: a client 10 months before the pension
date must score exactly as a twin far from it scored with a horizon of 10 months."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from scoring_builders import JOBHUNT, caseload, catalogue, cloglog, constant_model

from rendement.lists import build_lists, write_lists
from rendement.plan import make_plan
from rendement.scoring.caseload import score_clients

# inflow 1 Jan 2024, 24 months on benefit: scored from 1 Jan 2026. Born 1 Nov 1959: the AOW
# age is 67 (reached in 2026), so the pension date is 1 Nov 2026, 10 months after scoring.
OLD = pd.Timestamp("1959-11-01")  # 66 years and 2 months
YOUNG = pd.Timestamp("1985-05-05")
A = 10  # whole months before the pension date
CHEAP = {**JOBHUNT, "price": 300.0, "waiting_months": 0, "duration_months": 1}


def _model():
    return constant_model(-2.5, [CHEAP], {"in:jobhunt": -0.3, "after:jobhunt": 1.2})


def _score():
    frame = caseload(2, months=24, birth_date=[OLD, YOUNG], ids=["OUD", "JONG"])
    return score_clients(_model(), frame, interval=None)


def _young_with_horizon(horizon: int) -> pd.Series:
    frame = caseload(1, months=24, birth_date=[YOUNG], ids=["JONG"])
    score = score_clients(_model(), frame, interval=None, horizon=horizon)
    return pd.concat([score.ranking.iloc[0], score.returns.set_index("instrument").loc["jobhunt"]])


def test_the_scores_stop_at_the_pension_date() -> None:
    score = _score()
    old = score.ranking.set_index("client_id").loc["OUD"]
    twin = _young_with_horizon(A)
    assert old["expected_remaining_months"] <= A
    assert old["expected_remaining_months"] == pytest.approx(twin["expected_remaining_months"])
    saved = score.returns.set_index(["client_id", "instrument"]).loc[("OUD", "jobhunt")]
    assert saved["months_saved"] == pytest.approx(twin["months_saved"])
    young = score.returns.set_index(["client_id", "instrument"]).loc[("JONG", "jobhunt")]
    assert saved["months_saved"] < young["months_saved"]


def test_the_lists_stop_at_the_pension_date(tmp_path: Path) -> None:
    score = _score()
    write_lists(build_lists(score), tmp_path)
    total = pd.read_csv(tmp_path / "lijst_totaal.csv", dtype={"klant": str}).set_index("klant")
    old = total.loc["OUD"]
    twin = _young_with_horizon(A)
    assert old["verwachte maanden nog in uitkering"] <= A
    assert old["verwachte maanden nog in uitkering"] == pytest.approx(
        twin["expected_remaining_months"], abs=0.005
    )
    # nobody leaves bijstand for work after the pension date: the 18-month chance is the 10-month one
    h = cloglog(-2.5)  # constant monthly hazard, no instrument
    assert old["kans uitstroom binnen 18 maanden"] == pytest.approx(1 - (1 - h) ** A, abs=1e-6)
    assert (
        old["kans uitstroom binnen 18 maanden"]
        < total.loc["JONG", "kans uitstroom binnen 18 maanden"]
    )


def test_the_plan_values_no_benefit_month_past_the_pension_date() -> None:
    score = _score()
    cat = catalogue([CHEAP])
    plan = make_plan(score, pd.DataFrame({"instrument": ["jobhunt"], "places": [2]}), cat)
    rows = plan.assignments.set_index("client_id")
    twin = _young_with_horizon(A)
    ret = score.returns.set_index(["client_id", "instrument"])
    assert rows.loc["OUD", "instrument"] == "jobhunt"  # still worth a place, for less
    assert rows.loc["OUD", "months_saved"] == pytest.approx(twin["months_saved"], abs=0.01)
    assert rows.loc["OUD", "months_saved"] < rows.loc["JONG", "months_saved"]
    assert rows.loc["OUD", "net_return_eur"] == pytest.approx(twin["net_return_eur"], abs=0.01)
    assert rows.loc["OUD", "net_return_eur"] == pytest.approx(
        ret.loc[("OUD", "jobhunt"), "net_return_eur"], abs=0.01
    )
