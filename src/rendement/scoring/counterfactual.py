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
intervals reuse the client design (:class:`ClientStates`) unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rendement.errors import ModelMismatchError
from rendement.model.hazard_model import HazardModel
from rendement.model.spec import ModelSpec, client_design, modifier_values

_ETA_MIN, _ETA_MAX = -30.0, 4.0  # the bounds of rendement.scoring.survival
_RATE_MIN, _RATE_MAX = float(np.exp(_ETA_MIN)), float(np.exp(_ETA_MAX))

#: Columns a frame of clients to score must have (besides the client terms' source columns).
REQUIRED_COLUMNS = ("client_id", "months_on_benefit", "monthly_benefit", "inflow_date")


@dataclass(frozen=True)
class Coefficients:
    """The parameters of one model (or one parameter draw) arranged for broadcasting.

    ``codes`` are the instruments whose states are in the model (``spec.instruments``).

    *Per client* (:meth:`stack`), every array has a leading axis of clients: column
    ``i`` of a path is scored with row ``i`` of each array. That scores a few
    clients under many parameter draws in one vectorised pass (the clients
    repeated once per draw), instead of one pass per draw.
    """

    baseline: np.ndarray  # (n_pieces,)                    per client: (n, n_pieces)
    client: np.ndarray  # (n_client_terms,)                 per client: (n, n_client_terms)
    calendar: np.ndarray  # (n_years,), first year = 0 (reference); empty without calendar
    lock_in: np.ndarray  # (C,)                             per client: (n, C)
    after: np.ndarray  # (C,)                               per client: (n, C)
    after_modifiers: np.ndarray  # (C, n_modifiers)         per client: (n, C, n_modifiers)

    @property
    def per_client(self) -> bool:
        return self.baseline.ndim == 2

    def chunk(self, rows: slice | np.ndarray) -> Coefficients:
        """The coefficients of some clients (all of them when shared by all clients)."""
        if not self.per_client:
            return self
        return Coefficients(
            self.baseline[rows],
            self.client[rows],
            self.calendar[rows],
            self.lock_in[rows],
            self.after[rows],
            self.after_modifiers[rows],
        )

    @classmethod
    def stack(cls, draws: Sequence[Coefficients], n_clients: int) -> Coefficients:
        """Per-client coefficients for ``n_clients`` clients repeated once per draw.

        Column ``r * n_clients + i`` is client ``i`` under ``draws[r]`` (draw-major),
        matching ``ClientStates.chunk(np.tile(rows, len(draws)))``.
        """
        if any(c.per_client for c in draws):
            raise ValueError("stack takes coefficients shared by all clients")

        def rep(name: str) -> np.ndarray:
            return np.repeat(np.stack([getattr(c, name) for c in draws]), n_clients, axis=0)

        return cls(
            baseline=rep("baseline"),
            client=rep("client"),
            calendar=rep("calendar"),
            lock_in=rep("lock_in"),
            after=rep("after"),
            after_modifiers=rep("after_modifiers"),
        )

    @classmethod
    def from_params(cls, spec: ModelSpec, params: pd.Series) -> Coefficients:
        """Terms absent from ``params`` count as 0 (as in :meth:`HazardModel.coef`)."""
        get = params.to_dict()

        def vec(names: Sequence[str]) -> np.ndarray:
            return np.array([float(get.get(t, 0.0)) for t in names], dtype=np.float64)

        codes = list(spec.instruments)
        mods = list(spec.effect_modifiers)
        calendar = (
            np.concatenate([[0.0], vec(spec.calendar_terms())])
            if spec.calendar and spec.calendar_years
            else np.zeros(0)
        )
        return cls(
            baseline=vec(spec.baseline_terms()),
            client=vec(spec.client_terms()),
            calendar=calendar,
            lock_in=vec([f"in:{c}" for c in codes]),
            after=vec([f"after:{c}" for c in codes]),
            after_modifiers=np.array(
                [[float(get.get(f"after:{c}*{m}", 0.0)) for m in mods] for c in codes],
                dtype=np.float64,
            ).reshape(len(codes), len(mods)),
        )


