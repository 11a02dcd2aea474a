"""Reading the files of a data folder into cells as the user wrote them.

One table of the contract is one file: ``NAME.csv`` (UTF-8, comma-separated,
header row), ``NAME.parquet`` or ``NAME.xlsx`` (first sheet), chosen by the
extension (case-insensitive). The readers do not interpret types: every cell
becomes its text as written (surrounding spaces removed, ``None`` when empty),
whatever the format, so that CSV, Parquet and Excel give the same cells and
the same typed tables after :mod:`rendement.contract.checks`. Values that
Parquet or Excel store typed are written out the way a person would type
them: dates as ``YYYY-MM-DD``, whole numbers without ``.0``, booleans as
``true``/``false``.

Each data row keeps its row number as the user sees it in the file (header =
row 1): the line where the record starts in a CSV file, the sheet row in
Excel, and the record number + 1 in Parquet (as if it had a header row).
Problems that make a file unusable (unreadable, wrong encoding or delimiter,
empty) or a row unreliable (wrong number of fields) are returned as
:class:`~rendement.errors.Violation` objects, never raised.

Long: one reader per format (CSV, Parquet, Excel) and the record checks they share; apart, each check would live far from the readers that rely on it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rendement.contract.schema import EXTENSIONS, TABLES
from rendement.errors import Violation

#: Largest float that still holds every whole number exactly (written without ``.0``).
_EXACT_INTEGER_LIMIT = 2.0**53


@dataclass(frozen=True)
class RawTable:
    """The cells of one file: text as written, ``None`` when empty.

    ``cells`` has one column per named header column (in file order, first
    occurrence when a name repeats) and one row per non-blank data row;
    ``rows[i]`` is the row number of ``cells.iloc[i]`` as the user sees it.
    """

    table: str
    file: str
    cells: pd.DataFrame
    rows: np.ndarray
    header_row: int = 1


@dataclass
class ReadResult:
    """What reading one file gave: the cells (``None`` when unusable) and the problems found."""

    table: str
    file: str
    raw: RawTable | None
    violations: list[Violation] = field(default_factory=list)


def find_table_files(folder: Path, tables: Iterable[str] = TABLES) -> dict[str, list[Path]]:
    """The files in ``folder`` per contract table, in order of :data:`EXTENSIONS`."""
    wanted = list(tables)
    names = {f"{table}{ext}": (table, i) for table in wanted for i, ext in enumerate(EXTENSIONS)}
    found: dict[str, list[tuple[int, Path]]] = {table: [] for table in wanted}
    for entry in sorted(folder.iterdir()):
        hit = names.get(entry.name.lower())
        if hit is not None and entry.is_file():
            found[hit[0]].append((hit[1], entry))
    return {table: [p for _, p in sorted(paths)] for table, paths in found.items()}


#: Tables that may hold a header and no rows: a municipality that has bought no
#: trajectories yet still has a caseload to score (without instrument effects).
#: The optional tables (applications, recoveries) may be empty in a month too.
MAY_HAVE_NO_ROWS = frozenset({"trajectories", "applications", "recoveries"})


def read_table_file(path: Path, table: str) -> ReadResult:
    """Read one file of ``table``; a file that cannot be used gives ``raw=None`` and a violation."""
    file = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        return _unusable(table, file, "unreadable_file", None, f"a readable file ({exc.strerror})")
    if size == 0:
        return _unusable(table, file, "empty_file", None, "a header row and at least one data row")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from rendement.contract import stream_csv  # large plain exports: bounded memory

        large = (
            stream_csv.read_large_csv(path, table) if size > stream_csv.LARGE_FILE_BYTES else None
        )
        return large or _read_csv(path, table)
    if suffix == ".parquet":
        return _read_parquet(path, table)
    return _read_xlsx(path, table)


def _unusable(
    table: str, file: str, code: str, value: str | None, expected: str, row: int | None = None
) -> ReadResult:
    return ReadResult(table, file, None, [Violation(file, row, None, value, expected, code)])


# --------------------------------------------------------------------------- CSV


def _read_csv(path: Path, table: str) -> ReadResult:
    file = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _unusable(table, file, "unreadable_file", None, f"a readable file ({exc.strerror})")
    if not data.strip():
        return _unusable(table, file, "empty_file", None, "a header row and at least one data row")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return _unusable(
            table,
            file,
            "unreadable_file",
            f"byte 0x{data[exc.start]:02X}",
            "UTF-8 text (in Excel: Save As 'CSV UTF-8 (comma delimited)')",
            row=line,
        )
    simple = _read_simple_csv(text, table, file)
    if simple is not None:
        return simple
    records, starts, problem = _csv_records(text)
    if problem is not None:
        line, message = problem
        return _unusable(
            table, file, "unreadable_file", None, f"well-formed CSV ({message})", row=line
        )
    return _from_records(table, file, records, starts, from_text=True)


def _read_simple_csv(text: str, table: str, file: str) -> ReadResult | None:
    """The common case at C speed: no quotes, one record per line, a clean header, every
    line with the header's number of fields. ``None`` for anything else, which the general
    reader (:func:`_csv_records`, :func:`_from_records`) handles and reports; for the
    files it accepts this gives exactly what the general reader gives (tested)."""
    if '"' in text or "\x00" in text:
        return None
    if "\r" in text:
        if text.count("\r") != text.count("\r\n"):
            return None  # a lone carriage return ends a record for the csv module
        text = text.replace("\r\n", "\n")
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=str,
            sep=",",
            quoting=csv.QUOTE_NONE,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (ValueError, pd.errors.ParserError):  # e.g. a line with more fields than the first
        return None
    width = len(frame.columns)
    if len(frame) != lines or len(frame) < 2 or text.count(",") != lines * (width - 1):
        # blank lines or missing fields (the C parser fills them in silently; a line with
        # more fields than the first fails above): the general reader reports them
        return None
    header = [str(v).strip() for v in frame.iloc[0]]
    if len(header) < 2 or not all(header) or len(set(header)) != len(header):
        return None
    body = frame.iloc[1:]
    stripped = {
        name: body[j].str.strip().replace("", None).astype(object)
        for j, name in zip(frame.columns, header, strict=True)
    }
    cells = pd.DataFrame(stripped)
    blank = cells.isna().all(axis=1).to_numpy()
    if blank.all():
        return None
    rows = np.arange(2, len(frame) + 1, dtype=np.int64)[~blank]
    cells = cells[~blank].reset_index(drop=True)
    return ReadResult(table, file, RawTable(table, file, cells, rows, 1))


def _csv_records(text: str) -> tuple[list[list[str]], Sequence[int], tuple[int, str] | None]:
    """Records of a CSV text and the line where each starts (or where parsing failed)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)
    except csv.Error as exc:
        return [], [], (reader.line_num, str(exc))
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if len(records) == lines:  # one record per line: no line breaks inside quoted values
        return records, range(1, len(records) + 1), None
    reader = csv.reader(io.StringIO(text, newline=""))
    starts: list[int] = []
    previous_line = 0
    for _ in reader:
        starts.append(previous_line + 1)
        previous_line = reader.line_num
    return records, starts, None


