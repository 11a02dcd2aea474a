"""The caseload score as labelled tables: ``ranking``, ``returns`` and survival ``paths``.

Data-contract columns come first, in contract order (``docs/data-contract.md``,
"Outputs of rendement score"), then the extras. Protected attributes are
never copied into an output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rendement.scoring.paths import PointScores, ScoringTask
from rendement.scoring.returns import NO_INSTRUMENT
from rendement.scoring.survival import outflow_group

RANKING_COLUMNS = (
    "client_id",
    "months_on_benefit",
    "p_outflow_6m",
    "p_outflow_18m",
    "expected_remaining_months",
    "outflow_group",
    "rank",
    "current_instrument",
    "best_instrument",
    "best_net_return_eur",
)
RETURNS_COLUMNS = (
    "client_id",
    "instrument",
    "expected_remaining_months_with",
    "months_saved",
    "expected_cost_eur",
    "net_return_eur",
)
PATHS_COLUMNS = ("client_id", "instrument", "month", "months_on_benefit", "survival")

#: Client columns copied into the ranking for lists and reports (never protected attributes).
RANKING_CLIENT_EXTRAS = ("district", "caseworker_id", "monthly_benefit")


def rank_order(
    ids: np.ndarray, p6: np.ndarray, p18: np.ndarray, remaining: np.ndarray
) -> np.ndarray:
    """Row order by rank: ``p_outflow_6m`` desc, ``p_outflow_18m`` desc, remaining months asc,
    ``client_id``. Keys are rounded (12 decimals for chances, 9 for months) so that clients
    with equal scores tie exactly, whatever the floating-point noise."""
    _, id_key = np.unique(ids.astype(str), return_inverse=True)
    return np.lexsort((id_key, np.round(remaining, 9), -np.round(p18, 12), -np.round(p6, 12)))


def ranking_table(
    frame: pd.DataFrame,
    task: ScoringTask,
    point: PointScores,
    current: np.ndarray,
    best: np.ndarray,
    best_value: np.ndarray,
    bounds: dict[str, np.ndarray],
    version: str,
) -> pd.DataFrame:
    """One row per client, in rank order."""
    n = task.n
    codes = [s.code for s in task.scenarios]
    ids = frame["client_id"].astype(str).to_numpy(dtype=object)
    order = rank_order(ids, point.p6, point.p18, point.remaining)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(1, n + 1)
    col = {c: j for j, c in enumerate(codes)}
    best_j = np.array([col.get(b, -1) for b in best], dtype=np.int64)
    has_best = best_j >= 0
    rows = np.arange(n)

    def of_best(values: np.ndarray) -> np.ndarray:
        out = np.full(n, np.nan)
        out[has_best] = values[rows[has_best], best_j[has_best]]
        return out

    data: dict[str, object] = {
        "client_id": ids,
        "months_on_benefit": task.states.months_on_benefit,
        "p_outflow_6m": point.p6,
        "p_outflow_18m": point.p18,
        "expected_remaining_months": point.remaining,
        "outflow_group": outflow_group(point.p6, point.p18, task.model.spec.group_cutoffs),
        "rank": rank,
        "current_instrument": current,
        "best_instrument": best,
        "best_net_return_eur": best_value,
    }
    for c in RANKING_CLIENT_EXTRAS:
        if c in frame.columns:
            data[c] = frame[c].to_numpy()
    data["p_outflow_12m"] = point.p12
    data["best_months_saved"] = of_best(point.months_saved)
    data["p_success"] = of_best(point.p_success)
    data["model_kind"] = task.model.kind
    data["model_version"] = version
    if bounds:
        data["expected_remaining_months_lower"] = bounds["remaining_lower"]
        data["expected_remaining_months_upper"] = bounds["remaining_upper"]
        data["best_net_return_eur_lower"] = of_best(bounds["net_lower"])
        data["best_net_return_eur_upper"] = of_best(bounds["net_upper"])
    return pd.DataFrame(data).iloc[order].reset_index(drop=True)


def returns_table(
    frame: pd.DataFrame,
    ranking: pd.DataFrame,
    task: ScoringTask,
    point: PointScores,
    bounds: dict[str, np.ndarray],
) -> pd.DataFrame:
    """One row per (client without a running instrument, scored instrument), in rank order."""
    codes = [s.code for s in task.scenarios]
    ids = frame["client_id"].astype(str).to_numpy(dtype=object)
    position = pd.Series(np.arange(len(ids)), index=ids)
    order = position.reindex(ranking["client_id"].to_numpy()).to_numpy()
    rows = order[~task.running[order]]
    n_c = len(codes)
    r = np.repeat(rows, n_c)
    j = np.tile(np.arange(n_c), len(rows))
    cost = point.cost(task)
    data: dict[str, object] = {
        "client_id": ids[r],
        "instrument": np.asarray(codes, dtype=object)[j] if n_c else np.empty(0, dtype=object),
        "expected_remaining_months_with": point.remaining_with[r, j],
        "months_saved": point.months_saved[r, j],
        "expected_cost_eur": cost[r, j],
        "net_return_eur": point.net(task)[r, j],
    }
    if bounds:
        data["months_saved_lower"] = bounds["saved_lower"][r, j]
        data["months_saved_upper"] = bounds["saved_upper"][r, j]
        data["net_return_eur_lower"] = bounds["net_lower"][r, j]
        data["net_return_eur_upper"] = bounds["net_upper"][r, j]
    data["p_success"] = point.p_success[r, j]
    data["monthly_benefit"] = task.benefit[r]
    if task.factors is not None:
        data["months_saved_discounted"] = point.saved_value_months[r, j]
    return pd.DataFrame(data)


def paths_table(frame: pd.DataFrame, task: ScoringTask, point: PointScores) -> pd.DataFrame:
    """Long table of survival paths: without (``geen``) and with each instrument, months 1..H."""
    h = task.horizon
    month = np.arange(1, h + 1)
    ids_all = frame["client_id"].astype(str).to_numpy(dtype=object)
    d_all = task.states.months_on_benefit
    parts: list[pd.DataFrame] = []
    for rows, s0, s_with in point.paths:
        ids, d, running = ids_all[rows], d_all[rows], task.running[rows]
        parts.append(_long(ids, d, NO_INSTRUMENT, month, s0))
        for j, sc in enumerate(task.scenarios):
            parts.append(_long(ids[~running], d[~running], sc.code, month, s_with[:, j, :]))
    if not parts:
        return pd.DataFrame(
            {
                "client_id": pd.Series([], dtype=object),
                "instrument": pd.Series([], dtype=object),
                "month": pd.Series([], dtype=np.int64),
                "months_on_benefit": pd.Series([], dtype=np.int64),
                "survival": pd.Series([], dtype=float),
            }
        )
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["client_id", "instrument", "month"], kind="stable").reset_index(
        drop=True
    )


def _long(
    ids: np.ndarray, d: np.ndarray, code: str, month: np.ndarray, survival: np.ndarray
) -> pd.DataFrame:
    h = len(month)
    return pd.DataFrame(
        {
            "client_id": np.repeat(ids, h),
            "instrument": code,
            "month": np.tile(month, len(ids)),
            "months_on_benefit": (d[:, None] + month[None, :]).ravel(),
            "survival": survival.ravel(),
        }
    )


def rounded_for_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """Readable CSV numbers: chances 6 decimals, months 4, euros 2."""
    out = frame.copy()
    for c in out.columns:
        if not pd.api.types.is_float_dtype(out[c]):
            continue
        if c.startswith("p_"):
            out[c] = out[c].round(6)
        elif "eur" in c:
            out[c] = out[c].round(2)
        elif "months" in c:
            out[c] = out[c].round(4)
    return out
