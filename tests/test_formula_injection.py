"""Issue 13, finding 1: text from the data never becomes a live spreadsheet formula.

Two ends: validation refuses identifiers that start like a formula, and every
human-facing output (workbook, lists, plan, score) writes strings as text.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import numpy as np
import pandas as pd
from contract_builders import set_cell, valid_tables, write_folder
from openpyxl import load_workbook
from plan_builders import score_from_matrix

from rendement.contract import validate_data_folder
from rendement.formulas import FORMULA_STARTS, escape_frame, escape_text
from rendement.lists import build_lists, write_lists
from rendement.scoring.caseload import write_score

HYPERLINK = '=HYPERLINK("http://example.invalid","x")'
DDE = "+cmd|' /C calc'!A0"


def test_identifiers_that_start_like_a_formula_are_refused_all_at_once(tmp_path: Path) -> None:
    tables = valid_tables()
    set_cell(tables, "clients", 2, "district", HYPERLINK)
    set_cell(tables, "clients", 3, "caseworker_id", DDE)
    set_cell(tables, "trajectories", 2, "provider", "@SUM(A1:A9)")
    set_cell(tables, "trajectories", 4, "instrument", "-2+3")
    set_cell(tables, "instruments", 4, "instrument", "-2+3")
    set_cell(tables, "clients", 5, "district", "\t=1+1")  # the reader strips the tab
    violations = validate_data_folder(write_folder(tmp_path / "data", tables))
    found = [(v.file, v.row, v.column, v.value, v.code) for v in violations]
    code = "formula_like_value"
    assert found == [
        ("clients.csv", 2, "district", HYPERLINK, code),
        ("clients.csv", 3, "caseworker_id", DDE, code),
        ("clients.csv", 5, "district", "=1+1", code),
        ("trajectories.csv", 2, "provider", "@SUM(A1:A9)", code),
        ("trajectories.csv", 4, "instrument", "-2+3", code),
        ("instruments.csv", 4, "instrument", "-2+3", code),
    ]
    assert "spreadsheet would run it as a formula" in violations[0].expected


def test_a_client_id_that_starts_like_a_formula_is_refused(tmp_path: Path) -> None:
    tables = valid_tables()
    set_cell(tables, "clients", 4, "client_id", "=K003")
    for row in (5,):
        set_cell(tables, "spells", row, "client_id", "=K003")
    found = [
        (v.file, v.row, v.column, v.code)
        for v in validate_data_folder(write_folder(tmp_path / "data", tables))
    ]
    assert ("clients.csv", 4, "client_id", "formula_like_value") in found
    assert ("spells.csv", 5, "client_id", "formula_like_value") in found


def test_escape_is_the_owasp_rule_on_text_only() -> None:
    for start in FORMULA_STARTS:
        assert escape_text(start + "SUM(1)") == "'" + start + "SUM(1)"
    assert escape_text("Noord") == "Noord"
    assert escape_text("-5") == "-5" and escape_text("-1234.5") == "-1234.5"
    assert escape_text("-") == "-"
    assert escape_text(-5.0) == -5.0
    frame = pd.DataFrame({"who": [HYPERLINK, "km01"], "net": [-12.5, 3.0]})
    out = escape_frame(frame)
    assert out["who"].tolist() == ["'" + HYPERLINK, "km01"]
    assert out["net"].tolist() == [-12.5, 3.0] and out["net"].dtype == np.float64


def hostile_score():
    n = 12
    rng = np.random.default_rng(3)
    score = score_from_matrix(
        rng.normal(-500, 2500, (n, 2)),  # negative net returns: numbers stay numbers
        codes=["jobhunt", "taal"],
        groups=rng.integers(1, 4, n).tolist(),
        extra={
            "district": [HYPERLINK if i % 2 else "=Zuid" for i in range(n)],
            "caseworker_id": [DDE if i % 3 else "@km" for i in range(n)],
        },
    )
    ranking = score.ranking.copy()
    ranking["client_id"] = [f"-C{i}" if i % 4 == 0 else f"C{i}" for i in range(n)]
    returns = score.returns.copy()
    returns["client_id"] = returns["client_id"].map(
        dict(zip(score.ranking["client_id"], ranking["client_id"], strict=True))
    )
    return dataclasses.replace(score, ranking=ranking, returns=returns)


def csv_cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as f:
        return [cell for row in csv.reader(f) for cell in row]


def test_no_formula_in_the_workbook_and_every_list_csv_escaped(tmp_path: Path) -> None:
    score = hostile_score()
    for by in ("district", "caseworker"):
        out = tmp_path / by
        paths = write_lists(build_lists(score, by=by), out)
        wb = load_workbook(paths[0])
        formulas = [
            c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"
        ]  # fmt: skip
        assert formulas == []
        assert not any(ws.title.startswith(FORMULA_STARTS) for ws in wb.worksheets)
        # the text is still there, as text
        values = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
        assert (HYPERLINK in values) if by == "district" else (DDE in values)
        csv_paths = [p for p in paths if p.suffix == ".csv"]
        assert len(csv_paths) >= 3
        for p in csv_paths:
            for cell in csv_cells(p):
                assert not cell.startswith(FORMULA_STARTS) or escape_text(cell) == cell, (p, cell)
        total = pd.read_csv(csv_paths[1], keep_default_na=False)
        assert total["netto rendement beste instrument"].dtype == np.float64


def test_ranking_and_returns_escape_text_fields_only(tmp_path: Path) -> None:
    score = hostile_score()
    write_score(score, tmp_path)  # type: ignore[arg-type]
    for name in ("ranking.csv", "returns.csv"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        frame = pd.read_csv(io.StringIO(text), keep_default_na=False)
        assert "'-C0" in frame["client_id"].tolist()
        for cell in csv_cells(tmp_path / name):
            assert not cell.startswith(FORMULA_STARTS) or escape_text(cell) == cell, (name, cell)
        if name == "returns.csv":  # negative amounts are written as plain numbers
            assert (frame.select_dtypes("number") < 0).any().any()
