"""Fairness check (*bias-toets*) of the outflow prediction by gender and age band.

Protected attributes (gender) are used here and only here: never as model
features. Per level of an attribute, on the hold-out sample:

* the shares of the outflow groups, and the group-3 share against the overall
  group-3 share (group 3 clients get participation instead of work trajectories);
* calibration: observed (Kaplan-Meier) over predicted chance of leaving within
  ``horizon`` months, and that ratio against the overall one: a group whose
  outflow the model underestimates has a ratio above 1;
* the false group-3 rate: among clients predicted in group 3 ("not within 18
  months"), the observed chance of leaving within ``false3_horizon`` months
  (18, or the hold-out window when shorter), against the overall rate.

Every ratio compares a group with everyone (``ratio = group / all``), so a
disparity like 2.6x is visible at once. A ratio above ``threshold`` (or below
its inverse) for a group of at least ``min_clients`` clients gives a warning,
which says whether the group's 95% interval (Kaplan-Meier, or Wilson for the
group-3 share, divided by the overall value) still includes a ratio of 1, i.e.
whether the disparity could be chance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rendement.report.km import cell, kaplan_meier

ALL = "alle cliënten"

#: The attributes' names in Dutch (warnings of a Dutch report).
ATTRIBUTE_WORDS = {"gender": "geslacht", "age_band": "leeftijdsklasse"}


def _comma(text: str) -> str:
    """Decimal points between digits as commas (a Dutch sentence's numbers)."""
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text)


#: Ratio columns of the fairness table and the rate each compares with the overall rate.
RATIOS = {
    "ratio_group3_share": "share_group_3",
    "ratio_calibration": "calibration",
    "ratio_false_group3": "false_group3_rate",
}


@dataclass(frozen=True)
class FairnessCheck:
    """One attribute's table (index: its levels, then ``ALL``) and the warnings it raised."""

    attribute: str
    table: pd.DataFrame
    horizon: int
    false3_horizon: int
    threshold: float
    warnings: list[str] = field(default_factory=list)
    min_clients: int = 30

    def max_ratio(self, column: str) -> float:
        """Largest disparity ``max(r, 1/r)`` in a ratio column over groups with enough clients.

        Groups count when they have at least ``min_clients`` clients (for the false
        group-3 rate: clients predicted in group 3); a ratio of 0 is left out here
        (it is infinite as a disparity) but does raise a warning.
        """
        count = "group3_clients" if column == "ratio_false_group3" else "clients"
        t = self.table[(self.table.index != ALL) & (self.table[count] >= self.min_clients)]
        r = t[column].dropna()
        r = r[r > 0]
        return float(np.maximum(r, 1 / r).max()) if len(r) else float("nan")


