"""Benefit spells as they were known at a cut-off date (extraction or as-of date).

A spell that starts after the cut-off does not exist yet; a spell that ends
after it is still running (right-censored at the cut-off). See the "Time"
section of ``docs/architecture.md``:

* an ended spell has duration ``T = max(1, months_between(S, E))``;
* a spell running at the cut-off ``C`` has survived ``d = months_between(S, C)``
  months (``d = 0`` contributes no person-month).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.errors import AsOfDateError
from rendement.timeutil import months_between_arrays


@dataclass(frozen=True)
class SpellsAtCutoff:
    """Per row of ``data.spells`` (positional): the spell as seen at ``until``."""

    until: pd.Timestamp
    start: np.ndarray  # datetime64[ns]
    end: np.ndarray  # datetime64[ns]; NaT when still on benefit at the cut-off
    included: np.ndarray  # bool: start_date <= until
    censored: np.ndarray  # bool: included and still on benefit at until
    duration: np.ndarray  # int64: T for ended spells, d for censored ones, 0 when not included


def resolve_until(data: DataFolder, until: dt.date | pd.Timestamp | None) -> pd.Timestamp:
    """The cut-off date: ``until`` (day precision) or the data's extraction date."""
    if until is not None:
        stamp = pd.Timestamp(until)
        if pd.isna(stamp):
            raise AsOfDateError("the cut-off date is empty; give a date YYYY-MM-DD")
        return stamp.normalize()
    try:
        return pd.Timestamp(data.extraction_date).normalize()
    except ValueError:  # max() of no dates at all
        raise AsOfDateError(
            "the data holds no dates, so the extraction date is unknown; give a cut-off date"
        ) from None


def resolve_codes(data: DataFolder, instruments: Sequence[str] | None) -> tuple[str, ...]:
    """Instrument codes with state columns: ``instruments`` or the catalogue, in order."""
    if instruments is None:
        codes = tuple(str(c) for c in data.instruments["instrument"])
    else:
        if isinstance(instruments, str):
            raise TypeError("instruments must be a sequence of codes, not a single string")
        codes = tuple(str(c) for c in instruments)
    duplicated = sorted({c for c in codes if codes.count(c) > 1})
    if duplicated:
        raise ValueError(f"instrument code(s) {duplicated} given more than once")
    return codes


def cutoff_ns(until: pd.Timestamp) -> np.datetime64:
    """The cut-off date as a ``datetime64[ns]`` scalar."""
    return np.datetime64(int(until.value), "ns")


def code_index(codes: Sequence[str], values: pd.Series) -> np.ndarray:
    """Position of each instrument value in ``codes`` (-1 when not listed)."""
    return pd.Index(list(codes), dtype=object).get_indexer(pd.Index(values.astype(object)))


def datetimes(values: pd.Series) -> np.ndarray:
    """A date column as a ``datetime64[ns]`` array (NaT kept)."""
    return np.asarray(pd.to_datetime(values), dtype="datetime64[ns]")


def months_from(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """:func:`rendement.timeutil.months_between` for arrays (NaT gives a large negative)."""
    if len(start) == 0:
        return np.zeros(0, dtype=np.int64)
    return months_between_arrays(pd.DatetimeIndex(start), pd.DatetimeIndex(end))


def spells_at_cutoff(spells: pd.DataFrame, until: pd.Timestamp) -> SpellsAtCutoff:
    """Which spells exist at ``until``, which are censored, and their durations."""
    start = datetimes(spells["start_date"])
    end = datetimes(spells["end_date"])
    cut = cutoff_ns(until)
    included = ~np.isnat(start) & (start <= cut)
    ended = included & ~np.isnat(end) & (end <= cut)
    censored = included & ~ended
    end_known = np.where(ended, end, np.datetime64("NaT", "ns"))
    elapsed = months_from(start, np.full(len(start), cut))
    lasted = np.maximum(1, months_from(start, np.where(ended, end, cut)))
    duration = np.where(ended, lasted, np.where(censored, np.maximum(elapsed, 0), 0))
    return SpellsAtCutoff(
        until=until,
        start=start,
        end=end_known,
        included=included,
        censored=censored,
        duration=duration.astype(np.int64),
    )
