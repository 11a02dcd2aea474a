"""The report's statistics on crafted data: Kaplan-Meier, AUC, C-index, group accuracy, fairness."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from sklearn.metrics import roc_auc_score

from rendement.report import (
    calibration,
    cumulative_dynamic_auc,
    fairness_check,
    group_accuracy,
    harrell_c,
    kaplan_meier,
)
from rendement.report.fairness import ALL
from rendement.report.km import censoring_survival


def _censored_sample(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Monthly durations with independent censoring; ``risk`` drives the outflow hazard."""
    rng = np.random.default_rng(seed)
    risk = rng.normal(size=n)
    hazard = 1 - np.exp(-np.exp(-2.5 + 0.8 * risk))
    duration = rng.geometric(hazard)
    censor = rng.integers(0, 30, size=n)
    time = np.minimum(duration, censor)
    left = duration <= censor
    return time, left, risk, duration


def test_kaplan_meier_matches_lifelines() -> None:
    time, left, _, _ = _censored_sample(800, seed=1)
    ours = kaplan_meier(time, left, [1, 3, 6, 12, 18])
    kmf = KaplanMeierFitter().fit(time, left)
    for h in (1, 3, 6, 12, 18):
        s = float(kmf.survival_function_at_times(h).iloc[0])
        assert ours.loc[h, "observed"] == pytest.approx(1 - s, abs=1e-12)
        ci = kmf.confidence_interval_survival_function_
        row = ci[ci.index <= h].iloc[-1]
        assert ours.loc[h, "upper"] == pytest.approx(1 - row.iloc[0], abs=1e-9)
        assert ours.loc[h, "lower"] == pytest.approx(1 - row.iloc[1], abs=1e-9)


def test_kaplan_meier_greenwood_and_unreachable_horizon() -> None:
    # 10 clients, 2 leave in month 1, 1 censored at 1, 7 followed to 2 of whom 1 leaves.
    time = np.array([1, 1, 1, 2, 2, 2, 2, 2, 2, 2])
    left = np.array([1, 1, 0, 1, 0, 0, 0, 0, 0, 0], dtype=bool)
    km = kaplan_meier(time, left, [1, 2, 3])
    s1, s2 = 0.8, 0.8 * (6 / 7)
    assert km.loc[1, "observed"] == pytest.approx(1 - s1)
    assert km.loc[2, "observed"] == pytest.approx(1 - s2)
    var = s2**2 * (2 / (10 * 8) + 1 / (7 * 6))
    assert km.loc[2, "se"] == pytest.approx(np.sqrt(var))
    assert km.loc[2, "at_risk"] == 7
    assert np.isnan(km.loc[3, "observed"])  # nobody followed into month 3


def test_auc_without_censoring_is_the_ordinary_roc_auc() -> None:
    rng = np.random.default_rng(3)
    risk = rng.normal(size=500)
    time = rng.geometric(1 - np.exp(-np.exp(-2 + risk)))
    for h in (3, 6, 12):
        auc, cases, controls = cumulative_dynamic_auc(time, np.ones(500, bool), risk, h)
        assert auc == pytest.approx(roc_auc_score(time <= h, risk), abs=1e-12)
        assert cases == (time <= h).sum() and controls == (time > h).sum()


def test_auc_weights_cases_by_inverse_censoring_chance() -> None:
    time, left, risk, _ = _censored_sample(60, seed=4)
    h = 8
    g = censoring_survival(time, left, h)
    num = den = 0.0
    for i in np.flatnonzero(left & (time <= h)):
        w = 1 / g[time[i] - 1]
        for j in np.flatnonzero((time > h) | ((time == h) & ~left)):
            num += w * (1.0 if risk[i] > risk[j] else 0.5 if risk[i] == risk[j] else 0.0)
            den += w
    auc, _, _ = cumulative_dynamic_auc(time, left, risk, h)
    assert auc == pytest.approx(num / den, abs=1e-12)


