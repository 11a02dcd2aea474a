"""A challenger model (*uitdager*): how much accuracy does the interpretable model give up?

scikit-learn's gradient boosting (``HistGradientBoostingClassifier``) learns the
monthly chance of leaving benefit from the same person-month records and the
same features as the hazard model (the client terms of the specification,
the elapsed month and the instrument states ``in:X``/``after:X``), on the
data up to the hold-out cut-off only. The caseload at the cut-off is then
scored month by month (the current state kept, as the model's path without
a new instrument; paths stop at the pension date) and judged on the same
hold-out sample with the same measures: Harrell's C of the expected remaining
months and the time-dependent AUC of the chance of leaving within ``h`` months.

No interactions are forced or forbidden: the boosted trees may find any, which
is what makes the comparison informative. Rows are subsampled to at most
:data:`MAX_ROWS` (seeded) to keep the report fast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.model.hazard_model import HazardModel
from rendement.model.spec import client_design
from rendement.pension import months_to_pension_of
from rendement.pension.cap import capped_columns, capped_restricted_mean, hold_at_pension
from rendement.report.discrimination import cumulative_dynamic_auc, harrell_c

#: Person-months the challenger learns from at most (a seeded subsample above it).
MAX_ROWS = 150_000
HORIZON = 60


@dataclass(frozen=True)
class ChallengerResult:
    """The challenger's discrimination on the hold-out, next to the model's."""

    c_index: float
    auc: dict[int, float]
    rows_used: int
    features: int


def _features(spec_codes: list[str], design: np.ndarray, month: np.ndarray, flags: np.ndarray):
    return np.column_stack([design, month.astype(float), flags.astype(float)])


def fit_challenger(
    model: HazardModel,
    data: DataFolder,
    cutoff: pd.Timestamp,
    sample: pd.DataFrame,
    *,
    seed: int = 0,
) -> ChallengerResult:
    """Fit on data up to ``cutoff``, score the caseload there, judge on ``sample`` (hold-out rows)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    from rendement.panel import build_panel, caseload_state

    spec = model.spec
    codes = list(spec.instruments)
    panel = build_panel(data, until=cutoff, instruments=codes, events=spec.events)
    months = panel.months
    rng = np.random.default_rng(seed)
    rows = np.arange(len(months))
    if len(rows) > MAX_ROWS:
        rows = np.sort(rng.choice(rows, MAX_ROWS, replace=False))
    m = months.iloc[rows]
    design = client_design(spec, panel.spells).to_numpy()[m["spell_idx"].to_numpy()]
    flag_cols = [f"{p}:{c}" for c in codes for p in ("in", "after") if f"{p}:{c}" in m.columns]
    x = _features(codes, design, m["month"].to_numpy(), m[flag_cols].to_numpy())
    y = m["outflow"].to_numpy()
    clf = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.1, random_state=seed)
    clf.fit(x, y)

    caseload = caseload_state(data, cutoff, instruments=codes)
    caseload = caseload[caseload["client_id"].isin(sample["client_id"])].reset_index(drop=True)
    n = len(caseload)
    d = caseload["months_on_benefit"].to_numpy(dtype=np.int64)
    cdesign = client_design(spec, caseload).to_numpy()
    cflags = caseload[flag_cols].to_numpy(dtype=float) if flag_cols else np.zeros((n, 0))
    t = np.arange(HORIZON)
    month = (d[:, None] + 1 + t[None, :]).reshape(-1)
    xs = _features(
        codes, np.repeat(cdesign, HORIZON, axis=0), month, np.repeat(cflags, HORIZON, axis=0)
    )
    hazard = clf.predict_proba(xs)[:, 1].reshape(n, HORIZON) if n else np.zeros((0, HORIZON))
    surv = np.cumprod(1.0 - hazard, axis=1).T  # time-major (H, n)
    aow = months_to_pension_of(caseload)
    cols = capped_columns(aow, HORIZON)
    plain = 1.0 + surv[: HORIZON - 1].sum(axis=0)
    if aow is not None and cols.size:
        surv = hold_at_pension(surv, aow, cols)
        remaining = capped_restricted_mean(surv, HORIZON, aow, cols, plain)
    else:
        remaining = plain
    scored = pd.DataFrame({"client_id": caseload["client_id"], "remaining": remaining})
    for h in (6, 12, 18):
        scored[f"p{h}"] = 1.0 - surv[h - 1]
    merged = sample.merge(scored, on="client_id", how="inner")
    time = merged["followed_months"].to_numpy()
    left = merged["left"].to_numpy(dtype=bool)
    c = harrell_c(time, left, merged["remaining"].to_numpy())
    aucs = {
        h: cumulative_dynamic_auc(time, left, merged[f"p{h}"].to_numpy(), h)[0] for h in (6, 18)
    }
    return ChallengerResult(c, aucs, len(rows), x.shape[1])
