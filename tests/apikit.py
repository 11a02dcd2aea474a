"""Helpers for the service tests: real models (declared and fitted), apps, clients and keys.

* :func:`expert_model_dir` declares a model through the real code path
  (``rendement.model.expert.model_from_spec_file`` -> ``save_model``), fast and exact;
* :func:`fitted_model_dir` fits the re-integration model on a simulated town
  (``rendement.model.fitting.fit_model``), cached per machine like :mod:`simcache`,
  so that intervals (which need a covariance matrix) are real.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from simcache import CACHE, get_simulation

EXPERT_YAML = """
kind: expert
meter: reintegratie
version: 2026-expert
author: Team Werk en Inkomen
rationale: Test model, declared by hand.
baseline_outflow:
  "1-3": 0.08
  "4-12": 0.05
  "13-24": 0.03
  "25+": 0.012
client_effects:
  "education[laag]": 0.75
  "age_band[55+]": 0.5
  "dutch_language[nee]": 0.8
  "household_type[paar]": 1.15
instruments:
  - instrument: jobhunt
    label: Sollicitatietraining
    category: "1"
    price: 1500
    duration_months: 3
    waiting_months: 1
    lock_in_hazard_ratio: 0.7
    after_hazard_ratio: 1.4
    after_hazard_ratio_by: {"education[laag]": 1.2}
  - instrument: taal
    label: Taaltraject
    category: "3"
    price: 3000
    duration_months: 9
    waiting_months: 2
    success_share: 0.3
    lock_in_hazard_ratio: 0.8
    after_hazard_ratio: 1.1
"""

#: A client as the API takes it (values of the data contract plus the benefit).
CLIENT: dict[str, Any] = {
    "client_id": "K-000123",
    "birth_date": "1966-05-17",
    "household_type": "alleenstaand",
    "education": "laag",
    "dutch_language": False,
    "work_experience_years": 4,
    "health_restriction": False,
    "district": "Noord",
    "months_on_benefit": 14,
    "monthly_benefit": 1369.0,
    "as_of": "2026-01-15",
}

SIM_CONFIG: dict[str, Any] = {"clients": 1500, "seed": 11, "as_of": "2026-01-01"}


def expert_model_dir(root: Path, text: str = EXPERT_YAML) -> Path:
    from rendement.model.expert import model_from_spec_file
    from rendement.model.folder import save_model

    root.mkdir(parents=True, exist_ok=True)
    spec = root / "expert.yaml"
    spec.write_text(text, encoding="utf-8")
    return save_model(model_from_spec_file(spec), root / "model")


def _engine_digest() -> str:
    import rendement

    h = hashlib.sha256()
    for f in sorted(Path(rendement.__file__).parent.rglob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


def fitted_model_dir() -> Path:
    """A model fitted on a simulated town (cached; refitted when the engine's source changes)."""
    from rendement.contract import read_data_folder
    from rendement.model.fitting import fit_model
    from rendement.model.folder import save_model

    town = get_simulation(**SIM_CONFIG)
    key = hashlib.sha256(f"{town.data_dir}|{_engine_digest()}".encode()).hexdigest()[:16]
    target = CACHE / f"fitted-{key}"
    with open(CACHE / f"fitted-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "manifest.json").exists():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # few-observation warnings of rare instruments
                model, _ = fit_model(read_data_folder(town.data_dir), version="2026-01-test")
            save_model(model, target)
    return target


def client_class() -> Any:
    """``fastapi.testclient.TestClient`` (its import warns about httpx vs httpx2 on new Starlette)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    return TestClient


def settings_for(model_dir: Path, db: Path | str, **extra: Any) -> Any:
    from rendement_api.settings import Settings

    url = db if isinstance(db, str) else f"sqlite:///{db}"
    return Settings(model_dir=model_dir, database_url=url, **extra)


@contextmanager
def running_app(model_dir: Path, db: Path | str, **extra: Any) -> Iterator[Any]:
    """A started app (lifespan run) and its TestClient."""
    from rendement_api import create_app

    app = create_app(settings_for(model_dir, db, **extra))
    with client_class()(app) as client:
        yield client


def key(client: Any, role: str, user: str, team: str | None = None) -> dict[str, str]:
    """Create a key in the running app's store; returns the header to send it with."""
    value, _ = client.app.state.keys.create(role, user, team)
    return {"Authorization": f"Bearer {value}"}


def days_ago(days: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
