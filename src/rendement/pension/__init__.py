"""The state pension age (*AOW-leeftijd*): bijstand ends when a client reaches it.

The statutory table (per calendar year, the age that applies to those who
reach it in that year) is data in ``aow_ages.json`` with its source. A
client's pension date is their birth date plus the age of the year in which
that date falls; where two years fit, the later (born 1 October 1960: 67 years
and 3 months, on 1 January 2028; born 30 September 1960: 67 years).

Benefit months run in whole months from the spell's start ``S``: a client
``d`` months on benefit still has ``months_between(S, pension date) - d`` whole
months before the pension date (:func:`months_to_pension`); scoring stops
every path there (:mod:`rendement.pension.cap`) and the simulator ends the
spell there with end reason ``aow``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from rendement.timeutil import months_between_arrays

#: Months to the pension date of a client without a (valid) birth date: no cap.
NO_CAP = 10**6


@dataclass(frozen=True)
class PensionAgeTable:
    """Ages (years, months) per calendar year; the source in words."""

    years: tuple[int, ...]
    ages: tuple[tuple[int, int], ...]
    before: tuple[int, int]
    source: str

    def age_in(self, year: int) -> tuple[int, int]:
        """The pension age that applies in ``year``."""
        if year < self.years[0]:
            return self.before
        i = int(np.searchsorted(np.asarray(self.years), year, side="right")) - 1
        return self.ages[i]


@lru_cache(maxsize=1)
def pension_age_table() -> PensionAgeTable:
    """The statutory table shipped with the package."""
    text = resources.files("rendement.pension").joinpath("aow_ages.json").read_text("utf-8")
    raw = json.loads(text)
    rows = sorted(raw["ages"], key=lambda r: r["year"])
    before = raw["before_first_year"]
    return PensionAgeTable(
        years=tuple(int(r["year"]) for r in rows),
        ages=tuple((int(r["years"]), int(r["months"])) for r in rows),
        before=(int(before["years"]), int(before["months"])),
        source=str(raw["source"]),
    )


def _plus(birth: pd.DatetimeIndex, age: tuple[int, int]) -> pd.DatetimeIndex:
    return birth + pd.DateOffset(years=age[0], months=age[1])


def pension_dates(birth_dates: pd.Series | pd.DatetimeIndex | np.ndarray) -> pd.DatetimeIndex:
    """The date each client reaches the state pension age (NaT for a missing birth date).

    The age of year ``Y`` applies to those who reach it in ``Y``; where two years' ages
    both fit a birth date (born 1 January 1957: 66y10m falls in 2023, 67 in 2024), the
    later one holds, as in the table by birth date of the Sociale Verzekeringsbank.
    """
    table = pension_age_table()
    birth = pd.DatetimeIndex(pd.to_datetime(pd.Series(birth_dates), errors="coerce"))
    out = np.full(len(birth), np.datetime64("NaT"), dtype="datetime64[ns]")
    found = np.zeros(len(birth), dtype=bool)
    early = _plus(birth, table.before)
    fits = np.asarray(early.year < table.years[0])
    out[fits] = early[fits].to_numpy()
    found |= fits
    for year, age in zip(table.years, table.ages, strict=True):
        cand = _plus(birth, age)
        fits = np.asarray(cand.year == year)
        out[fits] = cand[fits].to_numpy()
        found |= fits
        # no year's age fits (the age rose faster than time): from 1 January of this year
        gap = ~found & np.asarray(cand.year < year)
        out[gap] = np.datetime64(f"{year}-01-01", "ns")
        found |= gap
    last = _plus(birth, table.ages[-1])
    later = np.asarray(last.year > table.years[-1])
    out[later] = last[later].to_numpy()
    out[np.asarray(birth.isna())] = np.datetime64("NaT")
    return pd.DatetimeIndex(out)


def months_to_pension(
    birth_dates: pd.Series | np.ndarray,
    inflow_dates: pd.Series | np.ndarray,
    months_on_benefit: np.ndarray,
) -> np.ndarray:
    """Whole benefit months left before the pension date, from month ``d + 1`` on (>= 0).

    ``months_between(inflow, pension date) - d``; :data:`NO_CAP` without a birth date.
    """
    return np.maximum(_months_left(birth_dates, inflow_dates, months_on_benefit), 0)


def caseload_months_to_pension(
    birth_dates: pd.Series | np.ndarray,
    inflow_dates: pd.Series | np.ndarray,
    months_on_benefit: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Benefit months left for clients *on the caseload*, and who is already past the date.

    A client on the caseload is on benefit now (the contract's ``T > d``), also in the
    month in which the pension date falls (paid up to that date): at least month
    ``d + 1`` counts, so expected remaining months stay positive. The second array marks
    clients whose pension date lies before month ``d + 1`` (their spell should have ended).
    Scoring and the simulator's truth both use this rule.
    """
    left = _months_left(birth_dates, inflow_dates, months_on_benefit)
    return np.maximum(left, 1), left < 0


def _months_left(
    birth_dates: pd.Series | np.ndarray,
    inflow_dates: pd.Series | np.ndarray,
    months_on_benefit: np.ndarray,
) -> np.ndarray:
    """``months_between(inflow, pension date) - d``, unclipped; :data:`NO_CAP` when unknown."""
    when = pension_dates(birth_dates)
    inflow = pd.DatetimeIndex(pd.to_datetime(pd.Series(inflow_dates), errors="coerce"))
    left = months_between_arrays(inflow, when) - np.asarray(months_on_benefit, dtype=np.int64)
    missing = np.asarray(when.isna()) | np.asarray(inflow.isna())
    return np.where(missing, NO_CAP, left).astype(np.int64)


def months_to_pension_of(frame: pd.DataFrame) -> np.ndarray | None:
    """:func:`months_to_pension` for a frame of clients to score (None without ``birth_date``)."""
    if "birth_date" not in frame.columns or "inflow_date" not in frame.columns:
        return None
    d = pd.to_numeric(frame["months_on_benefit"], errors="coerce").fillna(0).to_numpy()
    return months_to_pension(frame["birth_date"], frame["inflow_date"], d.astype(np.int64))
