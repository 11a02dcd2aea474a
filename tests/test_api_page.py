"""The caseworker page over HTTP (no browser): login, inline errors, advice, decision, print."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from apikit import expert_model_dir, running_app

FORM = {
    "client_id": "K-77",
    "birth_date": "1966-05-17",
    "household_type": "alleenstaand",
    "education": "laag",
    "dutch_language": "nee",
    "work_experience_years": "4",
    "health_restriction": "nee",
    "district": "Noord",
    "months_on_benefit": "14",
    "monthly_benefit": "1.369,00",
}


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return expert_model_dir(tmp_path_factory.mktemp("expert"))


@pytest.fixture()
def page(model_dir: Path, tmp_path: Path) -> Any:
    with running_app(model_dir, tmp_path / "log.db", advice_draws=0) as client:
        value, _ = client.app.state.keys.create("caseworker", "km01", "noord")
        client.worker_key = value
        yield client


def _login(page: Any) -> str:
    """Log in with the worker key; returns the form token the page hands out."""
    r = page.post("/inloggen", data={"key": page.worker_key}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    found = re.search(r'name="token" value="(\w+)"', page.get("/").text)
    assert found is not None
    return found.group(1)


def test_login_is_needed_and_only_for_caseworkers(page: Any) -> None:
    r = page.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/inloggen"
    assert page.post("/inloggen", data={"key": "fout"}).status_code == 401
    manager, _ = page.app.state.keys.create("manager", "mgr")
    r = page.post("/inloggen", data={"key": manager})
    assert r.status_code == 401 and "klantmanager" in r.text
    _login(page)
    r = page.get("/")
    assert r.status_code == 200 and "Advies voor een klant" in r.text
    assert "geslacht" not in re.sub(r"Geslacht en afkomst worden niet gevraagd", "", r.text).lower()
    assert 'name="gender"' not in r.text


def test_form_shows_inline_messages_and_keeps_the_values(page: Any) -> None:
    token = _login(page)
    bad = {**FORM, "token": token, "birth_date": "", "months_on_benefit": "veertien"}
    bad["client_id"] = "123456782"
    r = page.post("/advies", data=bad)
    assert r.status_code == 422
    errors = dict(re.findall(r'id="(\w+)-error" role="alert">([^<]+)<', r.text))
    assert errors["birth_date"] == "Vul dit veld in."
    assert errors["months_on_benefit"] == "Vul een heel getal in."
    assert "BSN" in errors["client_id"]
    assert 'value="Noord"' in r.text  # what was typed stays
    assert page.app.state.log.count() == (0, 0)
    too_young = {**FORM, "token": token, "birth_date": "2015-01-01"}
    r = page.post("/advies", data=too_young)
    assert r.status_code == 422 and 'id="birth_date-error"' in r.text


def test_advice_page_decision_and_print_layout(page: Any) -> None:
    token = _login(page)
    r = page.post("/advies", data={**FORM, "token": token}, follow_redirects=False)
    assert r.status_code == 303
    url = r.headers["location"]
    advice_id = url.rsplit("/", 1)[1]
    html = page.get(url).text
    stored = page.app.state.log.advice(advice_id).outputs
    assert stored["months_on_benefit"] == 14
    for text in (
        "Dit is een advies, geen besluit.",
        stored["outflow_group_text"],
        "versie 2026-expert",
        "expert",
        "Leeftijd 55+ bij instroom: veel kleinere kans op uitstroom",
        "Sollicitatietraining",
        "<svg",
        'data-instrument="geen"',
        'data-instrument="jobhunt"',
    ):
        assert text in html, text
    # deviation without a reason: refused by the server too, nothing recorded
    r = page.post(
        f"{url}/besluit",
        data={"decision": "afgeweken", "chosen_instrument": "taal", "reason": "", "token": token},
    )
    assert r.status_code == 422 and "Geef de reden" in r.text
    assert page.app.state.log.decision_for(advice_id) is None
    r = page.post(
        f"{url}/besluit",
        data={
            "decision": "afgeweken",
            "chosen_instrument": "taal",
            "reason": "Eerst de taaleis.",
            "token": token,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    d = page.app.state.log.decision_for(advice_id)
    assert (d.decision, d.chosen_instrument, d.reason) == ("afgeweken", "taal", "Eerst de taaleis.")
    html = page.get(url).text
    assert 'id="decision-recorded"' in html and "Eerst de taaleis." in html
    assert 'id="decision-form"' not in html
    css = page.get("/static/style.css").text
    assert "@media print" in css and "#decision-form" in css
    assert page.get("/static/print.css").status_code == 200


def test_someone_elses_advice_is_not_shown(page: Any) -> None:
    token = _login(page)
    url = page.post("/advies", data={**FORM, "token": token}, follow_redirects=False)
    url = url.headers["location"]
    other, _ = page.app.state.keys.create("caseworker", "km02")
    page.cookies.clear()
    page.post("/inloggen", data={"key": other})
    r = page.get(url)
    assert r.status_code == 403 and "Sollicitatietraining" not in r.text
    assert page.get("/advies/bestaatniet").status_code == 404


def test_a_form_without_the_pages_token_is_refused(page: Any) -> None:
    """What another site could post with the cookie (were it sent): refused, nothing logged."""
    token = _login(page)
    other, _ = page.app.state.keys.create("caseworker", "km03")
    from rendement_api.page.routes import form_token

    assert token == form_token(page.worker_key) != form_token(other)
    for data in (FORM, {**FORM, "token": form_token(other)}, {**FORM, "token": token[:-1]}):
        r = page.post("/advies", data=data, follow_redirects=False)
        assert r.status_code == 403 and "niet vanaf dit scherm" in r.text
    assert page.app.state.log.count() == (0, 0)
    url = page.post("/advies", data={**FORM, "token": token}, follow_redirects=False)
    url = url.headers["location"]
    r = page.post(f"{url}/besluit", data={"decision": "gevolgd"}, follow_redirects=False)
    assert r.status_code == 403 and page.app.state.log.count() == (1, 0)
    r = page.post("/uitloggen", follow_redirects=False)
    assert r.status_code == 403 and page.get("/").status_code == 200  # still logged in
    r = page.post("/uitloggen", data={"token": token}, follow_redirects=False)
    assert r.status_code == 303
