"""Survival paths that stop at the pension date (*tot de AOW-leeftijd*).

Paths are time-major ``(L, n)`` (:mod:`rendement.counterfactual`): row ``t`` is
future month ``d + 1 + t``. A client with ``a`` whole months before the pension
date is paid at most months ``t < a``; the benefit then ends by the pension,
which is not outflow. So:

* outflow chances stop at the pension date: :func:`hold_at_pension` keeps the
  survival (not yet left by outflow) constant from month ``a`` on, so
  P(leaves within ``m`` months) = ``1 - S[min(m, a) - 1]`` (0 when ``a = 0``);
* expected remaining months (and months saved) count only paid months:
  :func:`capped_restricted_mean` = ``E[min(T - d, H, a)]``;
* discounted months likewise (:func:`capped_discounted_months`).

``a`` at or beyond the path's length changes nothing.
"""

from __future__ import annotations

import numpy as np


def capped_columns(pension_months: np.ndarray | None, n_months: int) -> np.ndarray:
    """Columns (clients) whose pension date falls within the path's months."""
    if pension_months is None:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.asarray(pension_months) < n_months)


def hold_at_pension(s: np.ndarray, pension_months: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``s`` with ``S[t] = S[a - 1]`` for ``t >= a`` in the columns ``cols`` (1 when ``a = 0``)."""
    if cols.size == 0:
        return s
    a = np.asarray(pension_months)[cols]
    t = np.arange(s.shape[0])[:, None]
    idx = np.minimum(t, np.maximum(a[None, :] - 1, 0))
    held = np.take_along_axis(s[:, cols], idx, axis=0)
    held[:, a == 0] = 1.0
    s[:, cols] = held
    return s


def capped_restricted_mean(
    s: np.ndarray, horizon: int, pension_months: np.ndarray, cols: np.ndarray, plain: np.ndarray
) -> np.ndarray:
    """``E[min(T - d, H, a) | T > d]``: ``plain`` (the uncapped means) corrected in ``cols``."""
    if cols.size == 0:
        return plain
    out = plain.copy()
    h = np.minimum(horizon, np.asarray(pension_months)[cols])
    t = np.arange(s.shape[0])[:, None]
    paid_after_first = (t < h[None, :] - 1) * s[:, cols]
    out[cols] = np.where(h > 0, 1.0 + paid_after_first.sum(axis=0), 0.0)
    return out


def capped_discounted_months(
    s_clients: np.ndarray,
    horizon: int,
    factors: np.ndarray,
    pension_months: np.ndarray,
    cols: np.ndarray,
    plain: np.ndarray,
) -> np.ndarray:
    """Discounted benefit months within ``min(H, a)`` (``s_clients`` is ``(n, L)``)."""
    if cols.size == 0:
        return plain
    out = plain.copy()
    h = np.minimum(horizon, np.asarray(pension_months)[cols])
    sub = s_clients[cols, : horizon - 1]
    chance = np.concatenate([np.ones((len(cols), 1)), sub], axis=1)
    paid = np.arange(horizon)[None, :] < h[:, None]
    out[cols] = (chance * paid) @ factors[:horizon]
    return out
