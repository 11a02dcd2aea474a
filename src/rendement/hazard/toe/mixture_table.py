"""The estimated mixture as a table, and the test of selection on unobservables."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from rendement.hazard.toe.likelihood import MixtureLikelihood, MixtureParams


def mass_point_table(
    v_o: np.ndarray, v_e: np.ndarray, logits: np.ndarray, cov: pd.DataFrame, lik: MixtureLikelihood
) -> pd.DataFrame:
    K = len(v_o)
    p = np.exp(logits - logits.max())
    p /= p.sum()
    se_o = np.full(K, np.nan)
    se_e = np.full(K, np.nan)
    se_p = np.full(K, np.nan)
    if K > 1:
        ks = range(2, K + 1)
        names_o = [f"mixture:v_outflow[{k}]" for k in ks]
        se_o[1:] = np.sqrt(np.diag(cov.loc[names_o, names_o].to_numpy()))
        if lik.has_entry:
            names_e = [f"mixture:v_entry[{k}]" for k in ks]
            se_e[1:] = np.sqrt(np.diag(cov.loc[names_e, names_e].to_numpy()))
        names_a = [f"mixture:logit[{k}]" for k in ks]
        ca = cov.loc[names_a, names_a].to_numpy()
        jac = np.diag(p)[:, 1:] - np.outer(p, p[1:])  # dp_k / da_j, j >= 2
        se_p = np.sqrt(np.clip(np.diag(jac @ ca @ jac.T), 0.0, None))
    return pd.DataFrame(
        {
            "v_outflow": v_o,
            "v_outflow_se": se_o,
            "v_entry": v_e if lik.has_entry else np.zeros(K),
            "v_entry_se": se_e,
            "probability": p,
            "probability_se": se_p,
        },
        index=pd.RangeIndex(1, K + 1, name="point"),
    )


def channel_columns(
    table: pd.DataFrame, params: MixtureParams, cov: pd.DataFrame, lik: MixtureLikelihood
) -> pd.DataFrame:
    """The mass-point table with, per entry channel after the first, the type's offset
    (``offset:<instrument>``: its entry location there is ``v_entry`` plus the offset)."""
    channels = lik.data.entry_channels
    if not lik.has_entry or len(channels) < 2:
        return table
    out = table.copy()
    K = lik.n_points
    for c, code in enumerate(channels[1:]):
        names = [f"mixture:v_entry:{code}[{k}]" for k in range(2, K + 1)]
        se = np.full(K, np.nan)
        if K > 1:
            se[1:] = np.sqrt(np.clip(np.diag(cov.loc[names, names].to_numpy()), 0.0, None))
        out[f"offset:{code}"] = params.channel_offsets[c]
        out[f"offset:{code}_se"] = se
    return out


def selection_test(
    lik: MixtureLikelihood, theta: np.ndarray, cov: np.ndarray
) -> dict[str, float] | None:
    """Wald test that the entry locations (and the channels' offsets) are all 0: no
    selection on unobservables."""
    K = lik.n_points
    if K < 2 or not lik.has_entry:
        return None
    names = lik.param_names()
    idx = [i for i, n in enumerate(names) if n.startswith("mixture:v_entry")]
    v = theta[idx]
    c = cov[np.ix_(idx, idx)]
    try:
        chi2 = float(v @ np.linalg.solve(c, v))
    except np.linalg.LinAlgError:
        return None
    df = len(idx)
    return {"chi2": chi2, "df": float(df), "p": float(stats.chi2.sf(chi2, df))}
