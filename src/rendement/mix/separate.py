"""Planning each meter on its own, for comparison with the plan over combinations.

:func:`separate_plans` plans each meter separately (the exact single-instrument plan
of :mod:`rendement.plan.optimize`, each meter with its own places; with a budget,
each meter gets the share its plan without a budget would spend) and values the
union of their assignments with the returns of the combination each client ends
up with; :func:`compare_with_separate` says how much planning the mix adds, in
euros, on the same clients and places.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rendement.mix.combos import JOIN
from rendement.mix.plan import MixPlan, places_of
from rendement.mix.score import MixScore
from rendement.plan.optimize import solve


def separate_plans(
    mix: MixScore, capacity: pd.DataFrame, *, budget: float | None = None
) -> pd.DataFrame:
    """Each meter planned on its own (single instruments, its own places), then put together.

    With a budget, each meter gets the share of it that its plan without a budget
    would spend. Returns the assignments (``client_id``, ``instruments`` = the
    union of the meters' picks joined with ``+``) valued with the combination's own
    returns (``net_return_eur``, ``months_saved``, ``expected_cost_eur``).
    """
    places = places_of(capacity)
    r = mix.returns
    singles = r[r["n_instruments"] == 1]
    clients = mix.clients.loc[~mix.clients["running"].to_numpy(), "client_id"].astype(str)
    picks: dict[str, list[str]] = {c: [] for c in clients}
    spends = {}
    per_meter = {}
    for meter in mix.meters:
        part = singles[singles["meters"] == meter]
        per_meter[meter] = part
        if budget is not None:
            spends[meter] = _meter_plan(part, places, None)[1]
    total_spend = sum(spends.values())
    for meter, part in per_meter.items():
        share = None
        if budget is not None:
            share = budget * (spends[meter] / total_spend if total_spend > 0 else 0.0)
        chosen, _ = _meter_plan(part, places, share)
        for cid, code in zip(chosen["client_id"], chosen["instruments"], strict=True):
            picks[str(cid)].append(str(code))
    union = pd.DataFrame(
        {
            "client_id": list(picks),
            "instruments": [JOIN.join(sorted(v)) for v in picks.values()],
        }
    )
    valued = union.merge(r, on=["client_id", "instruments"], how="left")
    for column in ("net_return_eur", "months_saved", "expected_cost_eur"):
        valued[column] = valued[column].fillna(0.0)
    return valued[
        ["client_id", "instruments", "net_return_eur", "months_saved", "expected_cost_eur"]
    ]


def _meter_plan(
    part: pd.DataFrame, places: dict[str, int], budget: float | None
) -> tuple[pd.DataFrame, float]:
    """The exact single-instrument plan of one meter: chosen rows and their spend."""
    codes = sorted(part["instruments"].unique())
    _, client_index = np.unique(part["client_id"].astype(str), return_inverse=True)
    instrument = pd.Index(codes).get_indexer(part["instruments"])
    cap = np.array([places.get(c, 0) for c in codes], dtype=np.int64)
    solution = solve(
        client_index,
        instrument,
        part["net_return_eur"].to_numpy(dtype=float),
        part["expected_cost_eur"].to_numpy(dtype=float),
        cap,
        budget,
    )
    chosen = part[solution.chosen]
    return chosen, float(chosen["expected_cost_eur"].sum())


def compare_with_separate(plan: MixPlan, separate: pd.DataFrame) -> pd.DataFrame:
    """The mix plan against the separate plans on the same clients and places (euros)."""
    rows = []
    for name, frame in (("mix", plan.assignments), ("separate", separate)):
        rows.append(
            {
                "method": name,
                "assigned": int((frame["instruments"] != "").sum()),
                "combinations": int(frame["instruments"].str.contains(JOIN, regex=False).sum()),
                "net_return_eur": float(frame["net_return_eur"].sum()),
                "months_saved": float(frame["months_saved"].sum()),
                "expected_cost_eur": float(frame["expected_cost_eur"].sum()),
            }
        )
    out = pd.DataFrame(rows)
    totals = out["net_return_eur"].to_numpy(dtype=float)
    out["mix_adds_eur"] = totals[0] - totals[1]
    return out


def value_with(assignments: pd.DataFrame, returns: pd.DataFrame) -> float:
    """Total net return of an assignment valued with other returns (e.g. the truth)."""
    picked = assignments[assignments["instruments"] != ""][["client_id", "instruments"]]
    merged = picked.merge(returns, on=["client_id", "instruments"], how="left")
    if merged["net_return_eur"].isna().any():
        raise ValueError("an assigned (client, combination) is not in the returns")
    return float(merged["net_return_eur"].sum())
