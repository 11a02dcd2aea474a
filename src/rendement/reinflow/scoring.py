"""Expected months on benefit over the horizon counting returns, for a whole scoring task.

Per chunk of clients (:meth:`rendement.scoring.paths.ScoringTask.chunks`) the
paths of the current spell come from :func:`rendement.scoring.paths.evaluate_chunk`
(without and with each instrument, stopped at the pension date); a new spell is
the outflow model from month 1 without an instrument (prior type weights with
mass points); the chance to come back is read from a fine table over the
re-inflow linear predictor (:class:`ReturnTable`, linear interpolation), so no
exponential is taken per client and month. The chain itself is
:mod:`rendement.reinflow.chain`.

The instrument of a path sets the re-inflow of the *first* exit: before the
instrument starts (waiting) none, while it runs ``ended_in``, after it
``ended_after``; instruments already done in the current spell count as after.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from rendement.model.spec import client_design
from rendement.reinflow.chain import (
    AfterExit,
    NewSpells,
    discounted_returns,
    exit_chances,
    expected_benefit_months,
    mixed_return_chances,
    rho_transform,
)
from rendement.reinflow.model import ReinflowModel
from rendement.reinflow.new_spells import NewSpellTable, new_spell_months
from rendement.scoring.intervals import quantile_bounds
from rendement.scoring.paths import PointScores, ScoringTask, evaluate_chunk
from rendement.scoring.prepared import prepared
from rendement.scoring.returns import expected_cost
from rendement.scoring.states import Coefficients

#: Grid of the re-inflow linear predictor (client terms + durability shift) of ReturnTable:
#: the nearest point is at most 0.0005 away (a hazard off by at most 0.05%).
ETA_LOW, ETA_HIGH, ETA_STEP = -10.0, 6.0, 0.001


#: Fewer clients than this: return chances computed client by client, not from the table.
TABLE_MIN_CLIENTS = 2000


@dataclass(frozen=True)
class ReturnTable:
    """Return chances ``rho[s]`` (:func:`rendement.reinflow.chain.mixed_return_chances`) on a
    fine grid of the client part of the re-inflow linear predictor, read at the nearest point
    (one row gathered per client: no exponential per client and month). For a few clients
    (``values`` None) they are computed directly: the table would cost more than it saves."""

    base: np.ndarray  # (H,) baseline by month off benefit
    work: float
    work_share: float
    returnable: float
    values: np.ndarray | None = None  # (grid, H + 1)
    hat: np.ndarray | None = None  # (grid, F) transforms of the (discounted) chances
    delta: float = 1.0  # monthly discount factor of rho_hat (1: undiscounted)

    @classmethod
    def of(
        cls,
        model: ReinflowModel,
        params: pd.Series,
        horizon: int,
        n_clients: int,
        delta: float = 1.0,
    ) -> ReturnTable:
        direct = cls(
            model.baseline_by_month(horizon, params),
            float(params.get("end:werk", 0.0)),
            model.mix.work_share,
            model.mix.returnable_share,
            delta=delta,
        )
        if n_clients < TABLE_MIN_CLIENTS:
            return direct
        grid = np.arange(ETA_LOW, ETA_HIGH + ETA_STEP / 2, ETA_STEP)
        rho = direct.rho(grid)
        return replace(direct, values=rho, hat=rho_transform(discounted_returns(rho, delta)))

    def rho(self, eta: np.ndarray) -> np.ndarray:
        """``(n, H + 1)`` return chances for client linear predictors ``eta`` ``(n,)``."""
        if self.values is None:
            base = np.broadcast_to(self.base[None, :], (len(eta), len(self.base)))
            return mixed_return_chances(base, eta, self.work, self.work_share, self.returnable)
        return self._nearest(self.values, eta)

    def rho_hat(self, eta: np.ndarray) -> np.ndarray:
        """:func:`rho_transform` of :meth:`rho` (discounted by :attr:`delta`)."""
        if self.hat is None:
            return rho_transform(discounted_returns(self.rho(eta), self.delta))
        return self._nearest(self.hat, eta)

    def _nearest(self, table: np.ndarray, eta: np.ndarray) -> np.ndarray:
        x = np.rint((np.clip(eta, ETA_LOW, ETA_HIGH) - ETA_LOW) / ETA_STEP).astype(np.int64)
        return table[np.minimum(x, len(table) - 1)]


@dataclass(frozen=True)
class TotalScores:
    """Months on benefit over the horizon counting returns (rows in input order)."""

    benefit: np.ndarray  # (n,) without an instrument
    benefit_with: np.ndarray  # (n, C); NaN for clients in an instrument now
    saved_value: np.ndarray | None = None  # (n, C) discounted months saved (None: undiscounted)

    @property
    def months_saved(self) -> np.ndarray:
        return self.benefit[:, None] - self.benefit_with

    def net(self, task: ScoringTask, p_success: np.ndarray) -> np.ndarray:
        """Net return over all months on benefit: months saved x benefit - expected cost, the
        months discounted when the task has a discount rate (as the spell-only return)."""
        cost = expected_cost(task.price[None, :], task.success_share[None, :], p_success)
        saved = self.months_saved if self.saved_value is None else self.saved_value
        return saved * task.benefit[:, None] - cost


@dataclass(frozen=True)
class _Effects:
    client: np.ndarray  # (n,) re-inflow client terms
    ended_in: np.ndarray  # (C_model,)
    ended_after: np.ndarray  # (C_model,)
    table: ReturnTable

    @property
    def delta(self) -> float:
        return self.table.delta


def _effects(
    reinflow: ReinflowModel,
    params: pd.Series,
    design: np.ndarray,
    codes: list[str],
    h: int,
    delta: float = 1.0,
) -> _Effects:
    beta = np.array([float(params.get(t, 0.0)) for t in reinflow.spec.client_terms()])
    client = design @ beta if design.shape[1] else np.zeros(design.shape[0])

    def per_code(prefix: str) -> np.ndarray:
        return np.array([float(params.get(f"{prefix}:{c}", 0.0)) for c in codes])

    return _Effects(
        client,
        per_code("ended_in"),
        per_code("ended_after"),
        ReturnTable.of(reinflow, params, h, len(design), delta),
    )


def total_scores(
    task: ScoringTask, reinflow: ReinflowModel, frame: pd.DataFrame
) -> tuple[TotalScores, PointScores]:
    """Point estimates counting returns, and the spell-only point scores of the same pass
    (the paths are evaluated once for both)."""
    design = _design_now(reinflow, frame)
    codes = list(task.model.spec.instruments)
    effects = _effects(reinflow, reinflow.params, design, codes, task.horizon)
    coefs = prepared(task.model).coefficients
    grid = _grid(task, coefs, effects)
    discounted = None
    delta = monthly_discount(task)
    if delta != 1.0:
        fx_d = _effects(reinflow, reinflow.params, design, codes, task.horizon, delta)
        discounted = (fx_d, _grid(task, coefs, fx_d))
    n, n_scen = task.n, len(task.scenarios)
    benefit, with_ = np.empty(n), np.full((n, n_scen), np.nan)
    value = None if discounted is None else np.full((n, n_scen), np.nan)
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
        b, bw, res = _chunk(task, rows, coefs, effects, grid)
        benefit[rows] = b
        idx = np.arange(n)[rows][~task.running[rows]]
        with_[idx] = bw
        if discounted is not None and value is not None:
            bd, bwd, _ = _chunk(task, rows, coefs, *discounted)
            value[idx] = bd[~task.running[rows], None] - bwd
        point.p6[rows], point.p12[rows], point.p18[rows] = res["p6"], res["p12"], res["p18"]
        point.remaining[rows] = res["remaining"]
        point.remaining_with[idx] = res["remaining_with"]
        point.p_success[idx] = res["p_success"]
        point.saved_value_months[idx] = res["saved_value_months"]
    return TotalScores(benefit, with_, value), point


def monthly_discount(task: ScoringTask) -> float:
    """The monthly discount factor of the task's discount rate (1: undiscounted)."""
    factors = task.factors
    return 1.0 if factors is None or len(factors) < 2 else float(factors[1])


