"""Calendar months as integers: the simulator's clock.

Month index ``12 * year + (month - 1)``. A spell starting on day ``day`` (1-28)
of month ``c`` has spell month ``k`` in calendar month ``c + k - 1`` and, when it
lasts ``T`` months, ends on the same day of month ``c + T``: the data contract's
month arithmetic then gives duration ``T`` exactly.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def month_index(date: dt.date | pd.Timestamp) -> int:
    """``12 * year + month - 1``."""
    return 12 * date.year + date.month - 1


def to_dates(month: np.ndarray, day: np.ndarray) -> pd.DatetimeIndex:
    """Dates of calendar month indices and days (vectorised; days must be valid, e.g. <= 28)."""
    m = np.asarray(month, dtype=np.int64)
    d = np.asarray(day, dtype=np.int64)
    if len(m) == 0:
        return pd.DatetimeIndex([], dtype="datetime64[ns]")
    first = (m - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]")
    return pd.DatetimeIndex(first + (d - 1).astype("timedelta64[D]")).as_unit("ns")


def months_elapsed(start_month: np.ndarray, start_day: np.ndarray, as_of: dt.date) -> np.ndarray:
    """Whole months from each start (month index, day) to ``as_of`` (data-contract definition)."""
    return month_index(as_of) - np.asarray(start_month) - (as_of.day < np.asarray(start_day))
