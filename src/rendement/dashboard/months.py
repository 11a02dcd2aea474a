"""Calendar months as integers, and benefit payments per calendar month.

Month index ``12 * year + (month - 1)``. A spell starting on ``S`` pays its
``monthly_benefit`` once per spell month; spell month ``k`` starts on
``S + (k - 1)`` months (``docs/architecture.md``, "Time"), so it falls in
calendar month ``month(S) + k - 1``. A spell with duration ``T`` (contract
definition, at least 1) therefore pays in the calendar months
``month(S) .. month(S) + T - 1``; a spell still running at a cut-off date ``C``
with ``d`` whole months on benefit has paid spell months ``1 .. d + 1`` (month
``d + 1`` started on ``S + d`` months ``<= C``).

This is the expenditure (*uitkeringslasten*) the report counts: one monthly
benefit per spell month started in the calendar month, on or before the
cut-off.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rendement.timeutil import months_between_arrays


def month_index(date: pd.Timestamp) -> int:
    """``12 * year + month - 1``."""
    return 12 * int(date.year) + int(date.month) - 1


def month_indices(dates: pd.Series | pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    """Month indices of many dates (``-1`` for NaT)."""
    idx = pd.DatetimeIndex(dates)
    out = 12 * idx.year.to_numpy(dtype=np.int64) + idx.month.to_numpy(dtype=np.int64) - 1
    return np.where(idx.isna(), -1, out)


def month_start(index: int) -> pd.Timestamp:
    """The first day of month ``index``."""
    return pd.Timestamp(year=index // 12, month=index % 12 + 1, day=1)


def month_end(index: int) -> pd.Timestamp:
    """The last day of month ``index``."""
    return month_start(index + 1) - pd.Timedelta(days=1)


def month_label(index: int) -> str:
    """``YYYY-MM``."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def paid_months(spells: pd.DataFrame, cutoff: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """First and last calendar month in which each spell paid, counting up to ``cutoff``.

    Spells starting after ``cutoff`` get ``last < first`` (nothing paid). A spell
    ending after ``cutoff`` counts as running at ``cutoff``.
    """
    start = pd.DatetimeIndex(spells["start_date"])
    end = pd.DatetimeIndex(spells["end_date"])
    first = month_indices(start)
    ended = np.asarray(end.notna() & (end <= cutoff), dtype=bool)
    stop = end.where(ended, cutoff)
    d = months_between_arrays(start, stop)
    duration = np.where(ended, np.maximum(1, d), d + 1)  # running: months 1..d+1 started
    last = first + duration - 1
    last = np.where(start > cutoff, first - 1, last)
    return first, last


def payments_by_month(spells: pd.DataFrame, cutoff: pd.Timestamp, months: np.ndarray) -> pd.Series:
    """Benefit paid per calendar month in ``months`` (EUR), spell months started up to ``cutoff``."""
    first, last = paid_months(spells, cutoff)
    benefit = spells["monthly_benefit"].to_numpy(dtype=float)
    lo, hi = int(months.min()), int(months.max())
    diff = np.zeros(hi - lo + 2)
    a = np.clip(first, lo, hi + 1) - lo
    b = np.clip(last + 1, lo, hi + 1) - lo
    ok = b > a
    np.add.at(diff, a[ok], benefit[ok])
    np.add.at(diff, b[ok], -benefit[ok])
    per = np.round(np.cumsum(diff)[:-1], 2)  # whole cents: no float residue in empty months
    return pd.Series(per[np.asarray(months) - lo], index=np.asarray(months))
