"""Property-based fuzzing of the OpenAPI schema (schemathesis): no input gives a 5xx.

Every operation is called with generated valid and invalid requests, with a key of
the role the route needs. Responses must never be server errors, every error must
use the service's error format, and responses must match the documented status
codes, content types and schemas. Bounded: 20 examples per operation (plus
schemathesis' coverage cases), derandomised, so the same requests every run.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from apikit import client_class, expert_model_dir, settings_for
from hypothesis import HealthCheck, settings
from schemathesis.checks import ignored_auth, positive_data_acceptance

pytestmark = pytest.mark.slow  # 25-40 s: several hundred generated requests

ROLE_OF = {
    "/v1/advice": "caseworker",
    "/v1/advice/{advice_id}": "caseworker",
    "/v1/advice/{advice_id}/decision": "caseworker",
    "/v1/scores": "manager",
    "/v1/decisions/summary": "manager",
    "/v1/models": "analyst",
}


def _app() -> Any:
    """The app with its services opened (what the lifespan does) and a key per role.

    Built at import: schemathesis needs the schema to generate the test cases.
    """
    from rendement_api import create_app
    from rendement_api.app import open_services

    client_class()  # Starlette's test client, imported once with its import warning silenced
    root = Path(tempfile.mkdtemp(prefix="rendement-fuzz-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    settings_ = settings_for(
        expert_model_dir(root / "expert"), root / "log.db", advice_draws=0, max_batch=20
    )
    application = create_app(settings_)
    open_services(application, settings_)
    application.state.fuzz_keys = {
        role: application.state.keys.create(role, f"fuzz-{role}")[0]
        for role in set(ROLE_OF.values())
    }
    return application


APP = _app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_gives_a_server_error(case: Any) -> None:
    role = ROLE_OF.get(case.path)
    headers = {"Authorization": f"Bearer {APP.state.fuzz_keys[role]}"} if role else {}
    # Left out: ignored_auth re-sends with a generated key next to ours (access is tested in
    # test_api.py); positive_data_acceptance: schema-valid values can still contradict each
    # other (months_on_benefit vs inflow_date, an unknown instrument code), a 422 is right then.
    response = case.call_and_validate(
        headers=headers, excluded_checks=[ignored_auth, positive_data_acceptance]
    )
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        assert {"code", "message", "errors"} <= set(body), body
        assert isinstance(body["code"], str) and body["code"]


def test_schema_documents_every_route() -> None:
    assert set(APP.openapi()["paths"]) == set(ROLE_OF) | {"/v1/health"}
