"""The verdict's fairness line: red only for a disparity beyond chance over all the groups it
tests at once (Bonferroni), checked on hold-outs drawn from predictions that are exactly right."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rendement.report.fairness_bootstrap import (
    calibration_ratio_intervals,
    simultaneous_ratio_intervals,
)
from rendement.report.verdict import fairness_verdict

SIZES = {"18-26": 65, "27-34": 130, "35-44": 200, "45-54": 200, "55+": 210}  # a town's hold-out


def _calibrated_holdout(rng: np.random.Generator) -> pd.DataFrame:
    """Clients whose chance of leaving within 12 months is exactly the predicted one."""
    age = np.repeat(list(SIZES), list(SIZES.values()))
    n = len(age)
    p = rng.uniform(0.02, 0.4, n)
    months = np.where(rng.random(n) < p, rng.integers(1, 13, n), 12)
    return pd.DataFrame(
        {
            "age_band": age,
            "gender": rng.choice(["M", "V"], n),
            "p_outflow_12m": p,
            "followed_months": months,
            "left": months < 12,
        }
    )


def _red(intervals: list) -> bool:
    return fairness_verdict(intervals, 1.25, "en").colour == "red"


def test_a_right_model_is_rarely_red_however_many_groups_are_tested() -> None:
    rng = np.random.default_rng(3)
    plain = joint = 0
    runs = 40
    for _ in range(runs):
        clients = _calibrated_holdout(rng)
        per_group = [
            r
            for a in ("gender", "age_band")
            for r in calibration_ratio_intervals(clients, a, 12, n_boot=300)
        ]
        plain += _red(per_group)
        joint += _red(simultaneous_ratio_intervals(clients, ("gender", "age_band"), 12, n_boot=400))
    # per-group 95% intervals over 7 groups: a right model turns red far more often than 5%
    assert plain >= 4
    assert joint <= 3 and joint < plain


def test_a_real_disparity_still_turns_red() -> None:
    rng = np.random.default_rng(4)
    clients = _calibrated_holdout(rng)
    old = clients["age_band"] == "55+"
    # the model predicts half the outflow of the oldest clients
    clients.loc[old, "p_outflow_12m"] /= 2
    intervals = simultaneous_ratio_intervals(clients, ("gender", "age_band"), 12, n_boot=400)
    verdict = fairness_verdict(intervals, 1.25, "nl", {"age_band"})
    assert verdict.colour == "red" and "55+" in verdict.text
    assert "kenmerk van het model" in verdict.text  # age is a feature: a misfit, said so
