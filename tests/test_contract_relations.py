"""Violations between rows and tables, and that one mistake is not reported again as its
consequences elsewhere.

The valid folder of ``contract_builders``: K001 has spells S1 (2019-01-15 to
2019-09-30, row 2) and S2 (from 2020-02-01, running, row 3); K002 has S3
(2018-05-01 to 2021-04-30, row 4); K003 has S4 (from 2021-03-01, row 5); K004 has
S5 (2017-07-10 to 2018-01-09, row 6). Trajectories: T1 of K001 from 2020-03-01
(row 2), T2 of K002 from 2018-06-01 (row 3), T3 of K004 on 2017-08-01 (row 4).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from contract_builders import add_row, check, set_cell, valid_tables, write_folder

from rendement.contract import read_data_folder, validate_data_folder


@pytest.mark.parametrize(("table", "row"), [("spells", 5), ("trajectories", 3)])
def test_a_client_id_not_in_clients_is_an_unknown_client(
    tmp_path: Path, table: str, row: int
) -> None:
    tables = set_cell(valid_tables(), table, row, "client_id", "K999")
    violations = validate_data_folder(write_folder(tmp_path / "data", tables))
    unknown = [v for v in violations if v.code == "unknown_client"]
    assert [(v.file, v.row, v.column) for v in unknown] == [(f"{table}.csv", row, "client_id")]
    assert unknown[0].value == "K999"
    assert "clients.csv" in unknown[0].expected


def test_an_unknown_client_is_not_also_a_trajectory_outside_its_spells(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "trajectories", 3, "client_id", "K999")
    assert check(tmp_path, tables) == [("trajectories.csv", 3, "client_id", "unknown_client")]


def test_a_spell_starting_before_the_previous_one_ended_overlaps(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "spells", 3, "start_date", "2019-09-01")
    violations = validate_data_folder(write_folder(tmp_path / "data", tables))
    assert [(v.file, v.row, v.column, v.code) for v in violations] == [
        ("spells.csv", 3, "start_date", "overlapping_spells")
    ]
    assert "S1 (row 2)" in violations[0].expected
    assert "2019-01-15 to 2019-09-30" in violations[0].expected


def test_a_running_spell_overlaps_every_later_spell_of_the_client(tmp_path: Path) -> None:
    # S1 has no end date (its end_reason 'werk' stays: that is not a violation by itself)
    tables = set_cell(valid_tables(), "spells", 2, "end_date", "")
    assert check(tmp_path, tables) == [("spells.csv", 3, "start_date", "overlapping_spells")]


def test_spells_inside_a_long_spell_overlap_it_even_when_they_do_not_touch_each_other(
    tmp_path: Path,
) -> None:
    tables = set_cell(valid_tables(), "spells", 6, "end_date", "2019-12-31")  # K004: S5 longer
    add_row(tables, "spells", spell_id="S6", client_id="K004", start_date="2018-03-01",
            end_date="2018-06-30", monthly_benefit="900")  # fmt: skip
    add_row(tables, "spells", spell_id="S7", client_id="K004", start_date="2018-09-01",
            end_date="2018-10-31", monthly_benefit="900")  # fmt: skip
    assert check(tmp_path, tables) == [
        ("spells.csv", 7, "start_date", "overlapping_spells"),
        ("spells.csv", 8, "start_date", "overlapping_spells"),
    ]


def test_two_spells_of_a_client_starting_on_the_same_day_overlap(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "spells", 3, "start_date", "2019-01-15")
    set_cell(tables, "spells", 3, "end_date", "2019-01-15")
    set_cell(tables, "spells", 3, "end_reason", "overig")
    set_cell(tables, "trajectories", 2, "start_date", "2019-02-01")
    assert check(tmp_path, tables) == [("spells.csv", 3, "start_date", "overlapping_spells")]


def test_a_spell_may_start_on_the_day_the_previous_one_ended(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "spells", 3, "start_date", "2019-09-30")
    assert check(tmp_path, tables) == []


def test_the_same_dates_for_different_clients_do_not_overlap(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "spells", 4, "start_date", "2020-02-01")  # K002 like K001
    set_cell(tables, "trajectories", 3, "start_date", "2020-06-01")
    assert check(tmp_path, tables) == []


@pytest.mark.parametrize(("table", "row"), [("spells", 4), ("trajectories", 2)])
def test_an_end_date_before_the_start_date(tmp_path: Path, table: str, row: int) -> None:
    tables = set_cell(valid_tables(), table, row, "end_date", "2001-01-01")
    violations = validate_data_folder(write_folder(tmp_path / "data", tables))
    assert [(v.file, v.row, v.column, v.code) for v in violations] == [
        (f"{table}.csv", row, "end_date", "end_before_start")
    ]
    assert violations[0].value == "2001-01-01"
    assert "on or after start_date" in violations[0].expected


def test_a_spell_ending_on_its_start_date_is_fine(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "spells", 6, "end_date", "2017-07-10")
    set_cell(tables, "trajectories", 4, "start_date", "2017-07-10")
    assert check(tmp_path, tables) == []


def test_a_trajectory_starting_outside_every_spell_of_its_client(tmp_path: Path) -> None:
    # K001 is off benefit between 2019-09-30 and 2020-02-01
    tables = set_cell(valid_tables(), "trajectories", 2, "start_date", "2019-12-01")
    violations = validate_data_folder(write_folder(tmp_path / "data", tables))
    assert [(v.file, v.row, v.column, v.code) for v in violations] == [
        ("trajectories.csv", 2, "start_date", "trajectory_outside_spell")
    ]
    assert "2019-01-15 to 2019-09-30, 2020-02-01 to ongoing" in violations[0].expected


def test_a_trajectory_of_a_client_without_any_spell(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["spells"] = [r for r in tables["spells"] if r[1] != "K004"]
    violations = validate_data_folder(write_folder(tmp_path / "data", tables))
    assert [(v.file, v.row, v.column, v.code) for v in violations] == [
        ("trajectories.csv", 4, "start_date", "trajectory_outside_spell")
    ]
    assert "none in spells.csv" in violations[0].expected


def test_trajectory_start_on_the_spell_bounds_and_end_after_the_spell_are_fine(
    tmp_path: Path,
) -> None:
    tables = set_cell(valid_tables(), "trajectories", 3, "start_date", "2021-04-30")  # S3's end
    set_cell(tables, "trajectories", 3, "end_date", "2022-01-31")  # after S3 ended
    set_cell(tables, "trajectories", 4, "start_date", "2017-07-10")  # S5's start
    assert check(tmp_path, tables) == []


def test_an_instrument_not_in_the_catalogue(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "trajectories", 3, "instrument", "tra")
    violations = validate_data_folder(write_folder(tmp_path / "data", tables))
    assert [(v.file, v.row, v.column, v.code) for v in violations] == [
        ("trajectories.csv", 3, "instrument", "unknown_instrument")
    ]
    assert "instruments.csv" in violations[0].expected


def test_a_bad_spell_date_does_not_make_the_clients_trajectories_outside(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "spells", 3, "start_date", "01-02-2020")
    assert check(tmp_path, tables) == [("spells.csv", 3, "start_date", "invalid_type")]


def test_a_reversed_spell_is_reported_once(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "spells", 6, "end_date", "2016-01-09")
    # not also an overlap, nor T3 outside K004's spells
    assert check(tmp_path, tables) == [("spells.csv", 6, "end_date", "end_before_start")]


def test_a_spell_without_client_and_without_date_stops_the_spell_check(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "spells", 4, "client_id", "")
    set_cell(tables, "spells", 4, "start_date", "")
    assert check(tmp_path, tables) == [
        ("spells.csv", 4, "client_id", "missing_value"),
        ("spells.csv", 4, "start_date", "missing_value"),
    ]


def test_a_bad_trajectory_date_is_not_also_outside_a_spell(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "trajectories", 3, "start_date", "2018-13-01")
    assert check(tmp_path, tables) == [("trajectories.csv", 3, "start_date", "invalid_type")]


def test_an_unreadable_spells_file_skips_only_the_checks_that_need_it(tmp_path: Path) -> None:
    tables = set_cell(valid_tables(), "trajectories", 4, "client_id", "K999")
    set_cell(tables, "trajectories", 2, "instrument", "ONBEKEND")
    folder = write_folder(tmp_path / "data", tables)
    (folder / "spells.csv").write_text("spell_id;client_id\nS1;K001\n", encoding="utf-8")
    assert [(v.file, v.row, v.column, v.code) for v in validate_data_folder(folder)] == [
        ("spells.csv", None, None, "wrong_delimiter"),
        ("trajectories.csv", 2, "instrument", "unknown_instrument"),
        ("trajectories.csv", 4, "client_id", "unknown_client"),
    ]


def test_many_errors_in_different_files_are_all_reported_in_one_run(tmp_path: Path) -> None:
    tables = valid_tables()
    set_cell(tables, "clients", 3, "birth_date", "1975-02-30")
    set_cell(tables, "clients", 4, "education", "Hoog")
    set_cell(tables, "clients", 5, "household_type", "")
    set_cell(tables, "spells", 3, "start_date", "2019-09-01")
    set_cell(tables, "spells", 4, "monthly_benefit", "-980")
    set_cell(tables, "spells", 5, "client_id", "K777")
    set_cell(tables, "spells", 6, "end_reason", "pensioen")
    set_cell(tables, "trajectories", 2, "end_date", "2020-01-01")
    set_cell(tables, "trajectories", 3, "instrument", "XYZ")
    set_cell(tables, "trajectories", 4, "start_date", "2016-01-01")
    set_cell(tables, "instruments", 2, "success_share", "1.5")
    set_cell(tables, "instruments", 3, "duration_months", "twaalf")
    set_cell(tables, "instruments", 4, "meter", "zorg")
    folder = write_folder(tmp_path / "data", tables)
    expected = [
        ("clients.csv", 3, "birth_date", "invalid_type"),
        ("clients.csv", 4, "education", "unknown_category"),
        ("clients.csv", 5, "household_type", "missing_value"),
        ("spells.csv", 3, "start_date", "overlapping_spells"),
        ("spells.csv", 4, "monthly_benefit", "negative_amount"),
        ("spells.csv", 5, "client_id", "unknown_client"),
        ("spells.csv", 6, "end_reason", "unknown_category"),
        ("trajectories.csv", 2, "end_date", "end_before_start"),
        ("trajectories.csv", 3, "instrument", "unknown_instrument"),
        ("trajectories.csv", 4, "start_date", "trajectory_outside_spell"),
        ("instruments.csv", 2, "success_share", "out_of_range"),
        ("instruments.csv", 3, "duration_months", "invalid_type"),
        ("instruments.csv", 4, "meter", "unknown_category"),
    ]
    violations = validate_data_folder(folder)
    assert [(v.file, v.row, v.column, v.code) for v in violations] == expected
    from rendement.errors import DataValidationError

    with pytest.raises(DataValidationError) as caught:
        read_data_folder(folder)
    assert caught.value.violations == violations
    assert caught.value.to_dict()["code"] == "invalid_data"
