"""The caseworker page over HTTP (no browser): login, Dutch messages, advice, decision, print."""

from __future__ import annotations

import datetime as dt
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
ORIGIN = "http://testserver"
#: Words of the API's English messages that must never reach the Dutch page.
ENGLISH = re.compile(
    r"\b(the|give|expected|should|must|between|unknown|instead|required|invalid)\b", re.I
)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return expert_model_dir(tmp_path_factory.mktemp("expert"))


@pytest.fixture()
def page(model_dir: Path, tmp_path: Path) -> Any:
    with running_app(model_dir, tmp_path / "log.db", advice_draws=0) as client:
        value, _ = client.app.state.keys.create("caseworker", "km01", "noord")
        client.worker_key = value
        client.headers["Origin"] = ORIGIN  # what a browser sends with every form post
        yield client


def _login(page: Any, key: str | None = None) -> str:
    """Log in with the worker key; returns the form token the page hands out."""
    r = page.post("/inloggen", data={"key": key or page.worker_key}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    found = re.search(r'name="token" value="(\w+)"', page.get("/").text)
    assert found is not None
    return found.group(1)


def _errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'id="(\w+)-error">([^<]+)<', html))


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_login_is_needed_and_each_role_lands_on_its_own_page(page: Any) -> None:
    r = page.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/inloggen"
    assert page.post("/inloggen", data={"key": "fout"}).status_code == 401
    analyst, _ = page.app.state.keys.create("analyst", "ana")
    r = page.post("/inloggen", data={"key": analyst})
    assert r.status_code == 401 and "analist" in r.text
    manager, _ = page.app.state.keys.create("manager", "mgr")
    r = page.post("/inloggen", data={"key": manager}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/overzicht"
    r = page.get("/")  # the caseworker form is not for managers
    assert r.status_code == 403 and "Geen toegang" in r.text and "/overzicht" in r.text
    page.cookies.clear()
    _login(page)
    r = page.get("/")
    assert r.status_code == 200 and "Advies voor een klant" in r.text
    assert "geslacht" not in re.sub(r"Geslacht en afkomst worden niet gevraagd", "", r.text).lower()
    assert 'name="gender"' not in r.text
    assert page.get("/overzicht").status_code == 403  # and the manager page not for caseworkers


def test_the_cookie_holds_a_session_not_the_key(page: Any) -> None:
    r = page.post("/inloggen", data={"key": page.worker_key}, follow_redirects=False)
    session_id = page.cookies.get("rendement_sessie")
    assert session_id and page.worker_key not in r.headers["set-cookie"]
    assert "rendement_key" not in r.headers["set-cookie"]
    from rendement_api.db.tables import page_session
    from sqlalchemy import select

    with page.app.state.engine.connect() as conn:
        stored = [tuple(row) for row in conn.execute(select(page_session)).all()]
    assert len(stored) == 1 and session_id not in str(stored) and page.worker_key not in str(stored)
    token = re.search(r'name="token" value="(\w+)"', page.get("/").text).group(1)
    # logging out ends the session on the server: the old cookie is worthless afterwards
    assert page.post("/uitloggen", data={"token": token}, follow_redirects=False).status_code == 303
    page.cookies.set("rendement_sessie", session_id)
    assert page.get("/", follow_redirects=False).headers["location"] == "/inloggen"
    # a revoked key ends its sessions
    page.cookies.clear()
    _login(page)
    page.app.state.keys.revoke(page.app.state.keys.authenticate(page.worker_key).key_id)
    assert page.get("/", follow_redirects=False).headers["location"] == "/inloggen"
    # a key in the cookie (the old design) does not log anyone in
    other, _ = page.app.state.keys.create("caseworker", "km09")
    page.cookies.clear()
    page.cookies.set("rendement_sessie", other)
    page.cookies.set("rendement_key", other)
    assert page.get("/", follow_redirects=False).status_code == 303


def test_page_posts_from_another_origin_are_refused(page: Any) -> None:
    token = _login(page)
    for headers in (
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://testserver.evil.example"},
    ):
        r = page.post("/advies", data={**FORM, "token": token}, headers=headers)
        assert r.status_code == 403 and "niet vanaf dit scherm" in r.text, headers
    del page.headers["Origin"]
    r = page.post("/advies", data={**FORM, "token": token})  # neither Origin nor Referer
    assert r.status_code == 403
    assert page.app.state.log.count() == (0, 0)
    r = page.post("/advies", data={**FORM, "token": token}, headers={"Referer": f"{ORIGIN}/"})
    assert r.status_code == 200 and page.app.state.log.count() == (1, 0)
    r = page.post(
        "/inloggen", data={"key": page.worker_key}, headers={"Origin": "http://x.example"}
    )
    assert r.status_code == 403  # no login from another site's form either


def test_the_login_is_rate_limited(model_dir: Path, tmp_path: Path) -> None:
    settings = {"advice_draws": 0, "login_max_failures": 3, "login_window_seconds": 600}
    with running_app(model_dir, tmp_path / "log.db", **settings) as client:
        client.headers["Origin"] = ORIGIN
        key, _ = client.app.state.keys.create("caseworker", "km01")
        for _ in range(3):
            assert (
                client.post("/inloggen", data={"key": "rdm_000000000000_" + "x" * 30}).status_code
                == 401
            )
        r = client.post("/inloggen", data={"key": key}, follow_redirects=False)
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
        assert "Te veel mislukte pogingen" in r.text and "rendement_sessie" not in r.headers.get(
            "set-cookie", ""
        )
        limiter = client.app.state.login_limiter
        assert limiter.retry_after("testclient", now=10**9) == 0  # the window passes


def test_every_problem_of_the_form_is_shown_at_once_in_dutch(page: Any) -> None:
    token = _login(page)
    bad = {
        **FORM,
        "token": token,
        "birth_date": "2015-01-01",  # 11 years old: the service would say so only at the end
        "months_on_benefit": "veertien",
        "client_id": "123456782",
        "household_type": "",
        "monthly_benefit": "0",
    }
    r = page.post("/advies", data=bad)
    assert r.status_code == 422
    errors = _errors(r.text)
    assert set(errors) == {
        "birth_date", "months_on_benefit", "client_id", "household_type", "monthly_benefit"
    }  # fmt: skip
    assert "jaar" in errors["birth_date"] and "18 tot 110" in errors["birth_date"]
    assert errors["months_on_benefit"] == "Vul een heel getal in."
    assert "BSN" in errors["client_id"] and errors["household_type"] == "Vul dit veld in."
    assert "netto uitkering per maand" in errors["monthly_benefit"]
    assert 'id="form-errors"' in r.text and "Controleer 5 velden" in r.text
    assert 'value="Noord"' in r.text  # what was typed stays
    assert not ENGLISH.search(_visible_text(r.text)), ENGLISH.search(_visible_text(r.text))
    assert page.app.state.log.count() == (0, 0)


def test_values_that_do_not_fit_together_are_refused(page: Any) -> None:
    token = _login(page)
    r = page.post(
        "/advies",
        data={
            **FORM, "token": token, "birth_date": "2000-03-01", "months_on_benefit": "400",
            "work_experience_years": "20",
        },
    )  # fmt: skip
    assert r.status_code == 422
    errors = _errors(r.text)
    assert "past niet bij de geboortedatum" in errors["months_on_benefit"]
    assert "past niet bij een leeftijd" in errors["work_experience_years"]
    age = (dt.date.today() - dt.date(1980, 1, 1)).days // 366
    r = page.post(
        "/advies",
        data={**FORM, "token": token, "birth_date": "1980-01-01", "work_experience_years": "60"},
    )
    assert (
        r.status_code == 422 and "60 jaar werkervaring" in _errors(r.text)["work_experience_years"]
    )
    assert str(age - 15) in r.text or str(age - 14) in r.text
    # an inflow exactly at 18 is fine
    born = dt.date.today().replace(year=dt.date.today().year - 30, day=1)
    ok = {**FORM, "token": token, "birth_date": born.isoformat(), "months_on_benefit": "144"}
    assert page.post("/advies", data=ok).status_code == 200
    assert page.app.state.log.count() == (1, 0)


def test_api_messages_are_mapped_to_dutch() -> None:
    from rendement_api.errors import FieldError
    from rendement_api.page.dutch import GENERIC, service_message

    cases = {
        ("birth_date", "the birth date gives an age of -4 at the advice date"): "-4 jaar",
        ("inflow_date", "the inflow date lies after the advice date"): "instroomdatum",
        ("chosen_instrument", "required when deviating"): "in plaats daarvan",
        ("reason", "required when deviating"): "reden",
        ("chosen_instrument", "unknown instrument"): "kent het model niet",
        ("chosen_instrument", "differs from the advice"): "ik wijk af",
        ("chosen_instrument", "equals the advice"): "advies gevolgd",
        ("reason", "contains a BSN-like number"): "BSN",
        ("months_on_benefit", "months_on_benefit 3 does not match inflow_date (5 months)"): "5",
    }
    for (field, message), dutch in cases.items():
        text = service_message(FieldError(field, message, "x"))
        assert dutch in text and text != GENERIC and not ENGLISH.search(text), (message, text)
    assert service_message(FieldError("x", "something new in English", "y")) == GENERIC


def test_advice_page_holds_the_dossier_record(page: Any) -> None:
    token = _login(page)
    r = page.post("/advies", data={**FORM, "token": token}, follow_redirects=False)
    assert r.status_code == 200
    advice_id = re.search(r'data-advice-id="(\w+)"', r.text).group(1)
    url = f"/advies/{advice_id}"
    html = r.text
    stored = page.app.state.log.advice(advice_id).outputs
    assert stored["months_on_benefit"] == 14
    from zoneinfo import ZoneInfo

    stored_time = page.app.state.log.advice(advice_id).created_at
    local = stored_time.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%d-%m-%Y %H:%M")
    for text in (
        "Dit is een advies, geen besluit.",
        stored["outflow_group_text"],
        "versie 2026-expert (expertmodel)",
        "Leeftijd 55+ bij instroom: veel kleinere kans op uitstroom",
        "Sollicitatietraining",
        "<svg",
        'data-instrument="geen"',
        'data-instrument="jobhunt"',
        "Ingevoerde gegevens",
        "17-05-1966",  # the birth date as typed
        "€ 1.369,00 netto per maand",
        "alleenstaand",
        f"{local} (Nederlandse tijd)",
        "De grafiek toont de eerste 36 maanden",
        # the duration in the same words as the other reasons: a ratio, not percentages
        "Duur: na 14 maanden in de uitkering is de kans op uitstroom per maand 62% kleiner dan "
        "in de eerste maand",
    ):
        assert text in html, text
    assert not ENGLISH.search(_visible_text(html)), ENGLISH.search(_visible_text(html))
    assert "1966-05-17" not in str(stored)  # the typed values are shown, not logged
    # reading the advice again later: the typed values are not stored, and the page says so
    again = page.get(url).text
    assert "17-05-1966" not in again and "worden niet bewaard" in again
    # deviation without a reason: refused by the server too, in Dutch, nothing recorded
    entered = re.search(r'name="entered" value="([^"]*)"', html).group(1)
    import html as html_lib

    entered = html_lib.unescape(entered)
    r = page.post(
        f"{url}/besluit",
        data={"decision": "afgeweken", "chosen_instrument": "", "reason": "", "token": token,
              "entered": entered},
    )  # fmt: skip
    assert r.status_code == 422 and "in plaats daarvan" in r.text and "17-05-1966" in r.text
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
            "entered": entered,
        },
        follow_redirects=False,
    )
    assert r.status_code == 200  # the recorded decision with the typed values, for the print
    d = page.app.state.log.decision_for(advice_id)
    assert (d.decision, d.chosen_instrument, d.reason) == ("afgeweken", "taal", "Eerst de taaleis.")
    decided = d.created_at.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%d-%m-%Y %H:%M")
    assert f"Vastgelegd op {decided} (Nederlandse tijd)" in r.text and "17-05-1966" in r.text
    html = page.get(url).text
    assert 'id="decision-recorded"' in html and "Eerst de taaleis." in html
    assert 'id="decision-form"' not in html
    css = page.get("/static/style.css").text
    assert "@media print" in css and "#decision-form" in css and "A4 portrait" in css
    assert ":focus-visible" in css
    assert page.get("/static/print.css").status_code == 200