def _wilson(share: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson 95% interval of a share of ``n`` clients."""
    if not n or not np.isfinite(share):
        return float("nan"), float("nan")
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(centre - half), float(centre + half)


def _rates(part: pd.DataFrame, horizon: int, false3_horizon: int) -> dict[str, float]:
    n = len(part)
    groups = part["outflow_group"].to_numpy()
    out: dict[str, float] = {"clients": n}
    for g in (1, 2, 3):
        out[f"share_group_{g}"] = float((groups == g).mean()) if n else np.nan
    out["share_group_3_lower"], out["share_group_3_upper"] = _wilson(out["share_group_3"], n)
    predicted = float(part[f"p_outflow_{horizon}m"].mean()) if n else np.nan
    km = kaplan_meier(part["followed_months"].to_numpy(), part["left"].to_numpy(), [horizon])
    observed = cell(km, horizon, "observed") if n else np.nan
    out["predicted"] = predicted
    out["observed"] = observed
    ok = bool(predicted and predicted > 0)
    out["calibration"] = observed / predicted if ok else np.nan
    out["calibration_lower"] = cell(km, horizon, "lower") / predicted if ok else np.nan
    out["calibration_upper"] = cell(km, horizon, "upper") / predicted if ok else np.nan
    g3 = part[part["outflow_group"] == 3]
    out["group3_clients"] = len(g3)
    out["false_group3_rate"] = out["false_group3_rate_lower"] = np.nan
    out["false_group3_rate_upper"] = np.nan
    if len(g3):
        km3 = kaplan_meier(
            g3["followed_months"].to_numpy(), g3["left"].to_numpy(), [false3_horizon]
        )
        for suffix, col in (("", "observed"), ("_lower", "lower"), ("_upper", "upper")):
            out[f"false_group3_rate{suffix}"] = cell(km3, false3_horizon, col)
    return out


def fairness_check(
    clients: pd.DataFrame,
    attribute: str,
    *,
    horizon: int,
    false3_horizon: int,
    threshold: float = 1.25,
    min_clients: int = 30,
    lang: str = "en",
) -> FairnessCheck:
    """Rates and ratios by ``attribute`` (a column of ``clients``; missing values: ``onbekend``).

    ``lang``: the language of the warnings (``nl`` or ``en``)."""
    values = clients[attribute].astype(object).where(clients[attribute].notna(), "onbekend")
    frame = clients.assign(**{attribute: values.astype(str)})
    overall = _rates(frame, horizon, false3_horizon)
    rows = {}
    for level, part in frame.groupby(attribute, sort=True):
        rows[str(level)] = _rates(part, horizon, false3_horizon)
    rows[ALL] = overall
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = attribute

    def ratio(col: str, base_col: str) -> pd.Series:
        base = overall[base_col]
        if not base or not np.isfinite(base):
            return pd.Series(np.nan, index=table.index)
        return table[col] / base

    for name, col in RATIOS.items():
        table[name] = ratio(col, col)
        # the group's 95% interval over the overall value (the overall value taken as fixed)
        table[f"{name}_lower"] = ratio(f"{col}_lower", col)
        table[f"{name}_upper"] = ratio(f"{col}_upper", col)
    table["clients"] = table["clients"].astype(int)
    table["group3_clients"] = table["group3_clients"].astype(int)

    warns = _disparity_warnings(table, overall, attribute, threshold, min_clients, lang)
    return FairnessCheck(attribute, table, horizon, false3_horizon, threshold, warns, min_clients)


def _disparity_warnings(
    table: pd.DataFrame,
    overall: dict[str, float],
    attribute: str,
    threshold: float,
    min_clients: int,
    lang: str,
) -> list[str]:
    """A warning per group and ratio beyond ``threshold`` (groups of ``min_clients`` or more)."""
    warns = []
    nl = lang == "nl"
    checks = (
        (
            "ratio_group3_share",
            "clients",
            "aandeel in uitstroomgroep 3" if nl else "share in outflow group 3",
            "share_group_3",
        ),
        (
            "ratio_calibration",
            "clients",
            "waargenomen/voorspelde uitstroom" if nl else "observed/predicted outflow",
            "calibration",
        ),
        (
            "ratio_false_group3",
            "group3_clients",
            "aandeel onterecht in groep 3" if nl else "false group-3 rate",
            "false_group3_rate",
        ),
    )
    name = ATTRIBUTE_WORDS.get(attribute, attribute) if nl else attribute
    for level_key, row in table.drop(index=ALL).iterrows():
        level = str(level_key)
        for col, count_col, what, base_col in checks:
            r = row[col]
            if row[count_col] < min_clients or not np.isfinite(r):
                continue
            if r > threshold or r < 1 / threshold:  # a ratio of 0 is flagged too
                lo, hi = row[f"{col}_lower"], row[f"{col}_upper"]
                known = np.isfinite(lo) and np.isfinite(hi)
                if nl:
                    chance = (
                        "mogelijk toeval"
                        if lo <= 1 <= hi
                        else "meer dan toeval"
                        if known
                        else "onzekerheid onbekend"
                    )
                    warns.append(
                        _comma(
                            f"{name} {level}: {what} is {r:.2f}x de waarde van alle cliënten "
                            f"({row[base_col]:.3f} tegen {overall[base_col]:.3f}; "
                            f"{int(row[count_col])} cliënten; 95%-interval van de verhouding "
                            f"{lo:.2f}-{hi:.2f}: {chance})"
                        )
                    )
                    continue
                chance = (
                    "could be chance"
                    if lo <= 1 <= hi
                    else "more than chance"
                    if known
                    else "uncertainty unknown"
                )
                warns.append(
                    f"{attribute} {level}: {what} is {r:.2f}x the overall value "
                    f"({row[base_col]:.3f} against {overall[base_col]:.3f}; "
                    f"{int(row[count_col])} clients; 95% interval of the ratio "
                    f"{lo:.2f}-{hi:.2f}: {chance})"
                )
    return warns
