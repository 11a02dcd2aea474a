"""Whole-file problems: missing, doubled, empty, unreadable, wrong delimiter, broken rows.

Each test breaks one thing in an otherwise valid folder and asserts the exact
list of (file, row, column, code) reported, so that nothing else (in particular
no consequence in another table) is reported with it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from contract_builders import (
    check,
    csv_text,
    drop_column,
    set_cell,
    valid_tables,
    where,
    write_folder,
    write_xlsx,
)

from rendement.contract import read_data_folder, validate_data_folder


@pytest.mark.parametrize("fmt", ["csv", "parquet", "parquet-text", "xlsx"])
def test_the_builders_folder_is_valid_in_every_format(tmp_path: Path, fmt: str) -> None:
    assert check(tmp_path, valid_tables(), fmt) == []


def test_a_missing_file_is_reported_and_nothing_that_depends_on_it(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "data", valid_tables())
    (folder / "clients.csv").unlink()
    violations = validate_data_folder(folder)
    # spells and trajectories name clients, but without clients.csv that is not checked
    assert where(violations) == [("clients.csv", None, None, "missing_file")]
    assert "clients.parquet" in violations[0].expected


def test_a_missing_folder_is_one_violation(tmp_path: Path) -> None:
    assert where(validate_data_folder(tmp_path / "nowhere")) == [
        (str(tmp_path / "nowhere"), None, None, "missing_folder")
    ]


def test_two_files_for_one_table_is_a_violation(tmp_path: Path) -> None:
    tables = valid_tables()
    folder = write_folder(tmp_path / "data", tables)
    write_xlsx(folder / "clients.xlsx", "clients", tables["clients"])
    violations = validate_data_folder(folder)
    assert where(violations) == [("clients.csv", None, None, "duplicate_file")]
    assert violations[0].value == "clients.csv, clients.xlsx"


def test_file_names_are_matched_without_regard_to_case(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "data", valid_tables())
    (folder / "spells.csv").rename(folder / "Spells.CSV")
    assert validate_data_folder(folder) == []


def test_a_zero_byte_file_is_empty(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "data", valid_tables())
    (folder / "instruments.csv").write_bytes(b"")
    # the trajectories' instrument codes are not checked against an empty catalogue
    assert where(validate_data_folder(folder)) == [("instruments.csv", None, None, "empty_file")]


def test_a_file_with_only_a_header_is_empty(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["spells"] = tables["spells"][:1]
    # no trajectory_outside_spell for the three trajectories: spells.csv has no rows
    assert check(tmp_path, tables) == [("spells.csv", None, None, "empty_file")]


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_an_empty_parquet_or_excel_table_is_empty(tmp_path: Path, fmt: str) -> None:
    tables = valid_tables()
    tables["spells"] = tables["spells"][:1]
    ext = "parquet" if fmt == "parquet" else "xlsx"
    assert check(tmp_path, tables, fmt) == [(f"spells.{ext}", None, None, "empty_file")]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_trajectories_may_have_a_header_and_no_rows(tmp_path: Path, fmt: str) -> None:
    """A municipality that has bought no trajectories yet still has a caseload to score."""
    tables = valid_tables()
    tables["trajectories"] = tables["trajectories"][:1]
    assert check(tmp_path, tables, fmt) == []
    data = read_data_folder(tmp_path / "data")
    assert len(data.trajectories) == 0 and len(data.clients) > 0
    assert "instrument" in data.trajectories.columns


def test_a_file_that_is_not_utf8_is_unreadable_at_the_line_of_the_first_bad_byte(
    tmp_path: Path,
) -> None:
    tables = set_cell(valid_tables(), "clients", 3, "district", "Zuidoost-Centrum é")
    folder = write_folder(tmp_path / "data", tables)
    (folder / "clients.csv").write_bytes(csv_text(tables["clients"]).encode("latin-1"))
    violations = validate_data_folder(folder)
    # no unknown_client for spells and trajectories: clients.csv could not be read
    assert where(violations) == [("clients.csv", 3, None, "unreadable_file")]
    assert violations[0].value == "byte 0xE9"
    assert "UTF-8" in violations[0].expected


def test_a_utf8_byte_order_mark_is_fine(tmp_path: Path) -> None:
    tables = valid_tables()
    folder = write_folder(tmp_path / "data", tables)
    (folder / "clients.csv").write_bytes(csv_text(tables["clients"]).encode("utf-8-sig"))
    data = read_data_folder(folder)
    assert data.clients.columns[0] == "client_id"
    assert data.clients["client_id"].tolist() == ["K001", "K002", "K003", "K004"]


@pytest.mark.parametrize("separator", [";", "\t"])
def test_a_semicolon_or_tab_separated_file_is_a_wrong_delimiter(
    tmp_path: Path, separator: str
) -> None:
    tables = valid_tables()
    folder = write_folder(tmp_path / "data", tables)
    text = "\n".join(separator.join(r) for r in tables["spells"]) + "\n"
    (folder / "spells.csv").write_text(text, encoding="utf-8")
    violations = validate_data_folder(folder)
    assert where(violations) == [("spells.csv", None, None, "wrong_delimiter")]
    assert "comma-separated" in violations[0].expected


def test_an_unquoted_comma_gives_a_row_with_too_many_fields(tmp_path: Path) -> None:
    tables = valid_tables()
    folder = write_folder(tmp_path / "data", tables)
    lines = csv_text(tables["clients"]).splitlines()
    lines[2] = lines[2].replace("Zuid", "Zuid, Oost")  # row 3 of the file
    (folder / "clients.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    violations = validate_data_folder(folder)
    assert where(violations) == [("clients.csv", 3, None, "wrong_field_count")]
    assert violations[0].value == "12 fields"


def test_a_row_with_too_few_fields_is_reported(tmp_path: Path) -> None:
    tables = valid_tables()
    folder = write_folder(tmp_path / "data", tables)
    lines = csv_text(tables["instruments"]).splitlines()
    lines[3] = ",".join(lines[3].split(",")[:-2])  # row 4 loses its last two fields
    (folder / "instruments.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert where(validate_data_folder(folder)) == [
        ("instruments.csv", 4, None, "wrong_field_count")
    ]


def test_a_missing_required_column_is_reported_once(tmp_path: Path) -> None:
    tables = drop_column(valid_tables(), "clients", "birth_date")
    violations = validate_data_folder(write_folder(tmp_path / "data", tables))
    assert where(violations) == [("clients.csv", None, "birth_date", "missing_column")]
    assert "date" in violations[0].expected


def test_a_missing_key_column_skips_the_checks_that_need_it(tmp_path: Path) -> None:
    tables = drop_column(valid_tables(), "instruments", "instrument")
    # no unknown_instrument in trajectories: the catalogue has no codes to compare with
    assert check(tmp_path, tables) == [("instruments.csv", None, "instrument", "missing_column")]


def test_missing_optional_columns_are_fine_and_added_empty(tmp_path: Path) -> None:
    tables = valid_tables()
    for table, column in [
        ("clients", "gender"),
        ("clients", "dutch_language"),
        ("clients", "work_experience_years"),
        ("spells", "end_date"),
        ("spells", "end_reason"),
        ("trajectories", "cost"),
        ("trajectories", "result"),
        ("instruments", "success_share"),
        ("instruments", "capacity"),
        ("instruments", "category"),
    ]:
        drop_column(tables, table, column)
    # without end dates every spell is running, so the second spell of K001 overlaps
    # the first: keep one spell per client for this test
    tables["spells"] = [r for r in tables["spells"] if r[0] != "S1"]
    data = read_data_folder(write_folder(tmp_path / "data", tables))
    assert data.clients["gender"].isna().all()
    assert str(data.clients["dutch_language"].dtype) == "boolean"
    assert data.clients["work_experience_years"].dtype == "float64"
    assert str(data.spells["end_date"].dtype) == "datetime64[ns]"
    assert data.spells["end_date"].isna().all()
    assert data.trajectories["cost"].isna().all()
    assert data.instruments["success_share"].tolist() == [0.0, 0.0, 0.0]
    assert str(data.instruments["capacity"].dtype) == "Int64"
    assert list(data.instruments.columns[:4]) == ["instrument", "label", "meter", "category"]


def test_a_repeated_column_name_is_reported_at_the_header(tmp_path: Path) -> None:
    tables = valid_tables()
    for r in tables["trajectories"]:
        r.append(r[2])  # a second 'instrument' column
    assert check(tmp_path, tables) == [("trajectories.csv", 1, "instrument", "duplicate_column")]


def test_blank_lines_are_skipped_and_rows_keep_their_line_numbers(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "spells", 4, "monthly_benefit", "veel")
    folder = write_folder(tmp_path / "data", tables)
    lines = csv_text(tables["spells"]).splitlines()
    lines.insert(2, "")  # a blank line 3: the broken row (row 4) is now on line 5
    (folder / "spells.csv").write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    assert where(validate_data_folder(folder)) == [
        ("spells.csv", 5, "monthly_benefit", "invalid_type")
    ]


def test_a_quoted_line_break_counts_lines_as_a_text_editor_shows_them(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "trajectories", 2, "provider", "Re\nIntegra")
    set_cell(tables, "trajectories", 4, "cost", "-150")
    folder = write_folder(tmp_path / "data", tables)
    (folder / "trajectories.csv").write_text(csv_text(tables["trajectories"]), encoding="utf-8")
    # row 4 of the table starts on line 5 of the file, after the two-line record
    assert where(validate_data_folder(folder)) == [
        ("trajectories.csv", 5, "cost", "negative_amount")
    ]
    set_cell(tables, "trajectories", 4, "cost", "150")
    data = read_data_folder(write_folder(tmp_path / "fixed", tables))
    assert data.trajectories["provider"].tolist() == ["Re\nIntegra", None, None]


@pytest.mark.parametrize("ext", ["xlsx", "parquet"])
def test_a_damaged_workbook_or_parquet_file_is_unreadable(tmp_path: Path, ext: str) -> None:
    folder = write_folder(tmp_path / "data", valid_tables())
    (folder / "instruments.csv").unlink()
    (folder / f"instruments.{ext}").write_bytes(b"PK\x03\x04 this is not a real file")
    assert where(validate_data_folder(folder)) == [
        (f"instruments.{ext}", None, None, "unreadable_file")
    ]


def test_excel_rows_are_the_sheet_rows(tmp_path: Path) -> None:
    import openpyxl

    tables = set_cell(valid_tables(), "clients", 4, "household_type", "groot_gezin")
    folder = write_folder(tmp_path / "data", tables, "xlsx")
    workbook = openpyxl.load_workbook(folder / "clients.xlsx")
    sheet = workbook.worksheets[0]
    sheet.insert_rows(3)  # an empty sheet row 3: the broken row moves to sheet row 5
    workbook.save(folder / "clients.xlsx")
    assert where(validate_data_folder(folder)) == [
        ("clients.xlsx", 5, "household_type", "unknown_category")
    ]


def test_parquet_rows_count_as_if_there_were_a_header_row(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "spells", 6, "end_reason", "pensioen")
    assert check(tmp_path, tables, "parquet") == [
        ("spells.parquet", 6, "end_reason", "unknown_category")
    ]


def test_only_the_first_excel_sheet_is_read(tmp_path: Path) -> None:
    import openpyxl

    folder = write_folder(tmp_path / "data", valid_tables(), "xlsx")
    workbook = openpyxl.load_workbook(folder / "instruments.xlsx")
    other = workbook.create_sheet("notes")
    other.append(["instrument", "price"])
    other.append(["TRA", "not a number"])
    workbook.save(folder / "instruments.xlsx")
    assert validate_data_folder(folder) == []
