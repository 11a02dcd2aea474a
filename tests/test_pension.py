"""The state pension age (AOW): the statutory table and scores that stop at the pension date."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scoring_builders import JOBHUNT, caseload, cloglog, constant_model, remaining_by_hand

from rendement.pension import months_to_pension, pension_age_table, pension_dates
from rendement.scoring.caseload import score_clients


@pytest.mark.parametrize(
    ("born", "pension"),
    [
        ("1947-11-30", "2012-11-30"),  # 65 before 2013
        ("1947-12-01", "2013-01-01"),  # 65y1m in 2013
        ("1956-12-31", "2023-10-31"),  # 66y10m in 2023
        ("1957-01-01", "2024-01-01"),  # 67 (both 66y10m in 2023 and 67 in 2024 fit: the later)
        ("1960-09-30", "2027-09-30"),  # 67 in 2027
        ("1960-10-01", "2028-01-01"),  # 67y3m from 2028
        ("1964-06-15", "2031-09-15"),  # 67y3m (announced for 2031)
        ("1990-05-31", "2057-08-31"),  # after the table: its last age (a lower bound)
    ],
)
def test_pension_dates_follow_the_statutory_table(born: str, pension: str) -> None:
    assert pension_dates(pd.Series([pd.Timestamp(born)]))[0] == pd.Timestamp(pension)


def test_the_table_is_data_with_its_source() -> None:
    table = pension_age_table()
    assert table.age_in(2025) == (67, 0) and table.age_in(2028) == (67, 3)
    assert "Algemene Ouderdomswet" in table.source
    assert list(table.years) == sorted(table.years)


def test_months_to_pension_counts_whole_months_from_month_d_plus_1() -> None:
    # on benefit since 1 Jan 2024, 24 months at 1 Jan 2026; born 1 Mar 1959 -> AOW 1 Mar 2026
    left = months_to_pension(
        pd.Series([pd.Timestamp("1959-03-01"), pd.NaT]),
        pd.Series([pd.Timestamp("2024-01-01")] * 2),
        np.array([24, 24]),
    )
    assert left[0] == 2 and left[1] > 10_000  # no birth date: no cap


def _model():
    return constant_model(-2.5, [JOBHUNT], {"in:jobhunt": -0.3, "after:jobhunt": 0.6})


def test_a_client_of_66_years_and_10_months_has_at_most_2_months_left() -> None:
    # inflow 1 Jan 2024, 24 months on benefit: scored from 1 Jan 2026; born 1 Mar 1959
    # -> 66 years and 10 months, AOW (67) on 1 Mar 2026.
    frame = caseload(
        2, months=24, birth_date=[pd.Timestamp("1959-03-01"), pd.Timestamp("1985-05-05")]
    )
    score = score_clients(_model(), frame, interval=None)
    r = score.ranking.set_index("client_id")
    h = cloglog(-2.5)
    old, young = r.loc["K0000"], r.loc["K0001"]
    assert old["expected_remaining_months"] <= 2.0
    assert old["expected_remaining_months"] == pytest.approx(remaining_by_hand([h] * 60, 2))
    assert young["expected_remaining_months"] == pytest.approx(remaining_by_hand([h] * 60, 60))
    # outflow chances stop at the pension date: leaving in 2 months at most, not in 6 or 18
    p2 = 1.0 - (1.0 - h) ** 2
    assert old["p_outflow_6m"] == pytest.approx(p2) and old["p_outflow_18m"] == pytest.approx(p2)
    assert young["p_outflow_6m"] == pytest.approx(1.0 - (1.0 - h) ** 6)
    # no instrument pays for a client who leaves by the pension in 2 months (wait 1, lock-in 3)
    ret = score.returns.set_index("client_id")
    assert abs(ret.loc["K0000", "months_saved"]) <= 2.0
    assert old["best_instrument"] == "geen"


def test_a_client_past_the_pension_age_leaves_at_the_end_of_the_coming_month() -> None:
    """On the caseload means on benefit now (the contract's T > d): month d + 1 counts, and
    no more; the scoring warns that the spell should have ended."""
    frame = caseload(1, months=24, birth_date=[pd.Timestamp("1950-01-01")])
    score = score_clients(_model(), frame, interval=None)
    r = score.ranking.iloc[0]
    h = cloglog(-2.5)
    assert r["expected_remaining_months"] == pytest.approx(remaining_by_hand([h] * 60, 1))
    assert 0.0 < r["expected_remaining_months"] <= 1.0
    assert r["p_outflow_6m"] == pytest.approx(h)
    assert any("passed the pension age" in w for w in score.warnings)


def test_a_client_whose_pension_date_falls_in_the_coming_month_keeps_that_month() -> None:
    # inflow 1 Jan 2024, 24 months: scored from 1 Jan 2026; born 15 Jan 1959 -> AOW
    # (67) on 15 Jan 2026, inside month d + 1: paid up to that date, so one month counts
    frame = caseload(1, months=24, birth_date=[pd.Timestamp("1959-01-15")])
    score = score_clients(_model(), frame, interval=None)
    r = score.ranking.iloc[0]
    assert r["expected_remaining_months"] == pytest.approx(
        remaining_by_hand([cloglog(-2.5)] * 60, 1)
    )
    assert not any("passed the pension age" in w for w in score.warnings)


def test_the_cap_holds_under_discounting_and_in_the_intervals() -> None:
    model = constant_model(
        -2.5, [JOBHUNT], {"in:jobhunt": -0.3, "after:jobhunt": 0.6}, cov_scale=0.05
    )
    frame = caseload(1, months=24, birth_date=[pd.Timestamp("1959-03-01")])
    score = score_clients(model, frame, discount_rate=0.03, interval=0.9, n_draws=20)
    r = score.ranking.iloc[0]
    assert r["expected_remaining_months_upper"] <= 2.0 + 1e-9
