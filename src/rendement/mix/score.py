"""Returns of combinations per client: months saved, expected cost and net return of a mix.

The path with a combination multiplies the monthly rate of the path without by
``exp`` of every member's shift (its lock-in during its scheduled months, its
after-effect from its planned end on): the members' effects add on the
log-hazard scale, with the scheduling of :mod:`rendement.mix.combos`. The rest
is as for one instrument (:mod:`rendement.scoring.paths`): paths stop at the
pension date, months are counted over the model's horizon (undiscounted), the
expected cost of a combination is the sum of its members' expected costs, each
with no-cure-less-pay success measured on the combined path (leaving no later
than 3 months after that member's planned end).

Only clients without a running instrument get combinations. Intervals (optional)
come from parameter draws of the model (with the point type weights).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from rendement.mix.combos import Combination, combinations
from rendement.model.hazard_model import HazardModel
from rendement.pension.cap import capped_columns, capped_restricted_mean, hold_at_pension
from rendement.scoring.counterfactual import (
    after_shift,
    cumulate,
    eta_without,
    rates,
    rates_with,
    survival_from_rates,
)
from rendement.scoring.intervals import quantile_bounds
from rendement.scoring.paths import ScoringTask, restricted_mean
from rendement.scoring.prepared import prepared
from rendement.scoring.returns import SUCCESS_MONTHS_AFTER_END, expected_cost
from rendement.scoring.states import Coefficients

#: Columns of ``returns_mix.csv``, in order (intervals last, when asked for).
MIX_COLUMNS = (
    "client_id",
    "instruments",
    "n_instruments",
    "meters",
    "expected_remaining_months_with",
    "months_saved",
    "expected_cost_eur",
    "net_return_eur",
)


@dataclass(frozen=True)
class MixScore:
    """Returns of every combination for every client without a running instrument.

    ``returns``: one row per (client, combination), :data:`MIX_COLUMNS` (+
    ``net_return_low_eur``/``net_return_high_eur`` with intervals), clients in the
    caseload's order, combinations singles first. ``clients``: ``client_id``,
    ``months_on_benefit``, ``expected_remaining_months`` (without), ``running``.
    """

    returns: pd.DataFrame
    clients: pd.DataFrame
    combinations: list[Combination]
    meters: list[str]
    model_version: str
    as_of: pd.Timestamp | None = None
    warnings: list[str] = field(default_factory=list)

    def best(self) -> pd.DataFrame:
        """Per client the best single instrument and the best combination (``geen``: none
        positive), with the best combination's months saved, cost, net return (+ interval)."""
        k = len(self.combinations)
        r = self.returns
        n = len(r) // k if k else 0
        net = r["net_return_eur"].to_numpy(dtype=float).reshape(n, k)
        codes = np.array([c.code for c in self.combinations], dtype=object)
        single = np.array([c.size == 1 for c in self.combinations])
        rows = np.arange(n)
        one = np.where(single[None, :], net, -np.inf).argmax(axis=1)
        top = net.argmax(axis=1)
        one_value, top_value = net[rows, one], net[rows, top]
        out = pd.DataFrame(
            {
                "client_id": r["client_id"].to_numpy(dtype=object).reshape(n, k)[:, 0]
                if n
                else np.empty(0, dtype=object),
                "best_single": np.where(one_value > 0, codes[one], "geen"),
                "best_single_net_return_eur": np.maximum(one_value, 0.0),
                "best_mix": np.where(top_value > 0, codes[top], "geen"),
            }
        )
        at = rows * k + top
        for column in ("months_saved", "expected_cost_eur", "net_return_eur", *_BOUNDS):
            if column in r.columns:
                values = r[column].to_numpy(dtype=float)[at]
                out[f"best_mix_{column}"] = np.where(top_value > 0, values, 0.0)
        return out


_BOUNDS = ("net_return_low_eur", "net_return_high_eur")


def mix_task(model: HazardModel, task: ScoringTask, combos: list[Combination]) -> ScoringTask:
    """``task`` with months enough for every combination's last planned end (+ success)."""
    longest = max([c.last_end for c in combos], default=0) + SUCCESS_MONTHS_AFTER_END
    return replace(task, n_months=max(task.n_months, longest))


