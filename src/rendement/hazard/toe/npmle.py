"""Heckman-Singer non-parametric maximum likelihood: how many mass points, and where.

The mixing distribution of the unobserved terms ``(v_o, v_e)`` is discrete with
``K`` points (Heckman and Singer 1984). Following the practice of the
timing-of-events literature (Gaure, Roed and Zhang 2007, *Time and causality:
a Monte Carlo assessment of the timing-of-events approach*, J. Econometrics
139), points are added one at a time:

1. ``K = 1``: no heterogeneity. The likelihood is concave; the outflow part is
   the default model.
2. ``K -> K + 1``: the ``K``-point estimate plus one new point. Candidate
   locations for the new point on a grid around the existing points, plus
   random ones (``seed``), each with a small probability, are ranked by the
   likelihood; the best ``n_starts`` (well apart) are maximised over the mass
   points with the coefficients held fixed (cheap), every one of those then takes
   :data:`PROBE_STEPS` Newton steps over all parameters, the best ``n_full`` go on
   to the maximum, and the best maximum is kept. (Above :data:`SCREEN_SPELLS`
   spells the ranking, screening and probing use a sample of whole clients.)
3. Stop when the information criterion (AIC by default, or BIC with the
   number of spells) does not improve, when the new point takes no mass (stands
   for fewer than :data:`MIN_SPELLS` spells) or merges with an existing one, or
   at ``max_points``. The second point - heterogeneity at all - must improve the
   BIC whatever the criterion: whether there is heterogeneity is a test on the
   boundary of the parameter space, where the AIC is too lenient.

Every step is kept in :class:`SearchStep` so the results can show the path and
the reason the search stopped.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
from scipy.special import logsumexp

from rendement.hazard.inference import one_blas_thread
from rendement.hazard.toe.likelihood import MixtureLikelihood, MixtureParams
from rendement.hazard.toe.optimise import LOCATION_BOUND, Maximum, maximise
from rendement.hazard.toe.rows import TimingData

Criterion = Literal["aic", "bic"]

#: A mass point with less probability than this carries no mass (without the number of
#: spells; with it, a point that stands for fewer than :data:`MIN_SPELLS` spells).
MIN_PROBABILITY = 1e-3
#: A mass point standing for fewer spells than this carries no mass: a rare type (a few
#: clients who leave at once, or never) that improves the criterion is kept.
MIN_SPELLS = 5.0
#: Newton-decrement tolerance (per spell) for screening starting values.
SCREEN_TOL = 1e-5
#: Newton-decrement tolerance (per spell) while searching: enough to compare the criterion
#: (a remaining gain far below one log-likelihood point); the chosen number of points is
#: then maximised to the default tolerance. A spurious extra point makes the likelihood
#: flat, where the strict tolerance costs many slow steps.
SEARCH_TOL = 1e-7
#: Full Newton steps every screened start takes before the best go on to the maximum.
PROBE_STEPS = 4
#: Spells above which starting values are ranked, screened and probed on a random sample of
#: whole clients of about this size (the best start is then maximised on all spells). The
#: search on about this many spells is the one the over-seeds battery checked (10,000
#: clients, about 12,700 spells); 25,000 clients take about half the time they take with
#: the search on all spells, to the same maximum.
SCREEN_SPELLS = 15_000
#: Two points closer than this in every location coincide.
MERGE_DISTANCE = 0.05


@dataclass(frozen=True)
class SearchStep:
    """One number of mass points tried: its best maximum and what the criterion said."""

    n_points: int
    maximum: Maximum
    n_params: int
    n_spells: int
    starts_tried: int
    seconds: float
    problems: tuple[str, ...] = ()

    @property
    def loglik(self) -> float:
        return self.maximum.loglik

    @property
    def aic(self) -> float:
        return -2.0 * self.loglik + 2.0 * self.n_params

    @property
    def bic(self) -> float:
        return -2.0 * self.loglik + self.n_params * math.log(max(self.n_spells, 2))

    def criterion(self, which: Criterion) -> float:
        return self.aic if which == "aic" else self.bic


@dataclass(frozen=True)
class SearchPath:
    """The steps of the search and the one chosen."""

    steps: list[SearchStep]
    chosen: int  # index into steps
    criterion: Criterion
    stop_reason: str
    notes: list[str] = field(default_factory=list)

    @property
    def best(self) -> SearchStep:
        return self.steps[self.chosen]


def initial_theta(lik: MixtureLikelihood) -> np.ndarray:
    """Start of the one-point model: baseline pieces at the overall event rate, the rest 0."""
    theta = np.zeros(lik.n_params)
    data = lik.data
    rows = [(data.outflow, 0)]
    if data.entry is not None:
        rows.append((data.entry, lik.n_beta))
    for eq, offset in rows:
        rate = eq.n_events / max(eq.n_months, 1)
        level = math.log(-math.log1p(-min(max(rate, 1e-6), 0.99)))
        for j, c in enumerate(eq.columns):
            if c.startswith("baseline:"):
                theta[offset + j] = level
    return theta


def mass_point_problems(
    params: MixtureParams, has_entry: bool, n_spells: int | None = None
) -> list[str]:
    """Plain-language signs that a K-point mixture is not identified (empty when fine)."""
    out: list[str] = []
    p = params.probabilities
    K = params.n_points
    floor = MIN_PROBABILITY if n_spells is None else MIN_SPELLS / max(n_spells, 1)
    for k in range(K):
        if p[k] < floor:
            out.append(f"mass point {k + 1} has probability {p[k]:.2g}: it carries no mass")
    for a in range(K):
        for b in range(a + 1, K):
            d_o = abs(params.v_outflow[a] - params.v_outflow[b])
            where = params.entry_by_channel()
            d_e = float(np.abs(where[:, a] - where[:, b]).max()) if has_entry else 0.0
            if d_o < MERGE_DISTANCE and d_e < MERGE_DISTANCE:
                out.append(f"mass points {a + 1} and {b + 1} coincide (they merge into one)")
    return out


def at_bound(params: MixtureParams, has_entry: bool) -> list[str]:
    """Mass points at a location bound, in words: a type that never (or always) leaves or
    enters. Not a problem - the mover-stayer model - but their location is not estimated
    (it stays at the bound, with variance 0)."""
    out = []
    for k in range(1, params.n_points):
        if abs(params.v_outflow[k]) >= LOCATION_BOUND - 1e-6:
            side = "never leaves" if params.v_outflow[k] < 0 else "always leaves"
            out.append(
                f"mass point {k + 1} is a type that {side} benefit (location at the bound, "
                "not estimated)"
            )
        if has_entry and abs(params.v_entry[k]) >= LOCATION_BOUND - 1e-6:
            side = "never enters" if params.v_entry[k] < 0 else "always enters"
            out.append(
                f"mass point {k + 1} is a type that {side} an instrument (location at the "
                "bound, not estimated)"
            )
    return out


def _with_new_point(
    base: MixtureParams, v_o: float, v_e: float, prob: float, lik: MixtureLikelihood
) -> np.ndarray:
    log_old = base.logits - logsumexp(base.logits) + math.log1p(-prob)
    logits = np.r_[log_old, math.log(prob)]
    log_p = logits - logsumexp(logits)
    logits = logits - logits[0]
    v_out = np.r_[base.v_outflow, v_o]
    v_ent = np.r_[base.v_entry, v_e]
    # centre the new mixture: the baseline pieces move so that the average hazard over the
    # types stays that of the K - 1 point estimate (without this, a slow new type lowers
    # the average hazard, the mass-point screen undoes it by merging the new point away)
    beta = _shift_baseline(base.beta, lik.data.outflow.columns, logsumexp(log_p + v_out))
    gamma = base.gamma
    if lik.data.entry is not None:
        gamma = _shift_baseline(gamma, lik.data.entry.columns, logsumexp(log_p + v_ent))
    params = MixtureParams(
        beta=beta,
        gamma=gamma,
        v_outflow=v_out,
        v_entry=v_ent,
        logits=logits,
        v_channel=np.hstack(
            [base.channel_offsets, np.zeros((base.channel_offsets.shape[0], 1))]
        ),  # the new type enters every instrument alike to start with
    )
    return lik.pack(params)


def _shift_baseline(coef: np.ndarray, columns: tuple[str, ...], shift: float) -> np.ndarray:
    """``coef`` with every baseline piece (``baseline:...`` or ``<channel>|baseline:...``)
    lowered by ``shift``: each row has one piece, so every linear predictor moves by it."""
    out = np.array(coef, dtype=np.float64, copy=True)
    for j, c in enumerate(columns):
        if c.split("|")[-1].startswith("baseline:"):
            out[j] -= shift
    return out


def _candidates(
    prev_lik: MixtureLikelihood,
    prev_theta: np.ndarray,
    lik: MixtureLikelihood,
    rng: np.random.Generator,
    n_random: int,
    n_keep: int,
) -> list[np.ndarray]:
    """The ``n_keep`` best starting values for ``K`` points, well apart from each other.

    Candidates: the ``K - 1``-point estimate plus a new point on a grid of
    locations around the existing points (and ``n_random`` random ones) with
    probability 5%, 15% or 30%. The likelihood of every candidate is computed
    exactly but cheaply: the other parameters are held at the ``K - 1``-point
    estimate, so only the new type's per-spell log-likelihood is needed, and it
    is the sum of an outflow part (a function of ``v_o``) and an entry part (``v_e``).
    """
    base = prev_lik.unpack(prev_theta)
    base_ll = prev_lik.evaluate(prev_theta, order=0).spell_loglik
    lo_o, hi_o = float(base.v_outflow.min()), float(base.v_outflow.max())
    grid_o = np.r_[
        np.arange(lo_o - 3.0, hi_o + 3.0 + 1e-9, 0.5), rng.uniform(lo_o - 4.0, hi_o + 4.0, n_random)
    ]
    if lik.has_entry:
        lo_e, hi_e = float(base.v_entry.min()), float(base.v_entry.max())
        grid_e = np.r_[
            np.arange(lo_e - 3.0, hi_e + 3.0 + 1e-9, 0.75),
            rng.uniform(lo_e - 4.0, hi_e + 4.0, n_random),
        ]
    else:
        grid_e = np.zeros(1)
    Lo, Le = prev_lik.type_loglik(prev_theta, grid_o, grid_e)
    scored: list[tuple[float, float, float, float]] = []
    for prob in (0.05, 0.15, 0.3):
        old = base_ll + math.log1p(-prob)
        for j, ve in enumerate(grid_e):
            new = Lo + Le[:, j : j + 1] + math.log(prob)  # (S, n_o)
            total = np.logaddexp(old[:, None], new).sum(axis=0)
            for i, vo in enumerate(grid_o):
                scored.append((float(total[i]), float(vo), float(ve), prob))
    scored.sort(key=lambda c: -c[0])
    chosen: list[tuple[float, float, float]] = []
    existing = list(zip(base.v_outflow, base.v_entry, strict=True))
    for ll, vo, ve, prob in scored:
        if not np.isfinite(ll):
            continue
        near = [(a, b) for a, b in existing + [(c[0], c[1]) for c in chosen]]
        if any(abs(vo - a) < 0.75 and (not lik.has_entry or abs(ve - b) < 0.75) for a, b in near):
            continue
        chosen.append((vo, ve, prob))
        if len(chosen) >= n_keep:
            break
    return [_with_new_point(base, vo, ve, prob, lik) for vo, ve, prob in chosen]


def search_mass_points(
    data: TimingData,
    *,
    max_points: int = 5,
    n_starts: int = 5,
    n_full: int = 1,
    criterion: Criterion = "aic",
    seed: int = 0,
    n_random: int = 20,
    progress: Callable[[str], None] | None = None,
) -> SearchPath:
    """Add mass points one at a time until the criterion stops improving (module docstring).

    Runs with one BLAS thread: the dense algebra here is on small matrices, where
    threads cost more than they gain (and several fits may run side by side).
    """
    with one_blas_thread():
        return _search(data, max_points, n_starts, n_full, criterion, seed, n_random, progress)


def _search(
    data: TimingData,
    max_points: int,
    n_starts: int,
    n_full: int,
    criterion: Criterion,
    seed: int,
    n_random: int,
    progress: Callable[[str], None] | None,
) -> SearchPath:
    if max_points < 1:
        raise ValueError("max_points must be at least 1")
    if n_starts < 1:
        raise ValueError("n_starts must be at least 1")
    rng = np.random.default_rng(seed)
    say = progress or (lambda _msg: None)

    t0 = time.perf_counter()
    lik = MixtureLikelihood(data, 1)
    first = maximise(lik, initial_theta(lik))
    steps = [SearchStep(1, first, lik.n_params, data.n_spells, 1, time.perf_counter() - t0)]
    say(f"1 mass point: log-likelihood {first.loglik:.2f}")
    chosen = 0
    stop = f"reached max_points = {max_points}"
    screen_data = data.client_sample(SCREEN_SPELLS, seed)
    for K in range(2, max_points + 1):
        t0 = time.perf_counter()
        prev = steps[chosen]
        lik = MixtureLikelihood(data, K)
        # starting values are ranked and screened on a sample of clients when the data are
        # large (the same for every K); the best are then maximised on all spells
        prev_small = MixtureLikelihood(screen_data, K - 1)
        small = MixtureLikelihood(screen_data, K)
        cands = _candidates(prev_small, prev.maximum.theta, small, rng, n_random, n_starts)
        if not cands:
            stop = f"no starting value for mass point {K} gives a finite likelihood"
            break
        # every start: first the mass points with the coefficients held (cheap)
        screened = [
            maximise(small, c, tol=SCREEN_TOL, mixture_only=True, max_iter=30) for c in cands
        ]
        # the screen holds the coefficients at the K-1 point estimate, which carry the
        # selection the new point is to explain; its ranking can miss the start from which
        # the full likelihood climbs furthest (a gain of 50 log-likelihood points missed, the
        # screen's best stuck 48 points lower). So every screened start takes a few full
        # Newton steps (on the same sample), and the best ``n_full`` of those go on to the
        # maximum on all spells.
        probed = [maximise(small, m.theta, tol=SEARCH_TOL, max_iter=PROBE_STEPS) for m in screened]
        order = np.argsort([-m.loglik for m in probed])[:n_full]
        maxima = [maximise(lik, probed[i].theta, tol=SEARCH_TOL) for i in order]
        best = max(maxima, key=lambda m: m.loglik)
        problems = tuple(mass_point_problems(lik.unpack(best.theta), lik.has_entry, data.n_spells))
        step = SearchStep(
            K, best, lik.n_params, data.n_spells, len(cands), time.perf_counter() - t0, problems
        )
        steps.append(step)
        say(
            f"{K} mass points: log-likelihood {best.loglik:.2f} "
            f"({criterion.upper()} {step.criterion(criterion):.1f} vs {prev.criterion(criterion):.1f})"
        )
        if problems:
            stop = f"{K} mass points are not identified: " + "; ".join(problems)
            break
        # heterogeneity at all (the second point) must improve the BIC: under no heterogeneity
        # the AIC accepts a spurious point too often (a boundary problem), which costs
        # precision; further points follow ``criterion``
        gate: Criterion = "bic" if K == 2 else criterion
        if step.criterion(gate) >= prev.criterion(gate):
            stop = (
                f"adding mass point {K} does not improve the {gate.upper()} "
                f"({step.criterion(gate):.1f} vs {prev.criterion(gate):.1f})"
            )
            break
        chosen = len(steps) - 1
    steps[chosen] = _polished(data, steps[chosen])
    return SearchPath(steps, chosen, criterion, stop)


def _polished(data: TimingData, step: SearchStep) -> SearchStep:
    """``step`` maximised from where the search left it to the default tolerance."""
    t0 = time.perf_counter()
    best = maximise(MixtureLikelihood(data, step.n_points), step.maximum.theta)
    if best.loglik < step.loglik:
        return step
    return replace(step, maximum=best, seconds=step.seconds + time.perf_counter() - t0)
