"""The caseload's paths in bulk: point scores and parameter draws, chunk by chunk.

:class:`ScoringTask` holds what does not change between parameter draws (the
clients' design and state, the instruments, horizon, discounting, mass-point
weights, prices). :func:`point_scores` evaluates the estimate,
:func:`interval_bounds` the draws. Each evaluation runs over chunks of clients
of at most about :data:`CELLS_PER_CHUNK` client-months, vectorised within the
chunk (:mod:`rendement.scoring.counterfactual`); there is no loop per client.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from rendement.model.hazard_model import HazardModel
from rendement.pension.cap import (
    capped_columns,
    capped_discounted_months,
    capped_restricted_mean,
    hold_at_pension,
)
from rendement.scoring.counterfactual import (
    after_shift,
    cumulate,
    cumulative_rates_with,
    eta_without,
    rates,
    survival_from_rates,
)
from rendement.scoring.intervals import quantile_bounds
from rendement.scoring.prepared import prepared
from rendement.scoring.returns import (
    discounted_months,
    expected_cost,
    net_return,
    success_probability,
)
from rendement.scoring.states import ClientStates, Coefficients, Scenario

#: Clients per chunk are chosen so that one (months x clients) array has about this many cells.
CELLS_PER_CHUNK = 1_500_000


@dataclass(frozen=True)
class ScoringTask:
    """Everything but the parameters: who is scored, for which instruments, how far ahead.

    ``n_months`` (L) covers the horizon H, 18 months and every instrument's
    planned end plus 3 months (for the chance of success).
    """

    model: HazardModel
    states: ClientStates
    scenarios: list[Scenario]
    running: np.ndarray  # (n,) bool: in an instrument now, no path with a new one
    horizon: int
    n_months: int
    factors: np.ndarray | None  # discount factors (H,), None when undiscounted
    locations: np.ndarray | None  # mass-point locations (K,)
    weights: np.ndarray | None  # (n, K) type weights
    price: np.ndarray  # (C,)
    success_share: np.ndarray  # (C,)
    benefit: np.ndarray  # (n,)
    # per parameter draw: mass-point locations (K,) and the type weights they imply (n, K)
    mixture_draws: list[tuple[np.ndarray, np.ndarray]] | None = None
    pension_months: np.ndarray | None = None  # (n,) whole months before the AOW date

    @property
    def n(self) -> int:
        return self.states.n

    def chunks(self) -> list[slice]:
        size = max(256, CELLS_PER_CHUNK // max(1, self.n_months))
        return [slice(a, min(a + size, self.n)) for a in range(0, self.n, size)]

    def repeated(self, rows: slice, times: int) -> ScoringTask:
        """The clients of ``rows`` repeated ``times`` times (draw-major), as a task of their own."""
        idx = np.tile(np.arange(self.n)[rows], times)
        return replace(
            self,
            states=self.states.chunk(idx),
            running=self.running[idx],
            weights=None if self.weights is None else self.weights[idx],
            mixture_draws=None,
            benefit=self.benefit[idx],
            pension_months=None if self.pension_months is None else self.pension_months[idx],
        )


@dataclass
class PointScores:
    """Point estimates for all clients (rows in input order; NaN where not applicable)."""

    p6: np.ndarray
    p12: np.ndarray
    p18: np.ndarray
    remaining: np.ndarray  # expected remaining months without
    remaining_with: np.ndarray  # (n, C); NaN for running clients
    p_success: np.ndarray  # (n, C)
    saved_value_months: np.ndarray  # (n, C) discounted months saved (= months saved when r = 0)
    paths: list[tuple[slice, np.ndarray, np.ndarray]] = field(default_factory=list)
    # per chunk: rows, survival without (c, H), with (c_free, C, H)

    @property
    def months_saved(self) -> np.ndarray:
        return self.remaining[:, None] - self.remaining_with

    def cost(self, task: ScoringTask) -> np.ndarray:
        return expected_cost(task.price[None, :], task.success_share[None, :], self.p_success)

    def net(self, task: ScoringTask) -> np.ndarray:
        return net_return(self.saved_value_months, task.benefit[:, None], self.cost(task))


def restricted_mean(s: np.ndarray, h: int) -> np.ndarray:
    """E[min(T - d, H) | T > d] from a time-major survival path (as ``restricted_mean_residual``)."""
    return 1.0 + s[: h - 1].sum(axis=0)


def evaluate_chunk(
    task: ScoringTask, rows: slice, coefs: Coefficients, keep_paths: bool | str = False
) -> dict[str, np.ndarray]:
    """Without-path outcomes for all clients of a chunk; with-path outcomes for the non-running.

    ``keep_paths``: True keeps the paths client-major (``s0`` ``(c, H)``, ``s_with``
    ``(c_free, C, H)``); ``"time-major"`` keeps them as computed (``s0`` ``(H, c)``,
    ``s_with`` ``(C, H, c_free)``), without a transposing copy (the re-inflow chain).

    Paths are time-major ``(L, n)`` (see :mod:`rendement.scoring.counterfactual`).
    Paths are time-major ``(L, n)`` (see :mod:`rendement.counterfactual`). Every path
    stops at the client's pension date (:mod:`rendement.pension.cap`).

    Long: the without path and every instrument's path of a chunk share their arrays; split, they would be copied.
    """
    states = task.states.chunk(rows)
    coefs = coefs.chunk(rows)  # per-client coefficients follow their clients
    running = task.running[rows]
    weights = None if task.weights is None else task.weights[rows]
    h, factors, locations = task.horizon, task.factors, task.locations
    if locations is not None and locations.ndim == 2:  # per client (stacked draws)
        locations = locations[rows]
    q0 = rates(eta_without(states, coefs, task.model.spec, task.n_months))
    free = ~running
    sub = states.chunk(free)
    q0_free = q0[:, free]
    cum0 = cumulate(q0)
    s0 = survival_from_rates(cum0, locations, weights)
    aow = None if task.pension_months is None else task.pension_months[rows]
    capped = capped_columns(aow, s0.shape[0])
    if capped.size:
        assert aow is not None
        s0 = hold_at_pension(s0, aow, capped)
        remaining = capped_restricted_mean(s0, h, aow, capped, restricted_mean(s0, h))
    else:
        remaining = restricted_mean(s0, h)
    out: dict[str, np.ndarray] = {
        "p6": 1.0 - s0[5],
        "p12": 1.0 - s0[11],
        "p18": 1.0 - s0[17],
        "remaining": remaining,
    }
    cum0_free = cum0[:, free]
    w_free = None if weights is None else weights[free]
    loc_free = locations[free] if locations is not None and locations.ndim == 2 else locations
    rem0_free = remaining[free]
    aow_free = None if aow is None else aow[free]
    capped_free = capped_columns(aow_free, s0.shape[0])
    value0 = discounted_months(s0[:, free].T, h, factors) if factors is not None else None
    if value0 is not None and capped_free.size and factors is not None:
        assert aow_free is not None
        value0 = capped_discounted_months(s0[:, free].T, h, factors, aow_free, capped_free, value0)
    coefs_free = coefs.chunk(free)
    after = after_shift(sub, coefs_free)
    n_free, n_scen = int(free.sum()), len(task.scenarios)
    rem_with = np.empty((n_free, n_scen))
    p_success = np.empty((n_free, n_scen))
    value = np.empty((n_free, n_scen))
    kept: list[np.ndarray] = []
    buffer = np.empty_like(q0_free)
    for j, sc in enumerate(task.scenarios):
        cum = cumulative_rates_with(cum0_free, q0_free, sub, coefs_free, sc, after, out=buffer)
        sw = survival_from_rates(cum, loc_free, w_free, overwrite=not keep_paths)
        rem_with[:, j] = restricted_mean(sw, h)
        if capped_free.size:
            assert aow_free is not None
            sw = hold_at_pension(sw, aow_free, capped_free)
            rem_with[:, j] = capped_restricted_mean(sw, h, aow_free, capped_free, rem_with[:, j])
        p_success[:, j] = success_probability(sw.T, sc.planned_end)
        if factors is not None and value0 is not None:
            with_value = discounted_months(sw.T, h, factors)
            if capped_free.size:
                assert aow_free is not None
                with_value = capped_discounted_months(
                    sw.T, h, factors, aow_free, capped_free, with_value
                )
            value[:, j] = value0 - with_value
        else:
            value[:, j] = rem0_free - rem_with[:, j]
        if keep_paths:
            kept.append(sw[:h])
    out["remaining_with"] = rem_with
    out["p_success"] = p_success
    out["saved_value_months"] = value
    if keep_paths == "time-major":
        out["s0"] = s0[:h]
        out["s_with"] = np.stack(kept) if kept else np.empty((0, h, n_free))
    elif keep_paths:
        out["s0"] = s0[:h].T
        out["s_with"] = np.stack([k.T for k in kept], axis=1) if kept else np.empty((n_free, 0, h))
    return out


def point_scores(task: ScoringTask, *, keep_paths: bool = False) -> PointScores:
    """The estimate's scores for every client (and the survival paths if asked)."""
    n, n_scen = task.n, len(task.scenarios)
    coefs = prepared(task.model).coefficients
    point = PointScores(
        p6=np.empty(n),
        p12=np.empty(n),
        p18=np.empty(n),
        remaining=np.empty(n),
        remaining_with=np.full((n, n_scen), np.nan),
        p_success=np.full((n, n_scen), np.nan),
        saved_value_months=np.full((n, n_scen), np.nan),
    )
    for rows in task.chunks():
        res = evaluate_chunk(task, rows, coefs, keep_paths)
        point.p6[rows], point.p12[rows], point.p18[rows] = res["p6"], res["p12"], res["p18"]
        point.remaining[rows] = res["remaining"]
        idx = np.arange(n)[rows][~task.running[rows]]
        point.remaining_with[idx] = res["remaining_with"]
        point.p_success[idx] = res["p_success"]
        point.saved_value_months[idx] = res["saved_value_months"]
        if keep_paths:
            point.paths.append((rows, res["s0"], res["s_with"]))
    return point


