"""A tamper-evident advice log (issue 13, finding 2): triggers, the hash chain, purge records,
`rendement log verify`, the startup check, and the service's PostgreSQL role."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apikit import days_ago, expert_model_dir, running_app
from logkit import advice, decision, postgres_admin_url, postgres_database
from rendement_api.db import AdviceLog, make_engine, migrate
from rendement_api.db.chain import digest
from rendement_api.db.database import downgrade
from rendement_api.db.verify import verify_chain
from rendement_api.errors import AdviceLogError
from rendement_api.settings import MIN_RETENTION_DAYS
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from rendement.cli.main import main

KEY = "sleutel-van-het-logboek-" * 2


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'log.db'}"
    else:
        yield from postgres_database()


@pytest.fixture()
def engine(db_url: str) -> Iterator[Any]:
    e = make_engine(db_url)
    migrate(e, log_hash_key=KEY)
    yield e
    e.dispose()


def _fill(log: AdviceLog) -> None:
    """a1 (place 1), its decision (2), a2 (3), a3 (4)."""
    log.append_advice(advice("a1", days_ago(3)))
    log.append_decision(decision("a1", days_ago(2)))
    log.append_advice(advice("a2", days_ago(1), client_id="K2"))
    log.append_advice(advice("a3", days_ago(0.5)))


def _without_triggers(engine: Any) -> None:
    """What an attacker with the database's owner rights (or the SQLite file) can do."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            names = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='trigger'")
            for (name,) in names.all():
                conn.exec_driver_sql(f"DROP TRIGGER {name}")
        else:
            for table in ("advice", "decision", "log_purge", "log_purge_range"):
                conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER ALL")