def _from_records(
    table: str,
    file: str,
    records: Sequence[Sequence[Any]],
    starts: Sequence[int],
    *,
    from_text: bool,
) -> ReadResult:
    """Header, blank rows and field counts, shared by CSV (``from_text``) and Excel.

    CSV records hold strings only; Excel records hold typed values. Blank rows
    are dropped (their numbers are skipped, so later rows keep theirs).

    Long: one pass over the records checks header, blank rows and field counts together, so that every problem of a file is reported at once.
    """
    if from_text:
        blank = [not "".join(r).strip() for r in records]
    else:
        blank = [all(_cell_text(v) is None for v in r) for r in records]
    first = next((i for i, b in enumerate(blank) if not b), None)
    if first is None:
        return _unusable(table, file, "empty_file", None, "a header row and at least one data row")
    header_row = starts[first]
    header = [_cell_text(v) or "" for v in records[first]]
    named = [h for h in header if h]
    if from_text and len(named) == 1:
        for sep, word in ((";", "semicolons"), ("\t", "tabs")):
            if sep in named[0]:
                return _unusable(
                    table,
                    file,
                    "wrong_delimiter",
                    _shorten(named[0]),
                    f"comma-separated columns; this header is separated by {word} "
                    "(in Excel: Save As 'CSV UTF-8 (comma delimited)')",
                )
    result = ReadResult(table, file, None)
    positions: list[int] = []
    names: list[str] = []
    for j, name in enumerate(header):
        if not name:
            continue
        if name in names:
            result.violations.append(
                Violation(
                    file,
                    header_row,
                    name,
                    name,
                    "each column name once in the header",
                    "duplicate_column",
                )
            )
            continue
        positions.append(j)
        names.append(name)
    width = len(header)
    body = [i for i in range(first + 1, len(records)) if not blank[i]]
    rows = np.array([starts[i] for i in body], dtype=np.int64)
    fitted = [records[i] for i in body]
    filler = "" if from_text else None
    for k, record in enumerate(fitted):
        if len(record) == width:
            continue
        if from_text and (len(record) < width or "".join(record[width:]).strip()):
            result.violations.append(
                Violation(
                    file,
                    int(rows[k]),
                    None,
                    f"{len(record)} fields",
                    f"{width} fields as in the header (quote a value that contains a comma)",
                    "wrong_field_count",
                )
            )
        fitted[k] = _fit(record, width, filler)
    by_column = list(zip(*fitted, strict=True)) if fitted else [()] * width
    columns: dict[str, pd.Series] = {}
    for j, name in zip(positions, names, strict=True):
        if from_text:
            values: list[str | None] = [v.strip() or None for v in by_column[j]]
        else:
            values = [_cell_text(v) for v in by_column[j]]
        columns[name] = pd.Series(values, dtype=object)
    cells = pd.DataFrame(columns, index=pd.RangeIndex(len(body)))
    if not len(body) and table not in MAY_HAVE_NO_ROWS:
        result.violations.append(
            Violation(
                file, None, None, None, "at least one data row below the header", "empty_file"
            )
        )
    result.raw = RawTable(table, file, cells, rows, header_row)
    return result


