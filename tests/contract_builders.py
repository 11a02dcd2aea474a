"""Small data folders for the contract tests, written as CSV, Parquet or Excel.

A folder is held as text, table by table, exactly as a user would type it in
a CSV file: ``{"clients": [header, row, row, ...], ...}``. Tests change single
cells by their row number *as the user sees it in the file* (header = row 1),
so the row asserted in a violation is the row the test broke.

For Parquet and Excel the text is turned into native values (dates, numbers,
booleans) the way an export from a case system would store them; that
conversion lives here, independent of the validator's own parsing.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
from pathlib import Path

import pandas as pd

from rendement.contract.schema import TABLES
from rendement.errors import Violation

Tables = dict[str, list[list[str]]]

_VALID: Tables = {
    "clients": [
        [
            "client_id",
            "birth_date",
            "gender",
            "household_type",
            "education",
            "dutch_language",
            "work_experience_years",
            "health_restriction",
            "district",
            "caseworker_id",
            "wijkteam",
        ],
        [
            "K001",
            "1980-06-15",
            "M",
            "alleenstaand",
            "laag",
            "ja",
            "3.5",
            "nee",
            "Noord",
            "KM1",
            "A",
        ],
        ["K002", "1975-01-31", "V", "paar", "middelbaar", "NEE", "0", "false", "Zuid", "KM2", "B"],
        ["K003", "1990-12-01", "X", "alleenstaande_ouder", "hoog", "", "", "", "", "", ""],
        ["K004", "1968-03-09", "", "paar", "onbekend", "True", "12", "1", "Noord", "KM1", "A"],
    ],
    "spells": [
        ["spell_id", "client_id", "start_date", "end_date", "end_reason", "monthly_benefit"],
        ["S1", "K001", "2019-01-15", "2019-09-30", "werk", "1200.5"],
        ["S2", "K001", "2020-02-01", "", "", "1250"],
        ["S3", "K002", "2018-05-01", "2021-04-30", "opleiding", "980"],
        ["S4", "K003", "2021-03-01", "", "", "1369.25"],
        ["S5", "K004", "2017-07-10", "2018-01-09", "overig", "1100"],
    ],
    "trajectories": [
        [
            "trajectory_id",
            "client_id",
            "instrument",
            "start_date",
            "end_date",
            "cost",
            "provider",
            "result",
        ],
        ["T1", "K001", "TRA", "2020-03-01", "2020-09-01", "4500", "ReIntegra", "succesvol"],
        ["T2", "K002", "TAAL", "2018-06-01", "", "", "", ""],
        ["T3", "K004", "HB", "2017-08-01", "2017-08-01", "150", "", "niet_succesvol"],
    ],
    "instruments": [
        [
            "instrument",
            "label",
            "meter",
            "category",
            "price",
            "duration_months",
            "waiting_months",
            "success_share",
            "capacity",
        ],
        ["TRA", "Trajectory to work", "reintegratie", "2a", "5000", "6", "1", "0.4", "120"],
        ["TAAL", "Language course", "reintegratie", "1", "2500", "12", "2", "", ""],
        ["HB", "Home visit", "handhaving", "", "150", "0", "0", "0", ""],
    ],
}


def valid_tables() -> Tables:
    """A fresh copy of a small valid folder (4 clients, 5 spells, 3 trajectories, 3 instruments)."""
    return copy.deepcopy(_VALID)


def set_cell(tables: Tables, table: str, row: int, column: str, value: str) -> Tables:
    """Put ``value`` in ``column`` of the file row ``row`` (header = row 1)."""
    header = tables[table][0]
    tables[table][row - 1][header.index(column)] = value
    return tables


def drop_column(tables: Tables, table: str, column: str) -> Tables:
    j = tables[table][0].index(column)
    tables[table] = [r[:j] + r[j + 1 :] for r in tables[table]]
    return tables


def add_row(tables: Tables, table: str, **values: str) -> int:
    """Append a row (unnamed columns empty); returns its row number in the file."""
    header = tables[table][0]
    tables[table].append([values.get(c, "") for c in header])
    return len(tables[table])


def csv_text(rows: list[list[str]]) -> str:
    lines: list[str] = []
    for r in rows:
        out: list[str] = []
        for v in r:
            quoted = any(c in v for c in ',"\n\r')
            out.append('"' + v.replace('"', '""') + '"' if quoted else v)
        lines.append(",".join(out))
    return "\n".join(lines) + "\n"


def write_folder(folder: Path, tables: Tables, fmt: str = "csv") -> Path:
    """Write every table as ``fmt`` (``csv``, ``parquet``, ``parquet-text`` or ``xlsx``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        if fmt == "csv":
            (folder / f"{name}.csv").write_text(csv_text(rows), encoding="utf-8")
        elif fmt == "parquet":
            native_frame(name, rows).to_parquet(folder / f"{name}.parquet", index=False)
        elif fmt == "parquet-text":
            frame = pd.DataFrame(rows[1:], columns=rows[0], dtype=object)
            frame.to_parquet(folder / f"{name}.parquet", index=False)
        elif fmt == "xlsx":
            write_xlsx(folder / f"{name}.xlsx", name, rows)
        else:
            raise ValueError(fmt)
    return folder


def write_csv_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def native_frame(name: str, rows: list[list[str]]) -> pd.DataFrame:
    """The table with native types, as an export tool would write them to Parquet."""
    header, body = rows[0], rows[1:]
    columns = {}
    for j, col in enumerate(header):
        values = [r[j] for r in body]
        try:
            columns[col] = pd.Series([_native(name, col, v) for v in values])
        except ValueError:  # a deliberately broken value: the column stays text
            columns[col] = pd.Series(values, dtype=object)
            continue
        kind = _kind(name, col)
        if kind == "date":
            columns[col] = pd.to_datetime(columns[col])
        elif kind == "bool":
            columns[col] = columns[col].astype("boolean")
        elif kind == "integer":
            columns[col] = columns[col].astype("Int64")
        elif kind == "number":
            columns[col] = columns[col].astype("float64")
        else:
            columns[col] = columns[col].astype(object)
    return pd.DataFrame(columns)


def write_xlsx(path: Path, name: str, rows: list[list[str]]) -> None:
    """One sheet with native Excel values (dates as dates, numbers as numbers)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = name
    header = rows[0]
    sheet.append(header)
    for r in rows[1:]:
        values: list[object] = []
        for col, v in zip(header, r, strict=True):
            try:
                values.append(_native(name, col, v))
            except ValueError:  # a deliberately broken value is typed in as text
                values.append(v)
        sheet.append(values)
    workbook.save(path)


def _kind(table: str, column: str) -> str:
    if table not in TABLES:
        return "string"
    names = [c.name for c in TABLES[table].columns]
    if column not in names:
        return "number" if column.endswith("_number") else "string"
    return TABLES[table].column(column).type


def _native(table: str, column: str, text: str) -> object:
    if text == "":
        return None
    kind = _kind(table, column)
    if kind == "date":
        return dt.datetime.strptime(text, "%Y-%m-%d")
    if kind == "bool":
        return text.lower() in ("ja", "true", "1")
    if kind == "integer":
        return int(text)
    if kind == "number":
        return float(text)
    return text


Where = tuple[str, int | None, str | None, str]


def where(violations: list[Violation]) -> list[Where]:
    """(file, row, column, code) of every violation, in the order reported."""
    return [(v.file, v.row, v.column, v.code) for v in violations]


def check(tmp_path: Path, tables: Tables, fmt: str = "csv") -> list[Where]:
    """Write ``tables`` into a fresh folder and return where its violations are."""
    from rendement.contract import validate_data_folder

    return where(validate_data_folder(write_folder(tmp_path / "data", tables, fmt)))