def evaluate_mix(
    task: ScoringTask,
    combos: list[Combination],
    coefs: Coefficients,
    price: dict[str, float],
    share: dict[str, float],
    interactions: list[tuple[int, int, float]] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Remaining months without ``(n,)``, with ``(n_free, K)`` and expected cost ``(n_free, K)``.

    ``interactions``: ``(column of X, column of Y, term)``: the term is added to the
    log-hazard in the months after both X and Y (on every path of a client without a
    running instrument; a running instrument's own after months are left without it).

    Long: the path without and every combination's path of a chunk share their arrays.
    """
    n = task.n
    remaining = np.empty(n)
    free_idx = np.flatnonzero(~task.running)
    rem_with = np.empty((len(free_idx), len(combos)))
    cost = np.empty((len(free_idx), len(combos)))
    position = np.full(n, -1)
    position[free_idx] = np.arange(len(free_idx))
    h = task.horizon
    for rows in task.chunks():
        states = task.states.chunk(rows)
        c = coefs.chunk(rows)
        running = task.running[rows]
        weights = None if task.weights is None else task.weights[rows]
        q0 = rates(eta_without(states, c, task.model.spec, task.n_months))
        for x, y, value in interactions or ():
            q0 *= np.exp(value * (states.after_now[:, x] & states.after_now[:, y]))[None, :]
        s0 = survival_from_rates(cumulate(q0.copy()), task.locations, weights)
        aow = None if task.pension_months is None else task.pension_months[rows]
        capped = capped_columns(aow, s0.shape[0])
        rem0 = restricted_mean(s0, h)
        if capped.size:
            assert aow is not None
            s0 = hold_at_pension(s0, aow, capped)
            rem0 = capped_restricted_mean(s0, h, aow, capped, rem0)
        remaining[rows] = rem0
        free = ~running
        if not free.any():
            continue
        sub, cf = states.chunk(free), c.chunk(free)
        w_free = None if weights is None else weights[free]
        aow_free = None if aow is None else aow[free]
        capped_free = capped_columns(aow_free, s0.shape[0])
        after = after_shift(sub, cf)
        q0_free = q0[:, free]
        out_rows = position[np.arange(n)[rows][free]]
        for k, combo in enumerate(combos):
            q = q0_free
            for member in combo.members:
                q = rates_with(q, sub, cf, member, after)
            if interactions:
                q = q * _interaction_factor(sub.after_now, combo, interactions, q.shape[0])
            sw = survival_from_rates(cumulate(q), task.locations, w_free)  # q is a new array
            with_months = restricted_mean(sw, h)
            if capped_free.size:
                assert aow_free is not None
                sw = hold_at_pension(sw, aow_free, capped_free)
                with_months = capped_restricted_mean(sw, h, aow_free, capped_free, with_months)
            rem_with[out_rows, k] = with_months
            total = np.zeros(int(free.sum()))
            for member in combo.members:
                p_success = 1.0 - sw[member.planned_end + SUCCESS_MONTHS_AFTER_END - 1]
                total += expected_cost(price[member.code], share[member.code], p_success)
            cost[out_rows, k] = total
    return remaining, rem_with, cost


def _interaction_factor(
    after_now: np.ndarray,
    combo: Combination,
    interactions: list[tuple[int, int, float]],
    n_months: int,
) -> np.ndarray:
    """``(L, n)`` factor of the rates with ``combo`` for the interactions it switches on."""
    t = np.arange(n_months)[:, None]
    ends = {m.column: m.planned_end for m in combo.members}
    shift = np.zeros((n_months, after_now.shape[0]))
    for x, y, value in interactions:
        if x not in ends and y not in ends:
            continue  # the path without already has it
        after_x = after_now[None, :, x] | (t >= ends.get(x, n_months + 1))
        after_y = after_now[None, :, y] | (t >= ends.get(y, n_months + 1))
        both_now = after_now[:, x] & after_now[:, y]
        shift += value * ((after_x & after_y) & ~both_now[None, :])
    return np.exp(shift)


def score_mix(
    model: HazardModel,
    clients: pd.DataFrame,
    meters: list[str],
    *,
    type_weights: np.ndarray | None = None,
    history: object | None = None,
    max_size: int | None = None,
    interval: float | None = None,
    n_draws: int = 100,
    seed: int = 0,
    as_of: dt.date | pd.Timestamp | None = None,
    interactions: Mapping[str, float] | None = None,
) -> MixScore:
    """Returns of every combination of ``meters``' instruments for ``clients``.

    ``clients`` in the layout of :func:`rendement.panel.caseload_state` (as for
    :func:`rendement.scoring.caseload.score_clients`); ``type_weights`` ``(n, K)``
    for a model with mass points (default: from ``history``, else the prior).
    ``interactions``: log-hazard terms ``{"X&Y": value}`` in the months after both X
    and Y (e.g. those the additivity check estimated); without them the effects add.

    Long: task, point evaluation, intervals and the labelled table, in the order they need each other.
    """
    from rendement.scoring.caseload import _model_version, _task
    from rendement.scoring.type_weights import scoring_mixture

    warnings_out: list[str] = []
    frame = clients.reset_index(drop=True)
    weights, _ = scoring_mixture(
        model,
        frame,
        history=history,  # type: ignore[arg-type]
        type_weights=type_weights,
        draws=None,
        warnings_out=warnings_out,
    )
    task, _current = _task(model, frame, None, 0.0, weights, warnings_out)
    combos = combinations(model, meters, max_size=max_size)
    task = mix_task(model, task, combos)
    codes = sorted({m.code for c in combos for m in c.members})
    price = {c: float(model.catalogue_row(c)["price"]) for c in codes}
    share = {}
    for code in codes:
        value = model.catalogue_row(code).get("success_share", 0.0)
        share[code] = 0.0 if value is None or pd.isna(value) else float(value)
    coefs = prepared(model).coefficients
    columns = list(model.spec.instruments)
    pairs = [
        (columns.index(k.split("&")[0]), columns.index(k.split("&")[1]), float(v))
        for k, v in (interactions or {}).items()
    ]
    remaining, rem_with, cost = evaluate_mix(task, combos, coefs, price, share, pairs)
    free_idx = np.flatnonzero(~task.running)
    benefit = task.benefit[free_idx]
    saved = remaining[free_idx, None] - rem_with
    net = saved * benefit[:, None] - cost
    n_free, k = saved.shape
    ids = frame["client_id"].astype(str).to_numpy(dtype=object)
    table = pd.DataFrame(
        {
            "client_id": np.repeat(ids[free_idx], k),
            "instruments": np.tile(np.array([c.code for c in combos], dtype=object), n_free),
            "n_instruments": np.tile(np.array([c.size for c in combos]), n_free),
            "meters": np.tile(np.array(["+".join(c.meters) for c in combos], dtype=object), n_free),
            "expected_remaining_months_with": rem_with.ravel(),
            "months_saved": saved.ravel(),
            "expected_cost_eur": cost.ravel(),
            "net_return_eur": net.ravel(),
        }
    )
    if interval is not None and n_free:
        problem = prepared(model).covariance_problem
        if problem is not None:
            warnings_out.append(f"no intervals: {problem}")
        else:
            draws = prepared(model).draw_coefficients(n_draws, seed)
            nets = np.empty((n_free, k, len(draws)))
            for r, c in enumerate(draws):
                rem_r, with_r, cost_r = evaluate_mix(task, combos, c, price, share, pairs)
                nets[:, :, r] = (rem_r[free_idx, None] - with_r) * benefit[:, None] - cost_r
            low, high = quantile_bounds(nets.reshape(n_free * k, -1), interval)
            table["net_return_low_eur"] = low
            table["net_return_high_eur"] = high
    clients_out = pd.DataFrame(
        {
            "client_id": ids,
            "months_on_benefit": task.states.months_on_benefit,
            "expected_remaining_months": remaining,
            "running": task.running,
        }
    )
    return MixScore(
        returns=table,
        clients=clients_out,
        combinations=combos,
        meters=list(meters),
        model_version=_model_version(model),
        as_of=None if as_of is None else pd.Timestamp(as_of),
        warnings=warnings_out,
    )
