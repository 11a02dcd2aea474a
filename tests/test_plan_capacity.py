"""The capacity file: every problem reported with its row and column, or the places per instrument."""

from __future__ import annotations

import pandas as pd
import pytest
from plan_builders import catalogue

from rendement.errors import CapacityFileError
from rendement.plan import read_capacity

CODES = ["jobhunt", "werkstage", "scholing"]


def cat() -> pd.DataFrame:
    meter = catalogue(CODES, ["1", "2a", "2b"])
    other = catalogue(["huisbezoek"]).assign(meter="handhaving")
    return pd.concat([meter, other], ignore_index=True)


def write(tmp_path, text: str, name: str = "CAPACITY.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path, text: str) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(CapacityFileError) as info:
        read_capacity(write(tmp_path, text), cat(), meter="reintegratie")
    assert info.value.code == "invalid_capacity"
    assert "Nothing was written" in str(info.value)
    return [(v.row, v.column, v.code) for v in info.value.violations]


def test_valid_file_gives_places_for_every_instrument_of_the_meter(tmp_path) -> None:
    places = read_capacity(
        write(tmp_path, "instrument,places,note\nscholing,12,extra columns are fine\njobhunt,0,\n"),
        cat(),
        meter="reintegratie",
    )
    assert places["instrument"].tolist() == CODES  # catalogue order, other meters left out
    assert places["places"].tolist() == [0, 0, 12]
    assert places["listed"].tolist() == [True, False, True]


def test_whole_numbers_written_with_a_decimal_point_are_accepted(tmp_path) -> None:
    places = read_capacity(
        write(tmp_path, "instrument,places\njobhunt,7.0\n"), cat(), meter="reintegratie"
    )
    assert places.set_index("instrument").loc["jobhunt", "places"] == 7


def test_every_problem_with_its_row_and_column(tmp_path) -> None:
    text = (
        "instrument,places\n"  # row 1
        "jobhunt,6\n"  # 2 fine
        "werkstage,-2\n"  # 3 negative
        "onbekend,3\n"  # 4 unknown instrument
        "jobhunt,1.5\n"  # 5 duplicate + not whole
        "huisbezoek,4\n"  # 6 other meter
        ",3\n"  # 7 no instrument
        "scholing,\n"  # 8 no places
        "scholing,veel\n"  # 9 duplicate + not a number
    )
    assert problems(tmp_path, text) == [
        (3, "places", "negative_amount"),
        (4, "instrument", "unknown_instrument"),
        (5, "instrument", "duplicate_key"),
        (5, "places", "invalid_type"),
        (6, "instrument", "unknown_instrument"),
        (7, "instrument", "missing_value"),
        (8, "places", "missing_value"),
        (9, "instrument", "duplicate_key"),
        (9, "places", "invalid_type"),
    ]


def test_messages_say_what_was_found_and_what_is_expected(tmp_path) -> None:
    with pytest.raises(CapacityFileError) as info:
        read_capacity(
            write(tmp_path, "instrument,places\nhuisbezoek,1\n"), cat(), meter="reintegratie"
        )
    message = str(info.value)
    assert "CAPACITY.csv, row 2, column 'instrument': found 'huisbezoek'" in message
    assert "belongs to the meter 'handhaving'" in message
    assert "jobhunt, werkstage, scholing" in message


def test_missing_columns(tmp_path) -> None:
    assert problems(tmp_path, "instrument,plaatsen\njobhunt,3\n") == [
        (1, "places", "missing_column")
    ]
    assert problems(tmp_path, "code,places\njobhunt,3\n") == [(1, "instrument", "missing_column")]


def test_semicolons_and_empty_and_missing_files(tmp_path) -> None:
    found = problems(tmp_path, "instrument;places\njobhunt;3\n")
    assert [c for *_, c in found] == ["wrong_delimiter"]
    with pytest.raises(CapacityFileError, match="does not exist"):
        read_capacity(tmp_path / "nothing.csv", cat(), meter="reintegratie")
    assert [c for *_, c in problems(tmp_path, "")] == ["empty_file"]


def test_excel_capacity_file(tmp_path) -> None:
    path = tmp_path / "capacity.xlsx"
    pd.DataFrame({"instrument": ["werkstage", "scholing"], "places": [4, -1]}).to_excel(
        path, index=False
    )
    with pytest.raises(CapacityFileError) as info:
        read_capacity(path, cat(), meter="reintegratie")
    assert [(v.row, v.column) for v in info.value.violations] == [(3, "places")]
