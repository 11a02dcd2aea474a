"""Every indicator of the steering report on hand-made folders, against its definition.

The definitions are in the docstrings of :mod:`rendement.dashboard.indicators`,
:mod:`rendement.dashboard.months` and :mod:`rendement.dashboard.cbs`; each
expected number below is worked out by hand from them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from dashboard_builders import folder

from rendement.dashboard.build import capacity_table
from rendement.dashboard.cbs import (
    durable_outflow,
    on_benefit_after_trajectory,
    outflow_within_6_months,
    repeat_inflow,
)
from rendement.dashboard.indicators import (
    caseload_on,
    monthly_indicators,
    trajectories_by_instrument,
)
from rendement.dashboard.months import month_index, paid_months, payments_by_month

AS_OF = pd.Timestamp("2026-07-01")
JAN = 12 * 2026
MONTHS = np.arange(JAN, JAN + 6)  # January .. June 2026


def flow_folder():  # type: ignore[no-untyped-def]
    """Four clients in the first half of 2026 (see the test for the story)."""
    return folder(
        clients=[
            {"client_id": "A", "household_type": "alleenstaand"},
            {"client_id": "B", "household_type": "paar"},
            {"client_id": "C", "household_type": "alleenstaande_ouder", "vrijgesteld": "ja"},
            {"client_id": "D", "household_type": "alleenstaand", "vrijgesteld": "nee"},
        ],
        spells=[
            ("S1", "A", "2026-01-10", "2026-04-20", 1000),
            ("S2", "B", "2025-11-05", None, 2000),
            ("S3", "C", "2026-02-15", "2026-05-15", 500),
            ("S4", "D", "2026-03-01", "2026-05-01", 800),
            ("S5", "D", "2026-08-01", None, 800),  # after the report date: not known yet
        ],
        trajectories=[
            ("T1", "A", "jobhunt", "2026-02-01", "2026-04-01"),
            ("T2", "B", "jobhunt", "2026-05-10", None),
            ("T3", "B", "huisbezoek", "2026-03-03", "2026-03-03"),
        ],
    )


def test_payments_follow_the_contracts_month_arithmetic() -> None:
    data = folder(
        clients=[{"client_id": c} for c in "PQRS"],
        spells=[
            ("P", "P", "2026-01-15", "2026-04-14", 100),  # T = 2 (14 < 15): Jan, Feb
            ("Q", "Q", "2026-03-20", None, 10),  # running, d = 1 on 05-01: Mar, Apr paid
            ("R", "R", "2026-01-10", "2026-01-20", 1),  # ends in month 1: T = 1, Jan
            ("S", "S", "2026-06-01", None, 1000),  # starts after the cut-off: nothing
        ],
    )
    cutoff = pd.Timestamp("2026-05-01")
    first, last = paid_months(data.spells, cutoff)
    assert list(last - first + 1) == [2, 2, 1, 0]
    paid = payments_by_month(data.spells, cutoff, np.arange(JAN, JAN + 7))
    assert list(paid) == [101.0, 100.0, 10.0, 10.0, 0.0, 0.0, 0.0]


def test_monthly_caseload_flows_and_expenditure() -> None:
    table = monthly_indicators(flow_folder(), MONTHS, AS_OF)
    # caseload at month end: A from 01-10; C from 02-15; D from 03-01; A leaves 04-20;
    # C leaves 05-15 and D 05-01; B throughout
    assert list(table["bestand"]) == [2, 3, 4, 3, 1, 1]
    assert list(table["bestand_alleenstaand"]) == [1, 1, 2, 1, 0, 0]
    assert list(table["bestand_paar"]) == [1, 1, 1, 1, 1, 1]
    assert list(table["bestand_alleenstaande_ouder"]) == [0, 1, 1, 1, 0, 0]
    assert list(table["instroom"]) == [1, 1, 1, 0, 0, 0]
    assert list(table["uitstroom"]) == [0, 0, 0, 1, 2, 0]
    # outflow per 100 clients of the caseload at the end of the month before
    assert table["uitstroom_per_100"].iloc[3] == pytest.approx(100 * 1 / 4)
    assert table["uitstroom_per_100"].iloc[4] == pytest.approx(100 * 2 / 3)
    # A left with a trajectory; C is exempt; D left without one
    assert list(table["uitstroom_met_traject"]) == [0, 0, 0, 1, 0, 0]
    assert list(table["uitstroom_vrijgesteld"]) == [0, 0, 0, 0, 1, 0]
    assert list(table["uitstroom_zonder_traject"]) == [0, 0, 0, 0, 1, 0]
    # running trajectory on the month's last day: A in Feb-Mar, B from 05-10
    assert list(table["bestand_met_traject"]) == [0, 1, 1, 0, 1, 1]
    assert list(table["bestand_zonder_traject"]) == [2, 1, 2, 2, 0, 0]
    assert list(table["bestand_vrijgesteld"]) == [0, 1, 1, 1, 0, 0]
    assert list(table["trajecten_gestart"]) == [0, 1, 0, 0, 1, 0]
    assert list(table["huisbezoeken"]) == [0, 0, 1, 0, 0, 0]
    # A: T = 3 (Jan-Mar) x 1000; B: 2000 every month; C: T = 3 (Feb-Apr) x 500; D: T = 2 x 800
    assert list(table["uitgaven"]) == [3000.0, 3500.0, 4300.0, 3300.0, 2000.0, 2000.0]
    by = trajectories_by_instrument(flow_folder(), MONTHS, AS_OF)
    assert by.loc[JAN + 1, "jobhunt"] == 1 and by.loc[JAN + 4, "jobhunt"] == 1
    assert "huisbezoek" not in by.columns


def test_only_what_was_known_on_the_report_date_counts() -> None:
    early = pd.Timestamp("2026-04-10")  # A still on benefit, nothing ended yet
    table = monthly_indicators(flow_folder(), np.arange(JAN, JAN + 4), early)
    assert list(table["bestand"]) == [2, 3, 4, 4]
    assert table["uitstroom"].sum() == 0
    assert month_index(early) == JAN + 3


def cbs_folder():  # type: ignore[no-untyped-def]
    return folder(
        clients=[{"client_id": c} for c in "EFGIJKL"],
        spells=[
            ("E1", "E", "2022-01-01", "2023-03-01", 1000),  # no return: durable
            ("F1", "F", "2022-05-01", "2023-06-01", 1000),
            ("F2", "F", "2024-09-01", "2025-02-01", 1000),  # back after 15 months (< 24)
            ("G1", "G", "2022-02-01", "2023-08-01", 1000),
            ("G2", "G", "2025-09-01", None, 1000),  # back after more than 24 months
            ("I1", "I", "2024-01-01", "2024-11-01", 1000),
            ("I2", "I", "2025-05-01", None, 1000),  # repeat: 6 months after I1 ended
            ("J1", "J", "2025-03-01", None, 1000),
            ("K1", "K", "2024-10-01", "2025-02-01", 1000),
            ("K2", "K", "2025-03-15", "2025-05-01", 1000),  # repeat; K back on 2025-04-01
            ("L1", "L", "2023-01-01", None, 1000),
        ],
        trajectories=[
            ("TI", "I", "jobhunt", "2024-02-01", "2024-05-01"),
            ("TF", "F", "werkdirect", "2024-10-01", "2024-11-01"),
            ("TK", "K", "jobhunt", "2024-11-01", "2025-01-01"),
            ("TL", "L", "jobhunt", "2024-06-01", "2024-09-01"),
            ("TH", "L", "huisbezoek", "2024-07-01", "2024-07-01"),
        ],
    )


CBS_AS_OF = pd.Timestamp("2026-01-01")


def test_durable_outflow_is_24_months_without_benefit() -> None:
    share = durable_outflow(cbs_folder(), CBS_AS_OF)
    # outflow in (2023-01-01, 2024-01-01]: E1, F1, G1; F returned within 24 months
    assert (share.numerator, share.denominator) == (2, 3)
    assert share.end == pd.Timestamp("2024-01-01")


def test_repeat_inflow_is_inflow_within_12_months_of_an_earlier_spell() -> None:
    share = repeat_inflow(cbs_folder(), CBS_AS_OF)
    # inflow in the last 12 months: G2, I2, J1, K2; I2 and K2 follow a spell ended < 12 months ago
    assert (share.numerator, share.denominator) == (2, 4)


def test_outflow_within_6_months_means_off_benefit_6_months_after_inflow() -> None:
    share = outflow_within_6_months(cbs_folder(), CBS_AS_OF)
    # inflow in (2024-07-01, 2025-07-01]: F2, K1, J1, K2, I2. K1 ended, but K is back on
    # benefit on 2025-04-01 (K2); F2 and K2 are off benefit 6 months after their inflow
    assert (share.numerator, share.denominator) == (2, 5)


def test_share_on_benefit_12_months_after_a_trajectory_start() -> None:
    total, per = on_benefit_after_trajectory(cbs_folder(), CBS_AS_OF)
    # trajectories started in (2024-01-01, 2025-01-01]: TI, TF, TK, TL (the home visit is
    # not a trajectory); only L is on benefit 12 months after the start
    assert (total.numerator, total.denominator) == (1, 4)
    per = per.set_index("instrument")
    assert per.loc["jobhunt", "gestart"] == 3 and per.loc["jobhunt", "nog_in_bijstand"] == 1
    assert per.loc["werkdirect", "gestart"] == 1 and per.loc["werkdirect", "nog_in_bijstand"] == 0


def test_caseload_on_a_day_follows_the_contracts_caseload_definition() -> None:
    data = folder(
        clients=[{"client_id": c} for c in "XYZ"],
        spells=[
            ("X", "X", "2026-01-01", "2026-04-30", 1),  # ends on the day: not in the caseload
            ("Y", "Y", "2026-04-30", None, 1),  # starts on the day: in it
            ("Z", "Z", "2026-01-01", "2026-05-01", 1),  # ends after the day: in it
        ],
    )
    assert list(caseload_on(data.spells, pd.Timestamp("2026-04-30"))) == [False, True, True]


def test_trajectories_against_capacity_pro_rata() -> None:
    table = capacity_table(flow_folder(), None, AS_OF).set_index("instrument")
    # Jan-Jun 2026 complete: jobhunt started in February and May; 12 places a year -> 6 so far
    assert table.loc["jobhunt", "gestart"] == 2
    assert table.loc["jobhunt", "doel_naar_rato"] == pytest.approx(6.0)
    assert table.loc["jobhunt", "stoplicht"] == "rood"
    assert table.loc["werkdirect", "doel_naar_rato"] == pytest.approx(3.0)
    assert "huisbezoek" not in table.index  # home visits are not trajectories
    places = pd.DataFrame({"instrument": ["jobhunt", "werkdirect"], "places": [4, 0]})
    own = capacity_table(flow_folder(), places, AS_OF).set_index("instrument")
    assert own.loc["jobhunt", "stoplicht"] == "groen"  # 2 >= 4 x 6 / 12
    january = capacity_table(flow_folder(), None, pd.Timestamp("2027-01-10")).set_index(
        "instrument"
    )
    assert january.loc["jobhunt", "periode"] == "jan 2026 t/m dec 2026"  # the whole last year
    assert january.loc["jobhunt", "gestart"] == 2
    assert january.loc["jobhunt", "doel_naar_rato"] == pytest.approx(12.0)
