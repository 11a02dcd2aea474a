"""The exact core by dynamic programming over groups of options, pruned by the Lagrangian loss.

The core of the plan (:mod:`rendement.plan.optimize`, step 4) is small in
clients but hard for branch and bound when a budget binds: many instruments
share one price, so countless selections spend exactly the same and return
nearly the same. Dynamic programming merges those selections instead of
enumerating them.

*Groups.* Each client with two or more options in the core is a group (one of
its options, or none); clients with a single option of the same instrument and
the same cost form one group whose choice is *how many*, always the best ones
first (swapping a chosen client for a better unchosen one of the same
instrument and cost keeps every limit and does not lower the total).

*States.* After each group a state holds the spend, the places used of the
instruments whose places may run out within the core, and the return. A state
is dropped when another with the same places used spends no more and returns
at least as much (it can be completed in every way the first can).

*Pruning.* With the LP's prices, every plan's return is ``L`` minus the sum of
non-negative losses: ``d`` of each chosen option, ``u`` of each client left
without one, and the value of places and budget left unused. A state whose
losses so far (plus the least the groups still to come must lose, plus the
budget and places it can no longer use) exceed ``limit`` cannot lead to a plan
better than the incumbent, so it is dropped; so is a state whose return plus
the LP relaxation of the groups still to come, with the budget it has left,
stays below ``target``. The search is exhaustive over every other state: it
finds the best plan that beats the incumbent, or proves there is none.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd


class TooManyStates(Exception):
    """The state space outgrew the limit; the caller solves the core another way."""


@dataclass(frozen=True)
class Group:
    """The choices of one group: per option the spend, return, loss, places used and members."""

    spend: np.ndarray  # (O,)
    value: np.ndarray  # (O,)
    loss: np.ndarray  # (O,)
    usage: np.ndarray  # (O, T) places used of the tracked instruments
    members: list[np.ndarray]  # per option: positions of the core options it takes


def core_groups(
    client: np.ndarray,
    instrument: np.ndarray,
    value: np.ndarray,
    cost: np.ndarray,
    d: np.ndarray,
    u_option: np.ndarray,
    must: np.ndarray,
    tracked: np.ndarray,
    limit: float,
) -> list[Group]:
    """The groups of a core (arrays per core option; ``u_option`` and ``must`` of its client).

    ``tracked`` lists the instruments whose places are kept in the state.
    Options whose own loss exceeds ``limit`` are left out.

    Long: one pass that builds the groups of a core and their dominance-pruned options from the same per-option arrays.
    """
    column = {int(j): t for t, j in enumerate(tracked.tolist())}
    n_tracked = len(column)
    _, rows = np.unique(client, return_inverse=True)
    counts = np.bincount(rows)
    single = counts[rows] == 1
    groups: list[Group] = []

    def usage_of(options: np.ndarray, taken: np.ndarray) -> np.ndarray:
        out = np.zeros((len(taken), n_tracked), dtype=np.int64)
        for r, (k, n) in enumerate(zip(options.tolist(), taken.tolist(), strict=True)):
            t = column.get(int(instrument[k])) if k >= 0 else None
            if t is not None:
                out[r, t] = n
        return out

    # clients with one option: one group per (instrument, cost), best first
    chain_keys = pd.DataFrame({"j": instrument[single], "c": cost[single]})
    idx_single = np.flatnonzero(single)
    for _, positions in chain_keys.groupby(["j", "c"], sort=True).indices.items():
        members = idx_single[positions]
        if must[members].any():  # a must-client with one option is fixed before the core
            raise ValueError("a client that must be assigned has a single option in the core")
        members = members[np.lexsort((members, -value[members]))]
        k = len(members)
        n = np.arange(k + 1)
        taken_value = np.r_[0.0, np.cumsum(value[members])]
        taken_loss = np.r_[0.0, np.cumsum(d[members])]
        left_loss = np.r_[np.cumsum(u_option[members][::-1])[::-1], 0.0]
        loss = taken_loss + left_loss
        keep = loss <= limit
        if not keep.any():
            return []  # every choice of this group already loses too much
        n = n[keep]
        groups.append(
            Group(
                spend=n * float(cost[members[0]]),
                value=taken_value[keep],
                loss=loss[keep],
                usage=usage_of(np.full(len(n), members[0]), n),
                members=[members[:c] for c in n.tolist()],
            )
        )

    # clients with two or more options: one group each (nothing, unless they must)
    multi = np.flatnonzero(~single)
    multi = multi[np.argsort(rows[multi], kind="stable")]
    _, first = np.unique(rows[multi], return_index=True)
    for options in np.split(multi, first[1:]):
        if not len(options):
            continue
        spend = cost[options]
        gain = value[options]
        loss = d[options]
        picks = options
        if not must[options[0]]:
            spend = np.r_[0.0, spend]
            gain = np.r_[0.0, gain]
            loss = np.r_[u_option[options[0]], loss]
            picks = np.r_[-1, options]
        keep = loss <= limit
        if not keep.any():
            return []
        picks = picks[keep]
        groups.append(
            Group(
                spend=spend[keep],
                value=gain[keep],
                loss=loss[keep],
                usage=usage_of(picks, (picks >= 0).astype(np.int64)),
                members=[np.array([k]) if k >= 0 else np.empty(0, np.int64) for k in picks],
            )
        )
    return groups


@dataclass(frozen=True)
class Selection:
    """The core positions taken and their return (``-inf``: nothing within the limit)."""

    members: np.ndarray
    value: float


def best_selection(
    groups: list[Group],
    budget: float,
    places: np.ndarray,
    limit: float,
    *,
    target: float = -np.inf,
    budget_price: float = 0.0,
    place_prices: np.ndarray | None = None,
    max_states: int = 100_000,
    max_work: int = 4_000_000,
    deadline: float = np.inf,
) -> Selection | None:
    """The highest-return selection within budget and places whose losses stay within
    ``limit`` (``None`` when there is none).

    ``budget_price`` and ``place_prices`` (per tracked instrument) are the LP's prices:
    budget and places that can no longer be used count as lost at those prices. States
    that cannot return more than ``target`` even in the LP relaxation of the groups still
    to come (given the budget they have left) are dropped.
    Raises :class:`TooManyStates` when the states outgrow ``max_states``, the
    candidate states over all groups outgrow ``max_work``, or the clock passes
    ``deadline`` (``time.perf_counter()``).

    Long: one dynamic program whose state arrays (value, cost, places used) are updated together per group; split, every part would need all of them.
    """
    prices = np.zeros(len(places)) if place_prices is None else np.asarray(place_prices, float)
    groups, tracked = _untrack(groups, places)
    places, prices = places[tracked], prices[tracked]
    sizes = [int(p) + 1 for p in places.tolist()]
    if np.prod([float(x) for x in sizes]) > 2.0**62:
        raise TooManyStates  # usage vectors too many to number
    radix = np.cumprod([1, *sizes[:-1]]).astype(np.int64)  # usage vector -> one key
    spend = np.zeros(1)
    value = np.zeros(1)
    loss = np.zeros(1)
    key = np.zeros(1, dtype=np.int64)
    history: list[tuple[np.ndarray, np.ndarray]] = []
    work = 0
    # groups with few options first: the state space grows slowest
    order = sorted(range(len(groups)), key=lambda g: len(groups[g].spend))
    # the least each later group must still lose: states beyond the limit with it are dropped
    least = np.array([float(groups[g].loss.min()) for g in order])
    still = np.r_[np.cumsum(least[::-1])[::-1][1:], 0.0]
    # the most later groups can still spend and use: budget and places beyond are lost
    most_spend = np.array([float(groups[g].spend.max()) for g in order])
    later_spend = np.r_[np.cumsum(most_spend[::-1])[::-1][1:], 0.0]
    most_use = np.array([groups[g].usage.max(axis=0) for g in order]).reshape(
        len(order), len(places)
    )
    later_use = np.vstack([np.cumsum(most_use[::-1], axis=0)[::-1][1:], np.zeros((1, len(places)))])
    finite_budget = np.isfinite(budget) and budget_price > 0
    relaxations = (
        _suffix_relaxations([groups[g] for g in order], prices) if np.isfinite(budget) else None
    )
    for step, g in enumerate(order):
        grp = groups[g]
        n_states, n_options = len(spend), len(grp.spend)
        work += n_states * n_options
        if work > max_work or time.perf_counter() > deadline:
            raise TooManyStates
        parent = np.repeat(np.arange(n_states), n_options)
        option = np.tile(np.arange(n_options), n_states)
        new_spend = spend[parent] + grp.spend[option]
        new_loss = loss[parent] + grp.loss[option]
        lost = new_loss + still[step]
        if finite_budget:
            lost += budget_price * np.maximum(budget - new_spend - later_spend[step], 0.0)
        ok = new_spend <= budget
        if len(places):
            used = _decode(key[parent], radix, places) + grp.usage[option]
            ok &= (used <= places).all(axis=1)
            lost += np.maximum(places - used - later_use[step], 0.0) @ prices
            new_key = used @ radix
        else:
            new_key = np.zeros(len(parent), dtype=np.int64)
        ok &= lost <= limit
        parent, option = parent[ok], option[ok]
        new_value = value[parent] + grp.value[option]
        if relaxations is not None and np.isfinite(target):
            start, xs, ys = relaxations[step + 1]
            left = budget - new_spend[ok] - start[0]
            ahead = np.where(left >= 0, np.interp(left, xs, ys) + start[1], -np.inf)
            if len(places):  # places still free, at their price
                ahead += (places - used[ok]) @ prices
            promising = new_value + ahead >= target
            parent, option, new_value = parent[promising], option[promising], new_value[promising]
            ok[np.flatnonzero(ok)[~promising]] = False
        new_spend, new_loss, new_key = new_spend[ok], new_loss[ok], new_key[ok]
        keep = _undominated(new_spend, new_value, new_key)
        if len(keep) > max_states:
            raise TooManyStates
        spend, value, loss, key = new_spend[keep], new_value[keep], new_loss[keep], new_key[keep]
        history.append((parent[keep], option[keep]))
        if not len(spend):
            return None
    best = int(np.argmax(value))
    taken = [np.empty(0, dtype=np.int64)]
    state = best
    for g, (parent, option) in zip(reversed(order), reversed(history), strict=True):
        taken.append(groups[g].members[int(option[state])])
        state = int(parent[state])
    return Selection(np.concatenate(taken).astype(np.int64), float(value[best]))


def _suffix_relaxations(
    groups: list[Group], prices: np.ndarray
) -> list[tuple[tuple[float, float], np.ndarray, np.ndarray]]:
    """For each ``s``, the LP relaxation of groups ``s, s+1, ...``: the most they can return
    with a given budget (a concave piecewise-linear function), places priced at ``prices``
    instead of limited (add the price of the places left to get a bound).

    Entry ``s`` is ``((spend, value) of the cheapest choice, xs, ys)``: with budget ``b``
    the groups return at most ``start value + interp(b - start spend, xs, ys)``, and
    nothing fits when ``b`` is below the start spend. Entry ``len(groups)`` is empty.
    """
    out: list[tuple[tuple[float, float], np.ndarray, np.ndarray]] = [
        ((0.0, 0.0), np.zeros(1), np.zeros(1))
    ]
    start_spend = start_value = 0.0
    steps_spend = np.zeros(0)
    steps_value = np.zeros(0)
    for grp in reversed(groups):
        s0, v0, ds, dv = _hull(grp.spend, grp.value - grp.usage @ prices)
        start_spend += s0
        start_value += v0
        steps_spend = np.r_[steps_spend, ds]
        steps_value = np.r_[steps_value, dv]
        slope = steps_value / steps_spend
        order = np.argsort(-slope, kind="stable")
        steps_spend, steps_value = steps_spend[order], steps_value[order]
        xs = np.r_[0.0, np.cumsum(steps_spend)]
        ys = np.r_[0.0, np.cumsum(steps_value)]
        out.append(((start_spend, start_value), xs, ys))
    return out[::-1]


def _hull(spend: np.ndarray, value: np.ndarray) -> tuple[float, float, np.ndarray, np.ndarray]:
    """The cheapest option and the steps along the upper concave hull of one group's options
    (each step spends more for more return, at a falling rate)."""
    order = np.lexsort((-value, spend))
    xs, ys = spend[order], value[order]
    hull = [0]
    for k in range(1, len(xs)):
        if ys[k] <= ys[hull[-1]]:
            continue  # costs more, returns no more
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            # drop b when it lies on or below the line from a to k
            if (ys[b] - ys[a]) * (xs[k] - xs[a]) <= (ys[k] - ys[a]) * (xs[b] - xs[a]):
                hull.pop()
            else:
                break
        if xs[k] == xs[hull[-1]]:
            hull[-1] = k
        else:
            hull.append(k)
    pts = np.array(hull)
    ds, dv = np.diff(xs[pts]), np.diff(ys[pts])
    return float(xs[pts[0]]), float(ys[pts[0]]), ds, dv


def _decode(key: np.ndarray, radix: np.ndarray, places: np.ndarray) -> np.ndarray:
    """Usage vectors ``(n, T)`` from their keys."""
    return (key[:, None] // radix[None, :]) % (places[None, :] + 1)


def _untrack(groups: list[Group], places: np.ndarray) -> tuple[list[Group], np.ndarray]:
    """Stop tracking places that cannot run out: when the groups together can never use more
    than there are, or when one group alone uses the instrument (its options are cut to fit).
    Returns the groups and the mask of instruments still tracked."""
    if not len(places):
        return groups, np.zeros(0, dtype=bool)
    most = np.array([g.usage.max(axis=0) for g in groups]).reshape(len(groups), len(places))
    users = (most > 0).sum(axis=0)
    keep = (most.sum(axis=0) > places) & (users > 1)
    out = []
    for g in groups:
        fits = (g.usage <= places).all(axis=1)
        out.append(
            Group(
                spend=g.spend[fits],
                value=g.value[fits],
                loss=g.loss[fits],
                usage=g.usage[fits][:, keep],
                members=[g.members[i] for i in np.flatnonzero(fits).tolist()],
            )
        )
    return out, keep


def _undominated(spend: np.ndarray, value: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Positions of states that no state with the same places used (``key``) beats in
    spend and return."""
    if not len(spend):
        return np.empty(0, dtype=np.int64)
    order = np.lexsort((-value, spend, key))
    k, v = key[order], value[order]
    running = pd.Series(v).groupby(k).cummax().to_numpy()
    before = np.r_[-np.inf, running[:-1]]
    first = np.r_[True, k[1:] != k[:-1]]
    keep = first | (v > before)
    return order[keep]
