"""Continue the caseload forward by simulation: the check on the computed ground truth.

From the extraction date on, each caseload spell is simulated month by month
with its true type, without new instruments (the "without" path: after-states
kept, a running instrument to its planned end and then after), using the same
state rule (:func:`.states.state_in_month`) and linear predictor
(:func:`.terms.month_eta`) as the truth. Averages over many runs must match
the truth within sampling error.
"""

from __future__ import annotations

import numpy as np

from rendement.scoring.survival import hazard_from_eta
from rendement.simulate.parameters import TrueProcess
from rendement.simulate.states import CaseloadState, state_in_month
from rendement.simulate.terms import month_eta
from rendement.simulate.truth import without_path


def simulate_remaining(
    process: TrueProcess,
    state: CaseloadState,
    *,
    runs: int,
    horizon: int,
    seed: int,
    types: np.ndarray | None = None,
    pension_months: np.ndarray | None = None,
) -> np.ndarray:
    """``(runs, n)`` months until outflow, ``T - d``, capped at ``horizon + 1``.

    ``types`` defaults to each spell's true type. ``result <= m`` means leaving within
    ``m`` months. With ``pension_months`` (``a``, whole months before the AOW date) there
    is no outflow from month ``a`` on (the benefit ends by the pension):
    ``min(result, horizon, a)`` is then the truncated residual duration.
    """
    rng = np.random.default_rng(seed)
    n = len(state.months)
    kinds = state.type if types is None else np.asarray(types)
    code, first, last = without_path(state)
    location = state.location if types is None else process.locations[kinds]
    out = np.full((runs, n), horizon + 1, dtype=np.int64)
    alive = np.ones((runs, n), dtype=bool)
    for t in range(horizon):
        month = state.months + 1 + t
        running, after = state_in_month(state.after, code, first, last, month)
        eta = month_eta(
            process, month, state.client_eta, state.lock_in, state.after_effects, running, after
        )
        h = hazard_from_eta(eta + location)
        if pension_months is not None:
            h = np.where(t < pension_months, h, 0.0)
        leaves = alive & (rng.random((runs, n)) < h[None, :])
        out[leaves] = t + 1
        alive &= ~leaves
    return out
