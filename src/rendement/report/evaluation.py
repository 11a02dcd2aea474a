"""Out-of-time validation (*validatie*): calibration and the accuracy of the outflow groups.

Works on a :class:`rendement.report.holdout.HoldoutSample` (the caseload at the
cut-off, its predictions and its follow-up):

* **calibration** (*kalibratie*): per decile of predicted risk (the chance of
  leaving within 12 months) and per outflow group, the mean predicted chance
  of leaving within 6 and 12 months against the observed (Kaplan-Meier)
  chance, with its 95% interval and a standardised difference
  ``z = (observed - predicted) / se``; a chi-square test over the rows
  (``sum z**2``, one degree of freedom per row). ``se`` is the larger of
  Greenwood's standard error and the binomial one ``sqrt(p (1 - p) / n)`` of
  the prediction, so a decile without outflow does not give an infinite z.
  Parameter uncertainty of the re-fit is not in ``se``: the test is a little
  strict with small training data;
* **group accuracy** (*juistheid van de uitstroomgroepen*): per predicted group
  the observed chance of the group's outcome (group 1: left within 6 months;
  2: within 6-18 months; 3: not within 18 months), by Kaplan-Meier so that
  censoring is handled honestly. With a hold-out window shorter than 18
  months the 18-month boundary cannot be observed: groups 2 and 3 then get
  bounds (at least / at most) instead of a share, and the table says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
from scipy import stats

from rendement.report.km import cell, kaplan_meier

CALIBRATION_HORIZONS = (6, 12)
GROUP_LABELS = {
    1: "1: uitstroom binnen 6 maanden",
    2: "2: uitstroom binnen 6-18 maanden",
    3: "3: geen uitstroom binnen 18 maanden",
}


def horizons_for(window_months: int, wanted: Sequence[int] = CALIBRATION_HORIZONS) -> list[int]:
    """The wanted horizons the hold-out window can observe."""
    return [h for h in wanted if h <= window_months]


def risk_deciles(risk: pd.Series, n_bins: int = 10) -> pd.Series:
    """Decile 1 = lowest predicted chance of leaving; fewer bins for small samples (>= 30 per bin)."""
    bins = int(max(1, min(n_bins, len(risk) // 30)))
    ranks = risk.rank(method="first")
    return pd.Series(
        pd.qcut(ranks, bins, labels=list(range(1, bins + 1))).astype(int),
        index=risk.index,
        name="decile",
    )


def calibration_table(clients: pd.DataFrame, by: str, horizons: Sequence[int]) -> pd.DataFrame:
    """Long table: one row per (``by`` value, horizon) with predicted, observed and z."""
    rows = []
    for key, part in clients.groupby(by, sort=True):
        km = kaplan_meier(
            part["followed_months"].to_numpy(), part["left"].to_numpy(), list(horizons)
        )
        for h in horizons:
            pred = float(part[f"p_outflow_{h}m"].mean())
            observed, km_se = cell(km, h, "observed"), cell(km, h, "se")
            binom = np.sqrt(pred * (1 - pred) / len(part))
            se = float(max(km_se, binom)) if np.isfinite(km_se) else np.nan
            rows.append(
                {
                    by: key,
                    "horizon": h,
                    "clients": len(part),
                    "at_risk": int(cell(km, h, "at_risk")),
                    "predicted": pred,
                    "observed": observed,
                    "lower": cell(km, h, "lower"),
                    "upper": cell(km, h, "upper"),
                    "se": se,
                    "z": (observed - pred) / se if se and se > 0 else np.nan,
                }
            )
    return pd.DataFrame(rows)


def chi_square(table: pd.DataFrame) -> pd.DataFrame:
    """Per horizon: ``sum z**2`` over the rows, degrees of freedom and p-value."""
    rows = []
    for h, part in table.groupby("horizon", sort=True):
        z = part["z"].dropna().to_numpy()
        chi2 = float((z**2).sum())
        rows.append(
            {
                "horizon": int(cast(Any, h)),
                "chi2": chi2,
                "df": len(z),
                "p_value": float(stats.chi2.sf(chi2, len(z))) if len(z) else np.nan,
                "max_abs_z": float(np.abs(z).max()) if len(z) else np.nan,
                "max_abs_difference": float((part["observed"] - part["predicted"]).abs().max()),
            }
        )
    return pd.DataFrame(rows).set_index("horizon")


@dataclass(frozen=True)
class Calibration:
    """Predicted against observed, by risk decile and by outflow group, with chi-square tests."""

    by_decile: pd.DataFrame
    by_group: pd.DataFrame
    decile_test: pd.DataFrame
    group_test: pd.DataFrame
    horizons: tuple[int, ...]
    overall: pd.DataFrame  # one row per horizon: predicted, observed, lower, upper

    def within_error(self, z_limit: float = 3.0) -> bool:
        """True when every decile's |z| is at most ``z_limit``."""
        return bool((self.by_decile["z"].abs() <= z_limit).all())


