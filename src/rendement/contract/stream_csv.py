"""Reading a large plain CSV file in bounded memory: chunks, and each column as categories.

A file of millions of rows read whole holds every cell as its own Python
string (about 65 bytes each: 1.2 GB for 3M rows of six columns) plus the file
text twice. For a file above :data:`LARGE_FILE_BYTES` that is a plain export
(what :func:`rendement.contract.readers._read_simple_csv` accepts: UTF-8, no
quotes, one record per line, equal field counts, a clean header) this module
reads it in chunks of :data:`CHUNK_ROWS` rows and keeps each column as a
pandas ``Categorical`` (made by the parser itself): every distinct text once,
plus a small code per row.
Dates, amounts and categories repeat a lot, so the cells of a 3M-row file take
a few hundred MB. The cells are the same texts as the general reader's (a
column of ``Categorical`` instead of ``object`` dtype); checks read them with
``astype(object)``, which shares the strings.

A pre-scan in blocks decides whether the file is plain; anything else returns
``None`` and the caller reads the file whole, as before (and reports its
problems).
"""

from __future__ import annotations

import codecs
import csv
import ctypes
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from rendement.contract.readers import RawTable, ReadResult

#: Files above this size are read in chunks (when they are plain exports).
LARGE_FILE_BYTES = 32 * 2**20
#: Rows per chunk.
CHUNK_ROWS = 250_000
_BLOCK = 2**20


@dataclass
class _Scan:
    lines: int = 0
    commas: int = 0
    plain: bool = True


def read_large_csv(path: Path, table: str) -> ReadResult | None:
    """The cells of a large plain CSV file, or ``None`` when it is not plain (read it whole)."""
    scan = _scan(path)
    if not scan.plain or scan.lines < 2:
        return None
    file = path.name
    chunks: dict[str, list[Any]] = {}
    header: list[str] = []
    blank_parts: list[np.ndarray] = []
    reader = pd.read_csv(
        path,
        header=None,
        dtype="category",  # the parser makes a Python string for each distinct value only
        sep=",",
        quoting=csv.QUOTE_NONE,
        na_filter=False,
        skip_blank_lines=False,
        engine="c",
        encoding="utf-8-sig",
        chunksize=CHUNK_ROWS,
    )
    try:
        for k, frame in enumerate(reader):
            if k == 0:
                header = [str(v).strip() for v in frame.iloc[0]]
                width = len(header)
                if width < 2 or not all(header) or len(set(header)) != len(header):
                    return None
                if scan.commas != scan.lines * (width - 1):
                    return None  # missing fields somewhere: the general reader reports them
                frame = frame.iloc[1:]
            if len(frame.columns) != len(header):
                return None
            present = np.zeros(len(frame), dtype=bool)
            for j, name in zip(list(frame.columns), header, strict=True):
                column = _stripped(frame.pop(j).array)
                present |= column.codes >= 0
                chunks.setdefault(name, []).append(column)
            blank_parts.append(~present)
    except (ValueError, pd.errors.ParserError):
        return None
    finally:
        reader.close()
    blank = np.concatenate(blank_parts) if blank_parts else np.zeros(0, dtype=bool)
    if not len(blank) or blank.all():
        return None
    cells = pd.DataFrame(
        {name: pd.Series(_joined(parts), dtype="category") for name, parts in chunks.items()}
    )
    rows = np.arange(2, len(blank) + 2, dtype=np.int64)[~blank]
    if blank.any():
        cells = cells[~blank].reset_index(drop=True)
    give_back_memory()  # the chunks' parser buffers and strings
    return ReadResult(table, file, RawTable(table, file, cells, rows, 1))


def _stripped(values: Any) -> Any:
    """A chunk's categorical column with its texts stripped and empty texts missing."""
    texts = pd.Series(np.asarray(values.categories, dtype=object)).str.strip()
    texts = texts.where(texts != "", None)
    codes_of, distinct = pd.factorize(texts, use_na_sentinel=True)
    old = np.asarray(values.codes, dtype=np.int64)
    codes = np.where(old >= 0, codes_of[np.maximum(old, 0)], -1)
    return pd.Categorical.from_codes(codes, categories=pd.Index(distinct, dtype=object))


def _joined(parts: list[Any]) -> Any:
    joined = parts[0] if len(parts) == 1 else union_categoricals(parts)
    return joined.remove_unused_categories()


def give_back_memory() -> None:
    """Return freed heap memory to the system (glibc ``malloc_trim``; elsewhere nothing)."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _scan(path: Path) -> _Scan:
    """Count lines and commas; not plain when not UTF-8 or holding quotes, NUL or a lone CR."""
    scan = _Scan()
    decoder = codecs.getincrementaldecoder("utf-8")()
    last = b""
    with open(path, "rb") as f:
        while block := f.read(_BLOCK):
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                return _Scan(plain=False)
            if b'"' in block or b"\x00" in block:
                return _Scan(plain=False)
            joined = last + block
            if joined.count(b"\r") != joined.count(b"\r\n") and not (
                block.endswith(b"\r") and joined[:-1].count(b"\r") == joined.count(b"\r\n")
            ):
                return _Scan(plain=False)
            scan.lines += block.count(b"\n")
            scan.commas += block.count(b",")
            last = block[-1:]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return _Scan(plain=False)
    if last == b"\r":
        return _Scan(plain=False)
    if last and last != b"\n":
        scan.lines += 1
    return scan
