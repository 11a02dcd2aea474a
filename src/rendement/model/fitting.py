"""Estimate the model of one meter from a data folder (the Python API behind ``rendement fit``).

The hazard contains the states of *every* instrument in the catalogue (so that,
say, home visits in the history do not bias the re-integration effects); the
meter decides which instruments are scored. A catalogue without instruments of
the meter gives a model of autonomous outflow: no instrument of the meter is
scored and every ``best_instrument`` is ``geen``.

The specification's ``censor_reasons``/``outcome`` decide which ends are
outflow in the person-month panel (:mod:`rendement.panel.events`); the
specification is kept in the model folder as ``spec.yaml``; a baseline that
hides a spike gives a warning with the log-likelihood gain of better pieces
(:mod:`rendement.baseline_check`), kept in ``metadata["warnings"]``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Literal, NamedTuple

import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.contract.schema import METERS
from rendement.errors import RendementError
from rendement.model.hazard_model import HazardModel
from rendement.model.interactions import catalogue_problems
from rendement.model.spec import ModelSpec
from rendement.progress import Progress, progress_for

if TYPE_CHECKING:
    from rendement.hazard.results import HazardResults
    from rendement.hazard.toe.results import TimingOfEventsResults

Heterogeneity = Literal["none", "npmle"]


class FittedModel(NamedTuple):
    """What :func:`fit_model` returns: the model (no data) and the estimation's results object.

    Unpacks as ``model, results = fit_model(...)``.
    """

    model: HazardModel
    results: HazardResults | TimingOfEventsResults


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
    progress: Progress | bool | None | Callable[[str], None] = False,
) -> FittedModel:
    """Fit the model of ``meter`` on ``data`` (up to ``until``): the model and the results object.

    ``progress``: stage lines (:mod:`rendement.progress`): a reporter, True, False or
    None (only on a terminal), or a function that receives each line.

    Long: panel, specification, estimator and the model's facts in the order a fit happens.
    """
    from rendement.hazard import fit_hazard
    from rendement.panel import build_panel
    from rendement.reinflow.fit import fit_reinflow_or_none

    if meter not in METERS:
        raise FitError(f"unknown meter {meter!r}; choose one of {', '.join(METERS)}")
    from rendement.baseline_check import check_baseline_pieces

    catalogue = data.instruments
    warnings: list[str] = []
    if (catalogue["meter"] == meter).sum() == 0:
        warnings.append(
            f"the instrument catalogue has no instruments of meter {meter!r}: this is a model "
            "of autonomous outflow (every best_instrument is 'geen')"
        )
    base = spec or ModelSpec(meter=meter)
    wrong = catalogue_problems(base.interactions, catalogue)
    if wrong:
        raise FitError("; ".join(text for _, text in wrong))
    if base.meter != meter:
        base = replace(base, meter=meter)
    cutoff = pd.Timestamp(until) if until is not None else data.extraction_date
    panel = build_panel(data, until=cutoff, events=base.events)
    codes = list(panel.instruments)
    years = (
        sorted(pd.DatetimeIndex(panel.months["calendar_month"]).year.unique())
        if base.calendar
        else None
    )
    resolved = base.resolve(data.clients, instruments=codes, calendar_years=years)
    say = (
        progress
        if callable(progress) and not isinstance(progress, Progress)
        else progress_for(progress).line
    )
    say(f"person-month panel: {panel.n_person_months:,} months of {len(panel.spells):,} spells")
    if heterogeneity == "npmle":
        from rendement.hazard.toe import fit_timing_of_events

        results: HazardResults | TimingOfEventsResults = fit_timing_of_events(
            panel, resolved, instruments_catalogue=catalogue, progress=say
        )
    else:
        results = fit_hazard(panel, resolved, instruments_catalogue=catalogue)
    advice = check_baseline_pieces(resolved, panel.months)
    if advice.warning:
        warnings.append(advice.warning)
    say("re-inflow model: returns to benefit after a spell")
    reinflow = fit_reinflow_or_none(data, resolved, cutoff, warnings)
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
            "loglik": float(results.loglik),
            "censored_at_end": int(spells["censored_at_end"].sum()),
        },
        "outflow_reasons": list(base.events.outflow_reasons()),
        "warnings": warnings,
    }
    model = replace(results.to_model(kind="estimated", metadata=metadata), reinflow=reinflow)
    return FittedModel(model, results)
