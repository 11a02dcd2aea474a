"""The caseworker page end to end in real headless Chromium (Debian chromium + chromium-driver).

Skips when Chromium is missing, unless ``RENDEMENT_REQUIRE_BROWSER=1`` (CI): then it fails.
Never downloads a browser or a driver.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from apikit import expert_model_dir, settings_for

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def _need_browser() -> None:
    missing = [
        p for p in (CHROMIUM, CHROMEDRIVER) if not (os.path.exists(p) and os.access(p, os.X_OK))
    ]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    if missing:
        msg = f"real-browser test needs {', '.join(missing)} (Debian: chromium chromium-driver)"
        if os.environ.get("RENDEMENT_REQUIRE_BROWSER") == "1":
            pytest.fail(msg)
        pytest.skip(msg)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(model_dir: Path, tmp_path: Path, **extra: Any) -> Iterator[dict[str, Any]]:
    """The service on a free port with a caseworker and a manager key (``extra``: settings)."""
    import uvicorn
    from rendement_api import create_app
    from rendement_api.db import KeyStore, make_engine, migrate

    db = tmp_path / "log.db"
    settings = settings_for(model_dir, db, **extra)
    engine = make_engine(settings.database_url)
    migrate(engine)
    store = KeyStore(engine)
    worker, _ = store.create("caseworker", "km01", "noord")
    manager, _ = store.create("manager", "mgr")
    engine.dispose()
    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the service did not start")
        time.sleep(0.05)
    try:
        yield {"url": f"http://127.0.0.1:{port}", "worker": worker, "manager": manager}
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    _need_browser()
    with serving(expert_model_dir(tmp_path / "expert"), tmp_path) as srv:
        yield srv


@pytest.fixture()
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager: never download anything
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={profile}", "--window-size=1200,1800", "--lang=nl",
    ):  # fmt: skip
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _set(driver: Any, element_id: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    el = driver.find_element(By.ID, element_id)
    if el.tag_name == "select":
        Select(el).select_by_value(value)
    elif el.get_attribute("type") == "date":
        driver.execute_script("arguments[0].value = arguments[1];", el, value)
    else:
        el.clear()
        el.send_keys(value)


def _login(browser: Any, base: str, key: str, landing: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(base + "/inloggen")
    _set(browser, "key", key)
    browser.find_element(By.ID, "login").click()
    WebDriverWait(browser, 20).until(ec.presence_of_element_located((By.ID, landing)))


def _fill(browser: Any, **changes: str) -> None:
    values = {
        "client_id": "K-77", "birth_date": "1966-05-17", "household_type": "alleenstaand",
        "education": "laag", "dutch_language": "nee", "work_experience_years": "4",
        "health_restriction": "nee", "district": "Noord", "months_on_benefit": "14",
        "monthly_benefit": "1369",
    }  # fmt: skip
    for field, value in {**values, **changes}.items():
        _set(browser, field, value)


def test_caseworker_page_in_chromium(server: dict[str, Any], browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(browser, 20)
    base = server["url"]
    browser.get(base + "/")
    assert browser.current_url.endswith("/inloggen")
    _set(browser, "key", server["worker"])
    browser.find_element(By.ID, "login").click()
    wait.until(ec.presence_of_element_located((By.ID, "advice-form")))

    # an empty form: the server names every missing field at once, in Dutch
    browser.find_element(By.ID, "submit-advice").click()
    wait.until(ec.presence_of_element_located((By.ID, "form-errors")))
    shown = {e.get_attribute("id") for e in browser.find_elements(By.CSS_SELECTOR, ".field-error")}
    assert shown == {
        "birth_date-error", "household_type-error", "education-error",
        "months_on_benefit-error", "monthly_benefit-error",
    }  # fmt: skip
    assert browser.switch_to.active_element.get_attribute("id") == "form-errors"

    _fill(browser)
    browser.find_element(By.ID, "submit-advice").click()
    wait.until(ec.presence_of_element_located((By.ID, "advice")))
    advice_id = browser.find_element(By.ID, "advice").get_attribute("data-advice-id")
    advice_url = f"{base}/advies/{advice_id}"
    assert browser.current_url == advice_url  # a reload reads the advice, it does not post again
    assert browser.find_element(By.ID, "group").text.startswith("Groep ")
    assert "Sollicitatietraining" in browser.find_element(By.ID, "recommendation").text
    assert "expert" in browser.find_element(By.ID, "model").text
    assert "Dit is een advies, geen besluit." in browser.find_element(By.ID, "notice").text
    assert "17-05-1966" in browser.find_element(By.ID, "entered").text
    lines = browser.find_elements(By.CSS_SELECTOR, "#chart svg polyline")
    assert sorted(el.get_attribute("data-instrument") for el in lines) == [
        "geen",
        "jobhunt",
        "taal",
    ]
    assert browser.find_element(By.CSS_SELECTOR, "#chart svg").size["height"] > 100
    reasons = browser.find_element(By.ID, "reasons").text
    assert "Leeftijd 55+ bij instroom: veel kleinere kans op uitstroom" in reasons
    browser.save_screenshot(str(tmp_path / "advies.png"))
    assert (tmp_path / "advies.png").stat().st_size > 10_000

    # a deviation without a reason is blocked in the browser ...
    browser.find_element(By.ID, "decision-deviated").click()
    Select(browser.find_element(By.ID, "chosen_instrument")).select_by_value("taal")
    browser.find_element(By.ID, "submit-decision").click()
    time.sleep(0.3)
    assert browser.current_url == advice_url
    assert browser.execute_script("return document.getElementById('reason').validationMessage")
    # ... and by the server when the browser's check is bypassed
    browser.execute_script(
        "const r = document.getElementById('reason'); r.required = false; r.value = '';"
        "document.getElementById('decision-form').submit();"
    )
    wait.until(ec.presence_of_element_located((By.ID, "decision-error")))
    assert "Geef de reden" in browser.find_element(By.ID, "decision-error").text
    summary = httpx.get(
        base + "/v1/decisions/summary", headers={"X-API-Key": server["manager"]}, timeout=10
    ).json()
    assert summary["totals"]["decisions"] == 0

    # with a reason it is recorded, and managers see it
    browser.find_element(By.ID, "decision-deviated").click()
    Select(browser.find_element(By.ID, "chosen_instrument")).select_by_value("taal")
    _set(browser, "reason", "Klant wil eerst de taaleis halen.")
    browser.find_element(By.ID, "submit-decision").click()
    wait.until(ec.presence_of_element_located((By.ID, "decision-recorded")))
    assert "afgeweken van het advies" in browser.find_element(By.ID, "decision-recorded").text
    assert "Nederlandse tijd" in browser.find_element(By.ID, "decision-recorded").text
    assert "17-05-1966" in browser.find_element(By.ID, "entered").text  # still there to print
    summary = httpx.get(
        base + "/v1/decisions/summary", headers={"X-API-Key": server["manager"]}, timeout=10
    ).json()
    assert summary["totals"] == {
        "decisions": 1,
        "followed": 0,
        "deviated": 1,
        "deviation_rate": 1.0,
    }
    assert summary["reasons"] == [{"reason": "Klant wil eerst de taaleis halen.", "count": 1}]

    # the print layout hides navigation and buttons, keeps the advice and the chart
    nav = "return getComputedStyle(document.querySelector('header.top nav')).display"
    button = "return getComputedStyle(document.getElementById('print')).display"
    assert browser.execute_script(nav) != "none"
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert browser.execute_script(nav) == "none"
    assert browser.execute_script(button) == "none"
    assert browser.find_element(By.CSS_SELECTOR, "#chart svg").is_displayed()
    pdf = browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
    assert len(pdf["data"]) > 10_000
