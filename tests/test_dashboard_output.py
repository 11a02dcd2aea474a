"""The steering report's files: the command, the workbook read back, all-or-nothing writing,
the optional tables of the data contract, and the HTML page in real headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from rendement.cli.main import main
from rendement.contract import read_data_folder, validate_data_folder
from rendement.dashboard import build_report, latest_report, write_report
from rendement.dashboard import write as write_module
from rendement.hazard.warnings import FewObservationsWarning
from rendement.model.fitting import fit_model
from rendement.model.folder import save_model
from rendement.simulate import SimulationConfig, simulate

AS_OF = "2026-07-01"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("town")
    sim = simulate(SimulationConfig(clients=1500, seed=21, as_of=AS_OF))
    data_dir, truth_dir = root / "data", root / "truth"
    sim.write(data_dir, truth_dir)
    rng = np.random.default_rng(3)
    days = pd.date_range("2024-07-01", "2026-06-30", freq="D")
    pd.DataFrame(
        {
            "application_id": [f"A{i:04d}" for i in range(600)],
            "date": rng.choice(days, 600).astype("datetime64[D]").astype(str),
            "decision": rng.choice(["granted", "refused", "withdrawn"], 600, p=[0.7, 0.2, 0.1]),
        }
    ).to_csv(data_dir / "applications.csv", index=False)
    pd.DataFrame(
        {
            "date": rng.choice(days, 80).astype("datetime64[D]").astype(str),
            "amount": rng.uniform(200, 8000, 80).round(2),
        }
    ).to_csv(data_dir / "recoveries.csv", index=False)
    data = read_data_folder(data_dir)
    with warnings.catch_warnings():  # a small town has thin instruments
        warnings.simplefilter("ignore", FewObservationsWarning)
        model, _ = fit_model(data)
    model_dir = save_model(model, root / "model")
    (root / "budget.csv").write_text("year,amount\n2025,8000000\n2026,8200000\n")
    (root / "targets.csv").write_text(
        "indicator,period,target\ncaseload,2026,380\noutflow_rate,2026,2.0\n"
    )
    (root / "reference.csv").write_text(
        "municipality,role,households,caseload,inflow,outflow\n"
        "Droomstad,eigen,9000,,,\nDaaddorp,referentie,12000,360,90,80\n"
        "Verwegen,referentie,8000,300,70,60\n"
    )
    return {
        "root": root,
        "data_dir": data_dir,
        "data": data,
        "model": model,
        "model_dir": model_dir,
    }


def test_optional_tables_are_read_and_validated(town: dict[str, Any], tmp_path: Path) -> None:
    data = town["data"]
    assert data.applications is not None and len(data.applications) == 600
    assert set(data.applications["decision"]) == {"granted", "refused", "withdrawn"}
    assert data.recoveries is not None and data.recoveries["amount"].dtype == np.float64
    bad = tmp_path / "bad"
    shutil.copytree(town["data_dir"], bad)
    (bad / "applications.csv").write_text(
        "application_id,date,decision\nA1,2026-01-05,granted\nA1,2026-13-01,approved\n"
    )
    (bad / "recoveries.csv").write_text("date,amount\n2026-02-01,-10\n")
    found = {(v.file, v.row, v.column, v.code) for v in validate_data_folder(bad)}
    assert found == {
        ("applications.csv", 3, "application_id", "duplicate_key"),
        ("applications.csv", 3, "date", "invalid_type"),
        ("applications.csv", 3, "decision", "unknown_category"),
        ("recoveries.csv", 2, "amount", "negative_amount"),
    }
    os.remove(bad / "applications.csv")
    os.remove(bad / "recoveries.csv")
    plain = read_data_folder(bad)  # without the optional files the folder is still valid
    assert plain.applications is None and plain.recoveries is None


def test_command_writes_the_page_and_a_printable_workbook(
    town: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, out = town["root"], tmp_path / "out"
    code = main(
        [
            "dashboard", str(town["data_dir"]), "--model", str(town["model_dir"]),
            "--as-of", AS_OF, "--out", str(out), "--budget", str(root / "budget.csv"),
            "--targets", str(root / "targets.csv"), "--reference", str(root / "reference.csv"),
            "--by", "district",
        ]
    )  # fmt: skip
    assert code == 0
    assert "expected expenditure 2026" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == [
        "maandrapportage-2026-07.html",
        "maandrapportage-2026-07.xlsx",
    ]
    assert latest_report(out) == out / "maandrapportage-2026-07.html"
    wb = load_workbook(out / "maandrapportage-2026-07.xlsx")
    assert wb.sheetnames[:5] == ["Samenvatting", "Per maand", "Uitgaven", "Trajecten", "CBS"]
    assert {"Aanvragen", "Terugvordering", "Referentie"} <= set(wb.sheetnames)
    districts = sorted(town["data"].clients["district"].dropna().unique())
    assert wb.sheetnames[-len(districts) :] == districts
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_title_rows is not None and ws.print_title_rows.startswith("$1:$1")
    # the monthly sheet holds the report's numbers, coloured by traffic light
    report = build_report(
        town["data"], town["model"], AS_OF, n_draws=20, with_backtest=False,
        targets=[], budget={2026: 8_200_000.0},
    )  # fmt: skip
    ws = wb["Per maand"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Maand", "Bestand", "Instroom"]
    caseload = [ws.cell(row=r, column=2).value for r in range(2, ws.max_row + 1)]
    assert caseload == report.total.monthly["bestand"].tolist()
    fills = {ws.cell(row=r, column=2).fill.fgColor.rgb for r in range(14, ws.max_row + 1)}
    assert fills & {"00C8E6C9", "00FFE0B2", "00FFCDD2"}
    summary = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value
               for r in range(1, 20) if (ws := wb["Samenvatting"])}  # fmt: skip
    assert summary["Begroting 2026"] == 8_200_000
    assert summary["Verwachte uitgaven 2026"] == pytest.approx(report.forecast.total, rel=1e-9)


def test_bad_input_file_writes_nothing(
    town: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "targets.csv"
    bad.write_text("indicator,period,target\ncaseload,26,380\nwachttijd,2026,x\n")
    out = tmp_path / "out"
    code = main(
        ["dashboard", str(town["data_dir"]), "--model", str(town["model_dir"]),
         "--as-of", AS_OF, "--out", str(out), "--targets", str(bad)]
    )  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "targets.csv, row 2, column 'period'" in err
    assert "targets.csv, row 3, column 'indicator'" in err
    assert "targets.csv, row 3, column 'target'" in err
    assert not out.exists()


def test_writing_is_all_or_nothing(
    town: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = build_report(town["data"], town["model"], AS_OF, n_draws=10, with_backtest=False)
    out = tmp_path / "out"
    out.mkdir()
    (out / "maandrapportage-2026-07.html").write_text("previous report")

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(write_module, "write_workbook", broken)
    with pytest.raises(OSError, match="disk full"):
        write_report(report, out)
    assert [p.name for p in out.iterdir()] == ["maandrapportage-2026-07.html"]
    assert (out / "maandrapportage-2026-07.html").read_text() == "previous report"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".rendement-staging")]


def _need_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        msg = f"real-browser test needs {', '.join(missing)} (Debian: chromium chromium-driver)"
        if os.environ.get("RENDEMENT_REQUIRE_BROWSER") == "1":
            pytest.fail(msg)
        pytest.skip(msg)


@pytest.fixture()
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,1000",
    ):  # fmt: skip
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.mark.browser
def test_page_renders_in_chromium_without_external_requests(
    town: dict[str, Any], tmp_path: Path, browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    report = build_report(
        town["data"], town["model"], AS_OF, n_draws=20, by="district",
        budget={2026: 8_200_000.0},
    )  # fmt: skip
    page, _ = write_report(report, tmp_path / "out")
    browser.get("about:blank")
    browser.get_log("performance")  # drain what the browser did before the page
    browser.get(page.resolve().as_uri())
    assert browser.title == "Maandrapportage bijstand juli 2026"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Maandrapportage bijstand juli 2026"
    images = browser.find_elements(By.TAG_NAME, "img")
    assert len(images) == 4
    for img in images:
        assert (
            browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img)
            > 300
        )
    headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
    assert "Uitgaven en begroting 2026" in headings and "Per district" in headings
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "Verwacht saldo" in text and "Duurzame uitstroom" in text
    # every request the page made: the file itself and its data: images, nothing else
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    assert page.resolve().as_uri() in urls, "the performance log did not record the page"
    page_requests = [u for u in urls if not u.startswith(("chrome:", "chrome-untrusted:"))]
    external = [u for u in page_requests if not u.startswith(("file:", "data:"))]
    assert external == []
    html = page.read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html and "<script" not in html
    browser.save_screenshot(str(tmp_path / "page.png"))
