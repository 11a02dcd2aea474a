"""The advice log's hash chain: every advice, decision and purge record has one place in it.

Each chained row carries ``chain_seq`` (its place: 1, 2, 3, ... over the tables
``advice``, ``decision`` and ``log_purge`` together), ``chain_prev`` (the
``chain_hash`` of the place before it; 64 zeros for the first) and
``chain_hash`` = HMAC-SHA256(key, canonical content of the row including
``chain_prev``), with the service's ``RENDEMENT_LOG_HASH_KEY`` as key (a plain
SHA-256 without it). Changing, inserting or removing a row therefore breaks the
chain where it happened, and without the key nobody can compute a chain that
holds again. Rows leave only through a retention purge, whose record (itself a
place in the chain) lists the places it removed.

Writers hold the chain's lock while they read the tail and append
(:func:`lock_chain`): ``BEGIN IMMEDIATE`` on SQLite, a transaction-level
advisory lock on PostgreSQL, so that concurrent workers never take the same place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Table, func, select

from rendement_api.db.tables import advice, decision, log_purge, log_purge_range

GENESIS = "0" * 64
#: Separates the chain's hashes from the input hashes made with the same key.
_DOMAIN = b"rendement advice log chain v1\n"
#: PostgreSQL advisory lock id of the chain (any constant shared by all writers).
_PG_LOCK = 7_302_260_101

TABLES: dict[str, Table] = {"advice": advice, "decision": decision, "log_purge": log_purge}


def chain_key(secret: str | None) -> bytes | None:
    """The key of the chain's HMAC: the service's log-hash key (``None``: plain SHA-256)."""
    return secret.encode("utf-8") if secret else None


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("chain content needs zone-aware datetimes")
        return value.astimezone(dt.UTC).isoformat()
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"cannot put {type(value).__name__} in the chain's content")


def canonical(
    table: str, row: Mapping[str, Any], ranges: list[tuple[int, int]] | None = None
) -> bytes:
    """The bytes hashed for one row: every column but ``chain_hash``, as sorted JSON.

    An advice's ``outputs`` (as stored, encrypted) enter as their SHA-256. A decision's
    surrogate ``id`` (numbered by the database on insert) is left out:
    a decision is known by its ``advice_id`` (one per advice). A purge record's
    content includes the chain places it removed (``ranges``).
    """
    skip = {"chain_hash", "id"} if table == "decision" else {"chain_hash"}
    columns = [c.name for c in TABLES[table].columns if c.name not in skip]
    content: dict[str, Any] = {"table": table}
    for name in columns:
        content[name] = _plain(row[name])
    if isinstance(content.get("outputs"), str):  # long: hashed once instead of JSON-escaped
        content["outputs"] = "sha256:" + hashlib.sha256(content["outputs"].encode()).hexdigest()
    if table == "log_purge":
        content["removed"] = [[int(a), int(b)] for a, b in sorted(ranges or [])]
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def digest(key: bytes | None, table: str, row: Mapping[str, Any], ranges: Any = None) -> str:
    """``chain_hash`` of a row whose ``chain_prev`` and ``chain_seq`` are set."""
    message = _DOMAIN + canonical(table, row, ranges)
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def lock_chain(conn: Connection) -> None:
    """Take the chain's write lock for the rest of ``conn``'s transaction (first statement)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK})")
    elif conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        if raw is not None and not getattr(raw, "in_transaction", False):
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def tail(conn: Connection) -> tuple[int, str]:
    """The last place of the chain and its hash (``(0, GENESIS)`` for an empty log)."""
    best = (0, GENESIS)
    for table in TABLES.values():
        seq = conn.execute(select(func.max(table.c.chain_seq))).scalar()
        if seq is not None and int(seq) > best[0]:
            h = conn.execute(select(table.c.chain_hash).where(table.c.chain_seq == seq)).scalar()
            best = (int(seq), str(h))
    return best


def link(
    key: bytes | None, table: str, rows: list[dict[str, Any]], after: tuple[int, str]
) -> tuple[int, str]:
    """Give ``rows`` (dicts of column values) the places after ``after``; returns the new tail."""
    seq, prev = after
    for row in rows:
        seq += 1
        row["chain_seq"] = seq
        row["chain_prev"] = prev
        row["chain_hash"] = prev = digest(key, table, row)
    return seq, prev


def purge_ranges(conn: Connection) -> dict[int, list[tuple[int, int]]]:
    """The chain places each purge record removed, by the purge record's place."""
    out: dict[int, list[tuple[int, int]]] = {}
    q = select(log_purge_range.c.purge_seq, log_purge_range.c.first_seq, log_purge_range.c.last_seq)
    for row in conn.execute(q):
        purge_seq, first, last = (int(x) for x in row)
        out.setdefault(purge_seq, []).append((first, last))
    return out


def as_ranges(places: list[int]) -> list[tuple[int, int]]:
    """Sorted places as runs ``(first, last)`` of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for p in sorted(places):
        if runs and p == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], p)
        else:
            runs.append((p, p))
    return runs
