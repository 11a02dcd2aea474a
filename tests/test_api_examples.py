"""Bounds and examples of the API (issue 13, finding 9): the benefit between 1 and 20,000 euros,
OpenAPI examples from the served catalogue, and the 422s the schema cannot express described in it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from apikit import CLIENT, EXPERT_YAML, expert_model_dir, key, running_app

#: A declared model without the static examples' instruments (no jobhunt, no taal).
OTHER_YAML = (
    EXPERT_YAML.replace("instrument: jobhunt", "instrument: werkfit")
    .replace("instrument: taal", "instrument: coaching")
    .replace("label: Taaltraject", "label: Coaching naar werk")
    .replace("label: Sollicitatietraining", "label: Werkfit traject")
)


@pytest.mark.parametrize("benefit", [1e-320, 0.5, 20_000.01, 1e9])
def test_the_monthly_benefit_has_sane_bounds(tmp_path: Path, benefit: float) -> None:
    with running_app(expert_model_dir(tmp_path / "m"), tmp_path / "log.db", advice_draws=0) as api:
        h = key(api, "caseworker", "km01")
        r = api.post("/v1/advice", json={**CLIENT, "monthly_benefit": benefit}, headers=h)
        assert r.status_code == 422, r.text
        (err,) = r.json()["errors"]
        assert err["field"] == "monthly_benefit"
        assert "1 and 20,000 euros" in err["message"]
        assert err["expected"] == "an amount in euros from 1 to 20,000"
        batch = {"clients": [CLIENT_NO_DATE, {**CLIENT_NO_DATE, "monthly_benefit": benefit}]}
        r = api.post("/v1/scores", json=batch, headers=key(api, "manager", "mgr"))
        assert (
            r.status_code == 422 and r.json()["errors"][0]["field"] == "clients[1].monthly_benefit"
        )
        for fine in (1, 20_000):
            ok = api.post("/v1/advice", json={**CLIENT, "monthly_benefit": fine}, headers=h)
            assert ok.status_code == 201, ok.text
        schema = api.get("/openapi.json").json()["components"]["schemas"]["ClientInput"]
        prop = schema["properties"]["monthly_benefit"]
        assert (prop["minimum"], prop["maximum"]) == (1, 20_000)
        assert "1 to 20,000" in prop["description"]


CLIENT_NO_DATE = {k: v for k, v in CLIENT.items() if k != "as_of"}


def test_openapi_examples_come_from_the_served_catalogue(tmp_path: Path) -> None:
    model_dir = expert_model_dir(tmp_path / "m", OTHER_YAML)
    with running_app(model_dir, tmp_path / "log.db", advice_draws=0) as api:
        doc = api.get("/openapi.json").json()
        text = json.dumps(doc, ensure_ascii=False)
        for static in ('"taal"', '"jobhunt"', "Taaltraject", "Sollicitatietraining"):
            assert static not in text, static
        schemas = doc["components"]["schemas"]
        served = {"werkfit", "coaching", "geen"}
        deviation = schemas["DecisionRequest"]["examples"][1]
        assert deviation["chosen_instrument"] in served
        advice_example = schemas["AdviceResponse"]["examples"][0]
        assert [i["instrument"] for i in advice_example["instruments"]] == ["werkfit", "coaching"]
        assert advice_example["instruments"][1]["label"] == "Coaching naar werk"
        assert advice_example["model"]["version"] == "2026-expert"
        # the examples work against the served model: no unknown_instrument
        h = key(api, "caseworker", "km01")
        request = schemas["AdviceRequest"]["examples"][0]
        a = api.post("/v1/advice", json=request, headers=h)
        assert a.status_code == 201, a.text
        r = api.post(f"/v1/advice/{a.json()['advice_id']}/decision", json=deviation, headers=h)
        assert r.status_code in (201, 422), r.text
        assert r.status_code == 201 or r.json()["code"] == "inconsistent_decision"


def test_checks_beyond_the_schema_are_described_in_it(tmp_path: Path) -> None:
    with running_app(expert_model_dir(tmp_path / "m"), tmp_path / "log.db", advice_draws=0) as api:
        doc = api.get("/openapi.json").json()
        client = doc["components"]["schemas"]["ClientInput"]
        assert "inflow_date" in client["properties"]["months_on_benefit"]["description"]
        assert "agree" in client["properties"]["months_on_benefit"]["description"]
        assert "months_on_benefit must equal" in client["description"].replace("``", "")
        params = doc["paths"]["/v1/decisions/summary"]["get"]["parameters"]
        to = next(p for p in params if p["name"] == "to")
        assert "on or after 'from'" in to["description"] and "422" in to["description"]
        h = key(api, "caseworker", "km01")
        r = api.post("/v1/advice", json={**CLIENT, "inflow_date": "2025-01-01"}, headers=h)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "months_on_benefit"
        m = key(api, "manager", "mgr")
        r = api.get("/v1/decisions/summary?from=2026-02-01&to=2026-01-01", headers=m)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "to"
