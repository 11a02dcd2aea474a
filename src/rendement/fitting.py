"""Estimate the model of one meter from a data folder (the Python API behind ``rendement fit``).

The hazard contains the states of *every* instrument in the catalogue (so that,
say, home visits in the history do not bias the re-integration effects); the
meter decides which instruments are scored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Literal

import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.contract.schema import METERS
from rendement.errors import RendementError
from rendement.model import HazardModel
from rendement.spec import ModelSpec

Heterogeneity = Literal["none", "npmle"]


class FitError(RendementError):
    code = "fit_failed"


def fit_model(
    data: DataFolder,
    *,
    meter: str = "reintegratie",
    spec: ModelSpec | None = None,
    until: dt.date | pd.Timestamp | None = None,
    heterogeneity: Heterogeneity = "none",
    version: str | None = None,
    progress: bool | Callable[[str], None] = False,
) -> tuple[HazardModel, Any]:
    """Fit the model of ``meter`` on ``data`` (up to ``until``); returns the model and the results object.

    ``progress``: True prints the steps; a function receives them (``Progress.note``).
    """
    from rendement.hazard import fit_hazard
    from rendement.panel import build_panel

    if meter not in METERS:
        raise FitError(f"unknown meter {meter!r}; choose one of {', '.join(METERS)}")
    catalogue = data.instruments
    if (catalogue["meter"] == meter).sum() == 0:
        raise FitError(f"the instrument catalogue has no instruments of meter {meter!r}")
    cutoff = pd.Timestamp(until) if until is not None else data.extraction_date
    panel = build_panel(data, until=cutoff)
    codes = list(panel.instruments)
    base = spec or ModelSpec(meter=meter)
    if base.meter != meter:
        base = replace(base, meter=meter)
    years = (
        sorted(pd.DatetimeIndex(panel.months["calendar_month"]).year.unique())
        if base.calendar
        else None
    )
    resolved = base.resolve(data.clients, instruments=codes, calendar_years=years)
    say = progress if callable(progress) else (_print if progress else None)
    if say is not None:
        say(f"person-month panel: {panel.n_person_months:,} months of {len(panel.spells):,} spells")
    if heterogeneity == "npmle":
        from rendement.hazard.toe import fit_timing_of_events

        results: Any = fit_timing_of_events(
            panel, resolved, instruments_catalogue=catalogue, progress=say
        )
    else:
        results = fit_hazard(panel, resolved, instruments_catalogue=catalogue)
    spells = panel.spells
    metadata = {
        "version": version or cutoff.strftime("%Y-%m"),
        "training_window": {
            "first_inflow": str(pd.Timestamp(spells["inflow_date"].min()).date()),
            "until": str(cutoff.date()),
        },
        "data_fingerprint": data.fingerprint(),
        "data_path": str(data.path) if data.path else None,
        "heterogeneity": heterogeneity,
        "metrics": {
            "person_months": int(panel.n_person_months),
            "spells": int(len(spells)),
            "clients": int(spells["client_id"].nunique()),
            "events": int(panel.months["outflow"].sum()),
            "loglik": float(getattr(results, "loglik", float("nan"))),
        },
    }
    model = results.to_model(kind="estimated", metadata=metadata)
    return model, results


def _print(message: str) -> None:
    print(f"  {message}", flush=True)
