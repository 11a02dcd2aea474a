"""The instrument plan: reasons, the two rules it is compared with, totals and files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_builders import capacity, catalogue, score_from_matrix

from rendement.errors import CapacityFileError
from rendement.plan import PLAN_COLUMNS, evaluate_assignment, make_plan, write_plan
from rendement.plan.reasons import BEST, NO_POSITIVE_RETURN

CODES = ["A", "B", "D"]
CATS = ["1", "2a", "2b"]
BENEFIT = 1500.0


def crafted():
    """Four clients, one place each of A (cat 1), B (cat 2a), D (cat 2b); k4 runs an instrument.

    optimal: k0 -> B, k1 -> A, k2 -> D (2800 + 2900 + 400 = 6100)
    seed rule (group 1 -> A only, group 2 -> B/D): k0 -> A, k2 -> B (3000 + 1000 = 4000)
    first come (k3 60 months, k1 50, k2 30, k0 10): k3 -> D, k1 -> A, k2 -> B (4200)
    """
    net = np.array(
        [
            [3000.0, 2800.0, -1.0],  # k0, group 1, 10 months
            [2900.0, 100.0, -1.0],  # k1, group 1, 50 months
            [500.0, 1000.0, 400.0],  # k2, group 2, 30 months
            [100.0, 200.0, 300.0],  # k3, group 3, 60 months
            [9000.0, 9000.0, 9000.0],  # k4, running instrument: never planned
        ]
    )
    score = score_from_matrix(
        net,
        codes=CODES,
        groups=[1, 1, 2, 3, 2],
        months=[10, 50, 30, 60, 5],
        current=["", "", "", "", "B"],
        benefit=BENEFIT,
    )
    return score, catalogue(CODES, CATS), capacity({"A": 1, "B": 1, "D": 1})


def test_plan_rows_columns_and_reasons_on_a_crafted_case() -> None:
    score, cat, cap = crafted()
    plan = make_plan(score, cap, cat)
    a = plan.assignments
    assert list(a.columns[:4]) == list(PLAN_COLUMNS)
    assert a["client_id"].tolist() == ["c000", "c001", "c002", "c003"]  # k4 runs an instrument
    assert a["instrument"].tolist() == ["B", "A", "D", ""]
    assert a["net_return_eur"].tolist() == [2800.0, 2900.0, 400.0, 0.0]
    assert a["reason"].tolist() == [
        "geen plaats meer voor instrument A; tweede keus: instrument B",
        BEST,
        "geen plaats meer voor instrument B en instrument A; 3e keus: instrument D",
        "geen plaats meer voor instrument D, instrument B en instrument A",
    ]
    assert plan.optimal


def test_comparison_with_the_seed_rule_and_first_come_by_hand() -> None:
    score, cat, cap = crafted()
    plan = make_plan(score, cap, cat)
    comp = plan.comparison.set_index("method")
    expected = {"optimal": 6100.0, "seed_rule": 4000.0, "first_come": 4200.0}
    assert comp["net_return_eur"].to_dict() == pytest.approx(expected)
    # months saved: (net + cost) / benefit per assignment, cost 1000 each
    for method, total in expected.items():
        assigned = int(comp.loc[method, "assigned"])
        assert comp.loc[method, "months_saved"] == pytest.approx(
            (total + 1000.0 * assigned) / BENEFIT
        )
        assert comp.loc[method, "expected_cost_eur"] == pytest.approx(1000.0 * assigned)
    seed = plan.alternatives["seed_rule"].set_index("client_id")["instrument"]
    assert seed.to_dict() == {"c000": "A", "c001": "", "c002": "B", "c003": ""}
    first = plan.alternatives["first_come"].set_index("client_id")["instrument"]
    assert first.to_dict() == {"c000": "", "c001": "A", "c002": "B", "c003": "D"}
    assert comp.loc["seed_rule", "short_of_optimum_eur"] == pytest.approx(2100.0)


def test_no_positive_return_and_instruments_without_places() -> None:
    net = np.array([[-10.0, -20.0, -5.0], [800.0, -1.0, 500.0]])
    score = score_from_matrix(net, codes=CODES)
    plan = make_plan(score, capacity({"A": 0, "B": 3}), catalogue(CODES, CATS))  # D not listed
    assert plan.assignments["reason"].tolist() == [
        f"{NO_POSITIVE_RETURN}: € -5 met instrument D",  # the best of three negative returns
        "instrument A en instrument D hebben deze periode geen plaatsen",
    ]
    assert plan.capacity.set_index("instrument")["places"].to_dict() == {"A": 0, "B": 3, "D": 0}


def test_budget_reasons_and_budget_never_exceeded() -> None:
    # e0: A returns more but costs 5000; with a budget of 2000 the plan gives B
    # e1: D fits no longer once e0 has B
    net = np.array([[3000.0, 2000.0, -1.0], [-1.0, -1.0, 1500.0]])
    cost = np.array([[5000.0, 1000.0, 1000.0], [1000.0, 1000.0, 1500.0]])
    score = score_from_matrix(net, cost, codes=CODES)
    plan = make_plan(score, capacity({"A": 5, "B": 5, "D": 5}), catalogue(CODES, CATS), budget=2000)
    a = plan.assignments
    assert a["instrument"].tolist() == ["B", ""]
    assert a["reason"].tolist() == [
        "budget reikt niet voor instrument A; tweede keus: instrument B",
        "budget reikt niet voor instrument D",
    ]
    assert plan.totals["expected_cost_eur"] <= 2000
    assert plan.totals["budget_left_eur"] == pytest.approx(1000.0)


def test_summary_per_instrument_and_totals_add_up() -> None:
    score, cat, cap = crafted()
    plan = make_plan(score, cap, cat)
    s = plan.summary.set_index("instrument")
    assert s["assigned"].to_dict() == {"A": 1, "B": 1, "D": 1}
    assert s["net_return_eur"].to_dict() == pytest.approx({"A": 2900.0, "B": 2800.0, "D": 400.0})
    assert (s["places_left"] == s["places"] - s["assigned"]).all()
    table = plan.summary_table()
    assert table["instrument"].iloc[-1] == "totaal"
    assert table["net_return_eur"].iloc[-1] == pytest.approx(plan.totals["net_return_eur"])
    assert plan.totals["net_return_eur"] == pytest.approx(a_sum(plan.assignments))
    assert plan.totals["clients"] == 4
    assert plan.totals["clients_with_positive_return"] == 4


def a_sum(frame: pd.DataFrame) -> float:
    return float(frame["net_return_eur"].sum())


def test_evaluate_assignment_with_other_returns() -> None:
    score, cat, cap = crafted()
    plan = make_plan(score, cap, cat)
    same = evaluate_assignment(plan.assignments, score.returns)
    assert same["net_return_eur"] == pytest.approx(6100.0)
    assert same["assigned"] == 3
    doubled = score.returns.assign(net_return_eur=score.returns["net_return_eur"] * 2)
    assert evaluate_assignment(plan.assignments, doubled)["net_return_eur"] == pytest.approx(12200)
    with pytest.raises(ValueError, match="not in the returns"):
        evaluate_assignment(plan.assignments, score.returns.iloc[:3])


def test_bad_capacity_frame_and_budget_are_refused() -> None:
    score, cat, _ = crafted()
    with pytest.raises(CapacityFileError) as info:
        make_plan(score, pd.DataFrame({"instrument": ["A", "Z"], "places": [1, -1]}), cat)
    where = {(v.row, v.column, v.code) for v in info.value.violations}
    assert where == {(3, "instrument", "unknown_instrument"), (3, "places", "negative_amount")}
    with pytest.raises(CapacityFileError, match="budget"):
        make_plan(score, capacity({"A": 1}), cat, budget=-1)
    with pytest.raises(CapacityFileError, match="budget"):
        make_plan(score, capacity({"A": 1}), cat, budget=float("nan"))


def test_write_plan_writes_four_files_whole(tmp_path) -> None:
    score, cat, cap = crafted()
    plan = make_plan(score, cap, cat)
    paths = write_plan(plan, tmp_path / "out")
    assert [p.name for p in paths] == [
        "plan.csv",
        "plan_summary.csv",
        "plan_comparison.csv",
        "place_prices.csv",
    ]
    back = pd.read_csv(paths[0], keep_default_na=False)
    assert list(back.columns[:4]) == list(PLAN_COLUMNS)
    assert back["returns_basis"].tolist() == ["spell"] * 4  # returns without a basis: spell
    assert back["instrument"].tolist() == ["B", "A", "D", ""]
    assert back["reason"].tolist() == plan.assignments["reason"].tolist()
    comp = pd.read_csv(paths[2])
    assert comp["method"].tolist() == ["optimal", "seed_rule", "first_come"]


def test_write_plan_failure_leaves_nothing(tmp_path, monkeypatch) -> None:
    import rendement.plan.plan as module

    score, cat, cap = crafted()
    plan = make_plan(score, cap, cat)
    calls = {"n": 0}
    real = module.csv_rounded

    def failing(frame: pd.DataFrame) -> pd.DataFrame:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real(frame)

    monkeypatch.setattr(module, "csv_rounded", failing)
    out = tmp_path / "out"
    with pytest.raises(OSError):
        write_plan(plan, out)
    assert not out.exists() or not any(out.iterdir())


def test_several_meters_in_the_catalogue() -> None:
    score, cat, cap = crafted()
    other = cat.assign(instrument=["X", "Y", "Z"], meter="handhaving")
    both = pd.concat([cat, other], ignore_index=True)
    with pytest.raises(ValueError, match="say which one"):
        make_plan(score, cap, both)
    plan = make_plan(score, cap, both, meter="reintegratie")
    assert plan.comparison.set_index("method").loc["optimal", "net_return_eur"] == 6100.0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(1, 30),
    with_budget=st.booleans(),
)
def test_plan_beats_both_rules_and_respects_every_limit(
    seed: int, n: int, with_budget: bool
) -> None:
    rng = np.random.default_rng(seed)
    m = 4
    codes = ["a", "b", "c", "d"]
    cats = ["1", "2a", "2b", "3"]
    net = rng.normal(300, 2000, (n, m))
    cost = rng.uniform(500, 6000, (n, m))
    places = {c: int(rng.integers(0, n // 2 + 2)) for c in codes if rng.random() < 0.9}
    budget = float(rng.uniform(0, cost.sum() / m)) if with_budget else None
    score = score_from_matrix(
        net,
        cost,
        codes=codes,
        groups=rng.integers(1, 4, n).tolist(),
        months=rng.integers(0, 120, n).tolist(),
    )
    plan = make_plan(score, capacity(places), catalogue(codes, cats), budget=budget)
    comp = plan.comparison.set_index("method")["net_return_eur"]
    assert comp["optimal"] >= comp["seed_rule"] - 1e-6
    assert comp["optimal"] >= comp["first_come"] - 1e-6
    for frame in (plan.assignments, *plan.alternatives.values()):
        picked = frame[frame["instrument"] != ""]
        counts = picked["instrument"].value_counts()
        for code, k in counts.items():
            assert k <= places.get(str(code), 0)
        assert (picked["net_return_eur"] > 0).all()
        if budget is not None:
            assert picked["expected_cost_eur"].sum() <= budget