def calibration(clients: pd.DataFrame, window_months: int, *, n_bins: int = 10) -> Calibration:
    """Calibration of the hold-out sample (``clients`` of a :class:`HoldoutSample`)."""
    hs = horizons_for(window_months)
    if not hs:
        hs = [min(window_months, 6)]
        for h in hs:
            if f"p_outflow_{h}m" not in clients:
                raise ValueError(f"no prediction column for {h} months")
    risk_col = f"p_outflow_{max(hs)}m"
    frame = clients.assign(decile=risk_deciles(clients[risk_col], n_bins))
    by_decile = calibration_table(frame, "decile", hs)
    by_group = calibration_table(frame, "outflow_group", hs)
    overall = calibration_table(frame.assign(all="all"), "all", hs).drop(columns="all")
    return Calibration(
        by_decile=by_decile,
        by_group=by_group,
        decile_test=chi_square(by_decile),
        group_test=chi_square(by_group),
        horizons=tuple(hs),
        overall=overall.set_index("horizon"),
    )


@dataclass(frozen=True)
class GroupAccuracy:
    """Share of clients whose outflow group came true, per predicted group (Kaplan-Meier).

    ``table`` columns: ``clients``, ``left_6m``, ``left_18m`` (NaN when the window is
    shorter), ``left_window`` (within the whole window), ``share_right`` (NaN when
    not observable), ``share_right_at_least``, ``share_right_at_most``.
    ``outcomes``: counts of predicted group against observed outcome in the window.
    ``boundary_6m``: share classified right on "leaves within 6 months" alone (group 1
    against groups 2-3), observable with a window of 6 months; ``boundary_18m`` the
    same for "leaves within 18 months" (groups 1-2 against 3).
    """

    table: pd.DataFrame
    outcomes: pd.DataFrame
    window_months: int
    overall_at_least: float
    overall_at_most: float
    note: str
    boundary_6m: float = float("nan")
    boundary_18m: float = float("nan")

    @property
    def overall(self) -> float:
        """Overall share classified right (NaN when only bounds are known)."""
        if np.isclose(self.overall_at_least, self.overall_at_most):
            return self.overall_at_least
        return float("nan")


def group_accuracy(clients: pd.DataFrame, window_months: int) -> GroupAccuracy:
    w = int(window_months)
    rows = []
    for g in (1, 2, 3):
        part = clients[clients["outflow_group"] == g]
        hs = sorted({6, 18, w})
        km = kaplan_meier(part["followed_months"].to_numpy(), part["left"].to_numpy(), hs)
        f6 = cell(km, 6, "observed") if w >= 6 else np.nan
        f18 = cell(km, 18, "observed") if w >= 18 else np.nan
        fw = cell(km, w, "observed")
        if g == 1:
            lo = hi = f6
        elif g == 2:
            lo, hi = (f18 - f6, f18 - f6) if w >= 18 else (fw - f6, 1.0 - f6)
        else:
            lo, hi = (1 - f18, 1 - f18) if w >= 18 else (0.0, 1.0 - fw)
        if len(part) == 0:
            lo = hi = np.nan
        rows.append(
            {
                "outflow_group": g,
                "label": GROUP_LABELS[g],
                "clients": len(part),
                "left_6m": f6,
                "left_18m": f18,
                "left_window": fw,
                "share_right": lo if np.isclose(lo, hi) else np.nan,
                "share_right_at_least": lo,
                "share_right_at_most": hi,
            }
        )
    table = pd.DataFrame(rows).set_index("outflow_group")
    n = table["clients"].sum()
    weights = table["clients"] / n if n else table["clients"] * np.nan
    at_least = float((weights * table["share_right_at_least"].fillna(0)).sum())
    at_most = float((weights * table["share_right_at_most"].fillna(0)).sum())
    if w >= 18:
        note = "all three groups checked over 18 months of follow-up"
    elif w >= 6:
        note = (
            f"the hold-out window is {w} months: group 1 (6 months) is checked exactly; "
            "the 18-month boundary between groups 2 and 3 cannot be observed yet, so their "
            "shares are bounds"
        )
    else:
        note = f"the hold-out window of {w} months is too short to check any outflow group"
    boundaries = {h: _boundary_accuracy(clients, h, w) for h in (6, 18)}
    outcome = np.select(
        [
            clients["left"] & (clients["followed_months"] <= 6),
            clients["left"] & (clients["followed_months"] <= 18),
            clients["left"],
            clients["censored_by"] == "new instrument",
        ],
        [
            "left within 6 months",
            "left in months 7-18",
            "left after 18 months",
            "new instrument (followed until then)",
        ],
        default=f"on benefit at end of window ({w} months)",
    )
    outcomes = pd.crosstab(
        clients["outflow_group"].rename("predicted group"), pd.Series(outcome, name="observed")
    )
    return GroupAccuracy(table, outcomes, w, at_least, at_most, note, boundaries[6], boundaries[18])


def _boundary_accuracy(clients: pd.DataFrame, h: int, w: int) -> float:
    """Share classified right on "leaves within ``h`` months" alone (NaN: not observable)."""
    n = len(clients)
    if w < h or not n:
        return float("nan")
    soon = clients["outflow_group"] <= (1 if h == 6 else 2)
    right = counted = 0.0
    for predicted_soon in (True, False):
        part = clients[soon == predicted_soon]
        if len(part) == 0:
            continue
        km = kaplan_meier(part["followed_months"].to_numpy(), part["left"].to_numpy(), [h])
        f = cell(km, h, "observed")
        if not np.isfinite(f):  # nobody of this side followed h months (a handful censored)
            continue
        right += len(part) * (f if predicted_soon else 1.0 - f)
        counted += len(part)
    return right / counted if counted else float("nan")
