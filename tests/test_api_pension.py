"""The single advice stops at the pension date (AOW) too: the API scores with the engine's cap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from apikit import CLIENT, expert_model_dir, key, running_app


@pytest.fixture()
def api(tmp_path: Path) -> Any:
    with running_app(expert_model_dir(tmp_path / "expert"), tmp_path / "log.db") as client:
        yield client


def test_a_client_of_66_years_and_10_months_gets_at_most_2_months(api: Any) -> None:
    h = key(api, "caseworker", "km01")
    # scored on 15 Jan 2026; born 15 Mar 1959: AOW (67) on 15 Mar 2026, 66 years and 10 months
    old = api.post("/v1/advice", json={**CLIENT, "birth_date": "1959-03-15"}, headers=h)
    young = api.post("/v1/advice", json={**CLIENT, "birth_date": "1979-03-15"}, headers=h)
    assert old.status_code == young.status_code == 201, old.text
    a, b = old.json(), young.json()
    assert a["expected_remaining_months"] <= 2.0 < b["expected_remaining_months"]
    assert a["p_outflow_18m"] == pytest.approx(a["p_outflow_6m"])  # no outflow after the AOW
    assert a["best_instrument"] == "geen"  # no trajectory pays back in 2 months
