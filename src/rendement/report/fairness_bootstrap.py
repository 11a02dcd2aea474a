"""Bootstrap intervals of the fairness ratios (*bootstrap-intervallen*), for the verdict.

The calibration ratio of a group is its observed over predicted chance of
leaving within ``h`` months (Kaplan-Meier) divided by the same for all
clients. Resampling the hold-out clients with replacement (seeded) and
recomputing both gives a percentile interval that includes the sampling
error of the overall value too. The verdict flags a group only when its
interval excludes 1 (the disparity is then more than chance).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_CLIENTS = 30


def _km_within(time: np.ndarray, left: np.ndarray, h: int) -> float:
    """Kaplan-Meier P(left within ``h`` months), vectorised."""
    t = np.clip(time, 0, h + 1)
    ends = np.bincount(t, minlength=h + 2)
    at_risk = len(t) - np.cumsum(ends)[:h]
    events = np.bincount(t[left], minlength=h + 2)[1 : h + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(at_risk > 0, 1.0 - events / np.maximum(at_risk, 1), 1.0)
    return float(1.0 - np.prod(step))


def _ratio(time: np.ndarray, left: np.ndarray, pred: np.ndarray, mask: np.ndarray, h: int) -> float:
    if not mask.any():
        return float("nan")
    all_cal = _km_within(time, left, h) / max(pred.mean(), 1e-12)
    group_cal = _km_within(time[mask], left[mask], h) / max(pred[mask].mean(), 1e-12)
    return group_cal / all_cal if all_cal > 0 else float("nan")


@dataclass(frozen=True)
class RatioInterval:
    attribute: str
    level: str
    clients: int
    ratio: float
    lower: float
    upper: float

    @property
    def flagged(self) -> bool:
        """The interval excludes 1: more than chance."""
        return bool(np.isfinite(self.lower) and (self.lower > 1.0 or self.upper < 1.0))


def calibration_ratio_intervals(
    clients: pd.DataFrame,
    attribute: str,
    horizon: int,
    *,
    n_boot: int = 300,
    seed: int = 0,
    level: float = 0.95,
    min_clients: int = MIN_CLIENTS,
) -> list[RatioInterval]:
    """Per level of ``attribute`` (groups of at least ``min_clients``): ratio and bootstrap interval."""
    time = clients["followed_months"].to_numpy(dtype=np.int64)
    left = clients["left"].to_numpy(dtype=bool)
    pred = clients[f"p_outflow_{horizon}m"].to_numpy(dtype=float)
    raw = clients[attribute].astype(object).where(clients[attribute].notna(), "onbekend")
    values = raw.astype(str).to_numpy()
    rng = np.random.default_rng(seed)
    n = len(clients)
    draws = rng.integers(0, n, size=(n_boot, n)) if n else np.zeros((n_boot, 0), dtype=int)
    out = []
    for lvl in sorted(set(values)):
        mask = values == lvl
        if mask.sum() < min_clients:
            continue
        ratio = _ratio(time, left, pred, mask, horizon)
        boots = np.array(
            [_ratio(time[d], left[d], pred[d], mask[d], horizon) for d in draws], dtype=float
        )
        boots = boots[np.isfinite(boots)]
        a = (1 - level) / 2
        lo, hi = (
            (float(np.quantile(boots, a)), float(np.quantile(boots, 1 - a)))
            if len(boots) > 10
            else (float("nan"), float("nan"))
        )
        out.append(RatioInterval(attribute, str(lvl), int(mask.sum()), ratio, lo, hi))
    return out


def tested_groups(clients: pd.DataFrame, attributes: Sequence[str], min_clients: int) -> int:
    """How many groups (levels with at least ``min_clients`` clients) the attributes have."""
    count = 0
    for attribute in attributes:
        raw = clients[attribute].astype(object).where(clients[attribute].notna(), "onbekend")
        sizes = raw.astype(str).value_counts()
        count += int((sizes >= min_clients).sum())
    return count


def simultaneous_ratio_intervals(
    clients: pd.DataFrame,
    attributes: Sequence[str],
    horizon: int,
    *,
    family_level: float = 0.95,
    n_boot: int = 1000,
    seed: int = 0,
    min_clients: int = MIN_CLIENTS,
) -> list[RatioInterval]:
    """Intervals of every group of ``attributes`` that hold together with ``family_level``
    (Bonferroni: each at ``1 - (1 - family_level) / groups``), so that a model without any
    disparity gets a flag in at most 5% of hold-outs, however many groups are tested."""
    k = max(1, tested_groups(clients, attributes, min_clients))
    level = 1 - (1 - family_level) / k
    return [
        r
        for attribute in attributes
        for r in calibration_ratio_intervals(
            clients,
            attribute,
            horizon,
            n_boot=n_boot,
            seed=seed,
            level=level,
            min_clients=min_clients,
        )
    ]
