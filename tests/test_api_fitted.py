"""The service on a model fitted to a simulated town: real intervals, the caseload scored by batch.

The batch is the simulated caseload typed in as caseworkers would (birth and
inflow dates, completed and running instruments); its scores must equal
:func:`rendement.scoring.caseload.score_clients` on :func:`rendement.panel.caseload_state`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from apikit import SIM_CONFIG, fitted_model_dir, key, running_app
from simcache import get_simulation

from rendement.contract import read_data_folder
from rendement.model.folder import load_model
from rendement.panel import caseload_state
from rendement.scoring.caseload import score_clients

pytestmark = pytest.mark.slow  # the first run simulates and fits (cached afterwards)

AS_OF = "2026-01-01"


@pytest.fixture(scope="module")
def model_dir() -> Path:
    return fitted_model_dir()


@pytest.fixture(scope="module")
def caseload(model_dir: Path) -> pd.DataFrame:
    data = read_data_folder(get_simulation(**SIM_CONFIG).data_dir)
    frame = caseload_state(data, AS_OF, instruments=list(load_model(model_dir).spec.instruments))
    return frame.iloc[:300].reset_index(drop=True)


def _as_input(row: pd.Series, codes: list[str]) -> dict[str, Any]:
    def opt(v: Any) -> Any:
        if isinstance(v, np.generic):
            v = v.item()
        return None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else v

    doc: dict[str, Any] = {
        "client_id": str(row["client_id"]),
        "birth_date": row["birth_date"].date().isoformat(),
        "household_type": row["household_type"],
        "education": row["education"],
        "dutch_language": opt(row["dutch_language"]),
        "work_experience_years": opt(row["work_experience_years"]),
        "health_restriction": opt(row["health_restriction"]),
        "district": opt(row["district"]),
        "inflow_date": row["inflow_date"].date().isoformat(),
        "monthly_benefit": float(row["monthly_benefit"]),
        "completed_instruments": [c for c in codes if row[f"after:{c}"]],
    }
    if row["current_instrument"]:
        doc["current_instrument"] = row["current_instrument"]
        doc["remaining_in_months"] = int(row["remaining_in_months"])
    return doc


def test_batch_of_the_caseload_equals_the_engine(
    model_dir: Path, caseload: pd.DataFrame, tmp_path: Path
) -> None:
    model = load_model(model_dir)
    codes = list(model.spec.instruments)
    clients = [_as_input(r, codes) for _, r in caseload.iterrows()]
    assert any("current_instrument" in c for c in clients)  # running instruments are covered
    assert any(c["completed_instruments"] for c in clients)
    with running_app(model_dir, tmp_path / "log.db", batch_draws=0) as api:
        r = api.post(
            "/v1/scores",
            json={"as_of": AS_OF, "clients": clients},
            headers=key(api, "manager", "mgr"),
        )
    assert r.status_code == 200, r.text[:2000]
    got = pd.DataFrame(r.json()["clients"]).set_index("client_id")
    direct = score_clients(model, caseload, interval=None)
    want = direct.ranking.set_index("client_id").loc[got.index]
    assert np.allclose(got["months_on_benefit"], want["months_on_benefit"])
    assert np.allclose(got["p_outflow_6m"], want["p_outflow_6m"], atol=6e-5)
    assert np.allclose(got["p_outflow_18m"], want["p_outflow_18m"], atol=6e-5)
    assert np.allclose(
        got["expected_remaining_months"], want["expected_remaining_months"], atol=6e-3
    )
    assert (got["rank"] == want["rank"]).all()
    expected_best = want["best_instrument"].where(want["current_instrument"] == "", None)
    assert got["best_instrument"].tolist() == expected_best.tolist()
    running = want["current_instrument"] != ""
    assert (got.loc[running.to_numpy(), "instruments"].map(len) == 0).all()
    ret = direct.returns.set_index(["client_id", "instrument"])
    for cid, items in got["instruments"].items():
        for item in items:
            row = ret.loc[(cid, item["instrument"])]
            assert item["net_return_eur"] == pytest.approx(row["net_return_eur"], abs=0.006)


def test_single_advice_has_the_engines_intervals(
    model_dir: Path, caseload: pd.DataFrame, tmp_path: Path
) -> None:
    model = load_model(model_dir)
    codes = list(model.spec.instruments)
    row = caseload[caseload["current_instrument"] == ""].iloc[0]
    draws = 40
    with running_app(model_dir, tmp_path / "log.db", advice_draws=draws, seed=7) as api:
        r = api.post("/v1/advice", json={**_as_input(row, codes), "as_of": AS_OF},
                     headers=key(api, "caseworker", "km01"))  # fmt: skip
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["model"]["kind"] == "estimated" and a["model"]["version"] == "2026-01-test"
    direct = score_clients(model, caseload.loc[[row.name]], interval=0.9, n_draws=draws, seed=7)
    ret = direct.returns.set_index("instrument")
    assert len(a["instruments"]) == len(model.scorable_instruments()) > 0
    for item in a["instruments"]:
        want = ret.loc[item["instrument"]]
        assert item["net_return_low_eur"] == pytest.approx(want["net_return_eur_lower"], abs=0.006)
        assert item["net_return_high_eur"] == pytest.approx(want["net_return_eur_upper"], abs=0.006)
        assert item["net_return_low_eur"] < item["net_return_high_eur"]
    # every reason is an estimated effect of a characteristic the client has: a client term's
    # coefficient, or the after-effect (with its modifiers) of an instrument completed before
    design = model.client_design(caseload.loc[[row.name]])
    assert a["reasons"]
    for reason in a["reasons"]:
        term = reason["term"]
        if term.startswith("after:"):
            code = term.split(":", 1)[1]
            assert row[term] == 1
            want = model.after_effects(design, [code])[0, 0]
        else:
            assert design.iloc[0][term] == 1
            want = model.coef(term)
        assert reason["log_hazard_ratio"] == pytest.approx(want)
