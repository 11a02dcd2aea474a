"""The manager's page ``/overzicht`` over HTTP: role rules, figures, the files to download."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from apikit import expert_model_dir, running_app
from test_api_page import FORM, ORIGIN


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return expert_model_dir(tmp_path_factory.mktemp("expert"))


def _outputs(root: Path) -> Path:
    """An outputs folder as `make demo` writes it (a real workbook made by the lists writer)."""
    from openpyxl import Workbook

    (root / "lists").mkdir(parents=True)
    (root / "plan").mkdir()
    wb = Workbook()
    ws = wb.active
    ws.append(["Lijstwerk rendementmeter - peildatum 2026-01-01"])
    ws.append(["peildatum", "2026-01-01"])
    ws.append(["modelversie", "2025-old"])
    wb.save(root / "lists" / "lijsten-2026-01.xlsx")
    (root / "lists" / "lijst_totaal.csv").write_text("rang,klant\n1,K1\n", encoding="utf-8")
    (root / "plan" / "plan_summary.csv").write_text(
        "instrument,label,category,places,assigned,places_left,net_return_eur,months_saved,"
        "expected_cost_eur\njobhunt,Sollicitatietraining,1,10,10,0,12000.7,40.0,15000\n"
        "totaal,,,10,10,0,12000.7,40.0,15000\n",
        encoding="utf-8",
    )
    (root / "plan" / "plan.csv").write_text("client_id,instrument\n", encoding="utf-8")
    (root / "secret.txt").write_text("not offered", encoding="utf-8")
    return root


@pytest.fixture()
def site(model_dir: Path, tmp_path: Path) -> Any:
    outputs = _outputs(tmp_path / "out")
    with running_app(model_dir, tmp_path / "log.db", advice_draws=0, outputs_dir=outputs) as c:
        c.headers["Origin"] = ORIGIN
        keys = c.app.state.keys
        c.keys = {
            "km01": keys.create("caseworker", "km01", "noord")[0],
            "km02": keys.create("caseworker", "km02", "zuid")[0],
            "mgr": keys.create("manager", "mgr")[0],
            "mgr-noord": keys.create("manager", "mgr-n", "noord")[0],
        }
        yield c


def _login(c: Any, who: str) -> None:
    c.cookies.clear()
    assert c.post("/inloggen", data={"key": c.keys[who]}, follow_redirects=False).status_code == 303


def _decide(c: Any, who: str, decision: str, reason: str = "") -> None:
    _login(c, who)
    token = re.search(r'name="token" value="(\w+)"', c.get("/").text).group(1)
    r = c.post("/advies", data={**FORM, "token": token})
    advice_id = re.search(r'data-advice-id="(\w+)"', r.text).group(1)
    data = {"decision": decision, "token": token}
    if decision == "afgeweken":
        data |= {"chosen_instrument": "taal", "reason": reason}
    r = c.post(f"/advies/{advice_id}/besluit", data=data, follow_redirects=False)
    assert r.status_code == 303


def test_managers_see_deviations_and_the_files(site: Any) -> None:
    _decide(site, "km01", "afgeweken", "Eerst de taaleis halen")
    _decide(site, "km01", "afgeweken", "eerst de taaleis halen.")
    _decide(site, "km02", "gevolgd")
    assert site.get("/overzicht").status_code == 403  # a caseworker: no access
    _login(site, "mgr")
    r = site.get("/overzicht")
    assert r.status_code == 200
    assert "3 adviezen, 3 besluiten: 1 keer gevolgd, 2 keer afgeweken (67%)" in r.text
    assert re.search(r"Eerst de taaleis halen\s*<span class=\"hint\">\(2x\)", r.text)
    assert "km01" in r.text and "km02" in r.text and "noord" in r.text and "zuid" in r.text
    assert "Taaltraject (2x)" in r.text  # chosen instead, by label
    # files: offered by name, with the plan's summary and a warning about the model version
    for name in ("lijsten-2026-01.xlsx", "lijst_totaal.csv", "plan_summary.csv", "plan.csv"):
        assert name in r.text, name
    assert "gemaakt met model 2025-old, niet met het actieve model 2026-expert" in r.text
    assert "€\xa012.001" in r.text and "Sollicitatietraining" in r.text
    assert 'id="maandrapport"' in r.text and "nog geen maandrapportage" in r.text
    got = site.get("/overzicht/bestand/lijsten/lijsten-2026-01.xlsx")
    assert got.status_code == 200 and got.content[:2] == b"PK"
    for bad in ("lijsten/..%2Fsecret.txt", "plan/secret.txt", "elders/plan.csv"):
        assert site.get(f"/overzicht/bestand/{bad}").status_code == 404, bad
    # a manager of one team sees that team only (as in the API)
    _login(site, "mgr-noord")
    r = site.get("/overzicht")
    assert "km01" in r.text and "km02" not in r.text and "team noord" in r.text
    # a bad period is said in Dutch and the last 30 days are shown
    r = site.get("/overzicht?van=2026-02-01&tot=2026-01-01")
    assert r.status_code == 200 and "einddatum ligt voor de begindatum" in r.text
    # a caseworker cannot download
    _login(site, "km01")
    assert site.get("/overzicht/bestand/plan/plan.csv").status_code == 403


def test_the_latest_monthly_report_is_linked(model_dir: Path, tmp_path: Path) -> None:
    outputs = _outputs(tmp_path / "out")
    (outputs / "dashboard").mkdir()
    (outputs / "dashboard" / "maandrapport-2026-01.html").write_text("<h1>x</h1>", "utf-8")
    with running_app(model_dir, tmp_path / "log.db", advice_draws=0, outputs_dir=outputs) as c:
        c.headers["Origin"] = ORIGIN
        key, _ = c.app.state.keys.create("manager", "mgr")
        c.post("/inloggen", data={"key": key})
        r = c.get("/overzicht")
        assert 'id="report-link"' in r.text and "maandrapport-2026-01.html" in r.text
        assert c.get("/overzicht/bestand/dashboard/maandrapport-2026-01.html").text == "<h1>x</h1>"
