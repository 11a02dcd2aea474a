"""Checking the advice log's hash chain: the whole log (``rendement log verify``) or its tail.

The rows of ``advice``, ``decision`` and ``log_purge`` are read in the order of
their chain places (streamed, so a large log is checked in bounded memory).
The check stops at the first broken place and names it: a row whose hash does
not match its content (changed, or written without the key), a row whose
``chain_prev`` is not the hash of the place before it (inserted or replaced),
a missing place no purge record lists (deleted), or two rows at one place.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select

from rendement_api.db.chain import GENESIS, TABLES, chain_key, digest, purge_ranges
from rendement_api.db.tables import advice, decision

#: How many places the service checks at startup.
TAIL_PLACES = 1_000


@dataclass(frozen=True)
class BrokenPlace:
    """Where the chain breaks first and why."""

    table: str
    row_id: str
    chain_seq: int | None
    reason: str

    def __str__(self) -> str:
        place = f"chain place {self.chain_seq}" if self.chain_seq is not None else "no chain place"
        return f"{self.table} row {self.row_id} ({place}): {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    """The outcome of a check: how many places were checked and the first broken one."""

    checked: int
    first_place: int
    last_place: int
    purged_places: int
    broken: BrokenPlace | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _rows(engine: Engine, name: str, start: int) -> Generator[tuple[int, str, dict[str, Any]]]:
    table = TABLES[name]
    q = select(table).where(table.c.chain_seq >= start).order_by(table.c.chain_seq)
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=500).execute(q)
        try:
            for r in result.mappings():
                yield int(r["chain_seq"]), name, dict(r)
        finally:
            result.close()


def _row_id(name: str, row: dict[str, Any]) -> str:
    if name == "decision":
        return f"on advice {row['advice_id']}"
    return str(row["chain_seq"] if name == "log_purge" else row["id"])


def _unchained(engine: Engine) -> BrokenPlace | None:
    for table, name in ((advice, "advice"), (decision, "decision")):
        col = table.c.advice_id if name == "decision" else table.c.id
        q = select(col).where(table.c.chain_seq.is_(None)).limit(1)
        with engine.connect() as conn:
            row_id = conn.execute(q).scalar()
        if row_id is not None:
            rid = f"on advice {row_id}" if name == "decision" else str(row_id)
            return BrokenPlace(name, rid, None, "the row has no place in the chain")
    return None


class _Purged:
    """The chain places the purge records removed (intervals, for a quick membership test)."""

    def __init__(self, by_purge: dict[int, list[tuple[int, int]]]):
        self.by_purge = by_purge
        runs = sorted(r for rs in by_purge.values() for r in rs)
        self.starts = [a for a, _ in runs]
        self.runs = runs

    def __contains__(self, place: int) -> bool:
        k = bisect.bisect_right(self.starts, place) - 1
        return k >= 0 and self.runs[k][0] <= place <= self.runs[k][1]

    def count(self) -> int:
        return sum(b - a + 1 for a, b in self.runs)


def verify_chain(engine: Engine, hash_key: str | None, *, tail: int | None = None) -> ChainReport:
    """Check the chain (the last ``tail`` places only, when given) with the log-hash key."""
    key = chain_key(hash_key)
    with engine.connect() as conn:
        purged = _Purged(purge_ranges(conn))
        last = 0
        for table in TABLES.values():
            m = conn.execute(select(func.max(table.c.chain_seq))).scalar()
            last = max(last, int(m or 0))
    broken = _unchained(engine)
    start = 1 if tail is None else max(1, last - tail + 1)
    if broken is not None:
        return ChainReport(0, start, last, purged.count(), broken)
    orphan = [p for p in purged.by_purge if p > last or p < 1]
    if orphan:
        broken = BrokenPlace("log_purge_range", str(orphan[0]), orphan[0], "no such purge record")
        return ChainReport(0, start, last, purged.count(), broken)
    streams = [_rows(engine, name, start) for name in TABLES]
    expected, prev = start, (GENESIS if start == 1 else None)
    checked = 0
    try:
        for seq, name, row in heapq.merge(*streams, key=lambda x: x[0]):
            broken = _check(row, name, seq, expected, prev, purged, key)
            if broken is not None:
                break
            checked += 1
            expected, prev = seq + 1, row["chain_hash"]
    finally:
        for stream in streams:  # close the cursors of a check that stopped early
            stream.close()
    return ChainReport(checked, start, last, purged.count(), broken)


def _check(
    row: dict[str, Any],
    name: str,
    seq: int,
    expected: int,
    prev: str | None,
    purged: _Purged,
    key: bytes | None,
) -> BrokenPlace | None:
    """The problem with one row, given the place and hash the chain expects before it."""
    rid = _row_id(name, row)
    if seq < expected:
        return BrokenPlace(name, rid, seq, "a second row at this chain place (inserted)")
    missing = [p for p in range(expected, seq) if p not in purged]
    if missing:
        return BrokenPlace(
            name,
            rid,
            seq,
            f"chain place {missing[0]} before it is missing and no purge record removed it "
            "(a row was deleted)",
        )
    if seq > expected:
        prev = None  # the place before was removed by a purge: its hash is no longer held
    if prev is not None and row["chain_prev"] != prev:
        return BrokenPlace(
            name, rid, seq, "chain_prev is not the hash of the place before (inserted or replaced)"
        )
    ranges = purged.by_purge.get(seq) if name == "log_purge" else None
    if name == "log_purge" and any(b >= seq for _, b in ranges or []):
        return BrokenPlace(name, rid, seq, "the purge record lists places after its own")
    if digest(key, name, row, ranges) != row["chain_hash"]:
        return BrokenPlace(
            name,
            rid,
            seq,
            "the row's hash does not match its content (altered, or written with another "
            "RENDEMENT_LOG_HASH_KEY)",
        )
    return None
