"""Issue 13, finding 6: validation of a huge folder in bounded memory.

The first 200 violations per file are listed, the rest counted (text and JSON
alike; see also test_contract_cli), and a large plain CSV file is read in
chunks with its columns as categories. Reading in chunks must give exactly
what reading the file whole gives: the same violations, counts and typed
tables. The memory itself is measured by ``benchmarks/bench_validate_memory.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from contract_builders import add_row, set_cell, valid_tables, write_folder

from rendement.cli.main import main
from rendement.contract import check_data_folder, stream_csv
from rendement.contract.limits import MAX_LISTED_PER_FILE


def broken_tables() -> dict[str, list[list[str]]]:
    tables = valid_tables()
    set_cell(tables, "clients", 2, "birth_date", "1980-02-30")
    set_cell(tables, "clients", 3, "education", "hbo")
    set_cell(tables, "clients", 4, "district", "=HYPERLINK(1)")
    set_cell(tables, "clients", 5, "client_id", "BSN111222333")
    set_cell(tables, "spells", 3, "monthly_benefit", "-5")
    set_cell(tables, "spells", 4, "end_date", "2017-01-01")
    set_cell(tables, "trajectories", 3, "instrument", "ONBEKEND")
    add_row(tables, "spells", spell_id="S1", client_id="K404", start_date="2020-01-01")
    for i in range(MAX_LISTED_PER_FILE + 30):
        add_row(
            tables,
            "trajectories",
            trajectory_id=f"X{i}",
            client_id="K001",
            instrument="TRA",
            start_date="2020-04-01",
            cost="veel",
        )
    return tables


def both_ways(folder: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    whole = check_data_folder(folder)
    monkeypatch.setattr(stream_csv, "LARGE_FILE_BYTES", 0)
    monkeypatch.setattr(stream_csv, "CHUNK_ROWS", 2)
    chunked = check_data_folder(folder)
    monkeypatch.undo()
    return whole, chunked


def test_reading_in_chunks_gives_what_reading_whole_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, chunked = both_ways(write_folder(tmp_path / "bad", broken_tables()), monkeypatch)
    assert chunked.violations == whole.violations
    assert chunked.counts == whole.counts
    # 230 costs that are not numbers, an unknown instrument, a client refused as a BSN
    assert whole.counts["trajectories.csv"] == MAX_LISTED_PER_FILE + 32
    assert len([v for v in whole.violations if v.file == "trajectories.csv"]) == 200
    assert {v.code for v in whole.violations} >= {
        "invalid_type",
        "unknown_category",
        "formula_like_value",
        "bsn_like_id",
        "negative_amount",
        "end_before_start",
        "unknown_instrument",
        "duplicate_key",
    }
    valid = write_folder(tmp_path / "good", valid_tables())
    whole, chunked = both_ways(valid, monkeypatch)
    assert whole.data is not None and chunked.data is not None
    for name in ("clients", "spells", "trajectories", "instruments"):
        pd.testing.assert_frame_equal(getattr(chunked.data, name), getattr(whole.data, name))


def test_a_file_that_is_not_plain_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = broken_tables()
    set_cell(tables, "clients", 3, "district", "Noord, oud")  # quoted: not a plain export
    folder = write_folder(tmp_path / "bad", tables)
    monkeypatch.setattr(stream_csv, "LARGE_FILE_BYTES", 0)
    assert stream_csv.read_large_csv(folder / "clients.csv", "clients") is None
    assert stream_csv.read_large_csv(folder / "spells.csv", "spells") is not None
    whole, chunked = both_ways(folder, monkeypatch)
    assert chunked.violations == whole.violations


def test_json_lists_the_first_per_file_and_counts_them_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_folder(tmp_path / "bad", broken_tables())
    assert main(["validate", str(folder), "--json"]) == 2
    document = json.loads(capsys.readouterr().out)
    per_file = pd.Series([v["file"] for v in document["violations"]]).value_counts()
    assert per_file.max() == MAX_LISTED_PER_FILE
    assert document["violations_total"] == sum(document["violation_counts"].values())
    assert document["violation_counts"]["trajectories.csv"] == MAX_LISTED_PER_FILE + 32
    assert main(["validate", str(folder)]) == 2
    text = capsys.readouterr().out
    assert "trajectories.csv: 232 violations" in text
    assert "... and 32 more in trajectories.csv" in text
