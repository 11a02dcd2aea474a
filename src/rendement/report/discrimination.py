"""Discrimination (*onderscheidend vermogen*): does the model rank who leaves first?

* Harrell's concordance index (lifelines ``concordance_index``) of the expected
  remaining months against the observed follow-up in the hold-out window;
* the cumulative/dynamic time-dependent AUC at ``h`` months (Uno et al. 2007;
  the estimator of scikit-survival's ``cumulative_dynamic_auc``): the chance that
  a client who left within ``h`` months had a higher predicted chance of leaving
  than a client still on benefit after ``h`` months. Cases (left within ``h``) are
  weighted by the inverse chance of being followed that long (IPCW, reverse
  Kaplan-Meier of the censoring); ties in the prediction count one half. In
  whole months a client followed ``h`` months without leaving is known to be on
  benefit after month ``h``, so is a control.

An AUC needs clients followed at least ``h`` months; when the hold-out window is
shorter the AUC is not computed and the reason says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rendement.report.km import cell, censoring_survival


def cumulative_dynamic_auc(
    time: np.ndarray, left: np.ndarray, risk: np.ndarray, horizon: int
) -> tuple[float, int, int]:
    """AUC at ``horizon`` months with IPCW; returns ``(auc, cases, controls)`` (auc NaN if none)."""
    t = np.asarray(time, dtype=np.int64)
    e = np.asarray(left, dtype=bool)
    r = np.asarray(risk, dtype=float)
    h = int(horizon)
    case = e & (t <= h) & (t >= 1)
    # followed h months without leaving = still on benefit after month h (whole months)
    control = (t > h) | ((t == h) & ~e)
    n_case, n_control = int(case.sum()), int(control.sum())
    if n_case == 0 or n_control == 0:
        return float("nan"), n_case, n_control
    g = censoring_survival(t, e, h)
    weight = 1.0 / g[t[case] - 1]  # P(followed at least to the month of leaving) = G(t - 1)
    ctrl = np.sort(r[control])
    below = np.searchsorted(ctrl, r[case], side="left")
    tied = np.searchsorted(ctrl, r[case], side="right") - below
    wins = below + 0.5 * tied
    auc = float((weight * wins).sum() / (weight.sum() * n_control))
    return auc, n_case, n_control


def harrell_c(time: np.ndarray, left: np.ndarray, expected_remaining: np.ndarray) -> float:
    """Harrell's C (lifelines): higher expected remaining months should mean a later exit."""
    from lifelines.utils import concordance_index

    t = np.asarray(time, dtype=float)
    keep = t > 0
    if keep.sum() < 2 or not np.asarray(left, dtype=bool)[keep].any():
        return float("nan")
    try:
        return float(
            concordance_index(
                t[keep], np.asarray(expected_remaining, dtype=float)[keep], np.asarray(left)[keep]
            )
        )
    except ZeroDivisionError:  # no comparable pairs (e.g. everyone left in the same month)
        return float("nan")


@dataclass(frozen=True)
class Discrimination:
    """C-index and time-dependent AUCs on the hold-out (``auc``: one row per horizon)."""

    c_index: float
    auc: pd.DataFrame  # index horizon: auc, cases, controls, note
    window_months: int

    def auc_at(self, horizon: int) -> float:
        return cell(self.auc, horizon, "auc") if horizon in self.auc.index else float("nan")


def discrimination(
    clients: pd.DataFrame, window_months: int, horizons: Sequence[int] = (6, 18)
) -> Discrimination:
    """From the hold-out sample: ``followed_months``, ``left``, ``p_outflow_{h}m``, remaining months."""
    t = clients["followed_months"].to_numpy()
    e = clients["left"].to_numpy(dtype=bool)
    rows = []
    for h in horizons:
        col = f"p_outflow_{h}m"
        if h > window_months:
            rows.append(
                (
                    h,
                    np.nan,
                    0,
                    0,
                    f"follow-up of {window_months} months is too short for {h} months",
                )
            )
            continue
        risk = (
            clients[col].to_numpy()
            if col in clients
            else 1.0 / clients["expected_remaining_months"]
        )
        auc, cases, controls = cumulative_dynamic_auc(t, e, np.asarray(risk), h)
        note = "" if np.isfinite(auc) else "no clients left, or none stayed, within the horizon"
        rows.append((h, auc, cases, controls, note))
    table = pd.DataFrame(rows, columns=["horizon", "auc", "cases", "controls", "note"]).set_index(
        "horizon"
    )
    return Discrimination(
        c_index=harrell_c(t, e, clients["expected_remaining_months"].to_numpy()),
        auc=table,
        window_months=int(window_months),
    )
