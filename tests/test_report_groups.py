"""Accuracy of the outflow groups on "leaves within 6 months" is known as soon as the window
shows 6 months, also when the handful predicted in group 1 were all censored early (the demo:
3 clients in group 1, each starting a new instrument before month 6)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rendement.report.evaluation import group_accuracy


def test_a_tiny_censored_group_1_does_not_hide_the_6_month_accuracy() -> None:
    rng = np.random.default_rng(1)
    n = 400
    left = rng.random(n) < 0.2
    clients = pd.DataFrame(
        {
            "outflow_group": [1, 1, 1] + [3] * n,
            "followed_months": [2, 5, 5] + list(np.where(left, 4, 12)),
            "left": [False, False, False] + list(left),
            "censored_by": ["new instrument"] * 3 + [""] * n,
        }
    )
    acc = group_accuracy(clients, 12)
    assert np.isfinite(acc.boundary_6m)
    # the rest (group 3, predicted not to leave within 6 months) is right when it stayed
    assert acc.boundary_6m == pytest.approx(1 - left.mean())
