"""Checks on one column at a time: types, categories, ranges, required values.

Every check is vectorised over the column: :func:`parse_column` turns the
cells of a contract column (text as written, ``None`` when empty) into the
typed values promised by :class:`~rendement.contract.folder.DataFolder` and
returns one boolean mask per kind of problem. Turning masks into
:class:`~rendement.errors.Violation` objects (the only per-row loop) happens
in :func:`violations_at`.

Codes: ``missing_value`` (required column, empty cell), ``invalid_type`` (not
a date, number, whole number or boolean), ``unknown_category``,
``negative_amount`` (below zero where the contract's minimum is zero),
``out_of_range`` (any other bound, e.g. ``monthly_benefit`` of 0 or a
``success_share`` above 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rendement.contract.bsn import bsn_like as bsn_like  # the one BSN check
from rendement.contract.distinct import per_distinct
from rendement.contract.limits import listed
from rendement.contract.schema import FALSE_WORDS, TRUE_WORDS, Column
from rendement.errors import Violation

_ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_EXACT_INTEGER_LIMIT = 2.0**53

#: Contract defaults for empty optional cells (data-contract.md: success_share "default 0").
DEFAULTS: dict[tuple[str, str], float] = {("instruments", "success_share"): 0.0}


@dataclass
class ParsedColumn:
    """Typed values of one column and where they break the contract.

    ``problems`` maps a violation code to a boolean mask over the rows;
    ``unusable`` marks the rows whose typed value cannot be trusted (empty
    where required, or not of the right type).
    """

    values: pd.Series
    problems: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def unusable(self) -> np.ndarray:
        mask = np.zeros(len(self.values), dtype=bool)
        for code in ("missing_value", "invalid_type", "unknown_category"):
            if code in self.problems:
                mask |= self.problems[code]
        return mask


def parse_column(cells: pd.Series, column: Column, table: str = "") -> ParsedColumn:
    """Typed values of a contract column and the masks of its violations."""
    present = cells.notna().to_numpy()
    problems: dict[str, np.ndarray] = {}
    if column.required:
        problems["missing_value"] = ~present
    if column.type == "date":
        values = parse_dates(cells)
        problems["invalid_type"] = present & values.isna().to_numpy()
    elif column.type == "bool":
        values, invalid = parse_booleans(cells)
        problems["invalid_type"] = present & invalid
    elif column.type in ("number", "integer"):
        numbers = parse_numbers(cells)
        invalid = present & np.isnan(numbers)
        if column.type == "integer":
            with np.errstate(invalid="ignore"):
                fraction = numbers != np.floor(numbers)
                huge = np.abs(numbers) >= _EXACT_INTEGER_LIMIT
            invalid |= present & ~invalid & (fraction | huge)
        problems["invalid_type"] = invalid
        ok = present & ~invalid
        problems.update(_range_problems(numbers, ok, column))
        numbers = np.where(ok, numbers, np.nan)
        default = DEFAULTS.get((table, column.name))
        if default is not None:
            numbers = np.where(present, numbers, default)
        values = _numbers_as(numbers, column)
    elif column.type == "category":
        values = as_text(cells)
        problems["unknown_category"] = present & ~cells.isin(column.categories).to_numpy()
    else:
        values = as_text(cells)
    return ParsedColumn(values.reset_index(drop=True), problems)


def as_text(cells: pd.Series) -> pd.Series:
    """Cells as an ``object`` column of their texts, ``None`` when empty (also for the
    ``Categorical`` columns of a large file, :mod:`rendement.contract.stream_csv`)."""
    text = cells.astype(object)
    if isinstance(cells.dtype, pd.CategoricalDtype):
        text = text.where(cells.notna(), None)
    return text


def parse_dates(cells: pd.Series) -> pd.Series:
    """``YYYY-MM-DD`` as ``datetime64[ns]``; anything else (or an impossible date) is NaT."""
    dates = per_distinct(cells, _dates)
    return pd.Series(dates, index=cells.index).astype("datetime64[ns]")


def _dates(cells: pd.Series) -> np.ndarray:
    text = cells.astype(object)
    iso = text.str.fullmatch(_ISO_DATE, na=False).astype(bool)
    dates = pd.to_datetime(text.where(iso, None), format="%Y-%m-%d", errors="coerce")
    return pd.Series(dates, index=cells.index).astype("datetime64[ns]").to_numpy()


def parse_booleans(cells: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """ja/nee, true/false, 1/0 (any case) as pandas ``boolean``; the mask of other values."""
    true = per_distinct(cells, lambda c: c.astype(object).str.lower().isin(TRUE_WORDS))
    false = per_distinct(cells, lambda c: c.astype(object).str.lower().isin(FALSE_WORDS))
    values = pd.array(np.where(true, True, False), dtype="boolean")
    values[~(true | false)] = pd.NA
    return pd.Series(values, index=cells.index), cells.notna().to_numpy() & ~(true | false)


def parse_numbers(cells: pd.Series) -> np.ndarray:
    """Numbers written with a decimal point as float64; NaN for empty, text, inf or nan."""
    numbers = per_distinct(
        cells, lambda c: pd.to_numeric(c.astype(object), errors="coerce").to_numpy(np.float64)
    )
    return np.where(np.isfinite(numbers), numbers, np.nan)


def _range_problems(numbers: np.ndarray, ok: np.ndarray, column: Column) -> dict[str, np.ndarray]:
    """Below the minimum or above the maximum; negative values of a column that starts at 0
    are ``negative_amount``, every other bound is ``out_of_range``."""
    low = np.zeros(len(numbers), dtype=bool)
    high = np.zeros(len(numbers), dtype=bool)
    negative = np.zeros(len(numbers), dtype=bool)
    with np.errstate(invalid="ignore"):
        if column.minimum is not None:
            below = (
                numbers <= column.minimum if column.exclusive_minimum else numbers < column.minimum
            )
            low = ok & below
            if column.minimum >= 0:
                negative = low & (numbers < 0)
        if column.maximum is not None:
            high = ok & (numbers > column.maximum)
    return {"negative_amount": negative, "out_of_range": (low & ~negative) | high}


def _numbers_as(numbers: np.ndarray, column: Column) -> pd.Series:
    if column.type == "number":
        return pd.Series(numbers, dtype="float64")
    whole = pd.Series(numbers, dtype="float64").astype("Int64")
    if column.required and not whole.isna().any():
        return whole.astype("int64")
    return whole


def parse_extra(cells: pd.Series) -> pd.Series:
    """A column outside the contract: numbers when every filled cell is one, else text."""
    present = cells.notna().to_numpy()
    if not present.any():
        return as_text(cells).reset_index(drop=True)
    numbers = parse_numbers(cells)
    if np.isnan(numbers[present]).any():
        return as_text(cells).reset_index(drop=True)
    return pd.Series(numbers, dtype="float64")


def violations_at(
    mask: np.ndarray,
    *,
    file: str,
    rows: np.ndarray,
    column: str | None,
    values: Sequence[str | None] | pd.Series | np.ndarray,
    expected: str | Sequence[str] | np.ndarray,
    code: str,
) -> list[Violation]:
    """One :class:`Violation` per ``True`` in ``mask`` (``values``/``expected`` per row or shared)."""
    where = np.flatnonzero(mask)
    if not len(where):
        return []
    where = where[: listed(file, len(where))]
    vals = np.asarray(values, dtype=object)[where]
    if isinstance(expected, str):
        wanted: list[str] = [expected] * len(where)
    else:
        wanted = [str(e) for e in np.asarray(expected, dtype=object)[where]]
    return [
        Violation(file, int(r), column, None if v is None or v != v else str(v), e, code)
        for r, v, e in zip(rows[where], vals, wanted, strict=True)
    ]