def total_bounds(
    task: ScoringTask,
    reinflow: ReinflowModel,
    frame: pd.DataFrame,
    level: float,
    n_draws: int,
    seed: int,
) -> dict[str, np.ndarray]:
    """Bounds of benefit months, months saved and net return counting returns, over joint
    draws of the outflow and re-inflow parameters (one chain evaluation per draw)."""
    design = _design_now(reinflow, frame)
    codes = list(task.model.spec.instruments)
    coefs = prepared(task.model).draw_coefficients(n_draws, seed)
    params = reinflow.draws(n_draws, seed + 1)
    effects = [_effects(reinflow, p, design, codes, task.horizon) for p in params]
    grids = [_grid(task, c, e) for c, e in zip(coefs, effects, strict=True)]
    delta = monthly_discount(task)
    effects_d = effects
    if delta != 1.0:
        effects_d = [_effects(reinflow, p, design, codes, task.horizon, delta) for p in params]
    grids_d = (
        [_grid(task, c, e) for c, e in zip(coefs, effects_d, strict=True)]
        if delta != 1.0
        else grids
    )
    n, n_scen = task.n, len(task.scenarios)
    out = {
        "benefit_lower": np.full(n, np.nan),
        "benefit_upper": np.full(n, np.nan),
        "saved_lower": np.full((n, n_scen), np.nan),
        "saved_upper": np.full((n, n_scen), np.nan),
        "net_lower": np.full((n, n_scen), np.nan),
        "net_upper": np.full((n, n_scen), np.nan),
    }
    for rows in task.chunks():
        idx = np.arange(n)[rows]
        free = idx[~task.running[rows]]
        b = np.empty((len(idx), n_draws))
        saved = np.empty((len(free), n_scen, n_draws))
        net = np.empty((len(free), n_scen, n_draws))
        for r in range(n_draws):
            drawn = task
            if task.mixture_draws is not None:
                loc, w = task.mixture_draws[r]
                drawn = replace(task, locations=loc, weights=w)
            b0, bw, res = _chunk(drawn, rows, coefs[r], effects[r], grids[r])
            ps = res["p_success"]
            b[:, r] = b0
            saved[:, :, r] = b0[~task.running[rows], None] - bw
            value = saved[:, :, r]
            if delta != 1.0:  # the net return discounts the months (as the spell-only one)
                bd, bwd, _ = _chunk(drawn, rows, coefs[r], effects_d[r], grids_d[r])
                value = bd[~task.running[rows], None] - bwd
            cost = expected_cost(task.price[None, :], task.success_share[None, :], ps)
            net[:, :, r] = value * task.benefit[free, None] - cost
        out["benefit_lower"][idx], out["benefit_upper"][idx] = quantile_bounds(b, level)
        if n_scen and len(free):
            out["saved_lower"][free], out["saved_upper"][free] = quantile_bounds(saved, level)
            out["net_lower"][free], out["net_upper"][free] = quantile_bounds(net, level)
    return out


