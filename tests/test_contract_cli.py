"""``rendement validate DATA_DIR [--json]``: exit status, readable report, JSON, no writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from contract_builders import set_cell, valid_tables, write_folder

from rendement.cli.commands.validate import MAX_LINES_PER_FILE
from rendement.cli.main import main

RENDEMENT = Path(sys.executable).parent / "rendement"


def _broken(tmp_path: Path) -> Path:
    tables = set_cell(valid_tables(), "clients", 3, "education", "Hoog")
    set_cell(tables, "spells", 4, "monthly_benefit", "-980")
    set_cell(tables, "spells", 6, "end_date", "2016-01-01")
    return write_folder(tmp_path / "data", tables)


def test_a_valid_folder_exits_0_with_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_folder(tmp_path / "data", valid_tables())
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "is valid" in out
    assert "4 clients" in out and "5 spells" in out and "2 were still running" in out
    assert "reintegratie 2; handhaving 1" in out
    assert len(out.strip().splitlines()) == 1  # one paragraph


def test_an_invalid_folder_exits_2_with_every_violation_grouped_per_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(_broken(tmp_path))]) == 2
    captured = capsys.readouterr()
    out = captured.out
    assert "3 violations of the data contract in 2 files" in out
    assert "Traceback" not in out + captured.err
    lines = out.splitlines()
    at_clients = lines.index("clients.csv: 1 violation")
    at_spells = lines.index("spells.csv: 2 violations")
    assert at_clients < at_spells
    assert (
        lines[at_clients + 1] == "  clients.csv, row 3, column 'education': found 'Hoog'; "
        "expected one of laag, middelbaar, hoog, onbekend [unknown_category]"
    )
    spell_lines = lines[at_spells + 1 : at_spells + 3]
    assert spell_lines[0].startswith("  spells.csv, row 4, column 'monthly_benefit': found '-980'")
    assert spell_lines[1].startswith("  spells.csv, row 6, column 'end_date': found '2016-01-01'")


def test_json_lists_every_violation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(_broken(tmp_path)), "--json"]) == 2
    document = json.loads(capsys.readouterr().out)
    assert document["valid"] is False
    assert document["summary"] is None
    assert [(v["file"], v["row"], v["column"], v["code"]) for v in document["violations"]] == [
        ("clients.csv", 3, "education", "unknown_category"),
        ("spells.csv", 4, "monthly_benefit", "negative_amount"),
        ("spells.csv", 6, "end_date", "end_before_start"),
    ]
    first = document["violations"][0]
    assert set(first) == {"file", "row", "column", "value", "expected", "code"}
    assert first["value"] == "Hoog"


def test_json_of_a_valid_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_folder(tmp_path / "data", valid_tables())
    assert main(["validate", str(folder), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["valid"] is True
    assert document["violations"] == []
    assert document["summary"]["clients"] == 4
    assert document["summary"]["running_spells"] == 2


def test_a_missing_folder_exits_2_without_a_stack_trace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(tmp_path / "nowhere"), "--json"]) == 2
    document = json.loads(capsys.readouterr().out)
    assert [v["code"] for v in document["violations"]] == ["missing_folder"]


def test_text_and_json_list_at_most_the_limit_per_file_and_count_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tables = valid_tables()
    header = tables["trajectories"][0]
    template = tables["trajectories"][1]
    many = MAX_LINES_PER_FILE + 50
    for i in range(many):
        row = list(template)
        row[header.index("trajectory_id")] = f"X{i}"
        row[header.index("cost")] = "-1"
        tables["trajectories"].append(row)
    folder = write_folder(tmp_path / "data", tables)
    assert main(["validate", str(folder)]) == 2
    out = capsys.readouterr().out
    assert f"trajectories.csv: {many} violations" in out
    listed = [line for line in out.splitlines() if line.startswith("  trajectories.csv, row")]
    assert len(listed) == MAX_LINES_PER_FILE
    assert "... and 50 more in trajectories.csv" in out
    assert main(["validate", str(folder), "--json"]) == 2
    document = json.loads(capsys.readouterr().out)
    assert len(document["violations"]) == MAX_LINES_PER_FILE  # issue 13: bounded, as the text
    assert [v["row"] for v in document["violations"]] == list(range(5, 5 + MAX_LINES_PER_FILE))
    assert document["violation_counts"] == {"trajectories.csv": many}
    assert document["violations_total"] == many


def test_the_installed_command_in_a_real_process(tmp_path: Path) -> None:
    assert RENDEMENT.exists(), "the rendement console script is not installed in the venv"
    good = write_folder(tmp_path / "good", valid_tables())
    done = subprocess.run(
        [str(RENDEMENT), "validate", str(good)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "is valid" in done.stdout
    bad = _broken(tmp_path)
    before = sorted(p.name for p in bad.iterdir())
    done = subprocess.run(
        [str(RENDEMENT), "validate", str(bad), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(json.loads(done.stdout)["violations"]) == 3
    assert sorted(p.name for p in bad.iterdir()) == before


def test_other_commands_list_at_most_the_limit_per_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """fit/score/lists/plan on an invalid folder: the same per-file report, the rest counted."""
    import pandas as pd
    from simcache import get_simulation

    town = get_simulation(clients=1500, seed=3, heterogeneity=False)
    data = tmp_path / "data"
    for f in town.data_dir.iterdir():
        (data / f.name).parent.mkdir(exist_ok=True)
        (data / f.name).write_bytes(f.read_bytes())
    clients = pd.read_csv(data / "clients.csv", dtype=str, keep_default_na=False)
    clients["household_type"] = "woongroep"
    clients.to_csv(data / "clients.csv", index=False)

    assert main(["fit", str(data), "--out", str(tmp_path / "model")]) == 2
    err = capsys.readouterr().err
    listed = [line for line in err.splitlines() if line.startswith("  ") and "woongroep" in line]
    assert len(listed) == MAX_LINES_PER_FILE
    assert f"... and {len(clients) - MAX_LINES_PER_FILE:,} more in clients.csv" in err
    assert "Nothing was written" in err
    assert not (tmp_path / "model").exists()
