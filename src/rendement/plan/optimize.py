"""The exact optimum: at most one instrument per client, places per instrument, a budget.

Maximise ``sum r_ij x_ij`` over binary ``x`` subject to ``sum_j x_ij <= 1``
(client ``i``), ``sum_i x_ij <= places_j`` (instrument ``j``) and, optionally,
``sum c_ij x_ij <= budget``; only options with ``r_ij > 0`` are variables.
Solved with HiGHS (:func:`scipy.optimize.linprog`, :func:`scipy.optimize.milp`)
and dynamic programming, and **proven** optimal (to within a cent), in four steps:

1. *Dominance.* An option ``(i, j)`` with at least ``P`` (total places) other
   options of ``j`` that return at least as much and cost no more is never
   needed: some optimum avoids it (swap ``i`` for an unassigned dominator).
2. *LP relaxation.* Without a budget the problem is a transportation problem
   whose LP optimum is integral. Its duals -- a price ``p_j`` per place and a
   price ``lam`` per euro of budget -- give the Lagrangian bound
   ``L = sum_i max(0, max_j (r_ij - p_j - lam c_ij)) + sum_j places_j p_j + lam budget``,
   an upper bound on every plan (weak duality; recomputed here, so solver
   round-off cannot make it invalid).
3. *Incumbent.* The LP's integral part, repaired and filled greedily.
   When it reaches ``L`` (within a cent) it is optimal: done. This is the usual
   end without a budget.
4. *Reduced-cost fixing and the core.* With ``d_ij = u_i - (r_ij - p_j - lam c_ij) >= 0``
   and ``u_i`` the client's term of ``L``, a plan is worth ``L`` minus the sum of
   ``d_ij`` over its assignments, ``u_i`` over the clients it leaves out and the
   value of unused places and budget. So any plan better than ``L - tau`` uses
   no option with ``d_ij > tau`` and assigns every client with ``u_i > tau``.
   The few options left (the *core*) are searched exactly: by dynamic
   programming over groups of options (:mod:`rendement.plan.dynamic`), or, when
   that grows too large, by HiGHS's branch and bound (mip gap 0, with dominance
   chains that break the symmetry of equal prices). Cores grow from small (cheap,
   they improve the incumbent) to ``tau = L - incumbent``, which proves the optimum.

A time limit guards step 4; when it is hit the result says so
(``status == "time_limit"``) with the proven upper bound, never pretending to
be optimal.

Long: the four steps of the proof share one problem object (``_Problem``) whose arrays every step reads; together, the argument for optimality reads in one place.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from rendement.plan.dynamic import Selection, TooManyStates, best_selection, core_groups

#: Default time limit (seconds) of the exact search.
TIME_LIMIT = 120.0
#: Options in the first core of the exact search (small problems are solved whole at once).
_CORE_START = 400
#: HiGHS on a core that only serves to improve the incumbent: this gap, at most these
#: branch-and-bound nodes (a node limit, not a time limit, keeps the search reproducible).
_QUICK_GAP = 1e-5
_QUICK_NODES = 1000


@dataclass(frozen=True)
class Solution:
    """The chosen options and the proof of optimality."""

    chosen: np.ndarray  # bool, per option given to :func:`solve`
    objective: float  # total net return of the chosen options, EUR
    bound: float  # proven upper bound on the optimum, EUR
    status: Literal["optimal", "time_limit"]
    seconds: float
    variables: int  # options that were variables (positive, places, fits the budget)
    lp_variables: int  # after the dominance step
    core_variables: int  # in the largest core searched (0 when the LP settled it)

    @property
    def gap(self) -> float:
        """Euros by which the optimum may still exceed the objective (0 when optimal)."""
        return max(0.0, self.bound - self.objective)


def solve(
    client: np.ndarray,
    instrument: np.ndarray,
    value: np.ndarray,
    cost: np.ndarray,
    places: np.ndarray,
    budget: float | None = None,
    *,
    time_limit: float = TIME_LIMIT,
) -> Solution:
    """The optimal choice among options ``(client[k], instrument[k])`` with ``value[k]``/``cost[k]``.

    Options that are not positive, have no places or cost more than the budget
    are never chosen. ``client`` and ``instrument`` are non-negative integer codes.
    """
    start = time.perf_counter()
    client = np.asarray(client, dtype=np.int64)
    instrument = np.asarray(instrument, dtype=np.int64)
    value = np.asarray(value, dtype=float)
    cost = np.asarray(cost, dtype=float)
    places = np.asarray(places, dtype=np.int64)
    n = len(value)
    chosen = np.zeros(n, dtype=bool)
    ok = (value > 0) & np.isfinite(value) & np.isfinite(cost) & (places[instrument] > 0)
    if budget is not None:
        ok &= cost <= budget
    variables = np.flatnonzero(ok)
    keep = variables[
        _undominated(instrument[variables], value[variables], cost[variables], places, budget)
    ]
    if not len(keep):
        return Solution(
            chosen, 0.0, 0.0, "optimal", time.perf_counter() - start, len(variables), 0, 0
        )
    problem = _Problem.build(
        client[keep], instrument[keep], value[keep], cost[keep], places, budget
    )
    local, bound, status, core = problem.solve(deadline=start + time_limit)
    chosen[keep[local]] = True
    chosen = improve(chosen, client, instrument, value, cost, places, budget, ok)
    objective = float(value[chosen].sum())
    return Solution(
        chosen,
        objective,
        max(bound, objective),
        status,
        time.perf_counter() - start,
        len(variables),
        len(keep),
        core,
    )


def _undominated(
    instrument: np.ndarray,
    value: np.ndarray,
    cost: np.ndarray,
    places: np.ndarray,
    budget: float | None,
) -> np.ndarray:
    """Options not dominated by ``P`` options of the same instrument (step 1)."""
    keep = np.ones(len(value), dtype=bool)
    total = int(places[places > 0].sum())
    if total <= 0:
        return keep
    order_all = np.lexsort((np.arange(len(value)), -value, instrument))
    bounds = np.searchsorted(instrument[order_all], np.arange(len(places) + 1))
    for j in range(len(places)):
        order = order_all[bounds[j] : bounds[j + 1]]
        if len(order) <= total:
            continue
        if budget is None:
            keep[order[total:]] = False
            continue
        sorted_cost = cost[order]
        step = max(total, 1024)
        for b in range(total, len(order), step):
            # the ``total``-th cheapest among the options ranked above position b
            threshold = np.partition(sorted_cost[:b], total - 1)[total - 1]
            block = slice(b, min(b + step, len(order)))
            keep[order[block][sorted_cost[block] >= threshold]] = False
    return keep


@dataclass
class _Problem:
    """Options sorted by client, with compact client codes."""

    client: np.ndarray  # 0..n_clients-1, non-decreasing
    instrument: np.ndarray
    value: np.ndarray
    cost: np.ndarray
    places: np.ndarray
    budget: float | None
    order: np.ndarray  # position in the caller's arrays
    starts: np.ndarray  # first option of each client
    prices: np.ndarray | None = None  # LP price of a place, per instrument
    lam: float = 0.0  # LP price of a euro of budget
    bound: float = np.inf  # the Lagrangian bound L

    @classmethod
    def build(
        cls,
        client: np.ndarray,
        instrument: np.ndarray,
        value: np.ndarray,
        cost: np.ndarray,
        places: np.ndarray,
        budget: float | None,
    ) -> _Problem:
        order = np.lexsort((instrument, client))
        _, compact = np.unique(client[order], return_inverse=True)
        starts = np.flatnonzero(np.r_[True, np.diff(compact) != 0])
        return cls(
            compact.astype(np.int64),
            instrument[order],
            value[order],
            cost[order],
            places,
            budget,
            order,
            starts,
        )

    @property
    def n_clients(self) -> int:
        return len(self.starts)

    # ---- the whole search -----------------------------------------------------------------
    def solve(
        self, *, deadline: float
    ) -> tuple[np.ndarray, float, Literal["optimal", "time_limit"], int]:
        """Positions (caller's order) of the chosen options, the bound, the status, core size."""
        prices, lam, x_lp = self._relaxation()
        bound, u, d, adjusted = self._lagrangian(prices, lam)
        self.prices, self.lam, self.bound = prices, lam, bound
        best = self._incumbent(x_lp, adjusted)
        best_value = float(self.value[best].sum())
        tol = 0.01 + 1e-9 * abs(bound)
        core = 0
        status: Literal["optimal", "time_limit"] = "optimal"
        if bound - best_value > tol:
            status = "time_limit"
            # cores of growing size: small ones are cheap and usually improve the incumbent;
            # the core with tau = L - incumbent proves the optimum. Start with a few hundred
            # options (all of them in small problems).
            slack = np.sort(np.concatenate([d, u]))
            tau = max(
                tol, (bound - best_value) / 1024, float(slack[min(len(slack) - 1, _CORE_START)])
            )
            while True:
                tau = min(tau, bound - best_value)
                proving = tau >= bound - best_value  # this core proves the optimum
                result = self._core(
                    tau + tol, u, d, deadline, bound - best_value - tol, exact=proving
                )
                core = max(core, result.variables)
                if result.chosen is not None:
                    v = float(self.value[result.chosen].sum())
                    if v > best_value:
                        best, best_value = result.chosen, v
                if result.proven and (result.complete or best_value >= bound - tau - tol):
                    status = "optimal"
                    break
                if (proving and not result.proven) or time.perf_counter() >= deadline:
                    # a plan is worth at most L - tau, or satisfies the fixing (<= core bound)
                    if result.proven or proving:
                        bound = min(bound, max(best_value, bound - tau, result.bound))
                    break
                # grow the core; jump to the proving core once it is near
                tau = bound - best_value if bound - best_value <= 8 * tau else 4 * tau
        if status == "optimal":
            bound = best_value
        return np.sort(self.order[best]), bound, status, core

    # ---- step 2: LP relaxation and the Lagrangian bound -------------------------------------
    def _relaxation(self) -> tuple[np.ndarray, float, np.ndarray | None]:
        k, m = len(self.value), len(self.places)
        counts = np.diff(np.r_[self.starts, k])
        shared = np.repeat(counts > 1, counts)  # options of clients with two or more options
        client_rows = np.cumsum(counts > 1)[self.client] - 1
        blocks = [
            sp.csr_matrix(
                (np.ones(int(shared.sum())), (client_rows[shared], np.flatnonzero(shared))),
                shape=(int((counts > 1).sum()), k),
            ),
            sp.csr_matrix((np.ones(k), (self.instrument, np.arange(k))), shape=(m, k)),
        ]
        rhs = [np.ones(blocks[0].shape[0]), self.places.astype(float)]
        if self.budget is not None:
            blocks.append(sp.csr_matrix(self.cost[None, :]))
            rhs.append(np.array([self.budget]))
        a = sp.vstack(blocks, format="csr")
        res = linprog(
            -self.value, A_ub=a, b_ub=np.concatenate(rhs), bounds=(0, 1), method="highs-ipm"
        )
        if res.status != 0 or res.x is None:
            return np.zeros(m), 0.0, None
        duals = -np.asarray(res.ineqlin.marginals)
        rows = blocks[0].shape[0]
        prices = np.maximum(duals[rows : rows + m], 0.0)
        lam = max(float(duals[rows + m]), 0.0) if self.budget is not None else 0.0
        return prices, lam, np.asarray(res.x)

    def _lagrangian(
        self, prices: np.ndarray, lam: float
    ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        adjusted = self.value - prices[self.instrument] - lam * self.cost
        u = np.maximum(np.maximum.reduceat(adjusted, self.starts), 0.0)
        bound = float(u.sum() + self.places @ prices + lam * (self.budget or 0.0))
        return bound, u, u[self.client] - adjusted, adjusted

    # ---- step 3: a good plan to start from ---------------------------------------------------
    def _incumbent(self, x_lp: np.ndarray | None, adjusted: np.ndarray) -> np.ndarray:
        chosen = np.zeros(len(self.value), dtype=bool)
        if x_lp is not None:
            chosen = x_lp > 1 - 1e-6
            chosen = self._repair(chosen, adjusted)
        return self._fill(chosen, np.argsort(-adjusted, kind="stable"))

    def _repair(self, chosen: np.ndarray, priority: np.ndarray) -> np.ndarray:
        """Drop the least valuable chosen options until every constraint holds exactly."""
        chosen = chosen.copy()
        picked = np.flatnonzero(chosen)
        picked = picked[np.argsort(-priority[picked], kind="stable")]
        seen = np.zeros(self.n_clients, dtype=bool)
        used = np.zeros(len(self.places), dtype=np.int64)
        spend = 0.0
        for k in picked.tolist():
            i, j, c = self.client[k], self.instrument[k], self.cost[k]
            if (
                seen[i]
                or used[j] >= self.places[j]
                or (self.budget is not None and spend + c > self.budget)
            ):
                chosen[k] = False
                continue
            seen[i] = True
            used[j] += 1
            spend += c
        return chosen

    def _fill(self, chosen: np.ndarray, order: np.ndarray) -> np.ndarray:
        """Add options in ``order`` while client, places and budget allow."""
        chosen = chosen.copy()
        seen = np.zeros(self.n_clients, dtype=bool)
        seen[self.client[chosen]] = True
        used = np.bincount(self.instrument[chosen], minlength=len(self.places))
        spend = float(self.cost[chosen].sum())
        budget = np.inf if self.budget is None else self.budget
        clients, instruments, costs = self.client.tolist(), self.instrument.tolist(), self.cost
        places = self.places.tolist()
        used_l = used.tolist()
        for k in order.tolist():
            i, j = clients[k], instruments[k]
            if seen[i] or used_l[j] >= places[j] or spend + costs[k] > budget:
                continue
            chosen[k] = True
            seen[i] = True
            used_l[j] += 1
            spend += costs[k]
        return chosen

    # ---- step 4: reduced-cost fixing and the exact core ---------------------------------------
    def _core(
        self,
        tau: float,
        u: np.ndarray,
        d: np.ndarray,
        deadline: float,
        headroom: float,
        *,
        exact: bool = True,
    ) -> _CoreResult:
        """The best plan better than the incumbent among those that use no option with
        ``d > tau`` and assign every client with ``u > tau`` (every plan worth more than
        ``L - tau`` does both); ``chosen`` is ``None`` when there is none.

        ``headroom`` is ``L`` minus the incumbent. The core is searched by dynamic
        programming (:mod:`rendement.plan.dynamic`); when that grows too large, HiGHS
        solves the core instead: exactly (within the time limit), or, when not ``exact``
        (a core that only serves to find a better incumbent), briefly and to a small gap,
        and then the result is not ``proven``."""
        free = d <= tau
        n_free = np.bincount(self.client[free], minlength=self.n_clients)
        must = u > tau
        fixed = free & must[self.client] & (n_free[self.client] == 1)
        fixed_client = np.zeros(self.n_clients, dtype=bool)
        fixed_client[self.client[fixed]] = True
        core = np.flatnonzero(free & ~fixed_client[self.client])
        places = self.places - np.bincount(self.instrument[fixed], minlength=len(self.places))
        budget = None if self.budget is None else self.budget - float(self.cost[fixed].sum())
        if (places < 0).any() or (budget is not None and budget < 0):
            return _CoreResult(None, True, -np.inf, len(core))  # no plan satisfies the fixing
        fixed_value = float(self.value[fixed].sum())
        complete = bool(free.all() and not must.any())
        if time.perf_counter() >= deadline:
            return _CoreResult(None, False, np.inf, len(core))
        if not len(core):
            return _CoreResult(fixed, True, fixed_value, 0, complete)
        in_core = np.zeros(self.n_clients, dtype=bool)
        in_core[self.client[core]] = True
        # losses of the clients outside the core: their fixed option, or none
        outside = float(d[fixed].sum()) + float(u[~in_core & ~fixed_client].sum())
        # a plan satisfying the fixing beats the incumbent only if its core returns more than
        target = self.bound - headroom - fixed_value
        found = self._search(core, must, u, d, places, budget, headroom - outside, target, deadline)
        if found is not None:
            if found.value == -np.inf:  # no plan satisfying the fixing beats the incumbent
                return _CoreResult(None, True, -np.inf, len(core))
            chosen = fixed.copy()
            chosen[core[found.members]] = True
            value = float(self.value[chosen].sum())
            return _CoreResult(chosen, True, value, len(core), complete)
        for _ in range(3):  # HiGHS may overrun the budget within its tolerance: tighten and redo
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return _CoreResult(None, False, np.inf, len(core))
            x, proven, core_bound = _milp(
                self.client[core],
                self.instrument[core],
                self.value[core],
                self.cost[core],
                places,
                budget,
                must[self.client[core]],
                remaining,
                gap=0.0 if exact else _QUICK_GAP,
                nodes=None if exact else _QUICK_NODES,
            )
            proven = proven and exact
            if x is None:
                return _CoreResult(None, proven, np.inf if not proven else -np.inf, len(core))
            spend = float(self.cost[core][x].sum())
            if budget is None or spend <= budget:
                chosen = fixed.copy()
                chosen[core[x]] = True
                return _CoreResult(chosen, proven, fixed_value + core_bound, len(core), complete)
            budget -= spend - budget + 1e-9 * max(1.0, abs(budget))
        return _CoreResult(None, False, np.inf, len(core))

    def _search(
        self,
        core: np.ndarray,
        must: np.ndarray,
        u: np.ndarray,
        d: np.ndarray,
        places: np.ndarray,
        budget: float | None,
        limit: float,
        target: float,
        deadline: float,
    ) -> Selection | None:
        """Dynamic programming over the core (positions in ``core``); ``None`` when it cannot
        be used (too many states, or a selection at the edge of the budget by rounding)."""
        nothing = Selection(np.empty(0, dtype=np.int64), -np.inf)
        if limit < 0:
            return nothing  # no plan can beat the incumbent
        instrument = self.instrument[core]
        client = self.client[core]
        options_per_instrument = np.bincount(instrument, minlength=len(places))
        tracked = np.flatnonzero(places < options_per_instrument)
        try:
            groups = core_groups(
                client,
                instrument,
                self.value[core],
                self.cost[core],
                d[core],
                u[client],
                must[client],
                tracked,
                limit,
            )
            if not groups:
                return nothing
            found = best_selection(
                groups,
                np.inf if budget is None else budget,
                places[tracked],
                limit,
                target=target,
                budget_price=self.lam,
                place_prices=None if self.prices is None else self.prices[tracked],
                deadline=deadline,
            )
        except TooManyStates:
            return None
        if found is None:
            return nothing
        if found.value == -np.inf:
            return found
        picked = found.members
        used = np.bincount(instrument[picked], minlength=len(places))
        spend = float(self.cost[core][picked].sum())
        one_each = len(np.unique(client[picked])) == len(picked)
        if not one_each or (used > places).any() or (budget is not None and spend > budget):
            return None  # rounding at the edge of the budget: let HiGHS decide
        return found


@dataclass(frozen=True)
class _CoreResult:
    chosen: np.ndarray | None  # None: no plan found (infeasible when ``proven``)
    proven: bool  # the core was solved to optimality (or shown infeasible)
    bound: float  # upper bound on plans that satisfy the fixing
    variables: int
    complete: bool = False  # nothing was fixed: the core is the whole problem


def _milp(
    client: np.ndarray,
    instrument: np.ndarray,
    value: np.ndarray,
    cost: np.ndarray,
    places: np.ndarray,
    budget: float | None,
    must: np.ndarray,
    time_limit: float,
    *,
    gap: float = 0.0,
    nodes: int | None = None,
) -> tuple[np.ndarray | None, bool, float]:
    """Solve a core exactly with HiGHS; clients in ``must`` are assigned (as the fixing demands).

    Clients with one option need no row (the variable's bounds do); a single
    option of a client in ``must`` is fixed at 1.
    """
    k, m = len(value), len(places)
    _, rows = np.unique(client, return_inverse=True)
    counts = np.bincount(rows)
    shared = counts[rows] > 1
    row_of = np.cumsum(counts > 1) - 1  # row number of each client with two or more options
    n_rows = int((counts > 1).sum())
    row_must = np.zeros(n_rows, dtype=bool)
    row_must[row_of[rows[must & shared]]] = True
    lower_x = np.where(must & ~shared, 1.0, 0.0)
    blocks = [
        sp.csr_matrix(
            (np.ones(int(shared.sum())), (row_of[rows[shared]], np.flatnonzero(shared))),
            shape=(n_rows, k),
        ),
        sp.csr_matrix((np.ones(k), (instrument, np.arange(k))), shape=(m, k)),
    ]
    lower = [np.where(row_must, 1.0, 0.0), np.zeros(m)]
    upper = [np.ones(n_rows), places.astype(float)]
    if budget is not None:
        blocks.append(sp.csr_matrix(cost[None, :]))
        lower.append(np.array([0.0]))
        upper.append(np.array([budget]))
        chains = _dominance_chains(rows, instrument, value, cost)
        if len(chains):
            n_chain = len(chains)
            blocks.append(
                sp.csr_matrix(
                    (
                        np.r_[np.ones(n_chain), -np.ones(n_chain)],
                        (np.r_[np.arange(n_chain), np.arange(n_chain)], chains.T.ravel()),
                    ),
                    shape=(n_chain, k),
                )
            )
            lower.append(np.zeros(n_chain))
            upper.append(np.full(n_chain, np.inf))
    res = milp(
        -value,
        constraints=LinearConstraint(
            sp.vstack(blocks, format="csr"), np.concatenate(lower), np.concatenate(upper)
        ),
        integrality=np.ones(k),
        bounds=Bounds(lower_x, 1),
        options={
            "disp": False,
            "presolve": False,
            "mip_rel_gap": gap,
            "time_limit": time_limit,
            **({} if nodes is None else {"node_limit": nodes}),
        },
    )
    proven = res.status in (0, 2)  # optimal, or infeasible: no plan satisfies the fixing
    if res.x is None:
        return None, proven, np.inf
    bound = -float(res.mip_dual_bound) if res.mip_dual_bound is not None else np.inf
    return np.asarray(res.x) > 0.5, res.status == 0, bound if res.status != 0 else -float(res.fun)


def improve(
    chosen: np.ndarray,
    client: np.ndarray,
    instrument: np.ndarray,
    value: np.ndarray,
    cost: np.ndarray,
    places: np.ndarray,
    budget: float | None,
    allowed: np.ndarray,
) -> np.ndarray:
    """Apply moves that raise the total return without breaking a constraint.

    After a proven optimum there are none (beyond rounding); afterwards no
    client has an ``allowed`` option worth more than their assignment whose
    instrument has a free place that the budget allows -- the property the
    plan's reasons rely on.
    """
    chosen = chosen.copy()
    limit = np.inf if budget is None else budget
    n_clients = int(client.max()) + 1 if len(client) else 0
    while True:
        used = np.bincount(instrument[chosen], minlength=len(places))
        spend = float(cost[chosen].sum())
        current = np.full(n_clients, -1, dtype=np.int64)
        current[client[chosen]] = np.flatnonzero(chosen)
        cur = current[client]
        has = cur >= 0
        gain = value - np.where(has, value[np.maximum(cur, 0)], 0.0)
        extra = cost - np.where(has, cost[np.maximum(cur, 0)], 0.0)
        movable = allowed & (gain > 1e-9) & (used[instrument] < places[instrument])
        movable &= spend + extra <= limit
        if not movable.any():
            return chosen
        k = int(np.flatnonzero(movable)[np.argmax(gain[movable])])
        if cur[k] >= 0:
            chosen[cur[k]] = False
        chosen[k] = True


def _dominance_chains(
    rows: np.ndarray, instrument: np.ndarray, value: np.ndarray, cost: np.ndarray
) -> np.ndarray:
    """Pairs ``(a, b)`` with ``x_a >= x_b`` that some optimum satisfies (symmetry breaking).

    ``a`` and ``b`` are the only options of their clients, for the same instrument,
    and ``a`` returns at least as much for no more cost: a plan that takes ``b``
    but not ``a`` is never worse after swapping them. Per instrument, options are
    ordered by return (then cost, then position) and each is paired with the
    nearest earlier one that costs no more. Every swap moves a chosen option
    earlier in that order, so repeated swaps end in a plan meeting all pairs.
    With constant prices this makes the options of an instrument a chain: the
    search then decides how many, not which.
    """
    single = np.bincount(rows)[rows] == 1
    pairs: list[tuple[int, int]] = []
    for j in np.unique(instrument[single]).tolist():
        idx = np.flatnonzero(single & (instrument == j))
        order = idx[np.lexsort((idx, cost[idx], -value[idx]))]
        stack: list[int] = []
        for b in order.tolist():
            while stack and cost[stack[-1]] > cost[b]:
                stack.pop()
            if stack:
                pairs.append((stack[-1], b))
            stack.append(b)
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)
