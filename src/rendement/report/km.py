"""Kaplan-Meier in whole months: the observed chance of leaving benefit within ``h`` months.

Follow-up times are whole months after the cut-off (``time >= 0``); ``left``
says the client left benefit at the end of month ``time``, otherwise the
client was followed ``time`` months without leaving (censored). In month ``m``
the clients at risk are those with ``time >= m``; the ones leaving are those
with ``time == m`` and ``left``. Standard errors by Greenwood's formula, 95%
intervals on the log(-log) scale (as lifelines and R's ``survival`` do).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import pandas as pd
from scipy import stats


def cell(table: pd.DataFrame, row: object, column: str) -> float:
    """One cell of a numeric table as a float."""
    return float(cast(Any, table.at[row, column]))


def _counts(time: np.ndarray, left: np.ndarray, top: int) -> tuple[np.ndarray, np.ndarray]:
    """Clients at risk and leaving in months ``1..top`` (index 0 = month 1)."""
    t = np.clip(np.asarray(time, dtype=np.int64), 0, top + 1)
    ends = np.bincount(t, minlength=top + 2)
    at_risk = len(t) - np.cumsum(ends)[:top]  # #{time >= m} for m = 1..top
    events = np.bincount(t[np.asarray(left, dtype=bool)], minlength=top + 2)[1 : top + 1]
    return at_risk.astype(np.int64), events.astype(np.int64)


def kaplan_meier(
    time: np.ndarray, left: np.ndarray, horizons: Sequence[int], *, alpha: float = 0.05
) -> pd.DataFrame:
    """Observed P(left within ``h`` months) for each horizon ``h``, with its uncertainty.

    Index ``horizon``; columns ``clients``, ``at_risk`` (clients still followed in
    month ``h``), ``observed`` (``1 - S(h)``), ``se``, ``lower``, ``upper``. A
    horizon nobody was followed up to is not estimable (NaN), unless everybody
    had left before it.
    """
    hs = [int(h) for h in horizons]
    top = max(hs) if hs else 0
    n = len(np.asarray(time))
    at_risk, events = _counts(np.asarray(time), np.asarray(left), max(top, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(at_risk > 0, 1.0 - events / at_risk, 1.0)
        green = np.where(
            (at_risk > 0) & (at_risk > events), events / (at_risk * (at_risk - events)), 0.0
        )
    surv = np.cumprod(step)
    # Nobody followed into month h: unknown, unless everybody had left already (S = 0).
    surv = np.where((at_risk == 0) & (surv > 0), np.nan, surv)
    var_sum = np.cumsum(green)
    z = stats.norm.ppf(1 - alpha / 2)
    rows = []
    for h in hs:
        if h < 1:
            rows.append((n, n, 0.0, 0.0, 0.0, 0.0))
            continue
        s = float(surv[h - 1])
        if not np.isfinite(s):
            rows.append((n, 0, np.nan, np.nan, np.nan, np.nan))
            continue
        vs = float(var_sum[h - 1])
        se = s * np.sqrt(vs)
        if 0.0 < s < 1.0 and vs > 0:
            # log(-log S) interval, as lifelines and R's survival (conf.type = "log-log")
            half = z * np.sqrt(vs) / abs(np.log(s))
            s_lo, s_hi = s ** np.exp(half), s ** np.exp(-half)
        else:
            s_lo = s_hi = s
        rows.append((n, int(at_risk[h - 1]), 1.0 - s, se, 1.0 - s_hi, 1.0 - s_lo))
    return pd.DataFrame(
        rows,
        index=pd.Index(hs, name="horizon"),
        columns=["clients", "at_risk", "observed", "se", "lower", "upper"],
    )


def censoring_survival(time: np.ndarray, left: np.ndarray, top: int) -> np.ndarray:
    """``G[c] = P(followed more than c months)`` for ``c = 0..top`` (reverse Kaplan-Meier).

    A client leaving in month ``m`` is at risk of being censored in ``m`` too
    (ties: the outflow comes first), as for inverse-probability-of-censoring weights.
    """
    top = max(int(top), 1)
    stayed = ~np.asarray(left, dtype=bool)
    at_risk, censored = _counts(np.asarray(time), stayed, top)
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(at_risk > 0, 1.0 - censored / at_risk, 1.0)
    return np.concatenate([[1.0], np.cumprod(step)])
