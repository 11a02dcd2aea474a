"""The person-month panel on hand-built cases; every expected record is written out by hand.

Month arithmetic (data contract): months_between(S, D) = 12*(years) + (months), minus one
when D.day < S.day. Ended spell: T = max(1, months_between(S, E)), outflow in month T.
Running spell at the cut-off C: d = months_between(S, C) months, no outflow.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_panel_tables import make_folder

from rendement.errors import AsOfDateError
from rendement.model.spec import ModelSpec, client_design
from rendement.panel import PersonMonthPanel, build_panel, instrument_episodes

BASIC = ["month", "calendar_month", "outflow"]


def records(panel: PersonMonthPanel, spell_id: str, columns: list[str]) -> list[tuple[Any, ...]]:
    """The panel rows of one spell as plain tuples (calendar month as 'YYYY-MM-DD')."""
    idx = panel.spells.index[panel.spells["spell_id"] == spell_id]
    assert len(idx) == 1, f"spell {spell_id} not (once) in panel.spells"
    rows = panel.months.loc[panel.months["spell_idx"] == idx[0], columns]
    out = []
    for row in rows.itertuples(index=False):
        values = []
        for col, value in zip(columns, row, strict=True):
            if col == "calendar_month":
                values.append(pd.Timestamp(value).strftime("%Y-%m-%d"))
            elif col == "current_instrument":
                values.append(str(value))
            else:
                values.append(int(value))
        out.append(tuple(values))
    return out


def test_spell_ending_in_its_first_month_has_one_record_with_outflow() -> None:
    # S = 10 Jan, E = 25 Jan: months_between = 0, so T = max(1, 0) = 1.
    data = make_folder([("S1", "K1", "2020-01-10", "2020-01-25")])
    panel = build_panel(data, until=dt.date(2021, 1, 1))
    assert records(panel, "S1", BASIC) == [(1, "2020-01-01", 1)]
    spell = panel.spells.iloc[0]
    assert (spell["duration"], spell["censored"]) == (1, False)


def test_running_spell_contributes_its_elapsed_months_without_outflow() -> None:
    # S = 15 Mar, C = 14 Jul: 4 months minus one (14 < 15) = 3.
    data = make_folder([("S1", "K1", "2020-03-15", None)])
    panel = build_panel(data, until=dt.date(2020, 7, 14))
    assert records(panel, "S1", BASIC) == [
        (1, "2020-03-01", 0),
        (2, "2020-04-01", 0),
        (3, "2020-05-01", 0),
    ]
    spell = panel.spells.iloc[0]
    assert (spell["duration"], spell["censored"]) == (3, True)


def test_running_spell_with_zero_elapsed_months_contributes_nothing() -> None:
    # S = 20 Jun, C = 10 Jul: 1 month minus one = 0 -> no person-month, but the spell is listed.
    data = make_folder([("S1", "K1", "2020-06-20", None), ("S2", "K2", "2020-05-10", "2020-06-12")])
    panel = build_panel(data, until=dt.date(2020, 7, 10))
    assert records(panel, "S1", BASIC) == []
    assert records(panel, "S2", BASIC) == [(1, "2020-05-01", 1)]
    assert panel.spells["duration"].tolist() == [0, 1]
    assert panel.spells["censored"].tolist() == [True, False]
    assert panel.n_person_months == 1
    assert panel.client_codes.tolist() == [0]


def test_several_spells_per_client_and_states_never_carry_over() -> None:
    # Spell 1: 1 Jan 2019 - 15 Jun 2019 -> T = 5. TRA 1 Feb - 1 Apr: s = 2, e = 3.
    # Spell 2: 1 Sep 2019, running at 1 Jan 2020 -> d = 4; no trajectory of its own.
    data = make_folder(
        [("S1", "K1", "2019-01-01", "2019-06-15"), ("S2", "K1", "2019-09-01", None)],
        [("T1", "K1", "TRA", "2019-02-01", "2019-04-01")],
    )
    panel = build_panel(data, until=dt.date(2020, 1, 1))
    cols = [*BASIC, "in:TRA", "after:TRA", "current_instrument", "months_in_instrument"]
    assert records(panel, "S1", cols) == [
        (1, "2019-01-01", 0, 0, 0, "", 0),
        (2, "2019-02-01", 0, 1, 0, "TRA", 1),
        (3, "2019-03-01", 0, 1, 0, "TRA", 2),
        (4, "2019-04-01", 0, 0, 1, "", 0),
        (5, "2019-05-01", 1, 0, 1, "", 0),
    ]
    assert records(panel, "S2", cols) == [
        (1, "2019-09-01", 0, 0, 0, "", 0),
        (2, "2019-10-01", 0, 0, 0, "", 0),
        (3, "2019-11-01", 0, 0, 0, "", 0),
        (4, "2019-12-01", 0, 0, 0, "", 0),
    ]
    assert panel.client_codes.tolist() == [0] * 9


def test_trajectory_running_at_the_cutoff() -> None:
    # S = 1 Jan 2020, C = 15 Dec 2020 -> d = 11. TRA from 5 Aug without end: s = 8, in up to d;
    # planned last month from the catalogue: s - 1 + 6 = 13.
    data = make_folder(
        [("S1", "K1", "2020-01-01", None)], [("T1", "K1", "TRA", "2020-08-05", None)]
    )
    episodes = instrument_episodes(data, until=dt.date(2020, 12, 15))
    assert episodes.to_dict("records") == [
        {
            "trajectory_id": "T1",
            "client_id": "K1",
            "spell_id": "S1",
            "spell_idx": 0,
            "instrument": "TRA",
            "first_month": 8,
            "last_month": 11,
            "planned_last_month": 13,
            "running_at_cutoff": True,
        }
    ]
    panel = build_panel(data, until=dt.date(2020, 12, 15))
    cols = ["month", "in:TRA", "after:TRA", "current_instrument", "months_in_instrument"]
    assert records(panel, "S1", cols)[6:] == [
        (7, 0, 0, "", 0),
        (8, 1, 0, "TRA", 1),
        (9, 1, 0, "TRA", 2),
        (10, 1, 0, "TRA", 3),
        (11, 1, 0, "TRA", 4),
    ]
    assert panel.months["in:TRA"].sum() == 4


def test_trajectory_ending_after_the_spell_ends_is_cut_at_the_spell_end() -> None:
    # S = 1 Jan, E = 20 May -> T = 4. TAAL 10 Feb - 31 Dec: s = 2, e = 11 cut to 4.
    data = make_folder(
        [("S1", "K1", "2020-01-01", "2020-05-20")],
        [("T1", "K1", "TAAL", "2020-02-10", "2020-12-31")],
    )
    episodes = instrument_episodes(data, until=dt.date(2021, 6, 1))
    row = episodes.iloc[0]
    assert (row["first_month"], row["last_month"], row["planned_last_month"]) == (2, 4, 11)
    assert not row["running_at_cutoff"]
    panel = build_panel(data, until=dt.date(2021, 6, 1))
    assert records(panel, "S1", ["month", "outflow", "in:TAAL", "after:TAAL"]) == [
        (1, 0, 0, 0),
        (2, 0, 1, 0),
        (3, 0, 1, 0),
        (4, 1, 1, 0),
    ]


def test_one_off_action_gives_after_from_its_month_on() -> None:
    # S = 1 Jan, C = 1 Jul -> d = 6. Home visit on 10 Mar (start = end): s = 3, e = 2.
    data = make_folder(
        [("S1", "K1", "2020-01-01", None)], [("T1", "K1", "HB", "2020-03-10", "2020-03-10")]
    )
    episodes = instrument_episodes(data, until=dt.date(2020, 7, 1))
    assert episodes[["first_month", "last_month", "planned_last_month"]].values.tolist() == [
        [3, 2, 2]
    ]
    panel = build_panel(data, until=dt.date(2020, 7, 1))
    cols = ["month", "in:HB", "after:HB", "current_instrument", "months_in_instrument"]
    assert records(panel, "S1", cols) == [
        (1, 0, 0, "", 0),
        (2, 0, 0, "", 0),
        (3, 0, 1, "", 0),
        (4, 0, 1, "", 0),
        (5, 0, 1, "", 0),
        (6, 0, 1, "", 0),
    ]


def test_two_instruments_in_one_spell_combine() -> None:
    # S = 1 Jan 2021, E = 1 Dec 2021 -> T = 11.
    # TRA 1 Feb - 31 May: s = 2, e = 4.  TAAL 1 Apr - 31 Jul: s = 4, e = 6.
    # TRA again 1 Sep - 15 Oct: s = 9, e = 9 (in and after TRA at once in month 9).
    data = make_folder(
        [("S1", "K1", "2021-01-01", "2021-12-01")],
        [
            ("T1", "K1", "TRA", "2021-02-01", "2021-05-31"),
            ("T2", "K1", "TAAL", "2021-04-01", "2021-07-31"),
            ("T3", "K1", "TRA", "2021-09-01", "2021-10-15"),
        ],
    )
    panel = build_panel(data, until=dt.date(2022, 1, 1))
    cols = [
        "month",
        "outflow",
        "in:TRA",
        "after:TRA",
        "in:TAAL",
        "after:TAAL",
        "in:HB",
        "after:HB",
        "current_instrument",
        "months_in_instrument",
    ]
    assert records(panel, "S1", cols) == [
        (1, 0, 0, 0, 0, 0, 0, 0, "", 0),
        (2, 0, 1, 0, 0, 0, 0, 0, "TRA", 1),
        (3, 0, 1, 0, 0, 0, 0, 0, "TRA", 2),
        (4, 0, 1, 0, 1, 0, 0, 0, "TAAL", 1),
        (5, 0, 0, 1, 1, 0, 0, 0, "TAAL", 2),
        (6, 0, 0, 1, 1, 0, 0, 0, "TAAL", 3),
        (7, 0, 0, 1, 0, 1, 0, 0, "", 0),
        (8, 0, 0, 1, 0, 1, 0, 0, "", 0),
        (9, 0, 1, 1, 0, 1, 0, 0, "TRA", 1),
        (10, 0, 0, 1, 0, 1, 0, 0, "", 0),
        (11, 1, 0, 1, 0, 1, 0, 0, "", 0),
    ]


def test_current_instrument_falls_back_to_the_earlier_one_still_running() -> None:
    # S = 1 Jan, running at 1 Sep -> d = 8. TAAL 1 Feb - 1 Aug (s = 2, e = 7) encloses
    # TRA 1 Apr - 1 Jun (s = 4, e = 5): after TRA ends the client is back in TAAL.
    data = make_folder(
        [("S1", "K1", "2020-01-01", None)],
        [
            ("T1", "K1", "TAAL", "2020-02-01", "2020-08-01"),
            ("T2", "K1", "TRA", "2020-04-01", "2020-06-01"),
        ],
    )
    panel = build_panel(data, until=dt.date(2020, 9, 1))
    assert records(panel, "S1", ["month", "current_instrument", "months_in_instrument"]) == [
        (1, "", 0),
        (2, "TAAL", 1),
        (3, "TAAL", 2),
        (4, "TRA", 1),
        (5, "TRA", 2),
        (6, "TAAL", 5),
        (7, "TAAL", 6),
        (8, "", 0),
    ]


def test_until_cuts_spells_and_trajectories() -> None:
    until = dt.date(2020, 6, 15)
    data = make_folder(
        [
            ("U1", "K1", "2020-01-01", "2020-12-31"),  # ends after until -> censored, d = 5
            ("U2", "K2", "2020-07-01", None),  # starts after until -> left out
            ("U3", "K2", "2020-02-01", "2020-06-15"),  # ends on until -> ended, T = 4
        ],
        [
            ("UT1", "K1", "TRA", "2020-03-01", "2020-08-31"),  # ends after until -> running
            ("UT2", "K1", "TAAL", "2020-07-01", None),  # starts after until -> ignored
            ("UT3", "K1", "HB", "2020-06-15", "2020-06-15"),  # on until, in month d + 1 = 6
            ("UT4", "K2", "HB", "2020-07-02", "2020-07-02"),  # in the spell after until
        ],
    )
    episodes = instrument_episodes(data, until=until)
    assert episodes.to_dict("records") == [
        {
            "trajectory_id": "UT1",
            "client_id": "K1",
            "spell_id": "U1",
            "spell_idx": 0,
            "instrument": "TRA",
            "first_month": 3,
            "last_month": 5,
            "planned_last_month": 7,
            "running_at_cutoff": True,
        },
        {
            "trajectory_id": "UT3",
            "client_id": "K1",
            "spell_id": "U1",
            "spell_idx": 0,
            "instrument": "HB",
            "first_month": 6,
            "last_month": 5,
            "planned_last_month": 5,
            "running_at_cutoff": False,
        },
    ]
    panel = build_panel(data, until=until)
    assert panel.until == pd.Timestamp("2020-06-15")
    assert panel.spells["spell_id"].tolist() == ["U1", "U3"]
    u1 = panel.spells.iloc[0]
    assert u1["censored"] and u1["duration"] == 5
    assert pd.isna(u1["end_date"]) and u1["end_reason"] is None
    u3 = panel.spells.iloc[1]
    assert (u3["censored"], u3["duration"], u3["end_reason"]) == (False, 4, "werk")
    assert u3["end_date"] == pd.Timestamp("2020-06-15")
    cols = ["month", "outflow", "in:TRA", "after:TRA", "in:TAAL", "after:HB"]
    assert records(panel, "U1", cols) == [
        (1, 0, 0, 0, 0, 0),
        (2, 0, 0, 0, 0, 0),
        (3, 0, 1, 0, 0, 0),
        (4, 0, 1, 0, 0, 0),
        (5, 0, 1, 0, 0, 0),
    ]
    assert records(panel, "U3", cols) == [
        (1, 0, 0, 0, 0, 0),
        (2, 0, 0, 0, 0, 0),
        (3, 0, 0, 0, 0, 0),
        (4, 1, 0, 0, 0, 0),
    ]
    # The same data at a later cut-off: U1 ended (T = 11), TRA ended at e = 7, U2 is in.
    later = build_panel(data, until=dt.date(2021, 1, 1))
    assert later.spells["spell_id"].tolist() == ["U1", "U2", "U3"]
    assert records(later, "U1", ["month", "outflow", "in:TRA", "after:TRA"])[-6:] == [
        (6, 0, 1, 0),
        (7, 0, 1, 0),
        (8, 0, 0, 1),
        (9, 0, 0, 1),
        (10, 0, 0, 1),
        (11, 1, 0, 1),
    ]


def test_month_arithmetic_at_day_of_month_edges() -> None:
    data = make_folder(
        [
            ("E1", "K1", "2020-01-31", "2020-03-30"),  # 2 months - 1 (30 < 31) = 1 -> T = 1
            ("E2", "K2", "2020-01-31", "2020-03-31"),  # 2 months -> T = 2
            ("E3", "K3", "2020-01-31", None),  # C = 1 Jun: 5 - 1 = 4
            ("E4", "K4", "2019-01-31", "2019-02-28"),  # 1 - 1 = 0 -> T = 1
            ("E5", "K5", "2020-03-01", None),  # C = 1 Jun: 3 (the 1st is never "earlier")
            ("E6", "K6", "2020-03-02", None),  # C = 1 Jun: 3 - 1 = 2
        ],
        # in E3: s = months_between(31 Jan, 30 Mar) + 1 = (2 - 1) + 1 = 2,
        #        e = months_between(31 Jan, 30 Apr) = 3 - 1 = 2
        [("T1", "K3", "TRA", "2020-03-30", "2020-04-30")],
    )
    panel = build_panel(data, until=dt.date(2020, 6, 1))
    assert records(panel, "E1", BASIC) == [(1, "2020-01-01", 1)]
    assert records(panel, "E2", BASIC) == [(1, "2020-01-01", 0), (2, "2020-02-01", 1)]
    assert records(panel, "E3", [*BASIC, "in:TRA", "after:TRA"]) == [
        (1, "2020-01-01", 0, 0, 0),
        (2, "2020-02-01", 0, 1, 0),
        (3, "2020-03-01", 0, 0, 1),
        (4, "2020-04-01", 0, 0, 1),
    ]
    assert records(panel, "E4", BASIC) == [(1, "2019-01-01", 1)]
    assert records(panel, "E5", BASIC) == [
        (1, "2020-03-01", 0),
        (2, "2020-04-01", 0),
        (3, "2020-05-01", 0),
    ]
    assert records(panel, "E6", BASIC) == [(1, "2020-03-01", 0), (2, "2020-04-01", 0)]


def test_default_cutoff_is_the_extraction_date() -> None:
    # Latest date in the data: the trajectory's end, 20 Sep -> d = months_between(1 Jan, 20 Sep) = 8.
    data = make_folder(
        [("S1", "K1", "2020-01-01", None)], [("T1", "K1", "TRA", "2020-03-01", "2020-09-20")]
    )
    panel = build_panel(data)
    assert panel.until == pd.Timestamp("2020-09-20")
    assert panel.n_person_months == 8
    assert instrument_episodes(data)["running_at_cutoff"].tolist() == [False]


def test_instruments_argument_chooses_the_state_columns() -> None:
    data = make_folder(
        [("S1", "K1", "2020-01-01", None)],
        [
            ("T1", "K1", "TRA", "2020-02-01", "2020-03-31"),
            ("T2", "K1", "HB", "2020-02-10", "2020-02-10"),
        ],
    )
    full = build_panel(data, until=dt.date(2020, 6, 1))
    assert full.instruments == ("TRA", "HB", "TAAL")
    state_cols = [c for c in full.months.columns if ":" in c]
    assert state_cols == ["in:TRA", "after:TRA", "in:HB", "after:HB", "in:TAAL", "after:TAAL"]
    assert list(full.months.columns[:4]) == ["spell_idx", "month", "calendar_month", "outflow"]
    assert list(full.months.columns[-2:]) == ["current_instrument", "months_in_instrument"]
    assert list(full.months["current_instrument"].cat.categories) == ["", "TRA", "HB", "TAAL"]

    only_hb = build_panel(data, until=dt.date(2020, 6, 1), instruments=["HB"])
    assert only_hb.instruments == ("HB",)
    assert [c for c in only_hb.months.columns if ":" in c] == ["in:HB", "after:HB"]
    # TRA is not listed, so it is ignored: no current instrument anywhere.
    assert (only_hb.months["current_instrument"] == "").all()
    assert only_hb.months["after:HB"].tolist() == [0, 1, 1, 1, 1]
    with pytest.raises(ValueError, match="more than once"):
        build_panel(data, instruments=["HB", "HB"])


def test_panel_dtypes() -> None:
    data = make_folder(
        [("S1", "K1", "2020-01-01", "2020-04-01")], [("T1", "K1", "TRA", "2020-02-01", None)]
    )
    months = build_panel(data).months
    assert months["spell_idx"].dtype == np.int32
    assert months["month"].dtype == np.int16
    assert months["calendar_month"].dtype == "datetime64[ns]"
    for col in ["outflow", "in:TRA", "after:TRA", "in:HB", "after:HB"]:
        assert months[col].dtype == np.int8
    assert isinstance(months["current_instrument"].dtype, pd.CategoricalDtype)
    assert months["months_in_instrument"].dtype == np.int16


def test_spells_carry_client_columns_for_covariates_at_inflow() -> None:
    # Born 1 Mar 1990; inflow 15 Feb 2016 -> 25 years at inflow (18-26), though 30+ later.
    data = make_folder(
        [("S1", "K1", "2016-02-15", "2016-05-01"), ("S2", "K1", "2023-01-10", None)],
        birth_dates={"K1": "1990-03-01"},
        extra_client_column=True,
    )
    panel = build_panel(data, until=dt.date(2024, 1, 1))
    spells = panel.spells
    assert spells.index.name == "spell_idx"
    assert list(spells.columns[:8]) == [
        "spell_id",
        "client_id",
        "inflow_date",
        "end_date",
        "censored",
        "duration",
        "monthly_benefit",
        "end_reason",
    ]
    for col in data.clients.columns:
        assert col in spells.columns
    assert spells["wijkteam"].tolist() == ["team0", "team0"]
    assert spells["monthly_benefit"].tolist() == [1369.0, 1370.0]
    design = client_design(ModelSpec(features=("age_band",), effect_modifiers=()), spells)
    # age 25 -> 18-26; age 32 (10 Jan 2023) -> 27-34, the reference level (all zeros)
    assert design["age_band[18-26]"].tolist() == [1.0, 0.0]
    assert design.drop(columns="age_band[18-26]").to_numpy().sum() == 0.0


def test_client_codes_are_dense_per_client() -> None:
    data = make_folder(
        [
            ("S1", "K2", "2020-01-01", "2020-03-01"),
            ("S2", "K1", "2020-01-01", "2020-02-01"),
            ("S3", "K2", "2020-05-01", "2020-06-01"),
        ]
    )
    panel = build_panel(data, until=dt.date(2021, 1, 1))
    assert panel.client_codes.dtype == np.int32
    assert panel.client_codes.tolist() == [0, 0, 1, 0]


def test_trajectory_outside_every_spell_is_left_out() -> None:
    data = make_folder(
        [("S1", "K1", "2020-01-01", "2020-03-01"), ("S2", "K2", "2020-01-01", None)],
        [
            ("T1", "K1", "TRA", "2020-05-01", None),  # after K1's spell ended
            ("T2", "K1", "TRA", "2019-12-01", "2020-02-01"),  # before it started
            ("T3", "K2", "TRA", "2020-02-01", None),  # inside K2's spell
        ],
    )
    assert instrument_episodes(data, until=dt.date(2020, 6, 1))["trajectory_id"].tolist() == ["T3"]
    panel = build_panel(data, until=dt.date(2020, 6, 1))
    assert records(panel, "S1", ["in:TRA", "after:TRA"]) == [(0, 0), (0, 0)]


def test_empty_tables_give_an_empty_panel_and_no_dates_need_an_explicit_cutoff() -> None:
    data = make_folder([], [])
    panel = build_panel(data, until=dt.date(2020, 1, 1))
    assert panel.n_person_months == 0 and len(panel.spells) == 0
    assert "in:TRA" in panel.months.columns and len(panel.client_codes) == 0
    assert len(instrument_episodes(data, until=dt.date(2020, 1, 1))) == 0
    with pytest.raises(AsOfDateError, match="give a cut-off date"):
        build_panel(data)