def test_delete_and_replace_are_refused(engine: Any) -> None:
    log = AdviceLog(engine, hash_key=KEY)
    _fill(log)
    for sql in ("DELETE FROM advice", "DELETE FROM decision", "DELETE FROM advice WHERE id='a3'"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.exec_driver_sql(sql)
    if engine.dialect.name == "sqlite":
        replace = (
            "INSERT OR REPLACE INTO advice SELECT id, created_at, user_id, role, team, kind, "
            "batch_id, meter, model_version, model_kind, input_sha256, client_id, 'taal', "
            "outputs, chain_seq, chain_prev, chain_hash FROM advice WHERE id = 'a1'",
            "INSERT OR REPLACE INTO decision (advice_id, created_at, user_id, role, team, "
            "decision, advised_instrument, chosen_instrument, reason, chain_seq, chain_prev, "
            "chain_hash) SELECT advice_id, created_at, user_id, role, team, 'gevolgd', "
            "advised_instrument, 'jobhunt', NULL, 99, chain_prev, chain_hash FROM decision",
        )
    else:
        replace = (
            "INSERT INTO advice SELECT * FROM advice WHERE id = 'a1' "
            "ON CONFLICT (id) DO UPDATE SET best_instrument = 'taal'",
        )
    for sql in replace:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.exec_driver_sql(sql)
    with pytest.raises(DBAPIError, match="chain place"), engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO advice (id, created_at, user_id, role, kind, meter, model_version, "
            "model_kind, input_sha256, outputs) SELECT 'x', created_at, user_id, role, kind, "
            "meter, model_version, model_kind, input_sha256, outputs FROM advice WHERE id='a1'"
        )
    assert log.count() == (3, 1)
    assert log.advice("a1").best_instrument == "jobhunt"
    assert log.decision_for("a1").decision == "afgeweken"
    assert verify_chain(engine, KEY).ok


@pytest.mark.parametrize(
    ("tamper", "table", "row", "says"),
    [
        ("UPDATE advice SET best_instrument = 'taal' WHERE id = 'a2'", "advice", "a2", "content"),
        (
            "UPDATE decision SET reason = 'anders' WHERE advice_id = 'a1'",
            "decision",
            "a1",
            "content",
        ),
        ("DELETE FROM advice WHERE id = 'a2'", "advice", "a3", "place 3 before it is missing"),
        ("DELETE FROM decision", "advice", "a2", "place 2 before it is missing"),
    ],
)
def test_verify_names_the_first_broken_row(
    engine: Any,
    db_url: str,
    tamper: str,
    table: str,
    row: str,
    says: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log = AdviceLog(engine, hash_key=KEY)
    _fill(log)
    monkeypatch.setenv("RENDEMENT_LOG_HASH_KEY", KEY)
    assert main(["log", "verify", "--db", db_url]) == 0
    assert "intact: 4 chain places" in capsys.readouterr().out
    _without_triggers(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql(tamper)
    report = verify_chain(engine, KEY)
    assert report.broken is not None and report.broken.table == table
    assert row in report.broken.row_id and says in report.broken.reason
    assert main(["log", "verify", "--db", db_url]) == 1
    out = capsys.readouterr().out
    assert "BROKEN" in out and row in out


def test_a_row_forged_without_the_key_is_found(engine: Any) -> None:
    log = AdviceLog(engine, hash_key=KEY)
    _fill(log)
    _without_triggers(engine)
    with engine.connect() as conn:
        last = dict(conn.execute(text("SELECT * FROM advice WHERE id = 'a3'")).mappings().one())
    forged = advice("a4", days_ago(0.1), best_instrument="taal").row(log._cipher)
    forged.update(chain_seq=5, chain_prev=last["chain_hash"])
    forged["chain_hash"] = digest(None, "advice", forged)  # the attacker has no key
    from rendement_api.db.tables import advice as advice_table

    with engine.begin() as conn:
        conn.execute(advice_table.insert().values(**forged))
    report = verify_chain(engine, KEY)
    assert report.broken is not None and report.broken.row_id == "a4"
    assert "written with another RENDEMENT_LOG_HASH_KEY" in report.broken.reason
    assert verify_chain(engine, None).broken.row_id == "a1"  # the key matters from the start


def test_purge_writes_a_record_into_the_chain(engine: Any) -> None:
    log = AdviceLog(engine, hash_key=KEY)
    log.append_advice(advice("old", days_ago(300)))
    log.append_decision(decision("old", days_ago(299)))
    log.append_advice(advice("old-young-decision", days_ago(300)))
    log.append_advice(advice("young", days_ago(10)))
    log.append_decision(decision("old-young-decision", days_ago(5)))
    done = log.purge(MIN_RETENTION_DAYS)
    assert (done.advices, done.decisions) == (1, 1)
    report = verify_chain(engine, KEY)
    assert report.ok and report.purged_places == 2 and report.last_place == 6
    with engine.connect() as conn:
        record = conn.execute(text("SELECT * FROM log_purge")).mappings().one()
        ranges = conn.execute(text("SELECT first_seq, last_seq FROM log_purge_range")).all()
    assert (record["chain_seq"], record["advices"], record["decisions"]) == (6, 1, 1)
    assert [tuple(r) for r in ranges] == [(1, 2)]
    log.append_advice(advice("after", days_ago(0)))
    assert verify_chain(engine, KEY).ok
    # the purge path opens the delete triggers for the listed places only
    with pytest.raises(DBAPIError, match="retention purge"), engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM advice WHERE id = 'young'")
    for sql in ("DELETE FROM log_purge", "UPDATE log_purge SET advices = 0"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.exec_driver_sql(sql)
    # a range slipped in afterwards to delete a row is not covered by the purge record's hash
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO log_purge_range (purge_seq, first_seq, last_seq) VALUES (6, 4, 4)"
        )
        conn.exec_driver_sql("DELETE FROM advice WHERE id = 'young'")
    report = verify_chain(engine, KEY)
    assert report.broken is not None and report.broken.table == "log_purge"


def test_the_service_refuses_a_broken_log(db_url: str, engine: Any, tmp_path: Path) -> None:
    model_dir = expert_model_dir(tmp_path / "expert")
    _fill(AdviceLog(engine, hash_key=KEY))
    with running_app(model_dir, db_url, log_hash_key=KEY) as api:
        assert api.get("/v1/health").status_code == 200
    _without_triggers(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE advice SET best_instrument = 'taal' WHERE id = 'a3'")
    with (
        pytest.raises(AdviceLogError, match=r"tampered with.*advice row a3"),
        running_app(model_dir, db_url, log_hash_key=KEY),
    ):
        pass
    assert main(["serve", "--model", str(model_dir), "--db", db_url]) == 2  # no key: broken too


def test_concurrent_writers_share_one_chain(engine: Any) -> None:
    log = AdviceLog(engine, hash_key=KEY)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for k in range(15):
                aid = f"w{worker}-{k}"
                log.append_advices([advice(aid, days_ago(1)), advice(aid + "b", days_ago(1))])
                log.append_decision(decision(aid, days_ago(0.5)))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = verify_chain(engine, KEY)
    assert report.ok and report.checked == report.last_place == 4 * 15 * 3


def test_migration_chains_the_rows_already_logged(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate(engine, "0001")
        with engine.begin() as conn:
            for k, day in enumerate(("2026-03-01", "2026-02-01")):
                conn.execute(
                    text(
                        "INSERT INTO advice (id, created_at, user_id, role, kind, meter, "
                        "model_version, model_kind, input_sha256, outputs) VALUES "
                        f"('old{k}', '{day} 10:00:00', 'km01', 'caseworker', 'advice', "
                        "'reintegratie', 'v', 'estimated', 'h', '{}')"
                    )
                )
            conn.execute(
                text(
                    "INSERT INTO decision (advice_id, created_at, user_id, role, decision, "
                    "advised_instrument, chosen_instrument) VALUES ('old1', "
                    "'2026-02-15 10:00:00', 'km01', 'caseworker', 'gevolgd', 'geen', 'geen')"
                )
            )
        migrate(engine, log_hash_key=KEY)
        report = verify_chain(engine, KEY)
        assert report.ok and report.checked == 3
        with engine.connect() as conn:
            order = conn.execute(text("SELECT id FROM advice ORDER BY chain_seq")).scalars().all()
        assert order == ["old1", "old0"]
        downgrade(engine, "0001")
        migrate(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgres_service_role_may_only_insert_and_select(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    admin_url = postgres_admin_url()
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    suffix = uuid.uuid4().hex[:8]
    owner, service = f"rdm_owner_{suffix}", f"rdm_service_{suffix}"
    with admin.connect() as conn:
        for role in (owner, service):
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    try:
        for db in postgres_database(owner):
            owner_url = make_url(db).set(username=owner).render_as_string(hide_password=False)
            service_url = make_url(db).set(username=service).render_as_string(hide_password=False)
            owner_engine = make_engine(owner_url)
            migrate(owner_engine, log_hash_key=KEY)
            assert main(["log", "grant", "--role", service, "--db", owner_url]) == 0
            assert "GRANT SELECT, INSERT ON advice, decision" in capsys.readouterr().out
            service_engine = make_engine(service_url)
            log = AdviceLog(service_engine, hash_key=KEY)
            log.append_advice(advice("old", days_ago(300)))
            _fill(log)
            assert log.advice("a1") is not None and verify_chain(service_engine, KEY).ok
            for sql in (
                "DELETE FROM advice",
                "UPDATE advice SET best_instrument = 'taal'",
                "TRUNCATE advice CASCADE",
                "DROP TRIGGER advice_purge_only ON advice",
                "ALTER TABLE advice DISABLE TRIGGER ALL",
                "INSERT INTO log_purge_range (purge_seq, first_seq, last_seq) VALUES (1, 1, 1)",
                "UPDATE api_key SET revoked_at = NULL",
            ):
                with (
                    pytest.raises(DBAPIError, match="permission denied|must be owner"),
                    service_engine.begin() as conn,
                ):
                    conn.exec_driver_sql(sql)
            # the service role cannot purge; the owner can, through the purge path
            with pytest.raises(DBAPIError, match="permission denied"):
                log.purge(MIN_RETENTION_DAYS)
            done = AdviceLog(owner_engine, hash_key=KEY).purge(MIN_RETENTION_DAYS)
            assert done.advices == 1 and verify_chain(service_engine, KEY).ok
            # a service started under the service role warns about the purge instead of failing
            model_dir = expert_model_dir(tmp_path / "expert")
            log.append_advice(advice("old2", days_ago(300)))
            with running_app(model_dir, service_url, log_hash_key=KEY) as api:
                assert api.get("/v1/health").status_code == 200
            service_engine.dispose()
            owner_engine.dispose()
    finally:
        with admin.connect() as conn:
            for role in (service, owner):
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()
