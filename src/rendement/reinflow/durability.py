"""Durability of outflow, per instrument and overall, with 95% intervals.

Definitions (each figure says which it follows):

* **duurzaam 12 maanden** (municipal, Den Haag evaluation, seed 002): of the exits,
  the share *not* on benefit again within 12 months of leaving;
* **duurzaam 24 maanden** (CBS *duurzame uitstroom*, seed 000): outflow after at least
  one month on benefit, followed by 24 months without benefit;
* **terug binnen 12 maanden**: of the exits, the share back on benefit within 12 months
  (1 - duurzaam 12);
* **herhaalde instroom** (CBS, seed 000): of the inflows, the share that was on benefit
  less than 12 months before (a previous spell ended less than 12 months earlier).

Exits are ended spells after which a client can come back here (not ended by moving
away, the pension or death), counted only when the whole window (12 or 24 months) lies
before the extraction date. Intervals: Wilson score intervals (95%) on the exits.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from rendement.timeutil import months_between_arrays

Z95 = 1.959963984540054


def wilson(successes: float, n: float, z: float = Z95) -> tuple[float, float, float]:
    """Share and Wilson interval (NaN when ``n`` is 0)."""
    if n <= 0:
        return np.nan, np.nan, np.nan
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return p, centre - half, centre + half


def _share_row(label: str, hits: np.ndarray, known: np.ndarray) -> dict[str, float | str]:
    p, lo, hi = wilson(float(hits[known].sum()), float(known.sum()))
    return {"group": label, "exits": int(known.sum()), "share": p, "lower": lo, "upper": hi}


def durability_table(ended: pd.DataFrame, instruments: Sequence[str]) -> pd.DataFrame:
    """Per instrument (spell ended during or after it) and overall: durable 12 and 24 months
    and back within 12 months, with intervals. ``ended``: :func:`.panel.ended_spells`."""
    back = ended["returned_in"].to_numpy()
    followed = ended["followed"].to_numpy()
    rows = []
    groups = [("alle uitstroom", np.ones(len(ended), dtype=bool))]
    for code in instruments:
        flag = (ended[f"ended_in:{code}"] > 0) | (ended[f"ended_after:{code}"] > 0)
        groups.append((code, flag.to_numpy()))
    for label, who in groups:
        out: dict[str, float | str] = {"group": label}
        for months, name in ((12, "durable_12"), (24, "durable_24")):
            came_back = (back > 0) & (back <= months)
            known = who & (came_back | (followed >= months))
            row = _share_row(label, ~came_back, known)
            out[f"{name}_exits"] = row["exits"]
            out[name], out[f"{name}_lower"], out[f"{name}_upper"] = (
                row["share"],
                row["lower"],
                row["upper"],
            )
        out["back_12"] = 1.0 - float(out["durable_12"])
        out["back_12_lower"] = 1.0 - float(out["durable_12_upper"])
        out["back_12_upper"] = 1.0 - float(out["durable_12_lower"])
        rows.append(out)
    return pd.DataFrame(rows)


def repeat_inflow(spells: pd.DataFrame) -> tuple[float, float, float, int]:
    """CBS herhaalde instroom: share of inflows with a previous spell that ended less than
    12 months before the start (share, 95% interval, number of inflows with a known past)."""
    sp = spells.sort_values(["client_id", "start_date"], kind="stable")
    prev_end = sp.groupby("client_id", sort=False)["end_date"].shift(1)
    has_prev = prev_end.notna().to_numpy()
    gap = np.full(len(sp), 10**6)
    gap[has_prev] = months_between_arrays(
        pd.DatetimeIndex(prev_end[has_prev]), pd.DatetimeIndex(sp["start_date"][has_prev])
    )
    first = pd.Timestamp(sp["start_date"].min()) + pd.DateOffset(months=12)
    known = (sp["start_date"] >= first).to_numpy()  # 12 months of history before the inflow
    p, lo, hi = wilson(float((gap[known] < 12).sum()), float(known.sum()))
    return p, lo, hi, int(known.sum())