@dataclass(frozen=True)
class ClientStates:
    """Clients to score as arrays: design, elapsed months and current instrument state.

    ``in_now``/``after_now`` are the ``in:CODE``/``after:CODE`` flags for month
    ``d + 1`` of every model instrument (columns in ``spec.instruments`` order);
    ``remaining`` is how many months (from ``d + 1`` on) a running instrument
    still lasts. Missing flag columns count as 0 (no instrument in the spell).
    """

    months_on_benefit: np.ndarray  # (n,) int64, d
    design: np.ndarray  # (n, n_client_terms) float64
    modifiers: np.ndarray  # (n, n_modifiers) float64
    in_now: np.ndarray  # (n, C) bool
    after_now: np.ndarray  # (n, C) bool
    remaining: np.ndarray  # (n,) int64
    first_calendar_month: np.ndarray  # (n,) int64: year * 12 + month - 1 of spell month d + 1

    @property
    def n(self) -> int:
        return len(self.months_on_benefit)

    @property
    def running(self) -> np.ndarray:
        """Clients in an instrument of the model now (month ``d + 1``)."""
        return np.asarray(self.in_now.any(axis=1), dtype=bool)

    def chunk(self, rows: slice | np.ndarray) -> ClientStates:
        return ClientStates(
            self.months_on_benefit[rows],
            self.design[rows],
            self.modifiers[rows],
            self.in_now[rows],
            self.after_now[rows],
            self.remaining[rows],
            self.first_calendar_month[rows],
        )

    @classmethod
    def from_frame(cls, spec: ModelSpec, clients: pd.DataFrame) -> ClientStates:
        missing = [c for c in REQUIRED_COLUMNS if c not in clients.columns]
        if missing:
            raise ModelMismatchError(
                f"the clients to score lack the column(s) {missing}; build them with "
                "rendement.panel.caseload_state or give at least client_id, months_on_benefit, "
                "monthly_benefit, inflow_date and the clients-table columns"
            )
        d = pd.to_numeric(clients["months_on_benefit"], errors="coerce").to_numpy(dtype=float)
        if len(d) and (np.isnan(d).any() or (d < 0).any()):
            raise ModelMismatchError(
                "months_on_benefit must be a whole number >= 0 for every client"
            )
        design = client_design(spec, clients)
        codes = list(spec.instruments)
        n = len(clients)

        def flags(prefix: str) -> np.ndarray:
            out = np.zeros((n, len(codes)), dtype=bool)
            for j, c in enumerate(codes):
                col = f"{prefix}:{c}"
                if col not in clients.columns:
                    continue
                values = clients[col]
                if isinstance(values.dtype, np.dtype) and values.dtype.kind in "biuf":
                    out[:, j] = values.to_numpy() > 0  # NaN > 0 is False: missing counts as 0
                else:
                    out[:, j] = pd.to_numeric(values).fillna(0).to_numpy() > 0
            return out

        remaining = (
            pd.to_numeric(clients["remaining_in_months"]).fillna(0).to_numpy(dtype=np.int64)
            if "remaining_in_months" in clients.columns
            else np.zeros(n, dtype=np.int64)
        )
        inflow = pd.DatetimeIndex(clients["inflow_date"])
        first_cal = inflow.year.to_numpy(np.int64) * 12 + inflow.month.to_numpy(np.int64) - 1
        d_int = d.astype(np.int64)
        return cls(
            months_on_benefit=d_int,
            design=design.to_numpy(dtype=np.float64),
            modifiers=modifier_values(spec, design),
            in_now=flags("in"),
            after_now=flags("after"),
            remaining=np.maximum(remaining, 0),
            first_calendar_month=first_cal + d_int,
        )


@dataclass(frozen=True)
class Scenario:
    """An instrument to start: its column among the model instruments, waiting and duration."""

    code: str
    column: int
    waiting_months: int
    duration_months: int

    @property
    def planned_end(self) -> int:
        """Months from now (``d``) to the planned end of the instrument: ``W + D``."""
        return self.waiting_months + self.duration_months


def scenarios(model: HazardModel, codes: Sequence[str]) -> list[Scenario]:
    """Catalogue waiting and duration of ``codes`` (instruments of the model)."""
    cols = {c: j for j, c in enumerate(model.spec.instruments)}
    out = []
    for code in codes:
        if code not in cols:
            raise ModelMismatchError(f"instrument {code!r} has no states in the model")
        row = model.catalogue_row(code)
        out.append(
            Scenario(code, cols[code], int(row["waiting_months"]), int(row["duration_months"]))
        )
    return out


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

    With mass points (``locations`` ``(K,)``, ``weights`` ``(n, K)``), the survival
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
    for k, v in enumerate(np.asarray(locations, dtype=float)):
        out += weights[None, :, k] * np.exp(-np.exp(v) * cumulative_rates)
    return out


def survival(
    eta: np.ndarray,
    locations: np.ndarray | None = None,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """``(L, n)`` survival path from a time-major linear predictor ``(L, n)``."""
    return survival_from_rates(cumulate(rates(eta)), locations, weights)


def survivor_type_weights(model: HazardModel, clients: pd.DataFrame) -> np.ndarray:
    """``(n, K)`` P(type k | still on benefit after d months), from the prior and the baseline.

    An approximation for models with unobserved heterogeneity: the months
    already on benefit are scored with the client terms and the baseline only
    (instrument history and calendar effects are left out). Long-term clients
    get more weight on the slow types, which the prior alone ignores.
    """
    het = model.heterogeneity
    if het is None:
        raise ModelMismatchError("the model has no unobserved heterogeneity (mass points)")
    spec = model.spec
    d = pd.to_numeric(clients["months_on_benefit"]).to_numpy(dtype=np.int64)
    coefs = Coefficients.from_params(spec, model.params)
    top = int(d.max()) if len(d) else 0
    months = np.arange(1, top + 1)
    cum = np.concatenate([[0.0], np.cumsum(np.exp(coefs.baseline[spec.baseline_piece(months)]))])
    exposure = np.exp(client_design(spec, clients).to_numpy() @ coefs.client) * cum[d]
    loc = np.asarray(het.locations, dtype=float)
    log_w = (
        np.log(np.asarray(het.probabilities, dtype=float))[None, :]
        - exposure[:, None] * np.exp(loc)[None, :]
    )
    log_w -= log_w.max(axis=1, keepdims=True)
    w = np.exp(log_w)
    return w / w.sum(axis=1, keepdims=True)