def _design_now(reinflow: ReinflowModel, frame: pd.DataFrame) -> np.ndarray:
    """The re-inflow client terms with characteristics as of now (age now, not at inflow):
    the model was fitted with the characteristics at the end of a spell."""
    now = frame.copy()
    d = pd.to_numeric(frame["months_on_benefit"], errors="coerce").fillna(0).to_numpy(float)
    now["inflow_date"] = pd.to_datetime(frame["inflow_date"]) + pd.to_timedelta(
        d * 30.436875, unit="D"
    )
    return client_design(reinflow.spec, now).to_numpy(dtype=np.float64)


def _grid(task: ScoringTask, coefs: Coefficients, fx: _Effects) -> NewSpellTable | None:
    """The new-spell table for a large caseload (None: client by client)."""
    if not NewSpellTable.usable(task, coefs):
        return None
    return NewSpellTable.of(task, coefs, fx.client, fx.table, fx.delta)


def _chunk(
    task: ScoringTask,
    rows: slice,
    coefs: Coefficients,
    fx: _Effects,
    grid: NewSpellTable | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Benefit months without ``(c,)``, with ``(c_free, C)`` and the paths' outcomes.

    Long: the without path (running instruments in two regimes) and every instrument's
    path share the chunk's new-spell chain; split, it would be passed around in pieces.
    """
    h = task.horizon
    states = task.states.chunk(rows)
    res = evaluate_chunk(task, rows, coefs.chunk(rows), keep_paths="time-major")
    c = states.n
    months = np.full(c, h, dtype=np.int64)
    if task.pension_months is not None:
        months = np.clip(task.pension_months[rows], 0, h)
    client = fx.client[rows]
    if grid is not None:
        W = grid.months(states, coefs, client)
    else:
        W = new_spell_months(task, states, coefs.chunk(rows), rows, client, fx.table, fx.delta)
    spells = NewSpells(W, W)  # only W is used from here on
    base = client + states.after_now.astype(float) @ fx.ended_after
    u = np.arange(h + 1)[None, :]
    running = task.running[rows]

    conv = {"free": AfterExit(_subset(spells, ~running))}
    if running.any():
        conv["running"] = AfterExit(_subset(spells, running))

    def V(eta: np.ndarray, who: np.ndarray) -> np.ndarray:
        return conv["running" if who is running else "free"].of_transform(fx.table.rho_hat(eta))

    benefit = np.empty(c)
    free = ~running
    f0 = _discounted_exits(exit_chances(res["s0"]), fx.delta)  # (c, H + 1), time-major paths
    remaining = _discounted_months(res["s0"], res["remaining"], months, fx.delta)
    v_base_free = V(base[free], free)
    benefit[free] = expected_benefit_months(
        remaining[free], f0[free], [(np.ones_like(u, dtype=bool), v_base_free)], months[free]
    )
    if running.any():
        j = np.argmax(states.in_now[running], axis=1)
        left = states.remaining[running][:, None]
        already = states.after_now[running, j]
        b = base[running]
        regimes = [
            (u <= left, V(b + fx.ended_in[j], running)),
            (u > left, V(b + np.where(already, 0.0, fx.ended_after[j]), running)),
        ]
        benefit[running] = expected_benefit_months(
            remaining[running], f0[running], regimes, months[running]
        )
    n_free, n_scen = int(free.sum()), len(task.scenarios)
    with_ = np.empty((n_free, n_scen))
    b = base[free]
    for k, sc in enumerate(task.scenarios):
        start, end = sc.waiting_months, sc.planned_end
        after = np.where(states.after_now[free, sc.column], 0.0, fx.ended_after[sc.column])
        regimes = [(u <= start, v_base_free), (u > end, V(b + after, free))]
        if end > start:
            regimes.append(((u > start) & (u <= end), V(b + fx.ended_in[sc.column], free)))
        f = _discounted_exits(exit_chances(res["s_with"][k]), fx.delta)
        rem = _discounted_months(
            res["s_with"][k], res["remaining_with"][:, k], months[free], fx.delta
        )
        with_[:, k] = expected_benefit_months(rem, f, regimes, months[free])
    return benefit, with_, res


def _discounted_exits(f: np.ndarray, delta: float) -> np.ndarray:
    """Exit chances ``f[u]`` times ``delta ** u`` (the months after an exit at the end of month
    ``u`` start ``u`` months from now)."""
    return f if delta == 1.0 else f * delta ** np.arange(f.shape[1])[None, :]


def _discounted_months(
    survival: np.ndarray, remaining: np.ndarray, months: np.ndarray, delta: float
) -> np.ndarray:
    """Months of the current spell within ``months`` (the capped horizon), month ``t`` (0 = now)
    counting ``delta ** t``; ``survival`` time-major ``(H, c)``; ``remaining`` if undiscounted."""
    if delta == 1.0:
        return remaining
    h = survival.shape[0]
    on = np.vstack([np.ones((1, survival.shape[1])), survival[: h - 1]])  # (H, c)
    t = np.arange(h)[:, None]
    return ((delta**t) * on * (t < months[None, :])).sum(axis=0)


def _subset(spells: NewSpells, who: np.ndarray) -> NewSpells:
    return NewSpells(spells.W[who], spells.V[who])
