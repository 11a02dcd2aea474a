"""Text that a spreadsheet must never run as a formula (formula or CSV injection).

A value such as ``=HYPERLINK("http://...")`` or ``+cmd|' /C calc'!A0`` in the
data would become a live formula when a manager opens a list in Excel. Two
defences, both here so that every writer uses the same rule:

* validation refuses identifiers that start like a formula
  (:func:`formula_like`, used by :mod:`rendement.contract.tables`);
* every human-facing output writes strings as text: CSV cells that start with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a leading single
  quote, the OWASP advice (:func:`escape_text`, :func:`escape_frame`,
  :func:`write_csv`); openpyxl cells holding a string get data type string,
  never formula (:func:`as_text`); sheet names never start like a formula
  (:func:`safe_sheet_name`).

Only text is escaped, never a number column, and text that is a plain number
(``-5``, ``+3.5``) or a lone ``-`` is left as it is: a spreadsheet reads it
as the number or dash it is, nothing runs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: First characters that make a spreadsheet treat a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?%?|-")


def starts_like_formula(text: str) -> bool:
    """``text`` starts with one of :data:`FORMULA_STARTS`."""
    return text.startswith(FORMULA_STARTS)


def formula_like(cells: pd.Series) -> np.ndarray:
    """Vectorised :func:`starts_like_formula` over a column of text (``None`` never is)."""
    from rendement.contract.distinct import per_distinct

    return per_distinct(cells, _formula_like).astype(bool)


def _formula_like(cells: pd.Series) -> np.ndarray:
    hits = cells.astype(object).str.startswith(FORMULA_STARTS, na=False)
    return hits.to_numpy(dtype=bool)


def escape_text(value: Any) -> Any:
    """A string that starts like a formula with a leading ``'``; anything else as it is."""
    if isinstance(value, str) and starts_like_formula(value) and not _PLAIN.fullmatch(value):
        return "'" + value
    return value


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`escape_text` applied to the cells of text columns.

    Numeric, boolean and date columns are returned untouched (a number is never escaped).
    """
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            text = column.astype(object)
            hits = formula_like(text)
            if hits.any():
                values = text.to_numpy(dtype=object).copy()
                values[hits] = [escape_text(v) for v in values[hits]]
                out[name] = pd.Series(values, index=out.index, dtype=object)
    if out.index.dtype == object:  # an index written as the first column
        out.index = pd.Index([escape_text(v) for v in out.index], name=out.index.name)
    return out


def write_csv(frame: pd.DataFrame, path: Path | str, **to_csv: Any) -> None:
    """``frame.to_csv(path, **to_csv)`` with every text cell escaped (:func:`escape_frame`)."""
    escape_frame(frame).to_csv(path, **to_csv)


def as_text(cell: Any) -> Any:
    """An openpyxl cell whose string value is stored as text, never as a formula; returned."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def safe_sheet_name(name: str) -> str:
    """``name`` without leading formula characters (``_`` instead of each one)."""
    stripped = name.lstrip("".join(FORMULA_STARTS))
    return "_" * (len(name) - len(stripped)) + stripped
