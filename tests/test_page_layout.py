"""What people see, in real headless Chromium: layouts from 1280 down to 360 px, the print on
A4 portrait, a visible focus ring, and an automated accessibility check (axe-core).

Layout assertions, per width and page: the page never scrolls sideways, and no visible
element's box reaches outside the viewport or has content wider than itself (clipped).
Screenshots (and the dossier PDF) go to ``$RENDEMENT_SCREENSHOTS`` when set, to look at.

axe-core comes from the npm registry (``npm install --prefix .cache/axe axe-core``, done by
``.ci/run``); without it the accessibility test skips, or fails under ``RENDEMENT_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path
from typing import Any

import pytest
from apikit import fitted_model_dir
from test_page_browser import (  # noqa: F401 (fixtures)
    _fill,
    _login,
    _need_browser,
    _set,
    browser,
    server,
    serving,
)

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent.parent / ".cache" / "axe" / "node_modules" / "axe-core"
WIDTHS = (1280, 800, 390, 360)

_LAYOUT_JS = """
const vw = document.documentElement.clientWidth;
const out = [];
const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
  (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
if (document.documentElement.scrollWidth > vw + 1) {
  out.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + vw);
}
for (const el of document.querySelectorAll('body *')) {
  const st = getComputedStyle(el);
  if (st.display === 'none' || st.visibility === 'hidden') continue;
  if (el.closest('.visually-hidden, .skip, script, style')) continue;
  const head = el.closest('thead');
  if (head && getComputedStyle(head).position === 'absolute') continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  if (r.right > vw + 1 || r.left < -1) {
    out.push(name(el) + ' outside the viewport: ' + Math.round(r.left) + '..' + Math.round(r.right));
  }
  const block = ['block', 'flex', 'grid', 'table-cell', 'list-item'].includes(st.display);
  if (block && el.clientWidth > 0 && !(el instanceof SVGElement) &&
      !['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName) && el.scrollWidth > el.clientWidth + 1) {
    out.push(name(el) + ' content wider than its box: ' + el.scrollWidth + ' > ' + el.clientWidth);
  }
}
return out;
"""


def _wait_for(driver: Any, element_id: str) -> Any:
    """The element once the page that follows a click has it (a click does not wait for it)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 20).until(ec.presence_of_element_located((By.ID, element_id)))


def _shots(tmp_path: Path) -> Path:
    where = Path(os.environ.get("RENDEMENT_SCREENSHOTS") or tmp_path / "shots")
    where.mkdir(parents=True, exist_ok=True)
    return where


def _at_width(driver: Any, width: int, height: int = 900) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500},
    )


def _screenshot(driver: Any, path: Path) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {"captureBeyondViewport": True, "clip": {
            "x": 0, "y": 0, "scale": 1, "height": min(int(height), 6000),
            "width": driver.execute_script("return document.documentElement.clientWidth"),
        }},
    )  # fmt: skip
    path.write_bytes(base64.b64decode(shot["data"]))


def _check_layouts(driver: Any, page: str, shots: Path) -> None:
    from selenium.webdriver.common.by import By

    for width in WIDTHS:
        _at_width(driver, width)
        problems = driver.execute_script(_LAYOUT_JS)
        assert not problems, f"{page} at {width} px: {problems[:8]}"
        logout = driver.find_elements(By.CSS_SELECTOR, "header.top button.link")
        if logout:  # "Uitloggen" stays whole on screen
            box = driver.execute_script(
                "return arguments[0].getBoundingClientRect().toJSON()", logout[0]
            )
            assert box["right"] <= width and box["left"] >= 0, (page, width, box)
        _screenshot(driver, shots / f"{page}-{width}.png")
        assert (shots / f"{page}-{width}.png").stat().st_size > 5_000
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.fixture()
def fitted_server(tmp_path: Path) -> Any:
    """A fitted model: its advice has intervals, the widest figures the page shows."""
    _need_browser()
    with serving(fitted_model_dir(), tmp_path) as srv:
        yield srv


