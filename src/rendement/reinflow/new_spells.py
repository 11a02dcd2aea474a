"""Months on benefit from the start of a new spell, counting later returns (``W`` of the chain).

A new spell has no instrument and no calendar shift of its own here, so its outflow
linear predictor is the baseline plus one number per client (``x``, the client terms
of the outflow model), and its return chances depend on one number too (``y``, the
client terms of the re-inflow model). For a large caseload ``W`` is computed on a grid
of ``(x, y)`` (:data:`STEP` apart) once per parameter set and read by bilinear
interpolation (:class:`NewSpellTable`); for a few clients, for per-client (stacked)
coefficients or a calendar model, it is computed client by client
(:func:`new_spell_months`). Both use :func:`rendement.reinflow.chain.new_spells`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from rendement.reinflow.chain import new_spells
from rendement.scoring.counterfactual import cumulate, eta_without, rates, survival_from_rates
from rendement.scoring.paths import ScoringTask
from rendement.scoring.states import ClientStates, Coefficients

#: Grid spacing of the table in both linear predictors (interpolation error well below
#: 0.01 months; checked against the client-by-client chain in the tests).
STEP = 0.05
#: Fewer clients than this: client by client (the table would cost more than it saves).
MIN_CLIENTS = 3000


class ReturnChances(Protocol):
    def rho(self, eta: np.ndarray) -> np.ndarray: ...


def _survival(
    task: ScoringTask, eta: np.ndarray, n: int, locations: np.ndarray | None
) -> np.ndarray:
    """``(n, H + 1)`` ``G[k]`` from a time-major linear predictor ``(H, n)`` of a new spell."""
    cum = cumulate(rates(eta))
    weights = None
    het = task.model.heterogeneity
    if locations is not None and het is not None:
        weights = np.tile(np.asarray(het.probabilities, dtype=float), (n, 1))
    s = survival_from_rates(cum, locations, weights)
    G = np.ones((n, task.horizon + 1))
    G[:, 1:] = s[: task.horizon].T
    return G


def new_spell_months(
    task: ScoringTask,
    states: ClientStates,
    coefs: Coefficients,
    rows: slice,
    client_re: np.ndarray,
    table: ReturnChances,
    delta: float = 1.0,
) -> np.ndarray:
    """``(c, H + 1)`` ``W`` client by client (discounted by ``delta`` a month if below 1)."""
    c = states.n
    fresh = replace(
        states,
        months_on_benefit=np.zeros(c, dtype=np.int64),
        in_now=np.zeros_like(states.in_now),
        after_now=np.zeros_like(states.after_now),
        remaining=np.zeros(c, dtype=np.int64),
    )
    eta = eta_without(fresh, coefs, task.model.spec, task.horizon)
    locations = task.locations
    if locations is not None and locations.ndim == 2:
        locations = locations[rows]
    return new_spells(_survival(task, eta, c, locations), table.rho(client_re), delta).W


@dataclass(frozen=True)
class NewSpellTable:
    """``W`` on the grid ``x0 + i * STEP``, ``y0 + j * STEP``: ``(nx, ny, H + 1)``."""

    x0: float
    y0: float
    values: np.ndarray

    @classmethod
    def usable(cls, task: ScoringTask, coefs: Coefficients) -> bool:
        loc = task.locations
        return (
            task.n >= MIN_CLIENTS
            and not coefs.per_client
            and not task.model.spec.calendar
            and (loc is None or loc.ndim == 1)
        )

    @classmethod
    def of(
        cls,
        task: ScoringTask,
        coefs: Coefficients,
        client_re: np.ndarray,
        table: ReturnChances,
        delta: float = 1.0,
    ) -> NewSpellTable:
        x = task.states.design @ coefs.client
        xs = _grid(x)
        ys = _grid(client_re)
        h = task.horizon
        base = coefs.baseline[task.model.spec.baseline_piece(np.arange(1, h + 1))]
        G = _survival(task, base[:, None] + xs[None, :], len(xs), task.locations)
        rho = table.rho(ys)
        pairs = new_spells(np.repeat(G, len(ys), axis=0), np.tile(rho, (len(xs), 1)), delta)
        return cls(float(xs[0]), float(ys[0]), pairs.W.reshape(len(xs), len(ys), h + 1))

    def months(
        self, states: ClientStates, coefs: Coefficients, client_re: np.ndarray
    ) -> np.ndarray:
        """``(c, H + 1)`` ``W`` of the clients, interpolated."""
        nx, ny = self.values.shape[:2]
        fx = (states.design @ coefs.client - self.x0) / STEP
        fy = (client_re - self.y0) / STEP
        i = np.clip(np.floor(fx).astype(np.int64), 0, nx - 2)
        j = np.clip(np.floor(fy).astype(np.int64), 0, ny - 2)
        a = np.clip(fx - i, 0.0, 1.0)[:, None]
        b = np.clip(fy - j, 0.0, 1.0)[:, None]
        t = self.values
        return (1 - a) * ((1 - b) * t[i, j] + b * t[i, j + 1]) + a * (
            (1 - b) * t[i + 1, j] + b * t[i + 1, j + 1]
        )


def _grid(values: np.ndarray) -> np.ndarray:
    lo = np.floor(values.min() / STEP) * STEP - STEP if values.size else 0.0
    hi = np.ceil(values.max() / STEP) * STEP + STEP if values.size else STEP
    return np.arange(lo, hi + STEP / 2, STEP)
