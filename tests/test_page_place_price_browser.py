"""The price of a place on the caseworker page, in real headless Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from apikit import expert_model_dir
from test_api_place_price import write_prices
from test_page_browser import _fill, _login, _need_browser, browser, serving  # noqa: F401

pytestmark = pytest.mark.browser


def _advise(browser: Any) -> str:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    _fill(browser)
    browser.find_element(By.ID, "submit-advice").click()
    WebDriverWait(browser, 20).until(ec.presence_of_element_located((By.ID, "advice")))
    return str(browser.find_element(By.ID, "place").text)


def test_the_advice_page_says_whether_the_return_gets_a_place(
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    from selenium.webdriver.common.by import By

    _need_browser()
    outputs = tmp_path / "out"
    with serving(expert_model_dir(tmp_path / "expert"), tmp_path, outputs_dir=outputs) as srv:
        base = srv["url"]
        _login(browser, base, srv["worker"], "advice-form")
        text = _advise(browser)
        assert text.startswith("Plaats in het plan: Er is nog geen plan gemaakt")
        assert browser.find_element(By.ID, "place").get_attribute("data-status") == "no_plan"

        # the expert model's advice for this client: Sollicitatietraining, EUR 3.309
        write_prices(outputs, 4000.0)
        browser.get(base + "/")
        text = _advise(browser)
        assert text == (
            "Plaats in het plan: rendement € 3.309; in het plan van januari 2026 krijgt "
            "Sollicitatietraining wie minstens € 4.000 oplevert: dit advies valt eronder."
        )
        assert "laagste netto rendement" in browser.find_element(By.ID, "place-explained").text
        browser.save_screenshot(str(tmp_path / "advies-onder-de-prijs.png"))
        assert (tmp_path / "advies-onder-de-prijs.png").stat().st_size > 10_000

        write_prices(outputs, 1850.0)
        browser.get(base + "/")
        text = _advise(browser)
        assert text.endswith("wie minstens € 1.850 oplevert: dit advies valt erbinnen.")
        assert browser.find_element(By.ID, "place").get_attribute("data-status") == "within"
