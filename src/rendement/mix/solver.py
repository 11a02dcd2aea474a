"""The search behind the plan over combinations (:mod:`rendement.mix.plan`), proven.

Options are (client, combination) pairs with a net return and an expected cost; a
combination uses one place of each of its instruments (``uses``: combinations x
instruments, NaN for a combination with an instrument without places).
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from rendement.plan.optimize import _undominated


def undominated_options(
    options: np.ndarray,
    combo: np.ndarray,
    value: np.ndarray,
    cost: np.ndarray,
    total: int,
    budget: float | None,
) -> np.ndarray:
    """``options`` without those with ``total`` dominators of the same combination.

    Every assigned client holds at least one place, so a plan assigns at most
    ``total`` (all places) clients: among ``total`` dominators of a chosen option
    one belongs to an unassigned client, who can take it over (same places, no
    less return, no more cost).
    """
    out = []
    for k in np.unique(combo[options]).tolist():
        idx = options[combo[options] == k]
        keep = _undominated(
            np.zeros(len(idx), dtype=np.int64),
            value[idx],
            cost[idx],
            np.array([total], dtype=np.int64),
            budget,
        )
        out.append(idx[keep])
    return np.sort(np.concatenate(out)) if out else options[:0]


def solve_options(
    client: np.ndarray,
    combo: np.ndarray,
    value: np.ndarray,
    cost: np.ndarray,
    uses: np.ndarray,
    places: np.ndarray,
    budget: float | None,
    time_limit: float,
    gap: float = 0.0,
) -> tuple[np.ndarray, str, float]:
    """Chosen options (bool), status and proven upper bound (see the module docstring).

    The LP relaxation's prices ``p`` (per place) and ``lam`` (per euro) give the
    Lagrangian bound ``L = sum_i u_i + places . p + lam budget`` with
    ``u_i = max(0, max_k r_ik - uses_k . p - lam c_ik)`` (weak duality; recomputed, so
    solver round-off cannot make it invalid). A plan is worth ``L`` minus, per chosen
    option, ``u_i - (r_ik - uses_k . p - lam c_ik) >= 0`` and more; so every plan better
    than a greedy incumbent uses only options whose loss is at most ``L`` minus the
    incumbent. HiGHS searches those exactly.
    """
    n = len(value)
    if n == 0:
        return np.zeros(0, dtype=bool), "optimal", 0.0
    start = time.perf_counter()
    _, rows = np.unique(client, return_inverse=True)
    use = sp.csr_matrix(np.nan_to_num(uses[combo]).T)
    a = sp.vstack(
        [sp.csr_matrix((np.ones(n), (rows, np.arange(n))), shape=(int(rows.max()) + 1, n)), use]
        + ([sp.csr_matrix(cost[None, :])] if budget is not None else []),
        format="csr",
    )
    rhs = np.concatenate(
        [np.ones(int(rows.max()) + 1), places.astype(float)]
        + ([np.array([budget])] if budget is not None else [])
    )
    lp = linprog(-value, A_ub=a, b_ub=rhs, bounds=(0, 1), method="highs-ipm")
    prices = np.zeros(len(places))
    lam = 0.0
    if lp.status == 0:
        duals = np.maximum(-np.asarray(lp.ineqlin.marginals), 0.0)
        first = int(rows.max()) + 1
        prices = duals[first : first + len(places)]
        lam = float(duals[-1]) if budget is not None else 0.0
    adjusted = value - use.T @ prices - lam * cost
    u = np.zeros(int(rows.max()) + 1)
    np.maximum.at(u, rows, adjusted)
    bound = float(u.sum() + places @ prices + lam * (budget or 0.0))
    # incumbent: the LP's integral options (best first), then the rest by adjusted return
    integral = np.flatnonzero(np.asarray(lp.x) > 1 - 1e-6) if lp.x is not None else np.empty(0)
    integral = integral[np.argsort(-value[integral], kind="stable")].astype(np.int64)
    order = np.concatenate([integral, np.argsort(-adjusted, kind="stable")])
    incumbent = _greedy(order, client, combo, cost, uses, places, budget)
    best = float(value[incumbent].sum())
    tol = 0.01 + 1e-9 * abs(bound)
    if bound - best <= tol:
        return incumbent, "optimal", best
    loss = u[rows] - adjusted
    core = np.flatnonzero(loss <= bound - best + tol)
    chosen, status, core_bound = _milp(
        rows[core],
        combo[core],
        value[core],
        cost[core],
        uses,
        places,
        budget,
        max(1.0, time_limit - (time.perf_counter() - start)),
        gap,
    )
    found = np.zeros(n, dtype=bool)
    found[core[chosen]] = True
    if float(value[found].sum()) < best:
        found = incumbent
    objective = float(value[found].sum())
    proven = max(objective, min(bound, max(best, core_bound)))
    if status == "time_limit":
        return found, status, proven
    return found, "optimal" if proven - objective <= tol else "within_gap", proven


def _milp(
    client: np.ndarray,
    combo: np.ndarray,
    value: np.ndarray,
    cost: np.ndarray,
    uses: np.ndarray,
    places: np.ndarray,
    budget: float | None,
    time_limit: float,
    gap: float = 0.0,
) -> tuple[np.ndarray, str, float]:
    """HiGHS branch and bound on some options: chosen, status (``optimal``: within ``gap``),
    proven bound."""
    n = len(value)
    if n == 0:
        return np.zeros(0, dtype=bool), "optimal", 0.0
    _, rows = np.unique(client, return_inverse=True)
    blocks = [
        sp.csr_matrix((np.ones(n), (rows, np.arange(n))), shape=(int(rows.max()) + 1, n)),
        sp.csr_matrix(np.nan_to_num(uses[combo]).T),
    ]
    lower = [np.zeros(blocks[0].shape[0]), np.zeros(len(places))]
    upper = [np.ones(blocks[0].shape[0]), places.astype(float)]
    if budget is not None:
        blocks.append(sp.csr_matrix(cost[None, :]))
        lower.append(np.zeros(1))
        upper.append(np.array([budget]))
    res = milp(
        -value,
        constraints=LinearConstraint(
            sp.vstack(blocks, format="csr"), np.concatenate(lower), np.concatenate(upper)
        ),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        options={"disp": False, "mip_rel_gap": gap, "time_limit": time_limit},
    )
    if res.x is None:
        return np.zeros(n, dtype=bool), "time_limit", float(value[value > 0].sum())
    # HiGHS works to a feasibility tolerance: keep the plan exactly within places and budget
    chosen = _repair(np.asarray(res.x) > 0.5, client, combo, value, cost, uses, places, budget)
    bound = -float(res.mip_dual_bound) if res.mip_dual_bound is not None else np.inf
    if res.status == 0 and gap == 0.0:
        return chosen, "optimal", float(value[chosen].sum())
    return chosen, "optimal" if res.status == 0 else "time_limit", bound


def _repair(
    chosen: np.ndarray,
    client: np.ndarray,
    combo: np.ndarray,
    value: np.ndarray,
    cost: np.ndarray,
    uses: np.ndarray,
    places: np.ndarray,
    budget: float | None,
) -> np.ndarray:
    """Drop the least valuable chosen options until every constraint holds exactly."""
    picked = np.flatnonzero(chosen)
    order = picked[np.argsort(-value[picked], kind="stable")]
    return _greedy(order, client, combo, cost, uses, places, budget)


def _greedy(
    order: np.ndarray,
    client: np.ndarray,
    combo: np.ndarray,
    cost: np.ndarray,
    uses: np.ndarray,
    places: np.ndarray,
    budget: float | None,
) -> np.ndarray:
    """Options in ``order`` while the client is free and places and budget allow."""
    out = np.zeros(len(client), dtype=bool)
    seen: set[int] = set()
    need_of = np.nan_to_num(uses)
    used = np.zeros(len(places))
    spend = 0.0
    limit = np.inf if budget is None else budget
    for k in order.tolist():
        i = int(client[k])
        if i in seen or spend + cost[k] > limit:
            continue
        need = need_of[combo[k]]
        if (used + need > places).any():
            continue
        out[k] = True
        seen.add(i)
        used += need
        spend += float(cost[k])
    return out
