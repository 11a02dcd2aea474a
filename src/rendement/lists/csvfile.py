"""The lists as CSV, in one of two dialects.

* ``plain`` (default): UTF-8, comma-separated, decimal point -- for programs;
* ``nl``: what Excel in a Dutch locale opens in columns on a double click --
  semicolons, decimal commas and a byte-order mark (UTF-8 with BOM).

Both hold the same values; only the way they are written differs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd

from rendement.formulas import escape_frame

CsvDialect = Literal["plain", "nl"]
DIALECTS: tuple[CsvDialect, ...] = ("plain", "nl")


def write_csv(frame: pd.DataFrame, path: Path, dialect: CsvDialect = "plain") -> None:
    """Write ``frame`` to ``path`` (no index) in ``dialect``; text that a spreadsheet would run
    as a formula is escaped (:func:`rendement.formulas.escape_frame`)."""
    frame = escape_frame(frame)
    if dialect == "nl":
        frame.to_csv(path, index=False, sep=";", decimal=",", encoding="utf-8-sig")
    elif dialect == "plain":
        frame.to_csv(path, index=False)
    else:
        raise ValueError(f"unknown CSV dialect {dialect!r}; choose one of {', '.join(DIALECTS)}")


def read_csv(path: Path, dialect: CsvDialect = "plain", **kwargs: object) -> pd.DataFrame:
    """Read a file written by :func:`write_csv` back (tests, and programs that take both)."""
    if dialect == "nl":
        return pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", **kwargs)  # type: ignore[call-overload,no-any-return]
    return pd.read_csv(path, **kwargs)  # type: ignore[call-overload,no-any-return]
