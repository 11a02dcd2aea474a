"""Cell-level violations: types, categories, required values, ranges, keys and BSN-like ids.

Each test changes cells of a valid folder and asserts the exact list of
(file, row, column, code) reported: the row is the one the test broke, as the
user sees it in the file (header = row 1).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from contract_builders import add_row, check, set_cell, valid_tables, write_folder

from rendement.contract import read_data_folder, validate_data_folder
from rendement.contract.checks import bsn_like
from rendement.errors import DataValidationError


@pytest.mark.parametrize(
    ("table", "row", "column", "value"),
    [
        ("clients", 3, "birth_date", "31-01-1975"),  # Dutch order
        ("clients", 3, "birth_date", "1975-02-30"),  # no such day
        ("clients", 3, "birth_date", "1975-2-3"),  # not zero-padded
        ("spells", 4, "end_date", "2021-04-30 12:00"),
        ("trajectories", 2, "start_date", "gisteren"),
    ],
)
def test_a_bad_date_is_an_invalid_type(
    tmp_path: Path, table: str, row: int, column: str, value: str
) -> None:
    tables = set_cell(valid_tables(), table, row, column, value)
    assert check(tmp_path, tables) == [(f"{table}.csv", row, column, "invalid_type")]


@pytest.mark.parametrize(
    ("table", "row", "column", "value"),
    [
        ("spells", 5, "monthly_benefit", "1.369,25"),  # decimal comma
        ("spells", 5, "monthly_benefit", "EUR 980"),
        ("clients", 2, "work_experience_years", "veel"),
        ("instruments", 3, "price", "inf"),
        ("trajectories", 4, "cost", "nan"),
    ],
)
def test_a_bad_number_is_an_invalid_type(
    tmp_path: Path, table: str, row: int, column: str, value: str
) -> None:
    tables = set_cell(valid_tables(), table, row, column, value)
    assert check(tmp_path, tables) == [(f"{table}.csv", row, column, "invalid_type")]


@pytest.mark.parametrize("value", ["misschien", "y", "2", "wel"])
def test_a_bad_boolean_is_an_invalid_type(tmp_path: Path, value: str) -> None:
    tables = set_cell(valid_tables(), "clients", 5, "health_restriction", value)
    assert check(tmp_path, tables) == [("clients.csv", 5, "health_restriction", "invalid_type")]


def test_booleans_accept_every_contract_spelling_in_any_case(tmp_path: Path) -> None:
    tables = valid_tables()
    words = ["JA", "Nee", "TRUE", "false"]
    for row, word in zip(range(2, 6), words, strict=True):
        set_cell(tables, "clients", row, "dutch_language", word)
    data = read_data_folder(write_folder(tmp_path / "data", tables))
    assert data.clients["dutch_language"].tolist() == [True, False, True, False]
    assert data.clients["health_restriction"].tolist() == [False, False, pd.NA, True]


@pytest.mark.parametrize(
    ("column", "value"),
    [("duration_months", "1.5"), ("waiting_months", "twee"), ("capacity", "0.25")],
)
def test_a_non_whole_number_where_a_whole_number_is_required(
    tmp_path: Path, column: str, value: str
) -> None:
    tables = set_cell(valid_tables(), "instruments", 2, column, value)
    violations = validate_data_folder(write_folder(tmp_path / "data", tables))
    assert [(v.file, v.row, v.column, v.code) for v in violations] == [
        ("instruments.csv", 2, column, "invalid_type")
    ]
    assert violations[0].value == value
    assert "whole number" in violations[0].expected


def test_a_whole_number_written_with_a_zero_decimal_is_accepted(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "instruments", 2, "duration_months", "6.0")
    data = read_data_folder(write_folder(tmp_path / "data", tables))
    assert data.instruments["duration_months"].tolist() == [6, 12, 0]


@pytest.mark.parametrize(
    ("table", "row", "column", "value"),
    [
        ("clients", 2, "gender", "F"),
        ("clients", 3, "household_type", "Paar"),  # categories are kept as written
        ("clients", 4, "education", "wo"),
        ("spells", 2, "end_reason", "pensioen"),
        ("trajectories", 2, "result", "gelukt"),
        ("instruments", 2, "meter", "reïntegratie"),
        ("instruments", 3, "category", "4"),
    ],
)
def test_an_unknown_category_value(
    tmp_path: Path, table: str, row: int, column: str, value: str
) -> None:
    tables = set_cell(valid_tables(), table, row, column, value)
    violations = validate_data_folder(write_folder(tmp_path / "data", tables))
    assert [(v.file, v.row, v.column, v.code) for v in violations] == [
        (f"{table}.csv", row, column, "unknown_category")
    ]
    assert violations[0].value == value
    assert violations[0].expected.startswith("one of ")


@pytest.mark.parametrize(
    ("table", "row", "column"),
    [
        ("clients", 4, "household_type"),
        ("clients", 2, "birth_date"),
        ("spells", 3, "monthly_benefit"),
        ("trajectories", 3, "instrument"),
        ("instruments", 4, "label"),
        ("instruments", 2, "waiting_months"),
    ],
)
def test_an_empty_required_value_is_a_missing_value(
    tmp_path: Path, table: str, row: int, column: str
) -> None:
    tables = set_cell(valid_tables(), table, row, column, "  ")
    assert check(tmp_path, tables) == [(f"{table}.csv", row, column, "missing_value")]


def test_an_empty_client_id_is_missing_and_not_also_an_unknown_client(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "spells", 4, "client_id", "")
    assert check(tmp_path, tables) == [("spells.csv", 4, "client_id", "missing_value")]


@pytest.mark.parametrize(
    ("table", "row", "column", "value"),
    [
        ("spells", 4, "monthly_benefit", "-980"),
        ("trajectories", 2, "cost", "-1"),
        ("instruments", 4, "price", "-150"),
        ("clients", 2, "work_experience_years", "-3.5"),
        ("instruments", 2, "capacity", "-1"),
        ("instruments", 3, "success_share", "-0.1"),
    ],
)
def test_a_negative_amount(tmp_path: Path, table: str, row: int, column: str, value: str) -> None:
    tables = set_cell(valid_tables(), table, row, column, value)
    assert check(tmp_path, tables) == [(f"{table}.csv", row, column, "negative_amount")]


@pytest.mark.parametrize(
    ("table", "row", "column", "value", "expected"),
    [
        ("spells", 4, "monthly_benefit", "0", "a number > 0"),
        ("instruments", 2, "success_share", "1.5", "a number >= 0 and <= 1"),
    ],
)
def test_a_number_out_of_range(
    tmp_path: Path, table: str, row: int, column: str, value: str, expected: str
) -> None:
    tables = set_cell(valid_tables(), table, row, column, value)
    violations = validate_data_folder(write_folder(tmp_path / "data", tables))
    assert [(v.file, v.row, v.column, v.code) for v in violations] == [
        (f"{table}.csv", row, column, "out_of_range")
    ]
    assert violations[0].expected == expected


def test_the_bounds_themselves_are_valid(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "instruments", 2, "success_share", "1")
    set_cell(tables, "instruments", 3, "success_share", "0")
    set_cell(tables, "trajectories", 2, "cost", "0")
    set_cell(tables, "spells", 2, "monthly_benefit", "0.01")
    assert check(tmp_path, tables) == []


@pytest.mark.parametrize(
    ("table", "key", "first", "repeat"),
    [
        ("clients", "client_id", 2, 5),
        ("spells", "spell_id", 3, 6),
        ("trajectories", "trajectory_id", 2, 4),
        ("instruments", "instrument", 3, 4),
    ],
)
def test_a_repeated_key_is_reported_at_the_repeat_naming_the_first_row(
    tmp_path: Path, table: str, key: str, first: int, repeat: int
) -> None:
    tables = valid_tables()
    header = tables[table][0]
    set_cell(tables, table, repeat, key, tables[table][first - 1][header.index(key)])
    violations = validate_data_folder(write_folder(tmp_path / "data", tables))
    duplicates = [v for v in violations if v.code == "duplicate_key"]
    assert [(v.file, v.row, v.column) for v in duplicates] == [(f"{table}.csv", repeat, key)]
    assert f"row {first}" in duplicates[0].expected


def test_duplicate_client_ids_are_the_only_violation_when_nothing_else_breaks(
    tmp_path: Path,
) -> None:
    tables = valid_tables()
    add_row(
        tables,
        "clients",
        client_id="K003",
        birth_date="1991-01-01",
        household_type="paar",
        education="laag",
    )
    assert check(tmp_path, tables) == [("clients.csv", 6, "client_id", "duplicate_key")]


def test_the_eleven_test() -> None:
    # 9*1 + 8*1 + 7*1 + 6*2 + 5*2 + 4*2 + 3*3 + 2*3 - 1*3 = 66 = 6 * 11
    values = pd.Series(
        ["111222333", "111.222.333", "111 222 333", "111222334", "123456789", "K111222333",
         "1112223330", None]
    )  # fmt: skip
    # a letter prefix is a disguise too (issue 13): K111222333 is the BSN 111222333
    assert bsn_like(values).tolist() == [True, True, True, False, False, True, False, False]


def test_a_bsn_like_client_id_is_refused_in_every_file_and_never_shown(tmp_path: Path) -> None:
    bsn = "111222333"
    tables = valid_tables()
    for table in ("clients", "spells", "trajectories"):
        for r in tables[table][1:]:
            r[1 if table != "clients" else 0] = r[1 if table != "clients" else 0].replace(
                "K001", bsn
            )
    violations = validate_data_folder(write_folder(tmp_path / "data", tables))
    # the same id everywhere: refused in each file, but not an unknown client as well
    assert [(v.file, v.row, v.column, v.code) for v in violations] == [
        ("clients.csv", 2, "client_id", "bsn_like_id"),
        ("spells.csv", 2, "client_id", "bsn_like_id"),
        ("spells.csv", 3, "client_id", "bsn_like_id"),
        ("trajectories.csv", 2, "client_id", "bsn_like_id"),
    ]
    with pytest.raises(DataValidationError) as caught:
        read_data_folder(tmp_path / "data")
    report = str(caught.value) + json.dumps(caught.value.to_dict())
    report += "".join(str(v) for v in caught.value.violations)
    assert bsn not in report


def test_a_bsn_like_value_is_masked_in_other_violations_too(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "trajectories", 3, "client_id", "111222333")
    violations = validate_data_folder(write_folder(tmp_path / "data", tables))
    assert [(v.file, v.row, v.column, v.code) for v in violations] == [
        ("trajectories.csv", 3, "client_id", "bsn_like_id"),
        ("trajectories.csv", 3, "client_id", "unknown_client"),
    ]
    assert all("111222333" not in str(v) for v in violations)


def test_nine_digit_ids_that_fail_the_eleven_test_are_fine(tmp_path: Path) -> None:
    tables = valid_tables()
    for table in ("clients", "spells", "trajectories"):
        for r in tables[table][1:]:
            j = 0 if table == "clients" else 1
            r[j] = r[j].replace("K001", "123456789")
    data = read_data_folder(write_folder(tmp_path / "data", tables))
    assert data.clients["client_id"].iloc[0] == "123456789"


def test_end_reason_is_free_to_be_empty_or_given_on_a_running_spell(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "spells", 3, "end_reason", "werk")  # S2 runs
    set_cell(tables, "spells", 4, "end_reason", "")  # S3 ended without a reason
    assert check(tmp_path, tables) == []


def test_extra_columns_are_kept_as_text_or_numbers(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["spells"][0].append("uren_per_week")
    tables["spells"][0].append("team")
    for i, r in enumerate(tables["spells"][1:]):
        r.append(str(8 * i) if i != 2 else "")
        r.append(f"team {i}")
    data = read_data_folder(write_folder(tmp_path / "data", tables))
    assert list(data.spells.columns[-2:]) == ["uren_per_week", "team"]
    assert data.spells["uren_per_week"].dtype == "float64"
    assert data.spells["uren_per_week"].isna().tolist() == [False, False, True, False, False]
    assert data.spells["team"].tolist() == [f"team {i}" for i in range(5)]
    assert data.clients["wijkteam"].tolist() == ["A", "B", None, "A"]
