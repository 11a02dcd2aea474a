"""Traffic lights, targets, the budget file and the reference comparison (reductiepotentieel)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from dashboard_builders import folder

from rendement.dashboard.inputs import DashboardInputError, read_budget, read_reference
from rendement.dashboard.reference import compare_with_reference
from rendement.dashboard.targets import (
    GREEN,
    GREY,
    ORANGE,
    RED,
    TargetRow,
    monthly_targets,
    read_targets,
    traffic_light,
)


@pytest.mark.parametrize(
    ("value", "target", "direction", "light"),
    [
        (100, 100, "at_most", GREEN),  # on target is green
        (105, 100, "at_most", ORANGE),  # 5% over: the default margin
        (105.1, 100, "at_most", RED),
        (90, 100, "at_most", GREEN),
        (100, 100, "at_least", GREEN),
        (95, 100, "at_least", ORANGE),
        (94.9, 100, "at_least", RED),
        (120, 100, "at_least", GREEN),
        (float("nan"), 100, "at_least", GREY),
        (5, float("nan"), "at_most", GREY),
    ],
)
def test_traffic_light_rule(value: float, target: float, direction: str, light: str) -> None:
    assert traffic_light(value, target, direction) == light


def test_traffic_light_margin_and_negative_targets() -> None:
    assert traffic_light(115, 100, "at_most", margin=0.2) == ORANGE
    assert traffic_light(-10.4, -10, "at_least", margin=0.05) == ORANGE  # margin is of |target|
    with pytest.raises(ValueError, match="direction"):
        traffic_light(1, 1, "sideways")


def _table() -> pd.DataFrame:
    months = np.arange(12 * 2025, 12 * 2025 + 18)  # Jan 2025 .. Jun 2026
    return pd.DataFrame(
        {
            "bestand": np.linspace(500, 585, 18),
            "instroom": np.full(18, 20.0),
            "uitgaven": np.full(18, 100_000.0),
        },
        index=pd.Index(months, name="maand"),
    )


def test_default_target_is_the_same_month_a_year_earlier() -> None:
    out = monthly_targets(_table(), [])
    caseload = out["caseload"]
    assert np.isnan(caseload["doel"].iloc[11])  # no month a year before January 2025
    assert caseload["doel"].iloc[12] == pytest.approx(caseload["waarde"].iloc[0])
    assert (caseload["bron"].iloc[12:] == "vorig jaar").all()
    # caseload grew by 60 over the year (~12%): red
    assert caseload["stoplicht"].iloc[-1] == RED
    assert out["inflow"]["stoplicht"].iloc[-1] == GREEN  # equal to last year


def test_targets_from_file_and_budget() -> None:
    rows = [
        TargetRow("caseload", 2026, None, 561.0, None, None),  # year-end level: a straight path
        TargetRow("inflow", 2026, 6, 19.5, None, 0.01),  # one month, with its own margin
    ]
    out = monthly_targets(_table(), rows, budget={2026: 1_320_000.0})
    caseload = out["caseload"]
    december = caseload["waarde"].iloc[11]
    expected_june = december + (561.0 - december) * 6 / 12
    assert caseload["doel"].iloc[-1] == pytest.approx(expected_june)
    assert caseload["bron"].iloc[-1] == "doelstelling"
    assert out["inflow"]["doel"].iloc[-1] == 19.5
    assert out["inflow"]["stoplicht"].iloc[-1] == RED  # 20 > 19.5 * 1.01
    assert out["inflow"]["bron"].iloc[-2] == "vorig jaar"  # May keeps the default
    assert out["expenditure"]["doel"].iloc[-1] == pytest.approx(110_000.0)
    assert out["expenditure"]["stoplicht"].iloc[-1] == GREEN
    assert out["expenditure"]["bron"].iloc[-1] == "begroting"


def test_targets_file_reports_every_problem(tmp_path: Path) -> None:
    f = tmp_path / "targets.csv"
    f.write_text(
        "indicator,period,target,direction\n"
        "caseload,2026,560,at_most\n"
        "wachttijd,2026,3,at_most\n"
        "inflow,2026-13,20,\n"
        "outflow_rate,2026,abc,upwards\n"
    )
    with pytest.raises(DashboardInputError) as err:
        read_targets(f)
    found = {(v.row, v.column) for v in err.value.violations}
    assert found == {(3, "indicator"), (4, "period"), (5, "target"), (5, "direction")}
    assert "targets.csv, row 3, column 'indicator'" in str(err.value)
    f.write_text("indicator,period,target\ncaseload,2026,560\ninflow,2026-06,19\n")
    rows = read_targets(f)
    assert rows[1] == TargetRow("inflow", 2026, 6, 19.0, None, None)


def test_budget_file(tmp_path: Path) -> None:
    f = tmp_path / "budget.csv"
    f.write_text("year,amount\n2025,9000000\n2026,9250000.50\n")
    assert read_budget(f) == {2025: 9_000_000.0, 2026: 9_250_000.5}
    f.write_text("year,amount\n2026,-5\n2026,7\n")
    with pytest.raises(DashboardInputError) as err:
        read_budget(f)
    assert [(v.row, v.column, v.code) for v in err.value.violations] == [
        (2, "amount", "negative_amount")
    ]
    f.write_text("year,amount\n2026,5\n2026,7\n")
    with pytest.raises(DashboardInputError, match="twice"):
        read_budget(f)
    with pytest.raises(DashboardInputError, match="does not exist"):
        read_budget(tmp_path / "missing.csv")


def test_reference_comparison_and_reductiepotentieel(tmp_path: Path) -> None:
    # own municipality: 4 clients on benefit on the report date (benefit 1000 each),
    # 2 new spells and 1 ended spell in the last 12 months; 200 households
    data = folder(
        clients=[{"client_id": c} for c in "ABCDE"],
        spells=[
            ("A", "A", "2020-01-01", None, 1000),
            ("B", "B", "2021-01-01", None, 1000),
            ("C", "C", "2025-09-01", None, 1000),
            ("D", "D", "2025-10-01", None, 1000),
            ("E", "E", "2022-01-01", "2025-08-01", 1000),
        ],
    )
    f = tmp_path / "reference.csv"
    f.write_text(
        "municipality,role,households,caseload,inflow,outflow\n"
        "Droomstad,eigen,200,,,\n"
        "Daaddorp,referentie,1000,10,5,5\n"  # 1.0 per 100 households; outflow 50 per 100
        "Verwegen,referentie,1000,30,5,3\n"  # 3.0 per 100; outflow 10 per 100
    )
    table = compare_with_reference(data, pd.Timestamp("2026-01-01"), read_reference(f))
    own = table[table["gemeente"] == "eigen gemeente"].iloc[0]
    avg = table[table["gemeente"] == "gemiddelde referentiegemeenten"].iloc[0]
    assert own["bestand_per_100"] == pytest.approx(2.0)  # 4 x 100 / 200
    assert avg["bestand_per_100"] == pytest.approx(2.0)  # mean of 1.0 and 3.0
    assert own["instroom_per_100"] == pytest.approx(1.0)  # 2 x 100 / 200
    assert own["uitstroom_per_100"] == pytest.approx(25.0)  # 1 x 100 / 4
    assert avg["uitstroom_per_100"] == pytest.approx(30.0)
    # caseload at the average: nothing to gain; inflow: (1.0 - 0.5)/100 x 200 = 1 client;
    # outflow: (30 - 25)/100 x 4 = 0.2 leavers a year; euros: x 1000 x 12
    assert own["reductiepotentieel_bestand_klanten"] == pytest.approx(0.0)
    assert own["reductiepotentieel_instroom_klanten"] == pytest.approx(1.0)
    assert own["reductiepotentieel_uitstroom_klanten"] == pytest.approx(0.2)
    assert own["reductiepotentieel_instroom_eur_per_jaar"] == pytest.approx(12_000.0)


def test_reference_file_needs_the_own_households_and_reference_figures(tmp_path: Path) -> None:
    f = tmp_path / "reference.csv"
    f.write_text(
        "municipality,role,households,caseload,inflow,outflow\nDaaddorp,referentie,1000,,5,5\n"
    )
    with pytest.raises(DashboardInputError) as err:
        read_reference(f)
    codes = {(v.row, v.column) for v in err.value.violations}
    assert codes == {(2, "caseload"), (None, "role")}


def test_capacity_file_for_the_report(tmp_path: Path) -> None:
    from rendement.dashboard.build import read_capacity_file
    from rendement.errors import CapacityFileError

    data = folder(clients=[{"client_id": "A"}], spells=[("A", "A", "2026-01-01", None, 1)])
    f = tmp_path / "capacity.csv"
    f.write_text("instrument,places\njobhunt,10\nwerkdirect,4\n")
    table = read_capacity_file(f, data).set_index("instrument")["places"]
    assert table.to_dict() == {"jobhunt": 10, "werkdirect": 4}
    f.write_text("instrument,places\njobhunt,-1\nhuisbezoek,3\n")  # home visits have no places
    with pytest.raises(CapacityFileError) as err:
        read_capacity_file(f, data)
    assert {(v.row, v.column) for v in err.value.violations} == {(2, "places"), (3, "instrument")}
