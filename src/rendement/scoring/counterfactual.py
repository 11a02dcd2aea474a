"""Per client: the survival path without and with each instrument (*met en zonder traject*).

A client who has been on benefit ``d`` whole months is scored for the future
months ``d + 1 .. d + L`` (``t = 0 .. L - 1``), conditional on ``T > d``.
Paths here are **time-major**, ``(L, n)``: row ``t`` is future month ``d + 1 + t``
for every client (transpose for the ``(n, H)`` layout of :mod:`rendement.scoring.survival`);
summing over months then runs over whole rows, which is what makes 400,000
clients fast.
Its linear predictor (see :mod:`rendement.model.spec`) is::

    eta[i, t] = client_eta[i] + baseline(d[i] + 1 + t) (+ calendar(year of month t))
                + state_shift[i, t]

* **without** (*zonder*): the client keeps its current state. After-effects of
  instruments earlier in the spell stay on; a running instrument stays "in"
  for ``remaining_in_months`` months and turns "after" from then on.
* **with instrument X** (*met X*): months ``t < W`` waiting in the current
  state, months ``W <= t < W + D`` in X (the lock-in shift, unless the client is
  in X then anyway) and months ``t >= W + D`` after X (the after-effect, unless
  the client is after X then anyway); ``W`` = ``waiting_months``, ``D`` =
  ``duration_months``. Flags combine with "or" with the current state
  (``docs/architecture.md``, "Instrument states").

Everything is vectorised over clients; callers iterate over chunks of clients
(:meth:`ClientStates.chunk`) to bound memory, never over single clients.
Parameters enter only through :class:`Coefficients`, so parameter draws for
intervals reuse the client design (:class:`ClientStates`) unchanged; both, and
the instruments to start (:class:`Scenario`), are in :mod:`rendement.scoring.states`.
"""

from __future__ import annotations

import numpy as np

from rendement.model.spec import ModelSpec
from rendement.scoring.states import ClientStates, Coefficients, Scenario

_ETA_MIN, _ETA_MAX = -30.0, 4.0  # the bounds of rendement.scoring.survival
_RATE_MIN, _RATE_MAX = float(np.exp(_ETA_MIN)), float(np.exp(_ETA_MAX))


def after_shift(states: ClientStates, coefs: Coefficients) -> np.ndarray:
    """``(n, C)`` after-effect of each model instrument per client, with effect modifiers."""
    if coefs.per_client:
        return coefs.after + (states.modifiers[:, None, :] * coefs.after_modifiers).sum(axis=2)
    return coefs.after[None, :] + states.modifiers @ coefs.after_modifiers.T


