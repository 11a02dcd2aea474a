"""The price of a place in every advice (API): no plan, below, within, a broken plan file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from apikit import CLIENT, expert_model_dir, key, running_app

from rendement.plan.price import PRICE_COLUMNS, PRICE_FILE


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return expert_model_dir(tmp_path_factory.mktemp("expert"))


def write_prices(outputs: Path, threshold: float, *, places_left: int = 0) -> None:
    """A ``place_prices.csv`` as ``rendement plan`` writes it, with a chosen threshold."""
    (outputs / "plan").mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(
        {
            "instrument": ["jobhunt", "taal"],
            "label": ["Sollicitatietraining", "Taaltraject"],
            "places": [10, 4],
            "assigned": [10 - places_left, 4],
            "places_left": [places_left, 0],
            "threshold_eur": [threshold, 900.0],
            "lowest_assigned_eur": [threshold, 900.0],
            "dual_eur": [threshold - 100.0, 800.0],
            "budget_price_per_eur": [0.0, 0.0],
            "as_of": ["2026-01-01", "2026-01-01"],
            "model_version": ["2026-expert", "2026-expert"],
        }
    )[list(PRICE_COLUMNS)]
    # written beside and renamed into place, as the plan's folder swap does
    staged = outputs / "plan" / f".{PRICE_FILE}"
    frame.to_csv(staged, index=False)
    os.replace(staged, outputs / "plan" / PRICE_FILE)


def advice(c: Any, h: dict[str, str]) -> dict[str, Any]:
    r = c.post("/v1/advice", json=CLIENT, headers=h)
    assert r.status_code == 201, r.text
    return r.json()


def test_every_advice_carries_the_price_of_a_place(model_dir: Path, tmp_path: Path) -> None:
    outputs = tmp_path / "out"
    with running_app(model_dir, tmp_path / "log.db", advice_draws=0, outputs_dir=outputs) as c:
        h = key(c, "caseworker", "km01")
        first = advice(c, h)
        assert first["best_instrument"] == "jobhunt"
        value = first["best_net_return_eur"]
        assert value > 0
        assert first["place"]["status"] == "no_plan"
        assert first["place"]["within"] is None
        assert "nog geen plan" in first["place"]["text"]

        write_prices(outputs, round(value + 571.0, 2))
        below = advice(c, h)["place"]
        assert below["status"] == "below" and below["within"] is False
        assert below["threshold_eur"] == round(value + 571.0, 2)
        assert below["instrument"] == "jobhunt" and below["plan_as_of"] == "2026-01-01"
        assert below["text"].endswith("dit advies valt eronder.")
        assert "krijgt Sollicitatietraining wie minstens" in below["text"]

        write_prices(outputs, round(value - 300.0, 2))
        within = advice(c, h)["place"]
        assert within["status"] == "within" and within["within"] is True
        assert within["text"].endswith("dit advies valt erbinnen.")

        # the batch carries it too
        r = c.post(
            "/v1/scores",
            json={
                "as_of": "2026-01-15",
                "clients": [{k: v for k, v in CLIENT.items() if k != "as_of"}],
            },
            headers=key(c, "manager", "mgr"),
        )
        assert r.status_code in (200, 201), r.text
        assert r.json()["clients"][0]["place"]["status"] == "within"

        # a broken plan file: the advice is still given and says the plan cannot be read
        (outputs / "plan" / PRICE_FILE).write_text("instrument,places\njobhunt,veel\n")
        broken = c.post("/v1/advice", json=CLIENT, headers=h)
        assert broken.status_code == 201
        assert broken.json()["place"]["status"] == "unreadable"
        assert "niet worden gelezen" in broken.json()["place"]["text"]


def test_without_an_outputs_folder_the_advice_says_no_plan(model_dir: Path, tmp_path: Path) -> None:
    with running_app(model_dir, tmp_path / "log.db", advice_draws=0) as c:
        place = advice(c, key(c, "caseworker", "km01"))["place"]
        assert place["status"] == "no_plan"


def test_the_manager_overview_shows_the_price_of_a_place(model_dir: Path, tmp_path: Path) -> None:
    from test_api_overview import _outputs
    from test_api_page import ORIGIN

    outputs = _outputs(tmp_path / "out")
    with running_app(model_dir, tmp_path / "log.db", advice_draws=0, outputs_dir=outputs) as c:
        c.headers["Origin"] = ORIGIN
        manager, _ = c.app.state.keys.create("manager", "mgr")
        assert c.post("/inloggen", data={"key": manager}, follow_redirects=False).status_code == 303
        page = c.get("/overzicht").text
        assert "Grens voor een plaats" in page and "€\xa01.850" not in page
        write_prices(outputs, 1850.0)
        page = c.get("/overzicht").text
        assert "€\xa01.850" in page
        (outputs / "plan" / PRICE_FILE).write_text("kapot\n")
        assert c.get("/overzicht").status_code == 200  # a broken file: no prices, no error
