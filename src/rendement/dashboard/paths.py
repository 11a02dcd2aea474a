"""Survival paths without a new instrument, for many clients, from the scoring engine.

The expenditure forecast needs, per client on benefit, ``S_j = P(T > d + j | T > d)``
for the next months (``j = 1..J``), at the estimate and for parameter draws.
This is exactly the scoring engine's "without" path (current state kept: a
running instrument runs to its end, after-effects stay), evaluated with no
instrument scenarios so that nothing else is computed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from rendement.model.hazard_model import HazardModel
from rendement.scoring.paths import ScoringTask, evaluate_chunk
from rendement.scoring.prepared import prepared


def _without_task(
    model: HazardModel, frame: pd.DataFrame, months: int, type_weights: np.ndarray | None
) -> ScoringTask:
    # The scoring engine's own task builder (design, state, mixture weights), with the
    # instrument scenarios dropped: only the path without a new instrument is evaluated.
    from rendement.scoring.caseload import _task

    notes: list[str] = []
    task, _ = _task(model, frame, max(months, 1), 0.0, type_weights, notes)
    return replace(task, scenarios=[], running=np.ones(task.n, dtype=bool))


def survival_paths(
    model: HazardModel,
    frame: pd.DataFrame,
    months: int,
    *,
    n_draws: int = 0,
    seed: int = 0,
    type_weights: np.ndarray | None = None,
    reduce: Callable[[np.ndarray], Any] | None = None,
) -> tuple[np.ndarray, list[Any]]:
    """``(n, months)`` survival at the estimate, and per parameter draw such an array, or
    ``reduce(array)`` when given (so that the draws need not all be kept in memory).

    ``frame`` in the layout of :func:`rendement.panel.caseload_state`. Draws need a
    covariance matrix; without one (declared models) the list is empty.
    """
    n = len(frame)
    if n == 0:
        return np.zeros((0, months)), []
    task = _without_task(model, frame, months, type_weights)
    prep = prepared(model)

    def evaluate(coefs: object) -> np.ndarray:
        out = np.empty((n, months))
        for rows in task.chunks():
            res = evaluate_chunk(task, rows, coefs, keep_paths=True)  # type: ignore[arg-type]
            out[rows] = res["s0"][:, :months]
        return out

    point = evaluate(prep.coefficients)
    draws: list[Any] = []
    if n_draws >= 2 and prep.covariance_problem is None:
        keep = reduce or (lambda a: a)
        draws = [keep(evaluate(c)) for c in prep.draw_coefficients(n_draws, seed)]
    return point, draws