def eta_without(
    states: ClientStates, coefs: Coefficients, spec: ModelSpec, n_months: int
) -> np.ndarray:
    """``(L, n)`` (time-major) linear predictor of the future months, current state kept.

    A running instrument stays "in" for ``remaining`` months, then turns "after"
    (unless the client is after it already). Should a client run several
    instruments at once, all of them end after ``remaining`` months (that of
    the latest started one).
    """
    t = np.arange(n_months)[:, None]
    top = int(states.months_on_benefit.max()) if states.n else 0
    month = states.months_on_benefit[None, :] + 1 + t
    after = after_shift(states, coefs)
    held = (states.after_now * after).sum(axis=1)
    if coefs.per_client:
        cols = np.arange(states.n)[None, :]
        piece = spec.baseline_piece(np.arange(top + n_months + 1))
        eta = coefs.baseline[cols, piece[month]]
        eta += ((states.design * coefs.client).sum(axis=1) + held)[None, :]
    else:
        by_month = coefs.baseline[spec.baseline_piece(np.arange(top + n_months + 1))]
        eta = by_month[month]
        eta += (states.design @ coefs.client + held)[None, :]
    if coefs.calendar.size:
        years = spec.calendar_index((states.first_calendar_month[None, :] + t) // 12)
        if coefs.per_client:
            eta += coefs.calendar[np.arange(states.n)[None, :], years]
        else:
            eta += coefs.calendar[years]
    run = np.flatnonzero(states.in_now.any(axis=1))
    if run.size:
        flags_in = states.in_now[run]
        if coefs.per_client:
            during = (flags_in * coefs.lock_in[run]).sum(axis=1)
        else:
            during = flags_in.astype(float) @ coefs.lock_in
        then = ((flags_in & ~states.after_now[run]).astype(float) * after[run]).sum(axis=1)
        still_in = t < states.remaining[None, run]
        eta[:, run] += np.where(still_in, during[None, :], then[None, :])
    return eta


def _shift_with(
    states: ClientStates,
    coefs: Coefficients,
    scenario: Scenario,
    n_months: int,
    after: np.ndarray | None,
) -> tuple[float | np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Pieces of the log-hazard shift of a scenario: lock-in (months ``W..W+D-1``; per
    client for per-client coefficients), after (per client, months ``>= W+D``), and for
    clients in the instrument now a correction ``(L, n_running)`` so that flags combine
    with "or" (no double lock-in or after-effect)."""
    j = scenario.column
    w, e = scenario.waiting_months, scenario.planned_end
    after_j = (after if after is not None else after_shift(states, coefs))[:, j]
    already_after = states.after_now[:, j]
    post = np.where(already_after, 0.0, after_j)
    run = np.flatnonzero(states.in_now[:, j])
    lock_in: float | np.ndarray = (
        coefs.lock_in[:, j] if coefs.per_client else float(coefs.lock_in[j])
    )
    undo = None
    if run.size:
        t = np.arange(n_months)[:, None]
        still_in = t < states.remaining[None, run]
        lock = (t >= w) & (t < e)
        lock_run = lock_in[None, run] if isinstance(lock_in, np.ndarray) else lock_in
        undo = np.where(still_in & lock, lock_run, 0.0)
        undo += np.where(~still_in & (t >= e), post[None, run], 0.0)
    return lock_in, post, run, undo


def eta_with(
    eta0: np.ndarray,
    states: ClientStates,
    coefs: Coefficients,
    scenario: Scenario,
    after: np.ndarray | None = None,
) -> np.ndarray:
    """``(L, n)`` linear predictor when ``scenario`` starts after its waiting time.

    ``eta0`` is :func:`eta_without` of the same clients; ``after`` optionally the
    precomputed :func:`after_shift`.
    """
    w, e = scenario.waiting_months, scenario.planned_end
    lock, post, run, undo = _shift_with(states, coefs, scenario, eta0.shape[0], after)
    eta = eta0.copy()
    eta[w:e] += lock
    eta[e:] += post[None, :]
    if undo is not None:
        eta[:, run] -= undo
    return eta


def rates(eta: np.ndarray) -> np.ndarray:
    """``exp(eta)`` with the bounds of :mod:`rendement.scoring.survival`: the monthly cloglog rate."""
    return np.exp(np.clip(eta, _ETA_MIN, _ETA_MAX))


def rates_with(
    rates0: np.ndarray,
    states: ClientStates,
    coefs: Coefficients,
    scenario: Scenario,
    after: np.ndarray | None = None,
    *,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """``exp(eta_with)`` from ``rates0 = rates(eta_without)``, without a second exponential.

    Equal to ``rates(eta_with(...))`` up to rounding (the bounds are applied to
    the result). ``out`` optionally receives the result.
    """
    w, e = scenario.waiting_months, scenario.planned_end
    lock, post, run, undo = _shift_with(states, coefs, scenario, rates0.shape[0], after)
    q = out if out is not None else np.empty_like(rates0)
    q[:w] = rates0[:w]
    np.multiply(rates0[w:e], np.exp(lock), out=q[w:e])
    np.multiply(rates0[max(w, e) :], np.exp(post)[None, :], out=q[max(w, e) :])
    if undo is not None:
        q[:, run] *= np.exp(-undo)
    np.clip(q, _RATE_MIN, _RATE_MAX, out=q)
    return q


def cumulative_rates_with(
    cumulative0: np.ndarray,
    rates0: np.ndarray,
    states: ClientStates,
    coefs: Coefficients,
    scenario: Scenario,
    after: np.ndarray | None = None,
    *,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """``cumulate(rates_with(...))``, reusing the path without for the waiting months.

    ``cumulative0 = cumulate(rates0)``. Only valid for clients not in the
    instrument now (whose waiting months are exactly those of the path without).
    """
    q = rates_with(rates0, states, coefs, scenario, after, out=out)
    w = min(scenario.waiting_months, q.shape[0])
    q[:w] = cumulative0[:w]
    return cumulate(q, start=w)


#: Up to this many clients (columns), :func:`cumulate` uses ``np.cumsum``.
CUMSUM_MAX_CLIENTS = 64


def cumulate(q: np.ndarray, start: int = 0) -> np.ndarray:
    """Cumulative sum over months (axis 0) in place, from row ``start`` on.

    A loop over the (few) months with whole-row additions: much faster than
    ``np.cumsum`` along an axis for arrays of many clients; for a few clients
    (an advice) ``np.cumsum`` is faster. Both add in the same order, so the
    results are the same to the bit.
    """
    first = max(start, 1)
    if q.ndim == 2 and q.shape[1] <= CUMSUM_MAX_CLIENTS:
        if first < q.shape[0]:
            np.cumsum(q[first - 1 :], axis=0, out=q[first - 1 :])
        return q
    for t in range(first, q.shape[0]):
        np.add(q[t - 1], q[t], out=q[t])
    return q


def survival_from_rates(
    cumulative_rates: np.ndarray,
    locations: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    *,
    overwrite: bool = False,
) -> np.ndarray:
    """``(L, n)`` ``S[t] = P(T > d + 1 + t | T > d) = exp(-sum_{u <= t} rate[u])``.

    With mass points (``locations`` ``(K,)`` or per client ``(n, K)``, ``weights``
    ``(n, K)``), the survival
    of each type (rates times ``exp(location)``) averaged with the weights,
    as :func:`rendement.scoring.survival.mixture_survival`. ``overwrite`` lets the
    result reuse the memory of ``cumulative_rates``.
    """
    if locations is None or weights is None:
        if overwrite:
            np.negative(cumulative_rates, out=cumulative_rates)
            return np.exp(cumulative_rates, out=cumulative_rates)
        return np.exp(-cumulative_rates)
    out = np.zeros_like(cumulative_rates)
    loc = np.asarray(locations, dtype=float)
    if loc.ndim == 2:  # per client (``(n, K)``: the clients of parameter draws, stacked)
        for k in range(loc.shape[1]):
            out += weights[None, :, k] * np.exp(-np.exp(loc[None, :, k]) * cumulative_rates)
        return out
    for k, v in enumerate(loc):
        out += weights[None, :, k] * np.exp(-np.exp(v) * cumulative_rates)
    return out


def survival(
    eta: np.ndarray,
    locations: np.ndarray | None = None,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """``(L, n)`` survival path from a time-major linear predictor ``(L, n)``."""
    return survival_from_rates(cumulate(rates(eta)), locations, weights)
