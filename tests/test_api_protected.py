"""The API refuses protected attributes by meaning (rendement.protected), not by one exact name:
as a field of the request, as an extra column, and the columns a model's specification declares
``protected``; always 422 with the stable code ``protected_attribute`` and nothing logged."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from apikit import CLIENT, expert_model_dir, key, running_app

from rendement.model.folder import load_model, save_model


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The expert test model, its specification declaring ``klantprofiel`` protected."""
    root = tmp_path_factory.mktemp("protected")
    model = load_model(expert_model_dir(root / "expert"))
    declared = replace(model, spec=replace(model.spec, protected=("klantprofiel",)))
    return save_model(declared, root / "model")


@pytest.fixture()
def api(model_dir: Path, tmp_path: Path) -> Any:
    with running_app(model_dir, tmp_path / "log.db", advice_draws=0) as client:
        yield client


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"female": True}, "female"),
        ({"Geslacht": "V"}, "Geslacht"),
        ({"herkomst": "NL"}, "herkomst"),
        ({"extra": {"female": 1.0}}, "extra.female"),
        ({"extra": {"herkomst": "Marokko"}}, "extra.herkomst"),
        ({"extra": {"Geslacht": "V"}}, "extra.Geslacht"),
        ({"extra": {"migratie_achtergrond": "ja"}}, "extra.migratie_achtergrond"),
        ({"extra": {"klantprofiel": "b"}}, "extra.klantprofiel"),  # declared in the spec
    ],
)
def test_protected_attributes_are_refused_by_meaning(
    api: Any, change: dict[str, Any], field: str
) -> None:
    r = api.post("/v1/advice", json={**CLIENT, **change}, headers=key(api, "caseworker", "km01"))
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "protected_attribute", body
    errors = {e["field"]: e["message"] for e in body["errors"]}
    assert field in errors and "protected attribute" in errors[field]
    assert api.app.state.log.count() == (0, 0)


def test_an_ordinary_unknown_column_is_not_called_protected(api: Any) -> None:
    r = api.post(
        "/v1/advice",
        json={**CLIENT, "extra": {"wijk": "b"}},
        headers=key(api, "caseworker", "km01"),
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"
    ok = api.post("/v1/advice", json=CLIENT, headers=key(api, "caseworker", "km01"))
    assert ok.status_code == 201, ok.text
