"""Scoring with returns: the total columns, which return ranks, and that returns only add months."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from simcache import get_simulation

from rendement.contract import read_data_folder
from rendement.model.fitting import fit_model
from rendement.model.folder import load_model, save_model
from rendement.panel import caseload_state
from rendement.reinflow import ReinflowModel
from rendement.scoring.caseload import score_clients


@pytest.fixture(scope="module")
def town():
    sim = get_simulation(clients=2500, seed=11, return_effects={"werkdirect": 0.7})
    data = read_data_folder(sim.data_dir)  # type: ignore[attr-defined]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fit_model(data).model
    frame = caseload_state(data, data.extraction_date).reset_index(drop=True)
    return data, model, frame


def test_returns_only_add_months_for_every_client(town) -> None:
    """Property: expected_benefit_months >= expected_remaining_months, client by client,
    and months saved counting returns are never more than the horizon allows."""
    _, model, frame = town
    assert model.reinflow is not None
    score = score_clients(model, frame, interval=None)
    r = score.ranking
    assert r["expected_benefit_months"].notna().all()
    assert (r["expected_benefit_months"] >= r["expected_remaining_months"] - 1e-9).all()
    assert (r["expected_benefit_months"] <= model.spec.horizon + 1e-9).all()
    assert (r["expected_benefit_months"] > r["expected_remaining_months"] + 0.5).mean() > 0.2
    ret = score.returns
    assert ret["benefit_months_saved"].notna().all()
    assert set(r["returns_basis"]) == {"spell"} and set(ret["returns_basis"]) == {"spell"}


def test_without_a_reinflow_model_the_total_columns_are_empty(town) -> None:
    _, model, frame = town
    score = score_clients(replace(model, reinflow=None), frame.head(50), interval=None)
    assert score.ranking["expected_benefit_months"].isna().all()
    assert score.returns["net_return_total_eur"].isna().all()


def test_intervals_of_the_total_columns_hold_the_estimate(town) -> None:
    _, model, frame = town
    score = score_clients(model, frame.head(200), interval=0.9, n_draws=30)
    r, ret = score.ranking, score.returns
    assert (r["expected_benefit_months_lower"] <= r["expected_benefit_months"] + 1e-6).mean() > 0.9
    assert (r["expected_benefit_months"] <= r["expected_benefit_months_upper"] + 1e-6).mean() > 0.9
    lo, hi = ret["net_return_total_eur_lower"], ret["net_return_total_eur_upper"]
    assert (lo <= hi).all() and (lo <= ret["net_return_total_eur"] + 1e-6).mean() > 0.9


def _with_durability(reinflow: ReinflowModel, code: str, effect: float) -> ReinflowModel:
    params = reinflow.params.copy()
    for t in params.index:
        if t.startswith("ended_"):
            params[t] = 0.0
    params[f"ended_in:{code}"] = effect
    params[f"ended_after:{code}"] = effect
    return replace(reinflow, params=params)


def _position(score, code: str, column: str) -> float:
    """Mean rank of ``code`` among the instruments of each client by ``column`` (1 = best)."""
    ret = score.returns
    rank = ret.groupby("client_id")[column].rank(ascending=False, method="first")
    return float(rank[ret["instrument"] == code].mean())


def test_an_instrument_with_short_jobs_ranks_lower_on_the_total(town) -> None:
    """The instrument that shortens spells most, but with twice the re-inflow after it (hazard
    ratio 2), ranks lower on the total return than on the spell-only return; and lower than
    the same instrument on the total without a durability effect (which isolates the cause:
    returns alone already cost every instrument some of its months)."""
    _, model, frame = town
    spell = score_clients(model, frame, interval=None)
    by_saved = spell.returns.groupby("instrument")["months_saved"].mean()
    code = str(by_saved.idxmax())
    assert by_saved[code] > 0
    assert model.reinflow is not None

    def scored(effect: float):
        return score_clients(
            replace(
                model,
                spec=replace(model.spec, returns_basis="total"),
                reinflow=_with_durability(model.reinflow, code, effect),
            ),
            frame,
            interval=None,
        )

    doubled, durable = scored(np.log(2.0)), scored(0.0)
    assert set(doubled.ranking["returns_basis"]) == {"total"}
    on_spell = _position(doubled, code, "net_return_eur")
    on_total = _position(doubled, code, "net_return_total_eur")
    assert on_total > on_spell + 0.05
    assert on_total > _position(durable, code, "net_return_total_eur") + 0.05
    best_spell = (spell.ranking["best_instrument"] == code).mean()
    best_total = (doubled.ranking["best_instrument"] == code).mean()
    assert best_total < best_spell
    saved = doubled.returns.groupby("instrument")["benefit_months_saved"].mean()
    assert saved[code] < durable.returns.groupby("instrument")["benefit_months_saved"].mean()[code]


def test_the_reinflow_model_travels_with_the_model_folder(town, tmp_path) -> None:
    _, model, frame = town
    folder = save_model(model, tmp_path / "m")
    assert (folder / "reinflow_parameters.csv").exists()
    params = pd.read_csv(folder / "reinflow_parameters.csv")
    assert {"term", "estimate", "std_error"} <= set(params.columns)
    loaded = load_model(folder)
    assert loaded.reinflow is not None
    pd.testing.assert_series_equal(loaded.reinflow.params, model.reinflow.params, check_names=False)
    a = score_clients(model, frame.head(100), interval=None).ranking
    b = score_clients(loaded, frame.head(100), interval=None).ranking
    np.testing.assert_allclose(a["expected_benefit_months"], b["expected_benefit_months"])
    text = (folder / "reinflow_parameters.csv").read_text()
    (folder / "reinflow_parameters.csv").write_text(text.replace("end:werk", "end:werk "))
    with pytest.raises(Exception, match="reinflow_parameters.csv was altered"):
        load_model(folder)


def test_the_new_spell_table_equals_the_client_by_client_chain(town, monkeypatch) -> None:
    """The interpolated table of a large caseload gives the months of the exact chain."""
    import rendement.reinflow.new_spells as ns

    _, model, frame = town
    monkeypatch.setattr(ns, "MIN_CLIENTS", 10**9)
    exact = score_clients(model, frame, interval=None)
    monkeypatch.setattr(ns, "MIN_CLIENTS", 0)
    table = score_clients(model, frame, interval=None)
    a, b = exact.ranking, table.ranking
    assert (a["client_id"] == b["client_id"]).all()
    diff = np.abs(a["expected_benefit_months"] - b["expected_benefit_months"])
    assert diff.max() < 0.01 and diff.max() > 0  # the table was really used
    saved = np.abs(exact.returns["benefit_months_saved"] - table.returns["benefit_months_saved"])
    assert saved.max() < 0.01


def test_the_plan_says_which_return_it_planned_with(town) -> None:
    """plan.csv's returns_basis: the net return of an assignment is the ranked basis's."""
    from rendement.plan import make_plan

    _, model, frame = town
    catalogue = model.meter_instruments
    places = pd.DataFrame({"instrument": catalogue["instrument"], "places": 20})
    for basis, column in (("spell", "net_return_eur"), ("total", "net_return_total_eur")):
        scored = score_clients(
            replace(model, spec=replace(model.spec, returns_basis=basis)), frame, interval=None
        )
        plan = make_plan(scored, places, catalogue)
        a = plan.assignments
        assert set(a["returns_basis"]) == {basis}
        picked = a[a["instrument"] != ""].merge(
            scored.returns, on=["client_id", "instrument"], suffixes=("", "_returns")
        )
        assert len(picked) > 0
        np.testing.assert_allclose(picked["net_return_eur"], picked[column], rtol=1e-9)


def test_a_discount_rate_discounts_the_total_return_as_the_spell_only_one(town) -> None:
    """With a discount rate the total's net return discounts every month (the months
    themselves stay undiscounted, as months_saved); without returns it is exactly the
    spell-only net return, discounted the same way."""
    _, model, frame = town
    assert model.reinflow is not None
    plain = score_clients(model, frame, interval=None)
    rate = score_clients(model, frame, interval=None, discount_rate=0.05)
    p, r = plain.returns, rate.returns
    np.testing.assert_allclose(r["benefit_months_saved"], p["benefit_months_saved"])
    np.testing.assert_allclose(
        rate.ranking["expected_benefit_months"], plain.ranking["expected_benefit_months"]
    )
    gain = p["net_return_total_eur"] + p["expected_cost_eur"]  # months saved x benefit
    discounted_gain = r["net_return_total_eur"] + r["expected_cost_eur"]
    positive = p["benefit_months_saved"] > 1.0
    assert (discounted_gain[positive] < gain[positive]).mean() > 0.95  # later months count less
    no_returns = replace(model.reinflow, mix=replace(model.reinflow.mix, returnable_share=0.0))
    alone = score_clients(
        replace(model, reinflow=no_returns), frame, interval=None, discount_rate=0.05
    ).returns
    np.testing.assert_allclose(
        alone["net_return_total_eur"], alone["net_return_eur"], rtol=1e-9, atol=1e-6
    )
    assert not np.allclose(alone["net_return_eur"], p["net_return_eur"])


def test_the_discounted_total_has_intervals_around_it(town) -> None:
    _, model, frame = town
    score = score_clients(model, frame.head(200), interval=0.9, n_draws=20, discount_rate=0.05)
    ret = score.returns
    lo, hi = ret["net_return_total_eur_lower"], ret["net_return_total_eur_upper"]
    est = ret["net_return_total_eur"]
    assert (lo <= hi).all()
    assert ((lo <= est + 1e-6) & (est <= hi + 1e-6)).mean() > 0.9
