"""Months on benefit counting returns against the simulator's exact truth (issue 16 acceptance).

Droomstad with returns and short jobs after Werk Direct (``return_effects``): the
outflow model with its re-inflow model is fitted on the data folder and scores the
caseload at the extraction date; the truth is the simulator's exact expected months
on benefit in the next 60 months counting returns and new spells
(:mod:`rendement.simulate.truth_returns`), without and with each instrument:

* ``expected_benefit_months`` within 1 month of the truth on average over the
  caseload: |mean estimated - mean true| < 1;
* ``benefit_months_saved`` within 0.5 months on average over the instruments: the mean
  over the meter's instruments of |mean estimated - mean true| < 0.5 (the precedent of
  the timing-of-events acceptance).

The same comparison for the spell-only columns (``expected_remaining_months``,
``months_saved``) is printed beside it, so the re-inflow chain's own share of any error
shows. 6,000 clients in the normal suite; 25,000 in ``make battery``.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from simcache import get_simulation

from rendement.contract import read_data_folder
from rendement.model.fitting import fit_model
from rendement.scoring.caseload import score_caseload

SHORT_JOBS = {"werkdirect": 0.7}
#: A scored instrument of the re-integration meter with short jobs too: its months saved
#: counting returns must follow the durability effect.
SHORT_JOBHUNT = {"werkdirect": 0.7, "jobhunt": 0.7}


def _truth(folder) -> tuple[pd.DataFrame, pd.DataFrame]:  # type: ignore[no-untyped-def]
    read = {"keep_default_na": False, "dtype": {"client_id": str}}
    return pd.read_csv(folder / "caseload.csv", **read), pd.read_csv(folder / "returns.csv", **read)


def _compare(clients: int, effects: dict[str, float]) -> dict[str, float]:
    town = get_simulation(clients=clients, seed=7, return_effects=effects)
    data = read_data_folder(town.data_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fit_model(data).model
    assert model.reinflow is not None
    score = score_caseload(data, model, data.extraction_date, interval=None)
    caseload, returns = _truth(town.truth_dir)
    rk = score.ranking.merge(caseload, on="client_id", suffixes=("_est", ""), validate="1:1")
    assert len(rk) == len(caseload)
    ret = score.returns.merge(
        returns, on=["client_id", "instrument"], suffixes=("_est", ""), validate="1:1"
    )
    assert len(ret) == len(score.returns) > 0
    out = {}
    for col in ("expected_benefit_months", "expected_remaining_months"):
        out[col] = float((rk[f"{col}_est"] - rk[col]).mean())
        out[f"{col} (mean |error| per client)"] = float((rk[f"{col}_est"] - rk[col]).abs().mean())
    added = rk["expected_benefit_months"] - rk["expected_remaining_months"]
    added_est = rk["expected_benefit_months_est"] - rk["expected_remaining_months_est"]
    out["months added by returns"] = float((added_est - added).mean())
    ret["by_returns"] = ret["benefit_months_saved"] - ret["months_saved"]
    ret["by_returns_est"] = ret["benefit_months_saved_est"] - ret["months_saved_est"]
    for col in ("benefit_months_saved", "months_saved", "by_returns"):
        bias = (ret[f"{col}_est"] - ret[col]).groupby(ret["instrument"]).mean()
        out[col] = float(bias.abs().mean())
        print(col, bias.round(3).to_dict())
    print(f"{clients:,} clients, caseload {len(rk):,}:", {k: round(v, 3) for k, v in out.items()})
    return out


@pytest.mark.parametrize(
    ("clients", "effects"),
    [
        (6000, SHORT_JOBS),
        (6000, SHORT_JOBHUNT),
        pytest.param(25_000, SHORT_JOBS, marks=pytest.mark.battery),
        pytest.param(25_000, SHORT_JOBHUNT, marks=pytest.mark.battery),
    ],
    ids=["6000-werkdirect", "6000-jobhunt", "25000-werkdirect", "25000-jobhunt"],
)
def test_benefit_months_counting_returns_match_the_exact_truth(
    clients: int, effects: dict[str, float]
) -> None:
    out = _compare(clients, effects)
    assert abs(out["expected_benefit_months"]) < 1.0
    assert out["benefit_months_saved"] < 0.5
