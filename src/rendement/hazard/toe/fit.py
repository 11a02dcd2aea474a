"""``fit_timing_of_events``: the timing-of-events model on a person-month panel.

1. The default model (:func:`rendement.hazard.fit_hazard`) is fitted first: it
   resolves the specification on the data (baseline pieces, identified terms)
   and is kept for comparison (the bias that heterogeneity removes).
2. The two equations are built on exactly those terms (:mod:`.design`).
3. The number and place of the mass points are searched (:mod:`.npmle`),
   maximising the exact likelihood with analytic derivatives (:mod:`.optimise`).
4. Clustered standard errors and identification diagnostics (:mod:`.inference`).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import stats

from rendement.hazard.design import PanelLike
from rendement.hazard.estimate import fit_hazard
from rendement.hazard.inference import one_blas_thread
from rendement.hazard.results import HazardResults
from rendement.hazard.toe.design import TimingDesign, timing_design
from rendement.hazard.toe.inference import Covariance, covariance, information_problems
from rendement.hazard.toe.likelihood import MixtureLikelihood, MixtureParams
from rendement.hazard.toe.mixture_table import channel_columns, mass_point_table, selection_test
from rendement.hazard.toe.npmle import (
    Criterion,
    SearchPath,
    SearchStep,
    at_bound,
    mass_point_problems,
    search_mass_points,
)
from rendement.hazard.toe.optimise import LOCATION_BOUND
from rendement.hazard.toe.results import TimingOfEventsResults
from rendement.hazard.warnings import ConvergenceWarning, HazardFitError, HazardWarning
from rendement.model.spec import ModelSpec


class MixtureIdentificationWarning(HazardWarning):
    """The mixing distribution (or part of the timing-of-events model) is not identified."""


#: Fewer entries into an instrument of the meter than this cannot separate selection from
#: effect: the entry equation and the mass points rest on the entries and their timing.
MIN_ENTRIES = 100
#: Entries spread over fewer distinct elapsed months than this carry no timing variation.
MIN_ENTRY_MONTHS = 4


def fit_timing_of_events(
    panel: PanelLike,
    spec: ModelSpec,
    *,
    instruments_catalogue: pd.DataFrame,
    max_points: int = 5,
    n_starts: int = 5,
    n_full: int = 1,
    criterion: Criterion = "aic",
    seed: int = 0,
    default: HazardResults | None = None,
    progress: Callable[[str], None] | None = None,
    calendar: str = "auto",
) -> TimingOfEventsResults:
    """Estimate the timing-of-events model of ``spec`` on ``panel`` (*persoonsmaanden*).

    Outflow hazard as in the default model plus a type location ``v_o``; jointly
    the hazard of starting an instrument of ``spec.meter`` (first start in the
    spell) with a type location ``v_e``; the types' joint distribution is
    discrete with ``K <= max_points`` points chosen by ``criterion`` (``"aic"``
    or ``"bic"``), each ``K`` from ``n_starts`` starting values (``seed``): all are
    maximised over the mass points with the coefficients held (cheap), the best
    ``n_full`` of them over all parameters (:mod:`rendement.hazard.toe.npmle`).
    Heterogeneity is spell-level: a new type at every inflow.

    ``default`` may pass an already fitted default model of the same panel and
    specification (it is fitted here otherwise).

    ``calendar`` ``"auto"`` (the default): when the specification has no calendar
    terms but the outflow differs by calendar year (a likelihood-ratio test of
    year effects in the default model, p < 0.001: a recession, a policy change),
    calendar-year terms are added to both equations and the diagnostics say so;
    otherwise a shock is mistaken for duration dependence and selection. ``"off"``
    keeps the specification as given.

    Long: the steps of the fit (default model, calendar test, design, search, inference, results) in the order they run.
    """
    t0 = time.perf_counter()
    if criterion not in ("aic", "bic"):
        raise ValueError(f"criterion must be 'aic' or 'bic', got {criterion!r}")
    if default is None:
        default = fit_hazard(panel, spec, instruments_catalogue=instruments_catalogue)
    calendar_note = None
    if calendar == "auto" and default.spec is not None and not default.spec.calendar:
        default, calendar_note = _calendar_if_needed(panel, default, instruments_catalogue)
    resolved = default.spec
    if resolved is None:
        raise HazardFitError("the default model has no resolved specification")
    cat = instruments_catalogue
    meter_codes = [
        str(c)
        for c in cat.loc[cat["meter"] == resolved.meter, "instrument"]
        if str(c) in resolved.instruments
    ]
    one_off = [
        str(c)
        for c in cat.loc[cat["duration_months"].astype(int) == 0, "instrument"]
        if str(c) in meter_codes
    ]
    separated = [
        str(r.term) for r in default.dropped.itertuples() if str(r.reason).startswith("separation")
    ]
    design = timing_design(
        panel,
        resolved,
        outflow_terms=list(default.params.index),
        separated_terms=separated,
        meter_codes=meter_codes,
        one_off_codes=one_off,
    )
    data = design.data
    with one_blas_thread():
        path = search_mass_points(
            data,
            max_points=max_points,
            n_starts=n_starts,
            n_full=n_full,
            criterion=criterion,
            seed=seed,
            progress=progress,
        )
        best = path.best
        lik = MixtureLikelihood(data, best.n_points)
        cov = covariance(
            best.maximum.evaluation,
            data.cluster,
            n_obs=data.outflow.n_months,
            fixed=_at_bound(lik, best.maximum.theta),
        )

    names = lik.param_names()
    theta = pd.Series(best.maximum.theta, index=names, name="coef")
    all_cov = pd.DataFrame(cov.clustered, index=names, columns=names)
    n_b, n_g = lik.n_beta, lik.n_gamma
    out_names = names[:n_b]
    ent_names = names[n_b : n_b + n_g]
    params = theta.iloc[:n_b].copy()
    entry_params = theta.iloc[n_b : n_b + n_g].copy()
    entry_params.index = [n.removeprefix("entry:") for n in ent_names]
    entry_cov = all_cov.loc[ent_names, ent_names].copy()
    entry_cov.index = entry_cov.columns = entry_params.index

    unpacked = lik.unpack(best.maximum.theta)
    diagnostics = _diagnostics(path, design.data.entry is not None, best, cov, unpacked, lik)
    diagnostics = _data_problems(design) + diagnostics
    if calendar_note:
        diagnostics.append(calendar_note)
    identified = not any(d.startswith("NOT IDENTIFIED") for d in diagnostics)
    if not identified:
        warnings.warn(
            "the timing-of-events mixture is not identified on these data: "
            + "; ".join(d for d in diagnostics if d.startswith("NOT IDENTIFIED"))
            + ". The model scores with the default model's effects (to_model falls back).",
            MixtureIdentificationWarning,
            stacklevel=2,
        )
    if not best.maximum.converged:
        warnings.warn(
            f"the timing-of-events likelihood did not converge ({best.maximum.message}); "
            "estimates may be off. Fix: raise n_starts, lower max_points, or merge sparse levels.",
            ConvergenceWarning,
            stacklevel=2,
        )

    dropped = [("outflow", str(r.term), str(r.reason)) for r in default.dropped.itertuples()]
    dropped += [("entry", t, why) for t, why in design.entry_dropped]
    search = pd.DataFrame(
        [
            {
                "n_points": s.n_points,
                "loglik": s.loglik,
                "n_params": s.n_params,
                "aic": s.aic,
                "bic": s.bic,
                "converged": s.maximum.converged,
                "iterations": s.maximum.iterations,
                "starts": s.starts_tried,
                "seconds": s.seconds,
                "problems": "; ".join(s.problems),
            }
            for s in path.steps
        ]
    )
    return TimingOfEventsResults(
        params=params.rename("coef"),
        cov=all_cov.loc[out_names, out_names].copy(),
        entry_params=entry_params.rename("coef"),
        entry_cov=entry_cov,
        all_params=theta,
        all_cov=all_cov,
        mass_points=channel_columns(
            mass_point_table(unpacked.v_outflow, unpacked.v_entry, unpacked.logits, all_cov, lik),
            unpacked,
            all_cov,
            lik,
        ),
        entry_channels=design.entry_channels,
        cov_type="cluster:client",
        loglik=best.loglik,
        converged=best.maximum.converged,
        iterations=best.maximum.iterations,
        criterion=criterion,
        search=search,
        stop_reason=path.stop_reason,
        diagnostics=tuple(diagnostics),
        identified=identified,
        n_person_months=design.n_person_months,
        n_events=data.outflow.n_events,
        n_entries=design.n_entries,
        n_spells=data.n_spells,
        n_clients=data.n_clients,
        n_clusters=cov.n_clusters,
        spec=resolved,
        catalogue=cat.reset_index(drop=True),
        meter_codes=design.meter_codes,
        entry_no_entry=design.entry_terms_no_entry,
        dropped=pd.DataFrame(dropped, columns=["equation", "term", "reason"]),
        default=default,
        fit_seconds=time.perf_counter() - t0,
        settings={
            "max_points": max_points,
            "n_starts": n_starts,
            "n_full": n_full,
            "criterion": criterion,
            "seed": seed,
        },
        selection_test=selection_test(lik, best.maximum.theta, cov.clustered),
    )


#: p-value below which calendar-year effects are added to a specification without them.
CALENDAR_P = 0.001


def _calendar_if_needed(
    panel: PanelLike, default: HazardResults, catalogue: pd.DataFrame
) -> tuple[HazardResults, str | None]:
    """The default model with calendar-year terms when the data show year effects."""
    spec = default.spec
    assert spec is not None
    years = sorted(int(y) for y in pd.DatetimeIndex(panel.months["calendar_month"]).year.unique())
    if len(years) < 3:
        return default, None
    with_years = fit_hazard(
        panel,
        replace(spec, calendar=True, calendar_years=tuple(years)),
        instruments_catalogue=catalogue,
    )
    df = len(with_years.params) - len(default.params)
    lr = 2.0 * (with_years.loglik - default.loglik)
    if df <= 0 or not np.isfinite(lr):
        return default, None
    p = float(stats.chi2.sf(max(lr, 0.0), df))
    if p >= CALENDAR_P:
        return default, None
    return with_years, (
        f"calendar-year terms added: the outflow differs by calendar year (likelihood-ratio "
        f"chi2 {lr:.1f}, {df} df, p {p:.2g}); without them a shock would be read as duration "
        "dependence and selection"
    )


def _at_bound(lik: MixtureLikelihood, theta: np.ndarray) -> np.ndarray:
    """Parameters held at a location bound (types that never leave or never enter)."""
    names = lik.param_names()
    return np.array(
        [
            n.startswith(("mixture:v_outflow", "mixture:v_entry"))
            and abs(float(v)) >= LOCATION_BOUND - 1e-6
            for n, v in zip(names, theta, strict=True)
        ]
    )


def _data_problems(design: TimingDesign) -> list[str]:
    """Data that cannot separate selection from effect, in words (``NOT IDENTIFIED: ...``)."""
    out = []
    if 0 < design.n_entries < MIN_ENTRIES:
        out.append(
            f"NOT IDENTIFIED: only {design.n_entries} entries into an instrument of the meter; "
            f"at least {MIN_ENTRIES} are needed to tell who gets an instrument (selection) "
            "from what it does (effect)"
        )
    if design.n_entries and design.entry_months < MIN_ENTRY_MONTHS:
        out.append(
            f"NOT IDENTIFIED: every entry falls in {design.entry_months} distinct month(s) on "
            "benefit; without variation in the timing of entry, selection and effect cannot "
            "be told apart"
        )
    return out


def _diagnostics(
    path: SearchPath,
    has_entry: bool,
    best: SearchStep,
    cov: Covariance,
    unpacked: MixtureParams,
    lik: MixtureLikelihood,
) -> list[str]:
    """Plain statements about the fit; those starting ``NOT IDENTIFIED`` make it unidentified."""
    out: list[str] = []
    for p in mass_point_problems(unpacked, lik.has_entry, lik.data.n_spells):
        out.append(f"NOT IDENTIFIED: {p}")
    out += at_bound(unpacked, lik.has_entry)
    for p in information_problems(cov):
        out.append(f"NOT IDENTIFIED: {p}")
    if not best.maximum.converged:
        out.append(f"not converged: {best.maximum.message}")
    if not has_entry:
        out.append(
            "no entry equation: nobody entered an instrument of the meter, so the entry location "
            "v_entry is not identified and selection on unobservables is not modelled"
        )
    if best.n_points == 1:
        out.append(
            "one mass point: no unobserved heterogeneity found; the outflow estimates are the default model's"
        )
    if path.chosen + 1 < len(path.steps) and path.steps[-1].problems:
        out.append(f"the search stopped at {best.n_points} point(s): {path.stop_reason}")
    return out
