"""The service's API with a declared (expert) model: advice, validation, access, decisions, batch.

Numbers are checked against :func:`rendement.scoring.caseload.score_clients` called
directly on a frame built independently here, so the service adds no numbers
of its own.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from apikit import CLIENT, expert_model_dir, key, running_app

from rendement.model.folder import load_model
from rendement.scoring.caseload import score_clients


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return expert_model_dir(tmp_path_factory.mktemp("expert"))


@pytest.fixture()
def api(model_dir: Path, tmp_path: Path) -> Any:
    with running_app(model_dir, tmp_path / "log.db", advice_draws=0) as client:
        yield client


def _frame(model: Any, client: dict[str, Any], as_of: str) -> pd.DataFrame:
    """The caseload row of ``client`` written out by hand (inflow = as-of minus the months)."""
    inflow = pd.Timestamp(as_of) - pd.DateOffset(months=client["months_on_benefit"])
    row = {
        "client_id": client["client_id"],
        "inflow_date": inflow,
        "months_on_benefit": client["months_on_benefit"],
        "monthly_benefit": float(client["monthly_benefit"]),
        "birth_date": pd.Timestamp(client["birth_date"]),
        "household_type": client["household_type"],
        "education": client["education"],
        "dutch_language": client["dutch_language"],
        "work_experience_years": float(client["work_experience_years"]),
        "health_restriction": client["health_restriction"],
        "district": client["district"],
        "caseworker_id": "km01",
        "current_instrument": "",
        "remaining_in_months": 0,
    }
    frame = pd.DataFrame([row])
    for col in ("dutch_language", "health_restriction"):
        frame[col] = frame[col].astype("boolean")
    for code in model.spec.instruments:
        frame[f"in:{code}"] = np.int8(0)
        frame[f"after:{code}"] = np.int8(0)
    return frame


def test_advice_is_the_engines_score(api: Any, model_dir: Path) -> None:
    h = key(api, "caseworker", "km01", "noord")
    r = api.post("/v1/advice?survival=true", json=CLIENT, headers=h)
    assert r.status_code == 201, r.text
    a = r.json()
    plain = api.post("/v1/advice", json=CLIENT, headers=h).json()
    assert plain["survival"] is None
    assert {k: v for k, v in plain.items() if k not in ("advice_id", "created_at", "survival")} == {
        k: v for k, v in a.items() if k not in ("advice_id", "created_at", "survival")
    }
    model = load_model(model_dir)
    direct = score_clients(model, _frame(model, CLIENT, CLIENT["as_of"]), interval=None)
    rank = direct.ranking.iloc[0]
    assert a["p_outflow_6m"] == pytest.approx(rank["p_outflow_6m"], abs=1e-4)
    assert a["p_outflow_18m"] == pytest.approx(rank["p_outflow_18m"], abs=1e-4)
    assert a["expected_remaining_months"] == pytest.approx(
        rank["expected_remaining_months"], abs=0.01
    )
    assert a["outflow_group"] == int(rank["outflow_group"])
    assert a["best_instrument"] == rank["best_instrument"]
    returns = direct.returns.set_index("instrument")
    assert [i["instrument"] for i in a["instruments"]] == list(returns.index)
    for i in a["instruments"]:
        row = returns.loc[i["instrument"]]
        assert i["months_saved"] == pytest.approx(row["months_saved"], abs=0.01)
        assert i["net_return_eur"] == pytest.approx(row["net_return_eur"], abs=0.01)
        assert i["expected_cost_eur"] == pytest.approx(row["expected_cost_eur"], abs=0.01)
        # an expert model has no covariance: no interval rather than an invented one
        assert i["net_return_low_eur"] is None and i["net_return_high_eur"] is None
    assert a["model"] == {
        "meter": "reintegratie",
        "version": "2026-expert",
        "kind": "expert",
        "kind_text": a["model"]["kind_text"],
        "warning": None,
        "signed_by": None,  # no signing key configured in this test (test_model_signing)
    }
    assert "expertoordeel" in a["model"]["kind_text"]
    assert a["notice"].startswith("Dit is een advies, geen besluit")
    s = a["survival"]
    assert len(s["without"]) == model.spec.horizon
    assert set(s["with_instrument"]) == set(returns.index)
    paths = np.array(s["without"])
    assert np.all(np.diff(paths) <= 1e-12) and 0 <= paths.min() <= paths.max() <= 1
    # P(leaves within 6 months) = 1 - S(6): the chart and the figures agree
    assert 1 - s["without"][5] == pytest.approx(a["p_outflow_6m"], abs=2e-4)


def test_reasons_are_the_clients_terms_largest_first(api: Any) -> None:
    a = api.post("/v1/advice", json=CLIENT, headers=key(api, "caseworker", "km01")).json()
    # born 1966-05, inflow 2024-11: 58 at inflow (55+, HR 0.5); laag (0.75); no language (0.8)
    assert [r["term"] for r in a["reasons"]] == [
        "age_band[55+]",
        "education[laag]",
        "dutch_language[nee]",
    ]
    assert all(r["direction"] == "kleiner" for r in a["reasons"])
    assert a["reasons"][0]["text"].startswith("Leeftijd 55+ bij instroom: veel kleinere kans")
    assert "50% kleiner" in a["reasons"][0]["text"]
    assert a["reasons"][0]["hazard_ratio"] == pytest.approx(0.5)
    # baseline 0.08 per month in months 1-3, 0.03 in month 15 (piece 13-24)
    assert "14 maanden" in a["duration_reason"]["text"]
    assert "3,0% tegen 8,0%" in a["duration_reason"]["text"]
    other = {**CLIENT, "household_type": "paar", "education": "middelbaar", "dutch_language": True}
    b = api.post("/v1/advice", json=other, headers=key(api, "caseworker", "km02")).json()
    assert [r["term"] for r in b["reasons"]] == ["age_band[55+]", "household_type[paar]"]
    assert b["reasons"][1]["direction"] == "groter"


def test_no_instrument_pays_says_geen_and_why(api: Any) -> None:
    # a young, new client on a small benefit leaves soon anyway: every trajectory costs more
    client = {**CLIENT, "birth_date": "1996-01-01", "education": "hoog", "dutch_language": True,
              "months_on_benefit": 0, "monthly_benefit": 150.0}  # fmt: skip
    a = api.post("/v1/advice", json=client, headers=key(api, "caseworker", "km01")).json()
    assert a["instruments"] and all(i["net_return_eur"] < 0 for i in a["instruments"])
    assert a["best_instrument"] == "geen"
    assert a["best_net_return_eur"] == 0
    assert "goedkoper deze klant op eigen kracht te laten uitstromen" in a["recommendation"]


def test_age_instead_of_birth_date_and_inflow_date_instead_of_months(api: Any) -> None:
    h = key(api, "caseworker", "km01")
    base = {k: v for k, v in CLIENT.items() if k not in ("birth_date", "months_on_benefit")}
    a = api.post("/v1/advice", json={**base, "age": 59, "inflow_date": "2024-11-15"}, headers=h)
    b = api.post("/v1/advice", json=CLIENT, headers=h)
    assert a.status_code == b.status_code == 201
    assert a.json()["months_on_benefit"] == 14
    assert a.json()["p_outflow_18m"] == b.json()["p_outflow_18m"]


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"client_id": "123456782"}, "client_id", "bsn_not_allowed"),
        ({"client_id": "1234.56.782"}, "client_id", "bsn_not_allowed"),
        ({"client_id": "12345672"}, "client_id", "bsn_not_allowed"),  # issue 13: disguises
        ({"client_id": "111_222_333"}, "client_id", "bsn_not_allowed"),
        ({"client_id": "BSN111222333"}, "client_id", "bsn_not_allowed"),
        ({"client_id": "K111222333"}, "client_id", "bsn_not_allowed"),
        ({"district": "wijk 111 222 333"}, "district", "bsn_not_allowed"),
        ({"extra": {"wijkscore": "K111222333"}}, "extra.wijkscore", "bsn_not_allowed"),
        ({"gender": "V"}, "gender", "protected_attribute"),
        ({"extra": {"nationality": "NL"}}, "extra.nationality", "protected_attribute"),
        ({"household_type": "gezin"}, "household_type", "invalid_input"),
        ({"birth_date": "17-05-1966"}, "birth_date", "invalid_input"),
        ({"monthly_benefit": 0}, "monthly_benefit", "invalid_input"),
        ({"months_on_benefit": -1}, "months_on_benefit", "invalid_input"),
        ({"birth_date": None}, "birth_date", "invalid_input"),
        ({"birth_date": "2015-01-01"}, "birth_date", "invalid_input"),
        ({"inflow_date": "2023-01-01"}, "months_on_benefit", "invalid_input"),
        ({"inflow_date": "2026-02-01", "months_on_benefit": None}, "inflow_date", "invalid_input"),
        (
            {"completed_instruments": ["bestaatniet"]},
            "completed_instruments[0]",
            "unknown_instrument",
        ),
        ({"current_instrument": "bestaatniet"}, "current_instrument", "unknown_instrument"),
        ({"extra": {"wijkscore": 3}}, "extra.wijkscore", "invalid_input"),
        ({"as_of": "3000-01-01"}, "as_of", "invalid_input"),
    ],
)
def test_invalid_input_is_a_422_with_the_field(
    api: Any, change: dict[str, Any], field: str, code: str
) -> None:
    r = api.post("/v1/advice", json={**CLIENT, **change}, headers=key(api, "caseworker", "km01"))
    assert r.status_code == 422, r.text
    body = r.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] == code
    assert field in [e["field"] for e in body["errors"]], body
    assert all(set(e) == {"field", "message", "expected"} for e in body["errors"])
    assert api.app.state.log.count() == (0, 0)  # nothing logged for a refused request


def test_every_invalid_field_is_reported_with_what_was_expected(api: Any) -> None:
    bad = {**CLIENT, "household_type": "gezin", "education": 3, "monthly_benefit": "veel",
           "work_experience_years": -2}  # fmt: skip
    r = api.post("/v1/advice", json=bad, headers=key(api, "caseworker", "km01"))
    errors = {e["field"]: e for e in r.json()["errors"]}
    assert set(errors) == {
        "household_type",
        "education",
        "monthly_benefit",
        "work_experience_years",
    }
    assert errors["household_type"]["expected"] == "one of alleenstaand, alleenstaande_ouder, paar"
    assert errors["monthly_benefit"]["expected"] == "a number"
    assert errors["work_experience_years"]["expected"] == "a number >= 0"
    r = api.post(
        "/v1/advice",
        content=b"{not json",
        headers={**key(api, "caseworker", "km01"), "Content-Type": "application/json"},
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"


ROUTES = [
    ("post", "/v1/advice", CLIENT, {"caseworker"}),
    ("post", "/v1/scores", {"clients": [CLIENT]}, {"manager"}),
    ("get", "/v1/decisions/summary", None, {"manager"}),
    ("get", "/v1/models", None, {"analyst", "manager"}),
]


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ROUTES)
def test_every_route_checks_key_and_role(
    api: Any, method: str, path: str, body: Any, allowed: set[str]
) -> None:
    payload = {k: v for k, v in (body or {}).items()} if body else None
    if payload and path == "/v1/scores":
        payload = {"clients": [{k: v for k, v in CLIENT.items() if k != "as_of"}]}
    send = getattr(api, method)
    kw: dict[str, Any] = {"json": payload} if payload is not None else {}
    r = send(path, **kw)
    assert r.status_code == 401 and r.json()["code"] == "missing_api_key"
    assert r.headers["WWW-Authenticate"] == "Bearer"
    r = send(path, headers={"Authorization": "Bearer rdm_000000000000_" + "x" * 43}, **kw)
    assert r.status_code == 401 and r.json()["code"] == "invalid_api_key"
    for role in ("caseworker", "manager", "analyst"):
        h = key(api, role, f"u-{role}")
        r = send(path, headers=h, **kw)
        if role in allowed:
            assert r.status_code in (200, 201), (role, r.text)
        else:
            assert r.status_code == 403, (role, r.text)
            assert r.json()["code"] == "forbidden_role"
            assert role in r.json()["message"]


def test_x_api_key_header_and_revoked_keys(api: Any) -> None:
    store = api.app.state.keys
    value, who = store.create("caseworker", "km07")
    assert api.post("/v1/advice", json=CLIENT, headers={"X-API-Key": value}).status_code == 201
    store.revoke(who.key_id)
    r = api.post("/v1/advice", json=CLIENT, headers={"X-API-Key": value})
    assert r.status_code == 401 and r.json()["code"] == "invalid_api_key"


def test_health_needs_no_key_and_shows_no_client_data(api: Any) -> None:
    r = api.get("/v1/health")
    assert r.status_code == 200
    assert r.json() == {
        "status": "ok",
        "rendement_version": r.json()["rendement_version"],
        "model_version": "2026-expert",
        "model_kind": "expert",
        "database": "ok",
    }


def test_models_lists_the_served_model(api: Any, model_dir: Path) -> None:
    r = api.get("/v1/models", headers=key(api, "analyst", "an01"))
    (m,) = r.json()["models"]
    model = load_model(model_dir)
    assert (m["version"], m["kind"], m["meter"], m["active"]) == (
        "2026-expert",
        "expert",
        "reintegratie",
        True,
    )
    assert [i["instrument"] for i in m["instruments"]] == ["jobhunt", "taal"]
    assert all(i["scored"] for i in m["instruments"])
    est = {p["term"]: p["estimate"] for p in m["parameters"]}
    assert est == pytest.approx(model.params.to_dict())


def _advice(api: Any, headers: dict[str, str], **change: Any) -> dict[str, Any]:
    r = api.post("/v1/advice", json={**CLIENT, **change}, headers=headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_decisions_followed_and_deviated(api: Any) -> None:
    h = key(api, "caseworker", "km01", "noord")
    a = _advice(api, h)
    advised = a["best_instrument"]
    assert advised == "jobhunt"
    r = api.post(f"/v1/advice/{a['advice_id']}/decision", json={"decision": "gevolgd"}, headers=h)
    assert r.status_code == 201
    assert r.json()["chosen_instrument"] == advised and r.json()["reason"] is None
    again = api.post(
        f"/v1/advice/{a['advice_id']}/decision", json={"decision": "gevolgd"}, headers=h
    )
    assert again.status_code == 409 and again.json()["code"] == "decision_exists"

    b = _advice(api, h)
    url = f"/v1/advice/{b['advice_id']}/decision"
    cases = [
        ({"decision": "afgeweken", "chosen_instrument": "taal"}, "reason_required", "reason"),
        ({"decision": "afgeweken", "chosen_instrument": "taal", "reason": "  nee "}, "reason_required", "reason"),
        ({"decision": "afgeweken", "chosen_instrument": "jobhunt", "reason": "Klant wil dit"}, "inconsistent_decision", "chosen_instrument"),
        ({"decision": "afgeweken", "reason": "Klant wil wat anders"}, "invalid_input", "chosen_instrument"),
        ({"decision": "afgeweken", "chosen_instrument": "fietsles", "reason": "Klant wil fietsen"}, "unknown_instrument", "chosen_instrument"),
        ({"decision": "gevolgd", "chosen_instrument": "taal"}, "inconsistent_decision", "chosen_instrument"),
        ({"decision": "afgeweken", "chosen_instrument": "geen", "reason": "BSN 123456782 bekend"}, "invalid_input", "reason"),
        ({"decision": "afgeweken", "chosen_instrument": "geen", "reason": "klant BSN111222333"}, "invalid_input", "reason"),
        ({"decision": "afgeweken", "chosen_instrument": "geen", "reason": "nummer 12345672 (Excel)"}, "invalid_input", "reason"),
        ({"decision": "afgeweken", "chosen_instrument": "geen", "reason": "nummer 111_222_333"}, "invalid_input", "reason"),
        ({"decision": "misschien"}, "invalid_input", "decision"),
    ]  # fmt: skip
    for body, code, field in cases:
        r = api.post(url, json=body, headers=h)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["code"] == code, body
        assert [e["field"] for e in r.json()["errors"]] == [field], body
    assert api.app.state.log.decision_for(b["advice_id"]) is None
    ok = {"decision": "afgeweken", "chosen_instrument": "taal", "reason": "Eerst de taaleis halen."}
    r = api.post(url, json=ok, headers=h)
    assert r.status_code == 201
    stored = api.app.state.log.decision_for(b["advice_id"])
    assert (stored.decision, stored.advised_instrument, stored.chosen_instrument) == (
        "afgeweken",
        "jobhunt",
        "taal",
    )
    assert (
        stored.reason == "Eerst de taaleis halen."
        and stored.user_id == "km01"
        and stored.team == "noord"
    )


def test_only_the_own_advice_can_be_decided_or_read(api: Any) -> None:
    mine = key(api, "caseworker", "km01")
    theirs = key(api, "caseworker", "km02")
    a = _advice(api, mine)
    url = f"/v1/advice/{a['advice_id']}"
    r = api.post(url + "/decision", json={"decision": "gevolgd"}, headers=theirs)
    assert r.status_code == 403 and r.json()["code"] == "not_own_advice"
    assert api.get(url, headers=theirs).status_code == 403
    assert api.get(url, headers=mine).json() == a
    r = api.post("/v1/advice/onbekend/decision", json={"decision": "gevolgd"}, headers=mine)
    assert r.status_code == 404 and r.json()["code"] == "advice_not_found"
    manager = key(api, "manager", "mgr")
    assert (
        api.post(url + "/decision", json={"decision": "gevolgd"}, headers=manager).status_code
        == 403
    )


def test_summary_counts_deviations_per_caseworker_team_and_instrument(api: Any) -> None:
    k1 = key(api, "caseworker", "km01", "noord")
    k2 = key(api, "caseworker", "km02", "noord")
    k3 = key(api, "caseworker", "km03", "zuid")
    plan = [  # (key, decision, chosen, reason)
        (k1, "gevolgd", None, None),
        (k1, "afgeweken", "taal", "Klant wil eerst de taaleis halen"),
        (k1, "afgeweken", "geen", "Klant heeft werk gevonden"),
        (k2, "afgeweken", "taal", "klant wil eerst de taaleis halen."),
        (k2, "gevolgd", None, None),
        (k3, "gevolgd", None, None),
        (k3, None, None, None),  # advice without decision
    ]
    for h, decision, chosen, reason in plan:
        a = _advice(api, h)
        if decision:
            body = {"decision": decision, "chosen_instrument": chosen, "reason": reason}
            assert (
                api.post(f"/v1/advice/{a['advice_id']}/decision", json=body, headers=h).status_code
                == 201
            )
    r = api.get("/v1/decisions/summary", headers=key(api, "manager", "mgr"))
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["advices"] == 7
    assert s["totals"] == {"decisions": 6, "followed": 3, "deviated": 3, "deviation_rate": 0.5}
    per = {c["user_id"]: c for c in s["caseworkers"]}
    assert (per["km01"]["decisions"], per["km01"]["deviated"], per["km01"]["advices"]) == (3, 2, 3)
    assert per["km01"]["deviation_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert per["km03"]["deviation_rate"] == 0 and per["km03"]["advices"] == 2
    teams = {t["team"]: t for t in s["teams"]}
    assert teams["noord"]["deviated"] == 3 and teams["noord"]["decisions"] == 5
    assert teams["zuid"]["deviation_rate"] == 0
    (inst,) = s["instruments"]
    assert inst["instrument"] == "jobhunt" and inst["deviated"] == 3
    assert inst["chosen_instead"] == [
        {"instrument": "taal", "count": 2},
        {"instrument": "geen", "count": 1},
    ]
    # reasons that differ only in case and punctuation count as one
    assert s["reasons"][0] == {"reason": "Klant wil eerst de taaleis halen", "count": 2}
    assert s["reasons"][1]["count"] == 1
    # a manager of team zuid sees zuid only, and may not ask for noord
    zuid = key(api, "manager", "mgr-zuid", "zuid")
    z = api.get("/v1/decisions/summary", headers=zuid).json()
    assert [c["user_id"] for c in z["caseworkers"]] == ["km03"] and z["team"] == "zuid"
    assert api.get("/v1/decisions/summary?team=noord", headers=zuid).status_code == 403


def test_summary_period(api: Any) -> None:
    from rendement_api.db.advice_log import AdviceRecord, DecisionRecord

    log = api.app.state.log
    old = dt.datetime(2025, 3, 10, 12, tzinfo=dt.UTC)
    log.append_advice(AdviceRecord("old1", old, "km09", "caseworker", "west", "advice", "reintegratie",
                                   "v", "expert", "0" * 64, {}, None, "taal"))  # fmt: skip
    log.append_decision(DecisionRecord("old1", old, "km09", "caseworker", "west", "afgeweken", "taal",
                                       "geen", "Verhuisd naar elders"))  # fmt: skip
    h = key(api, "manager", "mgr")
    march = api.get("/v1/decisions/summary?from=2025-03-01&to=2025-03-31", headers=h).json()
    assert (
        march["totals"]["deviated"] == 1 and march["reasons"][0]["reason"] == "Verhuisd naar elders"
    )
    april = api.get("/v1/decisions/summary?from=2025-04-01&to=2025-04-30", headers=h).json()
    assert april["totals"] == {"decisions": 0, "followed": 0, "deviated": 0, "deviation_rate": None}
    r = api.get("/v1/decisions/summary?from=2025-04-01&to=2025-03-01", headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "to"
    assert (
        api.get("/v1/decisions/summary?from=gisteren", headers=h).json()["errors"][0]["field"]
        == "from"
    )


def test_batch_equals_single_advices_in_request_order(api: Any) -> None:
    one = {k: v for k, v in CLIENT.items() if k != "as_of"}
    clients = [
        {**one, "client_id": "A"},
        {
            **one,
            "client_id": "B",
            "birth_date": "1996-01-01",
            "education": "hoog",
            "months_on_benefit": 1,
        },
        {**one, "client_id": "C", "months_on_benefit": 60, "completed_instruments": ["taal"]},
    ]
    r = api.post("/v1/scores", json={"as_of": CLIENT["as_of"], "clients": clients},
                 headers=key(api, "manager", "mgr"))  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == 3 and [c["client_id"] for c in body["clients"]] == ["A", "B", "C"]
    assert sorted(c["rank"] for c in body["clients"]) == [1, 2, 3]
    assert body["clients"][1]["rank"] == 1  # the young new client leaves first
    h = key(api, "caseworker", "km01")
    for c, sent in zip(body["clients"], clients, strict=True):
        single = api.post("/v1/advice", json={**sent, "as_of": CLIENT["as_of"]}, headers=h).json()
        for f in ("p_outflow_6m", "p_outflow_18m", "expected_remaining_months", "best_instrument"):
            assert c[f] == single[f], f
        assert c["instruments"] == single["instruments"]
        assert c["reasons"] == single["reasons"][:3]
    assert api.app.state.log.count()[0] == 6  # every client's advice is logged


def test_batch_limit_is_a_422_with_its_own_code(model_dir: Path, tmp_path: Path) -> None:
    one = {k: v for k, v in CLIENT.items() if k not in ("as_of", "client_id")}
    with running_app(model_dir, tmp_path / "log.db", max_batch=2) as api:
        h = key(api, "manager", "mgr")
        r = api.post("/v1/scores", json={"clients": [one] * 3}, headers=h)
        assert r.status_code == 422 and r.json()["code"] == "batch_too_large"
        big = json.dumps({"clients": [one] * 10_001})
        r = api.post("/v1/scores", content=big, headers={**h, "Content-Type": "application/json"})
        assert r.status_code == 422 and r.json()["code"] == "batch_too_large"
        assert r.json()["errors"][0]["field"] == "clients"
        dup = [{**one, "client_id": "X"}, {**one, "client_id": "X"}]
        r = api.post("/v1/scores", json={"clients": dup}, headers=h)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "clients[1].client_id"
        r = api.post(
            "/v1/scores", json={"clients": [one, {**one, "client_id": "123456782"}]}, headers=h
        )
        assert r.status_code == 422 and r.json()["code"] == "bsn_not_allowed"
        assert r.json()["errors"][0]["field"] == "clients[1].client_id"
        assert api.app.state.log.count() == (0, 0)


def test_unknown_routes_and_methods_use_the_error_format(api: Any) -> None:
    r = api.get("/v1/bestaatniet")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = api.delete("/v1/advice")
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"
