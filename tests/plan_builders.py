"""Hand-built caseload scores for the plan and lists tests.

A score is what :func:`rendement.scoring.caseload.score_caseload` returns: a ranking
(one row per client) and returns (client x instrument, clients without a
running instrument). These builders write them down directly, so planning and
lists can be tested on exactly known numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class FakeScore:
    ranking: pd.DataFrame
    returns: pd.DataFrame
    model_version: str = "test-1"
    as_of: pd.Timestamp | None = pd.Timestamp("2026-01-01")
    warnings: list[str] = field(default_factory=list)
    model_kind: str = "estimated"


def catalogue(codes: Sequence[str], categories: Sequence[str | None] | None = None) -> pd.DataFrame:
    """A re-integration catalogue with the given codes (and categories)."""
    cats = list(categories) if categories is not None else [None] * len(codes)
    return pd.DataFrame(
        {
            "instrument": list(codes),
            "label": [f"instrument {c}" for c in codes],
            "meter": "reintegratie",
            "category": cats,
            "price": 1000.0,
            "duration_months": 3,
            "waiting_months": 1,
            "success_share": 0.0,
            "capacity": 10,
        }
    )


def score_from_matrix(
    net: np.ndarray,
    cost: np.ndarray | None = None,
    codes: Sequence[str] | None = None,
    *,
    months: Sequence[int] | None = None,
    groups: Sequence[int] | None = None,
    current: Sequence[str] | None = None,
    benefit: float = 1500.0,
    extra: dict[str, Sequence[Any]] | None = None,
    model_kind: str = "estimated",
) -> FakeScore:
    """A score whose returns are the ``(n, m)`` matrix ``net`` (and ``cost``).

    Clients are ``c000``, ``c001``, ...; ranking order = row order. ``months_saved``
    is chosen so that ``months_saved * benefit - cost == net``.
    """
    net = np.asarray(net, dtype=float)
    n, m = net.shape
    cost = np.full((n, m), 1000.0) if cost is None else np.asarray(cost, dtype=float)
    codes = list(codes) if codes is not None else [f"I{j}" for j in range(m)]
    ids = [f"c{i:03d}" for i in range(n)]
    months = list(months) if months is not None else [12] * n
    groups = list(groups) if groups is not None else [2] * n
    current = list(current) if current is not None else [""] * n
    p6 = np.where(np.asarray(groups) == 1, 0.6, 0.2)
    p18 = np.where(np.asarray(groups) == 3, 0.3, 0.7)
    best, best_value = [], []
    for i in range(n):
        if current[i]:
            best.append("")
            best_value.append(0.0)
        elif (net[i] > 0).any():
            j = int(np.argmax(net[i]))
            best.append(codes[j])
            best_value.append(float(net[i, j]))
        else:
            best.append("geen")
            best_value.append(0.0)
    ranking = pd.DataFrame(
        {
            "client_id": ids,
            "months_on_benefit": months,
            "p_outflow_6m": p6,
            "p_outflow_18m": p18,
            "expected_remaining_months": 20.0,
            "outflow_group": groups,
            "rank": np.arange(1, n + 1),
            "current_instrument": current,
            "best_instrument": best,
            "best_net_return_eur": best_value,
            "monthly_benefit": benefit,
            "model_kind": model_kind,
        }
    )
    for name, values in (extra or {}).items():
        ranking[name] = list(values)
    free = [i for i in range(n) if not current[i]]
    rows = [(i, j) for i in free for j in range(m)]
    returns = pd.DataFrame(
        {
            "client_id": [ids[i] for i, _ in rows],
            "instrument": [codes[j] for _, j in rows],
            "expected_remaining_months_with": 18.0,
            "months_saved": [(net[i, j] + cost[i, j]) / benefit for i, j in rows],
            "expected_cost_eur": [cost[i, j] for i, j in rows],
            "net_return_eur": [net[i, j] for i, j in rows],
        }
    )
    return FakeScore(ranking, returns, model_kind=model_kind)


def capacity(places: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame({"instrument": list(places), "places": list(places.values())})
