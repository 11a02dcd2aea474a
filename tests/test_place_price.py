"""The price of a place: read off the optimal plan, written beside it, judged in Dutch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from plan_builders import capacity, catalogue, score_from_matrix
from test_plan import crafted

from rendement.plan import make_plan, write_plan
from rendement.plan.price import PRICE_FILE, PlacePriceFileError, place_prices, read_place_prices
from rendement.plan.verdict import judge


def test_prices_of_the_crafted_plan_by_hand() -> None:
    # optimal: k0 -> B (2800), k1 -> A (2900), k2 -> D (400); one place each, all taken
    score, cat, cap = crafted()
    prices = place_prices(make_plan(score, cap, cat)).table.set_index("instrument")
    assert prices["threshold_eur"].to_dict() == {"A": 2900.0, "B": 2800.0, "D": 400.0}
    assert prices["places_left"].tolist() == [0, 0, 0]
    # the LP dual is the value of one more place: with a second place of D, k3 (300) gets it;
    # the dual of a place can never exceed the best return of an option left out plus swaps,
    # and a full instrument whose places all pay is priced above 0
    assert (prices["dual_eur"] >= 0).all()
    assert prices.loc["D", "dual_eur"] <= 400.0 + 1e-6


def test_a_single_instrument_price_separates_the_placed_from_the_rest() -> None:
    rng = np.random.default_rng(7)
    net = rng.normal(500.0, 900.0, size=(60, 1))
    score = score_from_matrix(net, codes=["A"])
    plan = make_plan(score, capacity({"A": 12}), catalogue(["A"]))
    row = place_prices(plan).row("A")
    assert row is not None
    ordered = np.sort(net[:, 0])[::-1]
    # the 12th best return is the lowest that gets a place; the LP price lies between it and
    # the 13th best (any price in between clears the market of one instrument)
    assert row["threshold_eur"] == pytest.approx(round(ordered[11], 2))
    assert ordered[12] - 0.01 <= row["dual_eur"] <= ordered[11] + 0.01
    placed = plan.assignments["instrument"] == "A"
    assert (plan.assignments.loc[placed, "net_return_eur"] >= row["threshold_eur"] - 0.01).all()
    left_out = net[~placed.to_numpy(), 0]
    assert (left_out < row["threshold_eur"] + 0.01).all()


def test_places_left_over_cost_nothing() -> None:
    net = np.array([[800.0], [300.0], [-50.0]])
    plan = make_plan(score_from_matrix(net, codes=["A"]), capacity({"A": 5}), catalogue(["A"]))
    row = place_prices(plan).row("A")
    assert row is not None
    assert row["places_left"] == 3
    assert row["threshold_eur"] == 0.0
    assert row["dual_eur"] == pytest.approx(0.0, abs=0.01)
    verdict = judge(place_prices(plan), "A", 120.0, label="Werk Direct")
    assert verdict.status == "within"
    assert "plaatsen van Werk Direct over" in verdict.text


def test_an_advice_below_the_price_says_so_and_one_above_is_within() -> None:
    score, cat, cap = crafted()
    prices = place_prices(make_plan(score, cap, cat))
    below = judge(prices, "A", 1279.0, label="Werk Direct")
    assert below.status == "below" and below.within is False
    assert below.text == (
        "rendement € 1.279; in het plan van januari 2026 krijgt Werk Direct wie minstens "
        "€ 2.900 oplevert: dit advies valt eronder."
    )
    above = judge(prices, "A", 3100.0, label="Werk Direct")
    assert above.status == "within" and above.within is True
    assert above.text.endswith("dit advies valt erbinnen.")
    assert above.threshold_eur == 2900.0 and above.plan_as_of == "2026-01-01"
    # the plan's own lowest placed return is within (ties get the place)
    assert judge(prices, "A", 2900.0).status == "within"


def test_no_plan_no_instrument_running_and_unknown_instruments() -> None:
    score, cat, cap = crafted()
    prices = place_prices(make_plan(score, cap, cat))
    none = judge(None, "A", 1279.0)
    assert none.status == "no_plan" and none.within is None
    assert "nog geen plan" in none.text
    assert judge(prices, "geen", 0.0).status == "no_instrument"
    assert judge(prices, None, None, running=True).status == "running"
    assert judge(prices, "Q", 500.0).status == "not_planned"
    unreadable = judge(None, "A", 1.0, problem="broken")
    assert unreadable.status == "unreadable" and "niet worden gelezen" in unreadable.text
    zero = place_prices(make_plan(score, capacity({"A": 0, "B": 1, "D": 1}), cat))
    assert judge(zero, "A", 5000.0).status == "no_places"


def test_the_file_round_trips_and_a_broken_one_names_its_problems(tmp_path) -> None:
    score, cat, cap = crafted()
    plan = make_plan(score, cap, cat)
    write_plan(plan, tmp_path / "plan")
    back = read_place_prices(tmp_path / "plan" / PRICE_FILE)
    assert back.as_of == pd.Timestamp("2026-01-01")
    assert back.model_version == "test-1"
    assert back.row("A")["threshold_eur"] == 2900.0  # type: ignore[index]

    broken = tmp_path / "broken.csv"
    table = place_prices(plan).table.astype(object)
    table.loc[1, "threshold_eur"] = "veel"
    table.loc[2, "instrument"] = "A"
    table.to_csv(broken, index=False)
    with pytest.raises(PlacePriceFileError) as info:
        read_place_prices(broken)
    message = str(info.value)
    assert "broken.csv, row 3, column 'threshold_eur': found 'veel'" in message
    assert "row 4, column 'instrument'" in message
    assert info.value.code == "invalid_place_prices"

    (tmp_path / "empty.csv").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(PlacePriceFileError):
        read_place_prices(tmp_path / "empty.csv")
    pd.DataFrame({"instrument": ["A"]}).to_csv(tmp_path / "short.csv", index=False)
    with pytest.raises(PlacePriceFileError, match="column 'threshold_eur'"):
        read_place_prices(tmp_path / "short.csv")


def test_lists_show_the_threshold_and_whether_each_client_reaches_it(tmp_path) -> None:
    from rendement.lists import build_lists, write_lists

    score, cat, cap = crafted()
    prices = place_prices(make_plan(score, cap, cat))
    plain = build_lists(score)
    lists = build_lists(score, prices=prices)
    assert "grens voor een plaats (plan)" not in plain.total.columns  # unchanged without a plan
    total = lists.total.set_index("klant")
    # k0's best is A (3000 >= 2900), k2's best is B (1000 < 2800), k3's best is D (300 < 400);
    # k4 runs an instrument: nothing to judge
    assert total.loc["c000", "grens voor een plaats (plan)"] == 2900.0
    assert total.loc["c000", "binnen de grens van het plan"] == "ja"
    assert total.loc["c002", "binnen de grens van het plan"] == "nee"
    assert total.loc["c003", "grens voor een plaats (plan)"] == 400.0
    assert total.loc["c003", "binnen de grens van het plan"] == "nee"
    assert total.loc["c004", "binnen de grens van het plan"] == ""
    assert np.isnan(total.loc["c004", "grens voor een plaats (plan)"])
    written = write_lists(lists, tmp_path / "lists")
    back = pd.read_csv(written[2], keep_default_na=False)
    assert (
        back["binnen de grens van het plan"].tolist()
        == lists.total["binnen de grens van het plan"].tolist()
    )
