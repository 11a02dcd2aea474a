"""Scoring with the simulator's TRUE model reproduces the simulator's exact truth tables.

The simulator computes its truth (``caseload.csv``, ``returns.csv``) with its
own code, month by month from the simulated histories; here the same numbers
come from the data folder alone (contract reader, caseload state, scoring).
Agreement to CSV precision checks the time and instrument-state conventions
end to end: months on benefit, running instruments to their planned end,
after-states kept, waiting / lock-in / after in the path with an instrument,
success within 3 months of the planned end, no-cure-less-pay cost.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from simcache import get_simulation

from rendement.contract import read_data_folder
from rendement.model.folder import load_model
from rendement.scoring.caseload import score_caseload


def _truth(town: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    folder = town.truth_dir  # type: ignore[attr-defined]
    caseload = pd.read_csv(folder / "caseload.csv", keep_default_na=False, dtype={"client_id": str})
    returns = pd.read_csv(folder / "returns.csv", keep_default_na=False, dtype={"client_id": str})
    return caseload.set_index("client_id"), returns


@pytest.mark.parametrize("heterogeneity", [False, True])
def test_true_model_gives_the_exact_truth(heterogeneity: bool) -> None:
    town = get_simulation(clients=3000, seed=7, heterogeneity=heterogeneity)
    data = read_data_folder(town.data_dir)
    model = load_model(town.truth_dir / "model")
    caseload, returns = _truth(town)
    weights = None
    if heterogeneity:
        assert model.heterogeneity is not None and len(model.heterogeneity.locations) > 1
        # the truth's posterior type weights given each client's history, in ranking order below
        cols = [f"posterior_type_{k}" for k in range(len(model.heterogeneity.locations))]
        from rendement.panel import caseload_state

        order = caseload_state(data, data.extraction_date)["client_id"].astype(str)
        weights = caseload.loc[order, cols].to_numpy(dtype=float)
    score = score_caseload(data, model, data.extraction_date, interval=None, type_weights=weights)
    rk = score.ranking.set_index("client_id")
    assert sorted(rk.index) == sorted(caseload.index)
    both = caseload.join(rk, rsuffix="_engine")
    assert (both["months_on_benefit"] == both["months_on_benefit_engine"]).all()
    assert (both["current_instrument"] == both["current_instrument_engine"]).all()
    assert (both["outflow_group"] == both["outflow_group_engine"]).all()
    for col in ("expected_remaining_months", "p_outflow_6m", "p_outflow_18m"):
        np.testing.assert_allclose(both[f"{col}_engine"], both[col], rtol=1e-8, atol=1e-8)
    assert set(score.ranking["model_kind"]) == {model.kind}

    meter = returns[returns["meter"] == model.spec.meter]
    merged = meter.merge(
        score.returns, on=["client_id", "instrument"], suffixes=("", "_engine"), how="outer"
    )
    assert len(merged) == len(meter) == len(score.returns)
    for col in (
        "expected_remaining_months_with",
        "months_saved",
        "p_success",
        "expected_cost_eur",
        "net_return_eur",
    ):
        np.testing.assert_allclose(merged[f"{col}_engine"], merged[col], rtol=1e-7, atol=1e-5)