def _fit(record: Sequence[Any], width: int, filler: Any) -> list[Any]:
    values = list(record)
    if len(values) < width:
        return values + [filler] * (width - len(values))
    return values[:width]


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- Parquet


def _read_parquet(path: Path, table: str) -> ReadResult:
    import pyarrow as pa
    import pyarrow.parquet as pq

    file = path.name
    try:
        arrow = pq.read_table(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        return _unusable(table, file, "unreadable_file", None, f"a Parquet file ({exc})")
    try:
        frame = arrow.to_pandas()
    except (pa.ArrowException, OverflowError, ValueError):
        frame = arrow.to_pandas(timestamp_as_object=True)  # dates outside pandas' range
    frame = frame.reset_index(drop=True)
    result = ReadResult(table, file, None)
    columns: dict[str, pd.Series] = {}
    for name in frame.columns:
        label = str(name).strip()
        if not label:
            continue
        if label in columns:
            result.violations.append(
                Violation(file, 1, label, label, "each column name once", "duplicate_column")
            )
            continue
        columns[label] = _typed_to_text(frame[name])
    cells = pd.DataFrame(columns, index=pd.RangeIndex(len(frame)))
    blank = cells.isna().all(axis=1).to_numpy() if len(cells.columns) else np.ones(len(frame), bool)
    rows = np.arange(len(frame), dtype=np.int64) + 2
    cells = cells[~blank].reset_index(drop=True)
    rows = rows[~blank]
    if not len(cells) and table not in MAY_HAVE_NO_ROWS:
        result.violations.append(
            Violation(file, None, None, None, "at least one data row", "empty_file")
        )
    result.raw = RawTable(table, file, cells, rows)
    return result


def _typed_to_text(values: pd.Series) -> pd.Series:
    """Cells of a typed column as a person would type them (vectorised for plain dtypes)."""
    kind = values.dtype.kind
    if kind == "b" and values.dtype == np.bool_:
        return pd.Series(np.where(values.to_numpy(), "true", "false"), dtype=object)
    if kind in "iu" and isinstance(values.dtype, np.dtype):
        return pd.Series(values.to_numpy().astype(str), dtype=object)
    if kind == "f" and isinstance(values.dtype, np.dtype):
        x = values.to_numpy(dtype=np.float64)
        text = x.astype(str).astype(object)
        whole = np.isfinite(x) & (np.abs(x) < _EXACT_INTEGER_LIMIT)
        whole[whole] = x[whole] == np.floor(x[whole])
        text[whole] = x[whole].astype(np.int64).astype(str)
        text[np.isnan(x)] = None
        return pd.Series(text, dtype=object)
    if kind == "M" and isinstance(values.dtype, np.dtype):
        stamps = pd.DatetimeIndex(values)
        midnight = stamps == stamps.normalize()
        text = np.where(
            midnight,
            stamps.strftime("%Y-%m-%d").to_numpy(dtype=object),
            stamps.strftime("%Y-%m-%d %H:%M:%S").to_numpy(dtype=object),
        ).astype(object)
        text[stamps.isna()] = None
        return pd.Series(text, dtype=object)
    return _text_series(values.astype(object))


# --------------------------------------------------------------------------- Excel


def _read_xlsx(path: Path, table: str) -> ReadResult:
    import openpyxl

    file = path.name
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl's own errors: all mean "damaged"
        return _unusable(
            table, file, "unreadable_file", None, f"an Excel workbook .xlsx ({type(exc).__name__})"
        )
    try:
        if not workbook.worksheets:
            return _unusable(table, file, "empty_file", None, "a sheet with a header row")
        sheet = workbook.worksheets[0]
        records = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    starts = list(range(1, len(records) + 1))
    return _from_records(table, file, records, starts, from_text=False)


# --------------------------------------------------------------------------- cells as text


def _text_series(values: pd.Series) -> pd.Series:
    """Every cell as stripped text, ``None`` when empty (object dtype)."""
    return pd.Series(
        [_cell_text(v) for v in values.to_numpy(dtype=object)], index=values.index, dtype=object
    )


def _cell_text(value: Any) -> str | None:
    """One cell as a person would type it: ``None`` for empty, dates ``YYYY-MM-DD``."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        x = float(value)
        if math.isnan(x):
            return None
        if math.isfinite(x) and abs(x) < _EXACT_INTEGER_LIMIT and x == math.floor(x):
            return str(int(x))
        return repr(x)
    if isinstance(value, dt.datetime):
        if pd.isna(value):
            return None
        if value.time() == dt.time(0, 0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace").strip() or None
    if value is pd.NA or value is pd.NaT:
        return None
    text = str(value).strip()
    return text or None