def interval_bounds(
    task: ScoringTask, level: float, n_draws: int, seed: int
) -> dict[str, np.ndarray]:
    """Bounds of remaining months, months saved and net return over parameter draws.

    The client design and states are built once; each draw only changes the
    coefficients (a matrix product for the client terms, lookups for the rest).
    Cost: one point evaluation per draw.
    """
    model = task.model
    if n_draws < 2:
        raise ValueError(f"n_draws must be at least 2, got {n_draws}")
    coefs = prepared(model).draw_coefficients(n_draws, seed)
    n, n_scen = task.n, len(task.scenarios)
    out = {
        name: np.full(shape, np.nan)
        for name, shape in (
            ("remaining_lower", n),
            ("remaining_upper", n),
            ("saved_lower", (n, n_scen)),
            ("saved_upper", (n, n_scen)),
            ("net_lower", (n, n_scen)),
            ("net_upper", (n, n_scen)),
        )
    }
    stacked_rows = max(1, CELLS_PER_CHUNK // max(1, task.n_months * n_draws))
    for rows in task.chunks():
        run = task.running[rows]
        idx = np.arange(n)[rows]
        free_idx = idx[~run]
        if len(idx) <= stacked_rows:  # a few clients (an advice): all draws in one pass
            rem, saved, net = _draws_stacked(task, rows, coefs)
        else:
            rem, saved, net = _draws_one_by_one(task, rows, coefs)
        out["remaining_lower"][idx], out["remaining_upper"][idx] = quantile_bounds(rem, level)
        if n_scen and len(free_idx):
            lo, hi = quantile_bounds(saved, level)
            out["saved_lower"][free_idx], out["saved_upper"][free_idx] = lo, hi
            lo, hi = quantile_bounds(net, level)
            out["net_lower"][free_idx], out["net_upper"][free_idx] = lo, hi
    return out


def _draws_one_by_one(
    task: ScoringTask, rows: slice, coefs: list[Coefficients]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Remaining months ``(c, R)``, months saved and net return ``(c_free, C, R)`` per draw."""
    run = task.running[rows]
    free_idx = np.arange(task.n)[rows][~run]
    n_draws, n_scen = len(coefs), len(task.scenarios)
    price, share = task.price[None, :], task.success_share[None, :]
    rem = np.empty((int(run.size), n_draws))
    saved = np.empty((len(free_idx), n_scen, n_draws))
    net = np.empty((len(free_idx), n_scen, n_draws))
    mixtures = task.mixture_draws
    for r, c in enumerate(coefs):
        drawn = task
        if mixtures is not None:
            drawn = replace(task, locations=mixtures[r][0], weights=mixtures[r][1])
        res = evaluate_chunk(drawn, rows, c)
        rem[:, r] = res["remaining"]
        saved[:, :, r] = res["remaining"][~run, None] - res["remaining_with"]
        cost = expected_cost(price, share, res["p_success"])
        net[:, :, r] = net_return(res["saved_value_months"], task.benefit[free_idx, None], cost)
    return rem, saved, net


def _draws_stacked(
    task: ScoringTask, rows: slice, coefs: list[Coefficients]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """As :func:`_draws_one_by_one`, with the clients repeated once per draw and per-client
    coefficients (:meth:`Coefficients.stack`): one vectorised pass instead of one per draw."""
    n_draws, n_scen = len(coefs), len(task.scenarios)
    many = task.repeated(rows, n_draws)
    n_rows = int(task.running[rows].size)
    if task.mixture_draws is not None:  # each draw's clients with that draw's mixture
        many = replace(
            many,
            locations=np.vstack(
                [np.tile(loc, (n_rows, 1)) for loc, _ in task.mixture_draws[:n_draws]]
            ),
            weights=np.vstack([w[rows] for _, w in task.mixture_draws[:n_draws]]),
        )
    res = evaluate_chunk(many, slice(0, many.n), Coefficients.stack(coefs, n_rows))
    run = many.running
    remaining = res["remaining"]
    saved = remaining[~run, None] - res["remaining_with"]
    cost = expected_cost(task.price[None, :], task.success_share[None, :], res["p_success"])
    net = net_return(res["saved_value_months"], many.benefit[~run, None], cost)
    n_free = int((~task.running[rows]).sum())

    def by_draw(a: np.ndarray) -> np.ndarray:  # (R * c_free, C) draw-major -> (c_free, C, R)
        return a.reshape(n_draws, n_free, n_scen).transpose(1, 2, 0)

    return remaining.reshape(n_draws, n_rows).T, by_draw(saved), by_draw(net)
