"""Engines for the advice log and its schema migrations (Alembic, inside the package).

SQLite is the embedded default (``sqlite:///./rendement.db``); PostgreSQL is
used through ``postgresql+psycopg://USER@HOST:PORT/DB`` (a plain
``postgresql://`` URL is read as psycopg 3, the driver this package installs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from rendement_api.errors import AdviceLogError

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def normalise_url(database_url: str) -> URL:
    """Parse ``database_url``; ``postgresql://`` and ``postgres://`` mean psycopg 3."""
    try:
        url = make_url(database_url)
    except ArgumentError as exc:
        raise AdviceLogError(
            f"the database URL cannot be read ({exc}); use sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST:PORT/DATABASE"
        ) from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise AdviceLogError(
            f"the advice log supports SQLite and PostgreSQL, not {url.get_backend_name()!r}"
        )
    return url


def make_engine(database_url: str) -> Engine:
    """An engine for the advice log with sensible settings per database."""
    url = normalise_url(database_url)
    try:
        if url.get_backend_name() == "sqlite":
            return _sqlite_engine(url)
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    except NoSuchModuleError as exc:
        raise AdviceLogError(f"no database driver for {url.drivername!r}: {exc}") from exc
    except ImportError as exc:  # psycopg comes with the optional extra
        raise AdviceLogError(
            f"PostgreSQL needs the psycopg driver ({exc.name} is not installed). "
            "Fix: pip install 'rendement[postgres]'"
        ) from exc


def _sqlite_engine(url: URL) -> Engine:
    memory = url.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    if memory:
        kwargs["poolclass"] = StaticPool
    elif url.database:
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:  # pragma: no cover - trivial
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return engine


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, revision: str = "head", *, log_hash_key: str | None = None) -> None:
    """Bring the schema to ``revision`` (``alembic upgrade``); safe to run repeatedly.

    ``log_hash_key`` (default ``RENDEMENT_LOG_HASH_KEY``) keys the hash chain of rows
    written before the chain existed (revision 0002).
    """
    cfg = alembic_config()
    cfg.attributes["log_hash_key"] = log_hash_key
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except SQLAlchemyError as exc:
        raise AdviceLogError(
            f"the advice log at {engine.url.render_as_string(hide_password=True)} cannot be "
            f"migrated: {exc.__class__.__name__}: {str(exc).splitlines()[0]}"
        ) from exc


def downgrade(engine: Engine, revision: str = "base") -> None:
    """``alembic downgrade`` (tests and operators only; the service never downgrades)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
