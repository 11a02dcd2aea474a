"""Checking the expenditure forecast against what happened (*terugtoets*).

:func:`cut_at` gives the data folder as it would have been exported on an
earlier date (later spells and trajectories removed, later end dates emptied);
:func:`backtest` forecasts from that date to the end of its year and compares
each month with the expenditure the full data shows. The report runs it from
12 months before its as-of date; the benchmark runs it on simulated towns,
where "what happened" is the simulator's own continuation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.dashboard.forecast import ExpenditureForecast, forecast_expenditure
from rendement.dashboard.months import month_index, paid_months, payments_by_month
from rendement.model.hazard_model import HazardModel


def cut_at(data: DataFolder, date: pd.Timestamp) -> DataFolder:
    """The folder as known on ``date``: what started later is dropped, what ended later runs."""
    date = pd.Timestamp(date)

    def cut(frame: pd.DataFrame, reason: str | None = None) -> pd.DataFrame:
        kept = frame[frame["start_date"] <= date].copy()
        later = kept["end_date"] > date
        kept.loc[later, "end_date"] = pd.NaT
        if reason is not None and reason in kept.columns:
            kept[reason] = kept[reason].astype(object)
            kept.loc[later, reason] = None
        return kept.reset_index(drop=True)

    def by_date(frame: pd.DataFrame | None) -> pd.DataFrame | None:
        if frame is None:
            return None
        return frame[frame["date"] <= date].reset_index(drop=True)

    return replace(
        data,
        spells=cut(data.spells, "end_reason"),
        trajectories=cut(data.trajectories, "result"),
        applications=by_date(data.applications),
        recoveries=by_date(data.recoveries),
    )


@dataclass(frozen=True)
class Backtest:
    """Forecast from ``forecast.as_of`` against the expenditure the data shows afterwards."""

    forecast: ExpenditureForecast
    actual: np.ndarray  # expenditure per month of the year, from the full data
    actual_caseload: float  # paid after the cut-off to the caseload on the cut-off date
    observed_until: pd.Timestamp

    @property
    def complete(self) -> bool:
        """The full data reaches the end of the forecast year."""
        return self.observed_until >= pd.Timestamp(year=self.forecast.year, month=12, day=31)

    @property
    def error(self) -> float:
        """Relative error of the year total (forecast / actual - 1)."""
        return self.forecast.total / float(self.actual.sum()) - 1.0

    @property
    def caseload_error(self) -> float:
        return float(self.forecast.caseload.sum()) / self.actual_caseload - 1.0

    @property
    def covered(self) -> bool:
        return self.forecast.lower <= float(self.actual.sum()) <= self.forecast.upper


def caseload_paid_after(data: DataFolder, cutoff: pd.Timestamp, until: pd.Timestamp) -> float:
    """Benefit paid to the spells running on ``cutoff`` for spell months that start after it,
    in calendar months up to ``until``'s month (from data that continue past ``cutoff``)."""
    sp = data.spells
    running = (sp["start_date"] <= cutoff) & (sp["end_date"].isna() | (sp["end_date"] > cutoff))
    spells = sp[running]
    _, known_last = paid_months(spells, cutoff)
    first, last = paid_months(spells, until)
    last = np.minimum(last, month_index(until))
    months = np.clip(last - known_last, 0, None)
    return float((months * spells["monthly_benefit"].to_numpy(dtype=float)).sum())


def backtest(
    full: DataFolder,
    model: HazardModel,
    cutoff: pd.Timestamp,
    *,
    observed_until: pd.Timestamp | None = None,
    **options: object,
) -> Backtest:
    """Forecast the year of ``cutoff`` from the data known then; compare with ``full``."""
    cutoff = pd.Timestamp(cutoff)
    until = pd.Timestamp(observed_until) if observed_until is not None else full.extraction_date
    fc = forecast_expenditure(cut_at(full, cutoff), model, cutoff, **options)  # type: ignore[arg-type]
    end_of_year = pd.Timestamp(year=int(cutoff.year), month=12, day=31)
    stop = min(until, end_of_year)
    actual = payments_by_month(full.spells, stop, fc.months).to_numpy()
    return Backtest(fc, actual, caseload_paid_after(full, cutoff, stop), until)
