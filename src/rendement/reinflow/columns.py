"""The columns of the total return in ``ranking.csv`` and ``returns.csv`` (contract extended).

``ranking.csv``: ``expected_benefit_months`` (months on benefit over the horizon, returns
included; with ``_lower``/``_upper``) and ``returns_basis``; ``returns.csv``:
``benefit_months_saved`` and ``net_return_total_eur`` (with ``_lower``/``_upper``) and
``returns_basis``. Without a re-inflow model the total columns are empty and the
basis is ``spell``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rendement.reinflow.scoring import TotalScores


def add_total_columns(
    ranking: pd.DataFrame,
    returns: pd.DataFrame,
    ids: np.ndarray,
    codes: list[str],
    totals: TotalScores | None,
    net_total: np.ndarray | None,
    bounds: dict[str, np.ndarray],
    basis: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two tables with the total columns added (rows matched by client and instrument)."""
    ranking, returns = ranking.copy(), returns.copy()
    position = pd.Series(np.arange(len(ids)), index=pd.Index(ids.astype(str)))
    r_rank = position.reindex(ranking["client_id"].astype(str).to_numpy()).to_numpy()
    r_ret = position.reindex(returns["client_id"].astype(str).to_numpy()).to_numpy()
    col = {c: j for j, c in enumerate(codes)}
    j_ret = np.array([col[c] for c in returns["instrument"]], dtype=np.int64)
    nan_n = np.full(len(ranking), np.nan)
    nan_r = np.full(len(returns), np.nan)
    if totals is None or net_total is None:
        ranking["expected_benefit_months"] = nan_n
        returns["benefit_months_saved"] = nan_r
        returns["net_return_total_eur"] = nan_r
    else:
        ranking["expected_benefit_months"] = totals.benefit[r_rank]
        returns["benefit_months_saved"] = totals.months_saved[r_ret, j_ret]
        returns["net_return_total_eur"] = net_total[r_ret, j_ret]
        if bounds:
            ranking["expected_benefit_months_lower"] = bounds["benefit_lower"][r_rank]
            ranking["expected_benefit_months_upper"] = bounds["benefit_upper"][r_rank]
            for name, key in (("benefit_months_saved", "saved"), ("net_return_total_eur", "net")):
                returns[f"{name}_lower"] = bounds[f"{key}_lower"][r_ret, j_ret]
                returns[f"{name}_upper"] = bounds[f"{key}_upper"][r_ret, j_ret]
    ranking["returns_basis"] = basis
    returns["returns_basis"] = basis
    return ranking, returns


def ranked_columns(returns: pd.DataFrame) -> tuple[str, str]:
    """Net return and months saved columns of ``returns`` that rank (its ``returns_basis``)."""
    if returns_basis(returns) == "total":
        return "net_return_total_eur", "benefit_months_saved"
    return "net_return_eur", "months_saved"


def returns_basis(returns: pd.DataFrame) -> str:
    """``total`` when ``returns`` ranks on the total return (and has its column), else ``spell``."""
    basis = returns["returns_basis"].iloc[0] if "returns_basis" in returns and len(returns) else ""
    if basis == "total" and "net_return_total_eur" in returns.columns:
        return "total"
    return "spell"
