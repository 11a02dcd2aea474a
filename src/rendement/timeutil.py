"""Whole calendar months, as the data contract counts them.

The months on benefit at a date ``D`` for a spell starting at ``S`` are
``(D.year - S.year) * 12 + (D.month - S.month)``, minus one when
``D.day < S.day``. A spell that ends within its first month has duration 1
(outflow is never in month 0).

Conventions used everywhere in rendement (person-month panel, simulator,
scoring):

* Spell month ``k`` (k = 1, 2, ...) is the interval ``[S + (k-1) months, S + k months)``.
* A spell with duration ``T`` left benefit at the end of month ``T``.
* A client observed on benefit at a date with ``d`` whole months elapsed has
  survived months ``1..d`` (``T > d``) and is at risk in month ``d + 1``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def months_between(start: dt.date | pd.Timestamp, end: dt.date | pd.Timestamp) -> int:
    """Whole months from ``start`` to ``end`` (data-contract definition)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


def months_between_arrays(
    start: pd.Series | pd.DatetimeIndex, end: pd.Series | pd.DatetimeIndex
) -> np.ndarray:
    """Vectorised :func:`months_between` for datetime64 arrays (NaT gives -1 << 30)."""
    s_month, s_day, s_missing = _month_and_day(start)
    e_month, e_day, e_missing = _month_and_day(end)
    months = e_month - s_month - (e_day < s_day)
    return np.where(s_missing | e_missing, -(1 << 30), months).astype(np.int64)


def _month_and_day(
    values: pd.Series | pd.DatetimeIndex,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Months since 1970-01 and day of the month (0-based), with numpy alone; and the NaT mask."""
    days = np.asarray(pd.DatetimeIndex(values).to_numpy(), dtype="datetime64[D]")
    missing = np.isnat(days)
    month_start = days.astype("datetime64[M]")
    month = month_start.astype(np.int64)
    day = (days - month_start.astype("datetime64[D]")).astype(np.int64)
    return month, day, missing


def spell_duration(start: dt.date | pd.Timestamp, end: dt.date | pd.Timestamp) -> int:
    """Duration in months of a spell that ended: at least 1."""
    return max(1, months_between(start, end))


def add_months(date: dt.date | pd.Timestamp, months: int) -> pd.Timestamp:
    """``date`` plus a whole number of months (day clipped to the month's end)."""
    return pd.Timestamp(date) + pd.DateOffset(months=int(months))


def age_in_years(birth: pd.Series, at: pd.Series) -> np.ndarray:
    """Completed years of age at the dates ``at`` (vectorised)."""
    return months_between_arrays(birth, at) // 12
