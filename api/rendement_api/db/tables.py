"""The tables of the advice log (*adviezenlogboek*) and the API keys.

``advice`` and ``decision`` are append-only and tamper-evident: the repository
(:class:`rendement_api.db.advice_log.AdviceLog`) has no update method, database
triggers refuse ``UPDATE``, ``DELETE`` and ``INSERT OR REPLACE`` on both tables
(a delete only of rows a retention purge record lists), and every row carries a
place in one hash chain (``chain_seq``, ``chain_prev``, ``chain_hash``, see
:mod:`rendement_api.db.chain`) over advices, decisions and purge records
(``log_purge`` with the chain positions it removed in ``log_purge_range``).
No table holds a BSN or the raw input values of a client: an advice keeps a
keyed hash of its canonicalised inputs and its outputs (encrypted, see
:mod:`rendement_api.db.sealing`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A moment in UTC; stored without zone (SQLite has none), returned zone-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass a zone-aware UTC datetime")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC)


advice = Table(
    "advice",
    metadata,
    Column(
        "id",
        String(32),
        primary_key=True,
        comment="advice_id (random, not derived from the client)",
    ),
    Column("created_at", UTCDateTime(), nullable=False, index=True),
    Column("user_id", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("team", String(64), nullable=True),
    Column("kind", String(16), nullable=False, comment="advice (one client) or batch"),
    Column("batch_id", String(32), nullable=True),
    Column("meter", String(32), nullable=False),
    Column("model_version", String(64), nullable=False),
    Column("model_kind", String(16), nullable=False),
    Column("input_sha256", String(64), nullable=False),
    Column("client_id", String(64), nullable=True, comment="pseudonymous key; never a BSN"),
    Column("best_instrument", String(64), nullable=True),
    Column("outputs", Text(), nullable=False, comment="the advice as given, JSON"),
    Column("chain_seq", BigInteger, nullable=True, comment="place in the log's hash chain"),
    Column("chain_prev", String(64), nullable=True, comment="chain_hash of the previous place"),
    Column("chain_hash", String(64), nullable=True, comment="hash over this row and chain_prev"),
)

decision = Table(
    "decision",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "advice_id",
        String(32),
        ForeignKey("advice.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("created_at", UTCDateTime(), nullable=False, index=True),
    Column("user_id", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("team", String(64), nullable=True),
    Column("decision", String(16), nullable=False, comment="gevolgd or afgeweken"),
    Column("advised_instrument", String(64), nullable=False),
    Column("chosen_instrument", String(64), nullable=False),
    Column("reason", Text(), nullable=True),
    Column("chain_seq", BigInteger, nullable=True, comment="place in the log's hash chain"),
    Column("chain_prev", String(64), nullable=True, comment="chain_hash of the previous place"),
    Column("chain_hash", String(64), nullable=True, comment="hash over this row and chain_prev"),
)

log_purge = Table(
    "log_purge",
    metadata,
    Column("chain_seq", BigInteger, primary_key=True, autoincrement=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("cutoff", UTCDateTime(), nullable=False, comment="records older than this expired"),
    Column("retention_days", Integer, nullable=False),
    Column("advices", Integer, nullable=False, comment="advices removed"),
    Column("decisions", Integer, nullable=False, comment="decisions removed"),
    Column("chain_prev", String(64), nullable=False),
    Column("chain_hash", String(64), nullable=False),
)

log_purge_range = Table(
    "log_purge_range",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "purge_seq",
        BigInteger,
        ForeignKey("log_purge.chain_seq"),
        nullable=False,
        index=True,
        comment="the purge record that removed these chain places",
    ),
    Column("first_seq", BigInteger, nullable=False),
    Column("last_seq", BigInteger, nullable=False),
)

api_key = Table(
    "api_key",
    metadata,
    Column("key_id", String(16), primary_key=True, comment="public part of the key"),
    Column("user_id", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("team", String(64), nullable=True),
    Column("salt", String(32), nullable=False),
    Column("key_hash", String(64), nullable=False, comment="SHA-256 of salt + key; never the key"),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
)

Index("ix_advice_user_created", advice.c.user_id, advice.c.created_at)
Index("ix_advice_client_id", advice.c.client_id)
Index("ix_advice_chain_seq", advice.c.chain_seq, unique=True)
Index("ix_decision_chain_seq", decision.c.chain_seq, unique=True)

#: Tables whose rows may never be updated (enforced by triggers in the migrations).
APPEND_ONLY_TABLES = ("advice", "decision", "log_purge", "log_purge_range")

#: Tables whose rows form the hash chain, in the order their rows are hashed.
CHAINED_TABLES = ("advice", "decision", "log_purge")

#: Page sessions (the caseworker and manager pages): the cookie holds a random session id,
#: the database only its SHA-256. Insert-only like the log: logging out adds an end row.
page_session = Table(
    "page_session",
    metadata,
    Column("id_sha256", String(64), primary_key=True, comment="SHA-256 of the session id"),
    Column("key_id", String(16), nullable=False, comment="the API key the session was opened with"),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False, index=True),
)

page_session_end = Table(
    "page_session_end",
    metadata,
    Column("id_sha256", String(64), primary_key=True, comment="SHA-256 of the session id"),
    Column("ended_at", UTCDateTime(), nullable=False),
)
