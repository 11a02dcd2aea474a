"""Helpers for the advice-log tests: a database per test (SQLite, or PostgreSQL when available)
and advice and decision records.

PostgreSQL runs when ``RENDEMENT_TEST_PG_URL`` points at a server (``.ci/run``
starts one); each test gets a fresh database. Without it the PostgreSQL cases
skip, unless ``RENDEMENT_REQUIRE_PG=1``: then they fail.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from rendement_api.db import AdviceRecord, DecisionRecord
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError


def postgres_admin_url() -> URL:
    """The test server's (superuser) URL, or skip/fail as ``RENDEMENT_REQUIRE_PG`` says."""
    base = os.environ.get("RENDEMENT_TEST_PG_URL")
    if not base:
        if os.environ.get("RENDEMENT_REQUIRE_PG") == "1":
            pytest.fail("RENDEMENT_REQUIRE_PG=1 but RENDEMENT_TEST_PG_URL is not set")
        pytest.skip("no PostgreSQL server (set RENDEMENT_TEST_PG_URL)")
    return make_url(base).set(drivername="postgresql+psycopg")


def postgres_database(owner: str | None = None) -> Iterator[str]:
    """A fresh database on the test server (owned by ``owner``), dropped afterwards."""
    url = postgres_admin_url()
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"rendement_t_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' OWNER "{owner}"' if owner else "")))
    except DBAPIError as exc:
        admin.dispose()
        if os.environ.get("RENDEMENT_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def advice(advice_id: str, when: dt.datetime, user: str = "km01", **kw: Any) -> AdviceRecord:
    base: dict[str, Any] = {
        "role": "caseworker", "team": "noord", "kind": "advice", "meter": "reintegratie",
        "model_version": "2026-01", "model_kind": "estimated", "input_sha256": "a" * 64,
        "outputs": {"best_instrument": "jobhunt", "months_on_benefit": 14,
                    "reasons": [{"term": "education[laag]"}]},
        "client_id": "K1", "best_instrument": "jobhunt",
    }  # fmt: skip
    base.update(kw)
    return AdviceRecord(advice_id=advice_id, created_at=when, user_id=user, **base)


def decision(advice_id: str, when: dt.datetime, kind: str = "afgeweken") -> DecisionRecord:
    return DecisionRecord(
        advice_id, when, "km01", "caseworker", "noord", kind, "jobhunt", "taal", "Eerst taal"
    )
