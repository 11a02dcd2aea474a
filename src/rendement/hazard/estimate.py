"""Estimating the discrete-time proportional hazards model of leaving benefit.

Complementary log-log binomial model (grouped-time proportional hazards,
Prentice and Gloeckler 1978) on person-months, fitted by Newton-Raphson on
collapsed cells, with standard errors clustered by client by default.

Two entry points:

* :func:`fit_hazard` - the model of :mod:`rendement.model.spec` on a person-month panel
  (:func:`rendement.panel.build_panel`);
* :func:`fit_cloglog` - any person-period design (a data frame of covariates and a
  0/1 outcome per row), e.g. a reference data set; both end in :func:`fit_cells`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rendement.errors import ModelMismatchError
from rendement.hazard.cells import CellDesign, collapse_rows
from rendement.hazard.covariance import clustered_covariance, model_covariance
from rendement.hazard.design import ClusterBy, PanelDesign, PanelLike, panel_design
from rendement.hazard.identification import DroppedTerm, identify
from rendement.hazard.inference import one_blas_thread
from rendement.hazard.newton import newton_cloglog
from rendement.hazard.results import HazardResults, dropped_frame
from rendement.hazard.warnings import ConvergenceWarning, HazardFitError
from rendement.model.spec import ModelSpec


@dataclass(frozen=True)
class CellFit:
    """Estimates on a cell design, before they are labelled as a model."""

    params: pd.Series
    cov: pd.DataFrame
    clustered: bool
    loglik: float
    converged: bool
    iterations: int
    dropped: list[DroppedTerm]
    n_obs: int
    n_events: int
    n_cells: int
    n_clusters: int | None


def fit_cells(design: CellDesign, *, maxiter: int = 100, tol: float = 1e-10) -> CellFit:
    """Identify, fit and compute the covariance on collapsed cells.

    Clustered (sandwich) covariance when ``design.clusters`` is set, else the
    inverse observed information. The dense algebra runs on one BLAS thread: the
    products are memory-bound (cells x terms), threads gain little and, on a
    busy machine, spin-waiting BLAS threads cost several times the work; results
    are also bit-for-bit reproducible.
    """
    with one_blas_thread():
        return _fit_cells(design, maxiter=maxiter, tol=tol)


def _fit_cells(design: CellDesign, *, maxiter: int, tol: float) -> CellFit:
    design, dropped = identify(design)
    if not design.columns:
        raise HazardFitError("no term of the model can be estimated from these data")
    fit = newton_cloglog(design.exog, design.events, design.trials, maxiter=maxiter, tol=tol)
    if not fit.converged:
        warnings.warn(
            f"Newton-Raphson did not converge in {maxiter} iterations; estimates may be off. "
            "Fix: raise maxiter, check for terms with very few outflows, or merge sparse levels.",
            ConvergenceWarning,
            stacklevel=4,
        )
    if design.clusters is not None:
        cov = clustered_covariance(design.exog, fit.likelihood, design.clusters, fit.information)
        n_clusters: int | None = design.clusters.n_clusters
    else:
        cov = model_covariance(fit.information)
        n_clusters = None
    names = list(design.columns)
    return CellFit(
        params=pd.Series(fit.params, index=names, name="coef"),
        cov=pd.DataFrame(cov, index=names, columns=names),
        clustered=design.clusters is not None,
        loglik=fit.loglik,
        converged=fit.converged,
        iterations=fit.iterations,
        dropped=dropped,
        n_obs=design.n_obs,
        n_events=design.n_events,
        n_cells=design.n_cells,
        n_clusters=n_clusters,
    )


def fit_cloglog(
    exog: pd.DataFrame,
    outcome: np.ndarray | pd.Series,
    *,
    groups: np.ndarray | pd.Series | None = None,
    maxiter: int = 100,
    tol: float = 1e-10,
) -> HazardResults:
    """Discrete-time proportional hazards (cloglog) fit of any person-period design.

    ``exog`` holds one row per person-period with the covariates, including the
    baseline (e.g. one 0/1 column per period, and no intercept); ``outcome``
    is 1 in the period in which the event happened; ``groups`` (optional) the
    cluster (person) of each row for clustered standard errors, otherwise the
    covariance is the inverse observed information.
    """
    cells = collapse_rows(exog, outcome, groups=groups)
    fit = fit_cells(cells, maxiter=maxiter, tol=tol)
    return HazardResults(
        params=fit.params,
        cov=fit.cov,
        cov_type="cluster:groups" if fit.clustered else "model",
        loglik=fit.loglik,
        converged=fit.converged,
        iterations=fit.iterations,
        n_person_months=len(exog),
        n_events=int(np.asarray(outcome).sum()),
        n_cells=fit.n_cells,
        n_clusters=fit.n_clusters,
        dropped=dropped_frame(fit.dropped),
    )


def fit_hazard(
    panel: PanelLike,
    spec: ModelSpec,
    *,
    instruments_catalogue: pd.DataFrame,
    cluster: ClusterBy = "client",
    maxiter: int = 100,
    tol: float = 1e-10,
) -> HazardResults:
    """Estimate ``spec`` on a person-month panel (*persoonsmaanden*).

    Terms: one baseline piece per ``spec.baseline_terms()`` (no intercept), the
    client terms at inflow, ``in:X``, ``after:X``, ``after:X*MODIFIER`` for every
    instrument (``spec.instruments``, or all instruments of the panel), and
    calendar years if ``spec.calendar``. Terms the data cannot identify are
    left out and listed in ``results.dropped`` (with a warning); the returned
    ``results.spec`` is the specification resolved on these data.

    ``cluster``: ``"client"`` (default; several spells of one client are
    dependent), ``"spell"``, or ``"none"`` (model-based covariance).
    """
    design = panel_design(panel, spec, cluster=cluster)
    codes = list(design.spec.instruments)
    catalogue = instruments_catalogue
    known = set(catalogue["instrument"].astype(str)) if "instrument" in catalogue.columns else set()
    missing = [c for c in codes if c not in known]
    if missing:
        raise ModelMismatchError(
            f"instrument(s) {missing} are in the panel but not in the instrument catalogue. "
            "Fix: add them to instruments.csv, or leave them out of the specification."
        )
    cells, one_off = _without_one_off_lock_in(design, catalogue)
    fit = fit_cells(cells, maxiter=maxiter, tol=tol)
    return HazardResults(
        params=fit.params,
        cov=fit.cov,
        cov_type=f"cluster:{cluster}" if fit.clustered else "model",
        loglik=fit.loglik,
        converged=fit.converged,
        iterations=fit.iterations,
        n_person_months=design.n_person_months,
        n_events=design.n_events,
        n_cells=fit.n_cells,
        n_clusters=fit.n_clusters,
        dropped=dropped_frame(list(design.merged_baseline) + one_off + fit.dropped),
        n_spells=design.n_spells,
        n_clients=design.n_clients,
        instrument_counts=design.instrument_counts,
        spec=design.spec,
        catalogue=catalogue.reset_index(drop=True),
    )


def _without_one_off_lock_in(
    design: PanelDesign, catalogue: pd.DataFrame
) -> tuple[CellDesign, list[DroppedTerm]]:
    """Leave out ``in:X`` of one-off instruments (duration 0, e.g. a home visit): no month is in them.

    This is expected, so it is reported in ``dropped`` without a warning.
    """
    durations = dict(
        zip(catalogue["instrument"].astype(str), catalogue["duration_months"], strict=False)
    )
    counts = design.instrument_counts
    gone = [
        f"in:{code}"
        for code in design.spec.instruments
        if int(durations.get(code, 1)) == 0 and counts.at[code, "person_months_in"] == 0
    ]
    if not gone:
        return design.cells, []
    keep = [c for c in design.cells.columns if c not in gone]
    reason = "one-off instrument (duration 0): no months in it, only after it"
    return design.cells.subset(columns=keep), [DroppedTerm(t, reason) for t in gone]