def test_someone_elses_advice_is_not_shown(page: Any) -> None:
    token = _login(page)
    r = page.post("/advies", data={**FORM, "token": token})
    url = "/advies/" + re.search(r'data-advice-id="(\w+)"', r.text).group(1)
    other, _ = page.app.state.keys.create("caseworker", "km02")
    page.cookies.clear()
    page.post("/inloggen", data={"key": other})
    r = page.get(url)
    assert r.status_code == 403 and "Sollicitatietraining" not in r.text
    assert "andere klantmanager" in r.text
    assert page.get("/advies/bestaatniet").status_code == 404


def test_a_form_without_the_pages_token_is_refused(page: Any) -> None:
    """What another site could post with the cookie (were it sent): refused, nothing logged."""
    token = _login(page)
    from rendement_api.page.common import form_token

    assert token == form_token(page.cookies.get("rendement_sessie")) != form_token("x")
    for data in (FORM, {**FORM, "token": form_token("x")}, {**FORM, "token": token[:-1]}):
        r = page.post("/advies", data=data, follow_redirects=False)
        assert r.status_code == 403 and "niet vanaf dit scherm" in r.text
    assert page.app.state.log.count() == (0, 0)
    r = page.post("/advies", data={**FORM, "token": token})
    url = "/advies/" + re.search(r'data-advice-id="(\w+)"', r.text).group(1)
    r = page.post(f"{url}/besluit", data={"decision": "gevolgd"}, follow_redirects=False)
    assert r.status_code == 403 and page.app.state.log.count() == (1, 0)
    r = page.post("/uitloggen", follow_redirects=False)
    assert r.status_code == 403 and page.get("/").status_code == 200  # still logged in
    r = page.post("/uitloggen", data={"token": token}, follow_redirects=False)
    assert r.status_code == 303
