"""The optimal mix: combinations scheduled, their returns by hand, and the plan over them."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from simcache import get_simulation

from rendement.mix import MixScore, combinations, score_mix
from rendement.mix.plan import plan_mix
from rendement.mix.separate import compare_with_separate, separate_plans, value_with
from rendement.simulate.config import SimulationConfig
from rendement.simulate.parameters import true_process

METERS = ["reintegratie", "werk_direct", "handhaving"]


def test_combinations_hold_one_instrument_per_meter_in_a_workable_order() -> None:
    model = true_process(SimulationConfig(clients=10)).model
    combos = {c.code: c for c in combinations(model, METERS)}
    # 5 trajectories (or none) x Werk Direct (or not) x a home visit (or not), minus nothing
    assert len(combos) == 6 * 2 * 2 - 1
    assert all(len(set(c.meters)) == c.size for c in combos.values())
    assert "jobhunt+werkstage" not in combos  # two trajectories of one meter: never
    both = combos["huisbezoek+jobhunt+werkdirect"]
    starts = {s.code: (s.waiting_months, s.planned_end) for s in both.members}
    # Werk Direct at the door (months 0-1), the trajectory after it (waiting 1 -> starts
    # at 2, 3 months), the home visit at once (no months inside)
    assert starts == {"werkdirect": (0, 2), "jobhunt": (2, 5), "huisbezoek": (0, 0)}
    assert combinations(model, METERS, max_size=1)[0].code == "jobhunt"
    assert len(combinations(model, METERS, max_size=1)) == 7


@pytest.fixture(scope="module")
def town() -> tuple[object, pd.DataFrame, MixScore]:
    from rendement.contract import read_data_folder
    from rendement.model.fitting import fit_model
    from rendement.panel import caseload_state

    sim = get_simulation(clients=3000, seed=7, heterogeneity=False)
    data = read_data_folder(sim.data_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few-observation warnings of a small town
        model, _ = fit_model(data, meter="reintegratie")
    frame = caseload_state(data, data.extraction_date)
    return model, frame, score_mix(model, frame, METERS)


def test_single_instruments_are_the_engine_s_own_returns(town) -> None:
    from rendement.scoring.caseload import score_clients

    model, frame, mix = town
    own = score_clients(model, frame, interval=None).returns
    singles = mix.returns[mix.returns["n_instruments"] == 1]
    both = singles.merge(
        own,
        left_on=["client_id", "instruments"],
        right_on=["client_id", "instrument"],
        suffixes=("", "_own"),
    )
    assert len(both) == len(own) > 500
    for column in ("months_saved", "expected_cost_eur", "net_return_eur"):
        np.testing.assert_allclose(both[column], both[f"{column}_own"], rtol=0, atol=1e-9)


def _by_hand(model, frame: pd.DataFrame, i: int, combo) -> tuple[float, float]:
    """Months saved and expected cost of ``combo`` for client ``i``, month by month."""
    row = frame.iloc[[i]]
    codes = list(model.spec.instruments)
    design = model.client_design(row)
    lock = model.lock_in_effects(design, codes)[0]
    after = model.after_effects(design, codes)[0]
    d = int(row["months_on_benefit"].iloc[0])
    length, h = 120, model.spec.horizon
    months = d + 1 + np.arange(length)
    eta0 = model.baseline_eta(months) + float(model.client_eta(row)[0])
    eta = eta0.copy()
    for s in combo.members:
        t = np.arange(length)
        j = codes.index(s.code)
        eta += np.where((t >= s.waiting_months) & (t < s.planned_end), lock[j], 0.0)
        eta += np.where(t >= s.planned_end, after[j], 0.0)

    def surv(e: np.ndarray) -> np.ndarray:
        return np.exp(-np.cumsum(np.exp(e)))

    s0, s1 = surv(eta0), surv(eta)
    saved = (1 + s0[: h - 1].sum()) - (1 + s1[: h - 1].sum())
    cost = 0.0
    for s in combo.members:
        r = model.catalogue_row(s.code)
        share = float(r.get("success_share") or 0.0)
        p = 1.0 - s1[s.planned_end + 3 - 1]
        cost += float(r["price"]) * (1 - share) + float(r["price"]) * share * p
    return saved, cost


def test_a_combination_s_return_computed_month_by_month(town) -> None:
    model, frame, mix = town
    flags = [c for c in frame.columns if c.startswith(("in:", "after:"))]
    young = pd.to_datetime(frame["birth_date"]) > pd.Timestamp("1975-01-01")
    plain = frame.index[(frame[flags].sum(axis=1) == 0).to_numpy() & young.to_numpy()][:5]
    assert len(plain) == 5
    combos = {c.code: c for c in mix.combinations}
    for code in ("huisbezoek+jobhunt+werkdirect", "werkdirect+werkstage", "huisbezoek"):
        for i in plain:
            saved, cost = _by_hand(model, frame, int(i), combos[code])
            got = mix.returns[
                (mix.returns["client_id"] == str(frame.loc[i, "client_id"]))
                & (mix.returns["instruments"] == code)
            ].iloc[0]
            assert got["months_saved"] == pytest.approx(saved, abs=1e-9)
            assert got["expected_cost_eur"] == pytest.approx(cost, abs=1e-6)


def test_best_single_and_best_mix_per_client(town) -> None:
    _, _, mix = town
    best = mix.best()
    assert len(best) == mix.returns["client_id"].nunique()
    top = mix.returns.groupby("client_id")["net_return_eur"].max().clip(lower=0)
    merged = best.set_index("client_id").join(top)
    np.testing.assert_allclose(merged["best_mix_net_return_eur"], merged["net_return_eur"])
    assert (merged["best_mix_net_return_eur"] >= merged["best_single_net_return_eur"]).all()
    assert (best["best_mix"].str.contains("+", regex=False)).sum() > 0


def _mix(values: dict[str, list[float]], costs: dict[str, list[float]] | None = None) -> MixScore:
    """A hand-made mix score: combination code -> net return per client."""
    n = len(next(iter(values.values())))
    ids = [f"c{i}" for i in range(n)]
    rows = []
    for i, cid in enumerate(ids):
        for code, v in values.items():
            members = code.split("+")
            rows.append(
                {
                    "client_id": cid,
                    "instruments": code,
                    "n_instruments": len(members),
                    "meters": "+".join("m1" if m.startswith("A") else "m2" for m in members),
                    "expected_remaining_months_with": 10.0,
                    "months_saved": v[i] / 1000,
                    "expected_cost_eur": (costs or {}).get(code, [100.0] * n)[i],
                    "net_return_eur": v[i],
                }
            )
    clients = pd.DataFrame(
        {
            "client_id": ids,
            "months_on_benefit": 12,
            "expected_remaining_months": 20.0,
            "running": False,
        }
    )
    return MixScore(pd.DataFrame(rows), clients, [], ["m1", "m2"], "test")


def test_plan_over_combinations_on_a_crafted_case() -> None:
    capacity = pd.DataFrame({"instrument": ["A", "B"], "places": [1, 1]})
    # c0 gains most from A and B together; the places are worth more spread over two clients
    spread = _mix({"A": [10.0, 9.0], "B": [10.0, 9.0], "A+B": [15.0, 12.0]})
    plan = plan_mix(spread, capacity)
    assert plan.optimal
    assert dict(
        zip(plan.assignments["client_id"], plan.assignments["instruments"], strict=True)
    ) in (
        {"c0": "A", "c1": "B"},
        {"c0": "B", "c1": "A"},
    )
    assert plan.totals["net_return_eur"] == 19.0
    # now the pair is worth more than spreading
    together = _mix({"A": [10.0, 9.0], "B": [10.0, 9.0], "A+B": [25.0, 12.0]})
    plan = plan_mix(together, capacity)
    assert plan.assignments["instruments"].tolist() == ["A+B", ""]
    assert plan.summary.set_index("instrument")["assigned"].to_dict() == {"A": 1, "B": 1}
    # planning each meter alone gives c0 both (its best single of each), worth 15 as a pair
    separate = separate_plans(spread, capacity)
    assert separate["instruments"].tolist() == ["A+B", ""]
    comparison = compare_with_separate(plan_mix(spread, capacity), separate)
    assert comparison["mix_adds_eur"].iloc[0] == pytest.approx(19.0 - 15.0)
    # a budget of 150 allows one assignment only (cost 100 each)
    budgeted = plan_mix(spread, capacity, budget=150.0)
    assert budgeted.totals["net_return_eur"] == 15.0
    assert value_with(budgeted.assignments, spread.returns) == 15.0


def test_plan_over_combinations_equals_brute_force_on_small_random_cases() -> None:
    rng = np.random.default_rng(3)
    codes = ["A1", "A2", "B", "A1+B", "A2+B"]
    for _ in range(25):
        n = 4
        values = {c: rng.normal(5.0, 6.0, n).round(2).tolist() for c in codes}
        costs = {c: rng.uniform(50, 150, n).round(2).tolist() for c in codes}
        places = {"A1": int(rng.integers(0, 3)), "A2": int(rng.integers(0, 3)), "B": 2}
        budget = None if rng.random() < 0.5 else float(rng.uniform(100, 400))
        mix = _mix(values, costs)
        capacity = pd.DataFrame({"instrument": list(places), "places": list(places.values())})
        plan = plan_mix(mix, capacity, budget=budget)
        assert plan.optimal
        best = 0.0
        for pick in itertools.product([None, *codes], repeat=n):
            used = {k: 0 for k in places}
            total, spend = 0.0, 0.0
            for i, code in enumerate(pick):
                if code is None:
                    continue
                for member in code.split("+"):
                    used[member] += 1
                total += values[code][i]
                spend += costs[code][i]
            if any(used[k] > places[k] for k in places) or (budget is not None and spend > budget):
                continue
            best = max(best, total)
        assert plan.totals["net_return_eur"] == pytest.approx(best, abs=1e-6)
