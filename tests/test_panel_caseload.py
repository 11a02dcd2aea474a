"""The caseload at an as-of date and each client's instrument state in month d + 1.

All cases at as-of 1 Mar 2021; expected values worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from test_panel_tables import make_folder

from rendement.panel import caseload_state

AS_OF = dt.date(2021, 3, 1)

SPELLS = [
    ("S01", "K01", "2020-01-01", None),  # d = 14
    ("S02", "K02", "2020-05-10", None),  # d = 10 - 1 (1 < 10) = 9
    ("S03", "K03", "2021-01-05", None),  # d = 2 - 1 = 1
    ("S04", "K04", "2020-01-01", "2021-02-01"),  # ended before as-of: not in the caseload
    ("S05", "K05", "2020-11-01", "2021-05-01"),  # ends after as-of: on benefit, d = 4
    ("S06", "K06", "2021-03-02", None),  # starts after as-of: not in the caseload
    ("S07a", "K07", "2018-01-01", "2019-06-30"),  # earlier spell of K07
    ("S07", "K07", "2020-01-01", None),  # d = 14
    ("S08", "K08", "2020-01-01", None),  # d = 14
    ("S09", "K09", "2020-01-01", None),  # d = 14
    ("S10", "K10", "2020-01-01", None),  # d = 14
    ("S11", "K11", "2021-02-15", None),  # d = 1 - 1 = 0
    ("S12", "K12", "2020-01-01", None),  # d = 14
    ("S13", "K13", "2020-01-01", None),  # d = 14
]
TRAJECTORIES = [
    # K01: s = 13, no end date -> planned last month 13 - 1 + 6 = 18; in at 15, 18 - 14 = 4 left
    ("T01", "K01", "TRA", "2021-01-15", None),
    # K02: ended long before as-of -> after
    ("T02", "K02", "TAAL", "2020-06-01", "2020-09-30"),
    # K05: starts after as-of -> ignored
    ("T05", "K05", "TRA", "2021-04-01", None),
    # K07: in the earlier spell -> does not carry over
    ("T07a", "K07", "TAAL", "2018-03-01", "2018-09-01"),
    # K07: home visit in month 3 -> after; TRA s = 14, end 31 Jul 2021 -> planned 18, 4 left
    ("T07b", "K07", "HB", "2020-03-03", "2020-03-03"),
    ("T07c", "K07", "TRA", "2021-02-01", "2021-07-31"),
    # K08: TAAL s = 10, planned 9 + 12 = 21; TRA starts on as-of: s = 15 = d + 1, planned 20.
    # Both run in month 15; the latest started (TRA) is current, 20 - 14 = 6 left.
    ("T08a", "K08", "TAAL", "2020-10-01", None),
    ("T08b", "K08", "TRA", "2021-03-01", None),
    # K09: no end date, planned last month 2 - 1 + 6 = 7 < 15, but an empty end date means
    # "still running" (contract): in for month 15, one month left
    ("T09", "K09", "TRA", "2020-02-01", None),
    # K10: ends 20 Mar 2021 (after as-of): last month months_between(S, B) = 14 < 15 -> after
    ("T10", "K10", "TRA", "2021-01-01", "2021-03-20"),
    # K11: s = 1, planned 6; month d + 1 = 1 -> in, 6 left
    ("T11", "K11", "TRA", "2021-02-20", None),
    # K12: s = 10, no end date -> planned 9 + 6 = 15 = d + 1: its last month, 1 left
    ("T12", "K12", "TRA", "2020-10-05", None),
    # K13: ends on the as-of date itself -> ended, last month 14 -> after in month 15
    ("T13", "K13", "TAAL", "2021-01-10", "2021-03-01"),
]

COLUMNS = [
    "client_id",
    "months_on_benefit",
    "current_instrument",
    "remaining_in_months",
    "in:TRA",
    "after:TRA",
    "in:HB",
    "after:HB",
    "in:TAAL",
    "after:TAAL",
]


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple[object, ...]]:
    return [
        tuple(v if isinstance(v, str) else int(v) for v in row)
        for row in frame[columns].itertuples(index=False)
    ]


def test_caseload_state_for_clients_in_after_and_without_instruments() -> None:
    state = caseload_state(make_folder(SPELLS, TRAJECTORIES), AS_OF)
    assert _rows(state, COLUMNS) == [
        ("K01", 14, "TRA", 4, 1, 0, 0, 0, 0, 0),
        ("K02", 9, "", 0, 0, 0, 0, 0, 0, 1),
        ("K03", 1, "", 0, 0, 0, 0, 0, 0, 0),
        ("K05", 4, "", 0, 0, 0, 0, 0, 0, 0),
        ("K07", 14, "TRA", 4, 1, 0, 0, 1, 0, 0),
        ("K08", 14, "TRA", 6, 1, 0, 0, 0, 1, 0),
        ("K09", 14, "TRA", 1, 1, 0, 0, 0, 0, 0),
        ("K10", 14, "", 0, 0, 1, 0, 0, 0, 0),
        ("K11", 0, "TRA", 6, 1, 0, 0, 0, 0, 0),
        ("K12", 14, "TRA", 1, 1, 0, 0, 0, 0, 0),
        ("K13", 14, "", 0, 0, 0, 0, 0, 0, 1),
    ]
    assert state["spell_id"].tolist() == [
        "S01", "S02", "S03", "S05", "S07", "S08", "S09", "S10", "S11", "S12", "S13"
    ]  # fmt: skip
    assert state["inflow_date"].iloc[1] == pd.Timestamp("2020-05-10")
    # monthly_benefit is 1369 + the spell's row number in the test folder
    assert state["monthly_benefit"].tolist()[:4] == [1369.0, 1370.0, 1371.0, 1373.0]


def test_caseload_columns_and_client_characteristics() -> None:
    data = make_folder(SPELLS, TRAJECTORIES, extra_client_column=True)
    state = caseload_state(data, AS_OF)
    head = ["client_id", "spell_id", "inflow_date", "months_on_benefit", "monthly_benefit"]
    client_cols = [c for c in data.clients.columns if c != "client_id"]
    states = [f"{kind}:{code}" for code in ("TRA", "HB", "TAAL") for kind in ("in", "after")]
    expected = head + client_cols + ["current_instrument", "remaining_in_months"] + states
    assert list(state.columns) == expected
    assert list(state.index) == list(range(len(state)))
    by_id = data.clients.set_index("client_id")
    for col in ("birth_date", "education", "caseworker_id", "wijkteam"):
        assert state[col].tolist() == by_id.loc[state["client_id"], col].tolist()
    for col in ("in:TRA", "after:HB"):
        assert state[col].dtype == "int8"


def test_instruments_argument_limits_the_instruments_considered() -> None:
    state = caseload_state(make_folder(SPELLS, TRAJECTORIES), AS_OF, instruments=["TAAL"])
    assert [c for c in state.columns if ":" in c] == ["in:TAAL", "after:TAAL"]
    rows = dict(
        zip(
            state["client_id"],
            _rows(state, ["current_instrument", "remaining_in_months"]),
            strict=True,
        )
    )
    assert rows["K08"] == ("TAAL", 21 - 14)  # TRA not considered: the language course is current
    assert rows["K01"] == ("", 0)
    assert rows["K02"] == ("", 0)


def test_only_data_up_to_as_of_is_used() -> None:
    # A year earlier (1 Mar 2020): K01, K04, K07-K10, K12 and K13 have d = 2 (K04's end in 2021 is
    # not known yet). K07's home visit (3 Mar 2020) lies in the future, so K07 is not "after";
    # K09's TRA (s = 2, no end date, planned 7) is the only instrument running: 7 - 2 = 5 left.
    state = caseload_state(make_folder(SPELLS, TRAJECTORIES), dt.date(2020, 3, 1))
    assert _rows(state, COLUMNS) == [
        ("K01", 2, "", 0, 0, 0, 0, 0, 0, 0),
        ("K04", 2, "", 0, 0, 0, 0, 0, 0, 0),
        ("K07", 2, "", 0, 0, 0, 0, 0, 0, 0),
        ("K08", 2, "", 0, 0, 0, 0, 0, 0, 0),
        ("K09", 2, "TRA", 5, 1, 0, 0, 0, 0, 0),
        ("K10", 2, "", 0, 0, 0, 0, 0, 0, 0),
        ("K12", 2, "", 0, 0, 0, 0, 0, 0, 0),
        ("K13", 2, "", 0, 0, 0, 0, 0, 0, 0),
    ]


def test_empty_caseload_has_the_columns() -> None:
    state = caseload_state(make_folder(SPELLS, TRAJECTORIES), dt.date(2010, 1, 1))
    assert len(state) == 0
    assert "current_instrument" in state.columns and "after:TAAL" in state.columns
