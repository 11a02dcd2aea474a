"""The advice log and the key store on SQLite and on a real PostgreSQL server.

PostgreSQL runs when ``RENDEMENT_TEST_PG_URL`` points at a server (``.ci/run``
starts one); each test gets a fresh database. Without it the PostgreSQL cases
skip, unless ``RENDEMENT_REQUIRE_PG=1``: then they fail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apikit import CLIENT, days_ago, expert_model_dir, key, running_app
from logkit import advice, decision
from rendement_api.db import AdviceLog, KeyStore, make_engine, migrate
from rendement_api.db.database import current_revision, downgrade, head_revision
from rendement_api.db.tables import api_key, metadata
from rendement_api.errors import DecisionExistsError, KeyStoreError
from rendement_api.schemas.advice import ClientInput
from rendement_api.services.clients import input_sha256
from rendement_api.settings import MIN_RETENTION_DAYS, Settings
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError


def _postgres_url() -> Iterator[str]:
    """A fresh database on the test server, dropped afterwards."""
    base = os.environ.get("RENDEMENT_TEST_PG_URL")
    required = os.environ.get("RENDEMENT_REQUIRE_PG") == "1"
    if not base:
        if required:
            pytest.fail("RENDEMENT_REQUIRE_PG=1 but RENDEMENT_TEST_PG_URL is not set")
        pytest.skip("no PostgreSQL server (set RENDEMENT_TEST_PG_URL)")
    url = make_url(base).set(drivername="postgresql+psycopg")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"rendement_t_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except DBAPIError as exc:
        admin.dispose()
        if required:
            pytest.fail(
                f"PostgreSQL at {url.render_as_string(hide_password=True)} unreachable: {exc}"
            )
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'log.db'}"
    else:
        yield from _postgres_url()


@pytest.fixture()
def engine(db_url: str) -> Iterator[Any]:
    e = make_engine(db_url)
    migrate(e)
    yield e
    e.dispose()


def test_migrations_build_the_declared_schema_and_go_back(engine: Any) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []
    migrate(engine)  # a second run changes nothing
    assert current_revision(engine) == head_revision()
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate(engine)
    assert {"advice", "decision", "api_key"} <= set(inspect(engine).get_table_names())


def test_log_round_trip_and_one_decision_per_advice(engine: Any) -> None:
    log = AdviceLog(engine)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    rec = advice("a1", now, outputs={"tekst": "één advies", "n": [1, 2.5, None]})
    log.append_advice(rec)
    assert log.advice("a1") == rec
    assert log.advice("a2") is None
    log.append_decision(decision("a1", now))
    assert log.decision_for("a1") == decision("a1", now)
    with pytest.raises(DecisionExistsError):
        log.append_decision(decision("a1", now, "gevolgd"))
    assert log.count() == (1, 1)


def test_the_log_is_append_only(engine: Any) -> None:
    log = AdviceLog(engine)
    public = {n for n in dir(log) if not n.startswith("_")}
    assert public == {
        "engine", "append_advice", "append_advices", "append_decision", "advice",
        "decision_for", "decisions", "advice_counts", "count", "purge",
        "advices_of_client", "newest_sealed_advice",
    }  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    log.append_advice(advice("a1", now))
    log.append_decision(decision("a1", now))
    for table, column in (("advice", "user_id"), ("decision", "reason")):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(f"UPDATE {table} SET {column} = 'changed'"))
    assert log.advice("a1").user_id == "km01"
    assert log.decision_for("a1").reason == "Eerst taal"


def test_purge_removes_what_is_older_than_the_retention(engine: Any) -> None:
    log = AdviceLog(engine)
    log.append_advice(advice("old", days_ago(200)))
    log.append_decision(decision("old", days_ago(199)))
    log.append_advice(advice("old-no-decision", days_ago(190)))
    log.append_advice(advice("old-young-decision", days_ago(300)))
    log.append_decision(decision("old-young-decision", days_ago(10)))
    log.append_advice(advice("young", days_ago(100)))
    log.append_decision(decision("young", days_ago(99)))
    done = log.purge(MIN_RETENTION_DAYS)
    assert (done.advices, done.decisions) == (2, 1)
    assert log.advice("old") is None and log.decision_for("old") is None
    assert log.advice("old-no-decision") is None
    # kept until its decision expires too: nothing is kept shorter than the retention period
    assert log.advice("old-young-decision") is not None
    assert log.advice("young") is not None and log.decision_for("young") is not None
    again = log.purge(MIN_RETENTION_DAYS)
    assert (again.advices, again.decisions) == (0, 0)
    assert log.count() == (2, 2)


def test_keys_are_stored_hashed_and_can_be_revoked(engine: Any) -> None:
    store = KeyStore(engine)
    value, who = store.create("caseworker", "km01", "noord")
    assert value.startswith(f"rdm_{who.key_id}_")
    assert store.authenticate(value) == who
    assert store.authenticate(value + "x") is None
    assert store.authenticate(value[:-1] + ("A" if value[-1] != "A" else "B")) is None
    assert store.authenticate("") is None and store.authenticate("Bearer") is None
    with engine.connect() as conn:
        row = conn.execute(select(api_key)).mappings().one()
    stored = " ".join(str(v) for v in row.values())
    secret = value.split("_", 2)[2]
    assert secret not in stored and value not in stored
    assert (
        row["key_hash"] == hashlib.sha256(bytes.fromhex(row["salt"]) + value.encode()).hexdigest()
    )
    other, _ = store.create("caseworker", "km02")
    assert store.authenticate(other) is not None
    store.revoke(who.key_id)
    assert store.authenticate(value) is None
    assert store.authenticate(other) is not None
    with pytest.raises(KeyStoreError):
        store.revoke(who.key_id)
    assert [k.user_id for k in store.listing()] == ["km02"]
    assert len(store.listing(include_revoked=True)) == 2
    for role, user in (("admin", "x"), ("caseworker", "123456782"), ("caseworker", "a b")):
        with pytest.raises(KeyStoreError):
            store.create(role, user)


def test_input_hash_is_canonical() -> None:
    as_of = dt.date(2026, 1, 15)
    fields = {k: v for k, v in CLIENT.items() if k != "as_of"}
    a = ClientInput.model_validate(fields)
    b = ClientInput.model_validate(
        dict(reversed(list({**fields, "months_on_benefit": 14.0}.items())))
    )
    assert input_sha256(a, as_of) == input_sha256(b, as_of)
    x = ClientInput.model_validate({**fields, "extra": {"b": 1, "a": "x"}})
    y = ClientInput.model_validate({**fields, "extra": {"a": "x", "b": 1.0}})
    assert input_sha256(x, as_of) == input_sha256(y, as_of)
    assert input_sha256(a, as_of) != input_sha256(a, dt.date(2026, 1, 16))
    c = ClientInput.model_validate({**fields, "monthly_benefit": 1369.01})
    assert input_sha256(a, as_of) != input_sha256(c, as_of)


def test_input_hash_with_the_service_key_is_an_hmac() -> None:
    as_of = dt.date(2026, 1, 15)
    a = ClientInput.model_validate({k: v for k, v in CLIENT.items() if k != "as_of"})
    secret = "s" * 32
    keyed = input_sha256(a, as_of, secret)
    message = f"as_of={as_of.isoformat()};client=".encode() + a.model_dump_json().encode()
    assert keyed == hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    assert input_sha256(a, as_of) == hashlib.sha256(message).hexdigest() != keyed
    assert input_sha256(a, as_of, "t" * 32) != keyed
    with pytest.raises(ValueError, match="16"):
        Settings(log_hash_key="short")
    assert "s" * 32 not in repr(Settings(log_hash_key=secret))


def test_retention_is_at_least_six_months() -> None:
    assert Settings().retention_days == MIN_RETENTION_DAYS >= 183
    with pytest.raises(ValueError, match="183"):
        Settings(retention_days=90)


def test_service_logs_hash_and_outputs_not_the_inputs(db_url: str, tmp_path: Path) -> None:
    model_dir = expert_model_dir(tmp_path / "expert")
    secret = "geheim-" * 4
    with running_app(model_dir, db_url, advice_draws=0, log_hash_key=secret) as api:
        h = key(api, "caseworker", "km01", "noord")
        a = api.post("/v1/advice", json=CLIENT, headers=h).json()
        r = api.post(
            f"/v1/advice/{a['advice_id']}/decision",
            json={"decision": "afgeweken", "chosen_instrument": "taal", "reason": "Eerst taal."},
            headers=h,
        )
        assert r.status_code == 201
        summary = api.get("/v1/decisions/summary", headers=key(api, "manager", "mgr")).json()
        assert summary["totals"]["deviated"] == 1
        rec = api.app.state.log.advice(a["advice_id"])
    fields = {k: v for k, v in CLIENT.items() if k != "as_of"}
    expected = input_sha256(ClientInput.model_validate(fields), dt.date(2026, 1, 15), secret)
    assert rec.input_sha256 == expected
    assert (rec.user_id, rec.role, rec.team, rec.kind) == ("km01", "caseworker", "noord", "advice")
    assert (rec.model_version, rec.model_kind, rec.best_instrument) == (
        "2026-expert",
        "expert",
        "jobhunt",
    )
    assert rec.outputs["p_outflow_18m"] == a["p_outflow_18m"]
    stored = str(rec.outputs)
    for raw in ("1966-05-17", "birth_date", "monthly_benefit", "1369", "Noord", "household_type"):
        assert raw not in stored, raw


def test_startup_purges_expired_records(db_url: str, tmp_path: Path) -> None:
    model_dir = expert_model_dir(tmp_path / "expert")
    engine = make_engine(db_url)
    migrate(engine)
    log = AdviceLog(engine)
    log.append_advice(advice("expired", days_ago(400)))
    log.append_advice(advice("kept", days_ago(20)))
    engine.dispose()
    with running_app(model_dir, db_url) as api:
        assert api.app.state.log.advice("expired") is None
        assert api.app.state.log.advice("kept") is not None


def test_postgres_without_its_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """psycopg is the optional ``postgres`` extra: without it the error says how to install it."""
    import sys

    from rendement_api.errors import AdviceLogError

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if not installed
    with pytest.raises(AdviceLogError, match=r"rendement\[postgres\]"):
        make_engine("postgresql+psycopg://user@127.0.0.1:1/db")