def test_pages_fit_every_width_from_1280_to_360_px(
    fitted_server: dict[str, Any],
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    from selenium.webdriver.common.by import By

    shots = _shots(tmp_path)
    base = fitted_server["url"]
    browser.get(base + "/inloggen")
    _check_layouts(browser, "inloggen", shots)
    _login(browser, base, fitted_server["worker"], "advice-form")
    _fill(browser, birth_date="2000-01-01", months_on_benefit="400", work_experience_years="60")
    browser.find_element(By.ID, "submit-advice").click()
    _wait_for(browser, "form-errors")
    _check_layouts(browser, "formulier-fouten", shots)
    _fill(browser)
    browser.find_element(By.ID, "submit-advice").click()
    _wait_for(browser, "advice")
    _check_layouts(browser, "advies", shots)

    # at 1280 px the interval of each instrument stays on one line
    _at_width(browser, 1280)
    for cell in browser.find_elements(By.CSS_SELECTOR, "td.interval"):
        tops = {round(s.location["y"]) for s in cell.find_elements(By.CSS_SELECTOR, ".nowrap")}
        assert len(tops) <= 1, cell.text
    # on a phone the table is a stack of cards: label beside each value, no hidden columns
    _at_width(browser, 390)
    first = browser.find_element(By.CSS_SELECTOR, "#returns tbody tr")
    assert browser.execute_script("return getComputedStyle(arguments[0]).display", first) == "block"
    cells = first.find_elements(By.TAG_NAME, "td")
    assert all(c.is_displayed() for c in cells) and len(cells) == 7
    label = browser.execute_script(
        "return getComputedStyle(arguments[0], '::before').content", cells[5]
    )
    assert "Netto rendement" in label
    # each value is one flex item beside its label, so "A tot B" is not pulled apart
    for cell in cells[1:]:
        assert browser.execute_script("return arguments[0].childNodes.length", cell) == 1, cell.text
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_dossier_print_fits_a4_portrait(
    fitted_server: dict[str, Any],
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    """With a fitted model: the intervals, the widest figures, are on the paper too."""
    from selenium.webdriver.common.by import By

    base = fitted_server["url"]
    _login(browser, base, fitted_server["worker"], "advice-form")
    _fill(browser)
    browser.find_element(By.ID, "submit-advice").click()
    _wait_for(browser, "advice")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    # A4 portrait minus the 12 mm side margins is 186 mm = 703 CSS pixels (paper has no scrollbar)
    browser.execute_cdp_cmd("Emulation.setScrollbarsHidden", {"hidden": True})
    _at_width(browser, 703, 1000)
    problems = browser.execute_script(_LAYOUT_JS)
    assert not problems, problems[:8]
    printed = browser.find_element(By.ID, "entered").text
    for text in ("17-05-1966", "alleenstaand", "laag", "netto per maand", "Noord", "14"):
        assert text in printed, text
    assert "Nederlandse tijd" in browser.find_element(By.ID, "advised-at").text
    assert browser.find_element(By.ID, "returns").is_displayed()
    assert " tot " in browser.find_element(By.CSS_SELECTOR, "#returns td.interval").text
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    pdf = browser.execute_cdp_cmd(
        "Page.printToPDF", {"preferCSSPageSize": True, "printBackground": False}
    )
    data = base64.b64decode(pdf["data"])
    (_shots(tmp_path) / "advies-afdruk.pdf").write_bytes(data)
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert sizes and all(abs(float(w) - 595.9) < 2 and abs(float(h) - 842.9) < 2 for w, h in sizes)
    assert 1 <= len(sizes) <= 3  # a dossier copy of one to three A4 pages


def test_a_visible_focus_ring(server: dict[str, Any], browser: Any) -> None:  # noqa: F811
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _login(browser, server["url"], server["worker"], "advice-form")
    ActionChains(browser).send_keys(Keys.TAB).perform()
    skip = browser.switch_to.active_element
    assert skip.get_attribute("class") == "skip" and skip.is_displayed()
    for element in (skip, browser.find_element(By.ID, "client_id")):
        if element.tag_name == "input":
            element.click()
        style = browser.execute_script(
            "const s = getComputedStyle(arguments[0]);"
            "return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow];",
            element,
        )
        assert style[0] == "solid" and float(style[1].rstrip("px")) >= 2, style
        assert style[2] == "rgb(11, 12, 12)" and "255, 191, 71" in style[3], style


def _axe(driver: Any) -> list[dict[str, Any]]:
    source = AXE / "axe.min.js"
    driver.execute_script(source.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    found: list[dict[str, Any]] = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag',
                           values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
          .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                 targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))
          .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), targets: []}]));
        """
    )
    return found


def test_no_serious_accessibility_violations(
    server: dict[str, Any],  # noqa: F811
    browser: Any,  # noqa: F811
) -> None:
    from selenium.webdriver.common.by import By

    if not (AXE / "axe.min.js").exists():
        msg = "axe-core is not installed: npm install --prefix .cache/axe axe-core"
        if os.environ.get("RENDEMENT_REQUIRE_BROWSER") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    base = server["url"]
    pages: dict[str, list[dict[str, Any]]] = {}
    browser.get(base + "/inloggen")
    pages["inloggen"] = _axe(browser)
    _login(browser, base, server["worker"], "advice-form")
    pages["formulier"] = _axe(browser)
    _fill(browser, birth_date="2015-01-01", monthly_benefit="0")
    browser.find_element(By.ID, "submit-advice").click()
    _wait_for(browser, "form-errors")
    pages["formulier-fouten"] = _axe(browser)
    _fill(browser)
    browser.find_element(By.ID, "submit-advice").click()
    _wait_for(browser, "advice")
    pages["advies"] = _axe(browser)
    browser.find_element(By.ID, "decision-deviated").click()
    pages["advies-afwijken"] = _axe(browser)
    browser.delete_all_cookies()
    _login(browser, base, server["manager"], "totals")
    pages["overzicht"] = _axe(browser)
    serious = {
        page: [v for v in found if v["impact"] in ("serious", "critical")]
        for page, found in pages.items()
    }
    assert not any(serious.values()), serious
    assert all(v["id"] != "axe-error" for found in pages.values() for v in found)


def test_the_managers_page_in_chromium(
    server: dict[str, Any],  # noqa: F811
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    from selenium.webdriver.common.by import By

    base = server["url"]
    _login(browser, base, server["worker"], "advice-form")
    _fill(browser)
    browser.find_element(By.ID, "submit-advice").click()
    _wait_for(browser, "decision-followed").click()
    browser.find_element(By.ID, "submit-decision").click()
    _wait_for(browser, "decision-recorded")
    browser.get(base + "/overzicht")
    assert "Geen toegang" in browser.find_element(By.TAG_NAME, "h1").text
    browser.delete_all_cookies()
    _login(browser, base, server["manager"], "totals")
    assert browser.current_url == base + "/overzicht"
    assert (
        "1 advies, 1 besluit: 1 keer gevolgd, 0 keer afgeweken"
        in browser.find_element(By.ID, "totals").text
    )
    assert "km01" in browser.find_element(By.ID, "caseworkers").text
    assert "Sollicitatietraining" in browser.find_element(By.ID, "instruments").text
    _check_layouts(browser, "overzicht", _shots(tmp_path))
    browser.get(base + "/")
    assert "Geen toegang" in browser.find_element(By.TAG_NAME, "h1").text