def test_ipcw_auc_recovers_the_uncensored_auc() -> None:
    time, left, risk, duration = _censored_sample(20_000, seed=5)
    truth = roc_auc_score(duration <= 12, risk)
    auc, _, _ = cumulative_dynamic_auc(time, left, risk, 12)
    assert auc == pytest.approx(truth, abs=0.015)
    # A score unrelated to outflow is no better than chance.
    noise = np.random.default_rng(6).normal(size=len(time))
    assert cumulative_dynamic_auc(time, left, noise, 12)[0] == pytest.approx(0.5, abs=0.02)


def test_harrell_c_rewards_the_right_order() -> None:
    time = np.array([1, 2, 3, 4, 5, 6])
    left = np.ones(6, dtype=bool)
    assert harrell_c(time, left, time.astype(float)) == 1.0
    assert harrell_c(time, left, -time.astype(float)) == 0.0


def _clients(rows: list[tuple[str, str, int, float, int, bool, int]]) -> pd.DataFrame:
    """(gender, age_band, group, p12, followed_months, left, count) blocks, no censoring by instruments."""
    parts = []
    for gender, band, group, p12, followed, left, count in rows:
        parts.append(
            pd.DataFrame(
                {
                    "gender": [gender] * count,
                    "age_band": [band] * count,
                    "outflow_group": [group] * count,
                    "p_outflow_6m": [p12 / 2] * count,
                    "p_outflow_12m": [p12] * count,
                    "p_outflow_18m": [min(1.0, 1.4 * p12)] * count,
                    "expected_remaining_months": [10.0] * count,
                    "followed_months": [followed] * count,
                    "left": [left] * count,
                    "censored_by": ["" if left else "window end"] * count,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def test_fairness_ratios_on_a_crafted_case() -> None:
    # Men: 100 clients, 50 in group 3 of whom 10 leave within 12 months; 40 others leave too.
    # Women: 100 clients, 50 in group 3 of whom 26 leave; predicted chance 0.3 for everyone.
    clients = _clients(
        [
            ("M", "27-34", 3, 0.3, 5, True, 10),
            ("M", "27-34", 3, 0.3, 12, False, 40),
            ("M", "27-34", 2, 0.3, 8, True, 30),
            ("M", "27-34", 2, 0.3, 12, False, 20),
            ("V", "27-34", 3, 0.3, 5, True, 26),
            ("V", "27-34", 3, 0.3, 12, False, 24),
            ("V", "27-34", 2, 0.3, 8, True, 30),
            ("V", "27-34", 2, 0.3, 12, False, 20),
        ]
    )
    check = fairness_check(clients, "gender", horizon=12, false3_horizon=12, threshold=1.25)
    t = check.table
    assert t.loc["M", "clients"] == 100 and t.loc["M", "group3_clients"] == 50
    assert t.loc["M", "share_group_3"] == pytest.approx(0.5)
    assert t.loc["M", "false_group3_rate"] == pytest.approx(10 / 50)
    assert t.loc["V", "false_group3_rate"] == pytest.approx(26 / 50)
    assert t.loc[ALL, "false_group3_rate"] == pytest.approx(36 / 100)
    assert t.loc["V", "ratio_false_group3"] == pytest.approx((26 / 50) / (36 / 100))
    assert t.loc["V", "false_group3_rate"] / t.loc["M", "false_group3_rate"] == pytest.approx(2.6)
    assert t.loc["M", "observed"] == pytest.approx(40 / 100)
    assert t.loc["M", "calibration"] == pytest.approx(0.4 / 0.3)
    assert t.loc["V", "calibration"] == pytest.approx(0.56 / 0.3)
    assert t.loc["V", "ratio_calibration"] == pytest.approx(0.56 / 0.48)
    assert t.loc["M", "ratio_group3_share"] == pytest.approx(1.0)
    # M: 0.2 / 0.36 = 0.56x and V: 1.44x of the overall false group-3 rate are both flagged.
    assert any("gender V: false group-3 rate is 1.44x" in w for w in check.warnings)
    assert any("gender M: false group-3 rate is 0.56x" in w for w in check.warnings)
    assert check.max_ratio("ratio_false_group3") == pytest.approx(0.36 / 0.2)
    # Calibration ratios (0.83x and 1.17x) stay within 1.25: no calibration warning.
    assert not any("observed/predicted" in w for w in check.warnings)


def test_fairness_leaves_small_groups_out_of_the_warnings() -> None:
    clients = _clients(
        [
            ("M", "27-34", 3, 0.3, 12, False, 80),
            ("M", "27-34", 3, 0.3, 5, True, 20),
            ("V", "27-34", 3, 0.3, 12, False, 80),
            ("V", "27-34", 3, 0.3, 5, True, 20),
            ("X", "27-34", 3, 0.3, 2, True, 5),
        ]
    )
    check = fairness_check(clients, "gender", horizon=12, false3_horizon=12)
    assert check.table.loc["X", "false_group3_rate"] == pytest.approx(1.0)
    assert check.table.loc["X", "ratio_false_group3"] == pytest.approx(1 / (45 / 205))
    assert not any("gender X" in w for w in check.warnings)
    assert check.max_ratio("ratio_false_group3") == pytest.approx((45 / 205) / 0.2)


def test_group_accuracy_exact_with_18_months_and_bounds_with_12() -> None:
    clients = _clients(
        [
            ("M", "27-34", 1, 0.6, 3, True, 30),  # group 1, right
            ("M", "27-34", 1, 0.6, 10, True, 10),  # group 1, left later: wrong
            ("M", "27-34", 2, 0.4, 9, True, 20),  # group 2, right
            ("M", "27-34", 2, 0.4, 24, False, 20),  # group 2, stayed: wrong
            ("M", "27-34", 3, 0.1, 24, False, 35),  # group 3, right
            ("M", "27-34", 3, 0.1, 14, True, 5),  # group 3, left in month 14: wrong
        ]
    )
    full = group_accuracy(clients, 24)
    assert full.table.loc[1, "share_right"] == pytest.approx(30 / 40)
    assert full.table.loc[2, "share_right"] == pytest.approx(20 / 40)
    assert full.table.loc[3, "share_right"] == pytest.approx(35 / 40)
    assert full.overall == pytest.approx(85 / 120)
    assert full.boundary_6m == pytest.approx((30 + 80) / 120)
    assert full.boundary_18m == pytest.approx((30 + 10 + 20 + 35) / 120)
    # The same clients seen for 12 months only: the 18-month boundary is not observed.
    short = clients.assign(
        left=clients["left"] & (clients["followed_months"] <= 12),
        followed_months=clients["followed_months"].clip(upper=12),
    )
    part = group_accuracy(short, 12)
    assert part.table.loc[1, "share_right"] == pytest.approx(30 / 40)
    assert np.isnan(part.table.loc[3, "share_right"])
    assert part.table.loc[3, "share_right_at_most"] == pytest.approx(1.0)  # nobody left by 12
    assert part.table.loc[2, "share_right_at_least"] == pytest.approx(20 / 40)
    assert part.overall_at_least <= full.overall <= part.overall_at_most
    assert np.isnan(part.overall) and np.isnan(part.boundary_18m)
    assert part.boundary_6m == pytest.approx(full.boundary_6m)
    assert "cannot be observed" in part.note


def test_calibration_table_compares_means_with_kaplan_meier() -> None:
    clients = _clients(
        [
            ("M", "27-34", 3, 0.2, 5, True, 20),
            ("M", "27-34", 3, 0.2, 12, False, 80),
            ("V", "27-34", 2, 0.6, 5, True, 60),
            ("V", "27-34", 2, 0.6, 12, False, 40),
        ]
    )
    cal = calibration(clients, 12, n_bins=2)
    d = cal.by_decile.set_index(["decile", "horizon"])
    assert d.loc[(1, 12), "predicted"] == pytest.approx(0.2)
    assert d.loc[(1, 12), "observed"] == pytest.approx(0.2)
    assert d.loc[(2, 12), "observed"] == pytest.approx(0.6)
    assert d.loc[(2, 6), "predicted"] == pytest.approx(0.3)
    assert d.loc[(2, 6), "z"] > 5  # observed 0.6 against predicted 0.3 within 6 months
    assert cal.decile_test.loc[12, "chi2"] == pytest.approx(0.0, abs=1e-12)
    assert cal.decile_test.loc[6, "p_value"] < 1e-6
