"""Months saved, no-cure-less-pay cost, net return, discounting and the best-instrument rules."""

from __future__ import annotations

import numpy as np
import pytest
from scoring_builders import caseload, cloglog, constant_model, remaining_by_hand, survival_by_hand

from rendement.scoring.caseload import score_clients
from rendement.scoring.returns import (
    best_instrument,
    discount_factors,
    discounted_months,
    expected_cost,
    net_return,
)

B = -2.0


def test_lock_in_only_loses_months_strong_after_effect_saves_them() -> None:
    instruments = [
        {"instrument": "LOCK", "price": 1000.0, "duration_months": 6, "waiting_months": 1},
        {"instrument": "HELP", "price": 1000.0, "duration_months": 3, "waiting_months": 1},
    ]
    effects = {"in:LOCK": -1.0, "after:LOCK": 0.0, "in:HELP": -0.3, "after:HELP": 1.0}
    model = constant_model(B, instruments, effects)
    s = score_clients(model, caseload(1, months=24, codes=["LOCK", "HELP"]))
    saved = s.returns.set_index("instrument")["months_saved"]
    assert saved["LOCK"] < 0 < saved["HELP"]
    r = s.ranking.iloc[0]
    np.testing.assert_allclose(
        s.returns["expected_remaining_months_with"] + s.returns["months_saved"],
        r["expected_remaining_months"],
    )


def test_no_cure_less_pay_cost_and_net_return() -> None:
    assert expected_cost(3000.0, 0.3, np.array([0.4]))[0] == pytest.approx(
        3000 * 0.7 + 3000 * 0.3 * 0.4
    )
    assert expected_cost(3000.0, 0.0, np.array([0.9]))[0] == 3000.0
    inst = {
        "instrument": "NC",
        "price": 4000.0,
        "duration_months": 4,
        "waiting_months": 2,
        "success_share": 0.25,
    }
    model = constant_model(B, [inst], {"in:NC": -0.5, "after:NC": 0.8})
    s = score_clients(model, caseload(1, months=10, benefit=1500.0, codes=["NC"]))
    row = s.returns.iloc[0]
    hazards = [cloglog(B)] * 2 + [cloglog(B - 0.5)] * 4 + [cloglog(B + 0.8)] * 60
    p_success = 1 - survival_by_hand(hazards)[2 + 4 + 3 - 1]
    cost = 4000 * 0.75 + 4000 * 0.25 * p_success
    saved = remaining_by_hand([cloglog(B)] * 60, 60) - remaining_by_hand(hazards, 60)
    assert row["expected_cost_eur"] == pytest.approx(cost, rel=1e-12)
    assert row["months_saved"] == pytest.approx(saved, rel=1e-10)
    assert row["net_return_eur"] == pytest.approx(saved * 1500 - cost, rel=1e-10)
    assert net_return(np.array([2.0]), np.array([1000.0]), np.array([500.0]))[0] == 1500.0


def test_discounting_weights_later_months_less() -> None:
    f = discount_factors(0.05, 24)
    assert f[0] == 1.0 and f[12] == pytest.approx(1 / 1.05)
    surv = np.array([[0.9, 0.8, 0.7]])
    assert discounted_months(surv, 3, np.ones(3))[0] == pytest.approx(1 + 0.9 + 0.8)
    inst = {"instrument": "X", "price": 1000.0, "duration_months": 2, "waiting_months": 0}
    model = constant_model(B, [inst], {"in:X": -0.2, "after:X": 0.6})
    frame = caseload(1, months=5, codes=["X"])
    plain = score_clients(model, frame).returns.iloc[0]
    disc = score_clients(model, frame, discount_rate=0.05).returns.iloc[0]
    assert disc["months_saved"] == pytest.approx(plain["months_saved"])  # contract column
    s0 = [1.0, *survival_by_hand([cloglog(B)] * 60)]
    sw = [1.0, *survival_by_hand([cloglog(B - 0.2)] * 2 + [cloglog(B + 0.6)] * 60)]
    want = sum((1.05 ** (-t / 12)) * (s0[t] - sw[t]) for t in range(60))
    assert disc["months_saved_discounted"] == pytest.approx(want, rel=1e-10)
    assert disc["net_return_eur"] == pytest.approx(want * 1300.0 - 1000.0, rel=1e-10)
    assert disc["net_return_eur"] < plain["net_return_eur"]
    with pytest.raises(ValueError):
        discount_factors(-1.5, 3)


def test_best_instrument_rules() -> None:
    net = np.array(
        [
            [100.0, 300.0, 300.0],  # tie: the first in catalogue order
            [-5.0, -1.0, 0.0],  # none positive: geen
            [50.0, 10.0, 0.0],
            [900.0, 0.0, 0.0],  # running: empty
        ]
    )
    running = np.array([False, False, False, True])
    best, value = best_instrument(net, ["A", "B", "C"], running)
    assert list(best) == ["B", "geen", "A", ""]
    np.testing.assert_array_equal(value, [300.0, 0.0, 50.0, 0.0])
    best0, value0 = best_instrument(np.zeros((2, 0)), [], np.array([False, True]))
    assert list(best0) == ["geen", ""] and list(value0) == [0.0, 0.0]


def test_best_instrument_in_ranking_follows_returns() -> None:
    instruments = [
        {"instrument": "CHEAP", "price": 100.0, "duration_months": 1, "waiting_months": 0},
        {"instrument": "DEAR", "price": 90000.0, "duration_months": 1, "waiting_months": 0},
    ]
    effects = {"in:CHEAP": 0.0, "after:CHEAP": 0.3, "in:DEAR": 0.0, "after:DEAR": 1.5}
    model = constant_model(B, instruments, effects)
    frame = caseload(3, months=12, benefit=[1300.0, 5.0, 1300.0], codes=["CHEAP", "DEAR"])
    frame.loc[2, ["current_instrument", "in:CHEAP", "remaining_in_months"]] = ["CHEAP", 1, 1]
    s = score_clients(model, frame).ranking.set_index("client_id")
    assert s.loc["K0000", "best_instrument"] == "CHEAP"  # DEAR saves more months, costs more
    assert s.loc["K0000", "best_net_return_eur"] > 0
    assert s.loc["K0001", "best_instrument"] == "geen"  # benefit too low to pay anything back
    assert s.loc["K0001", "best_net_return_eur"] == 0.0
    assert s.loc["K0002", "best_instrument"] == "" and s.loc["K0002", "best_net_return_eur"] == 0
