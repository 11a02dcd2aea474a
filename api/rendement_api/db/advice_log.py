"""The advice log (*adviezenlogboek*): every advice and every decision, append-only.

:class:`AdviceLog` is the only way the service touches the ``advice`` and
``decision`` tables. It can append and read; it has no update method, and its
only delete is :meth:`AdviceLog.purge`, which removes what is older than the
retention period and writes a purge record into the hash chain first. The
database refuses updates, deletes outside a purge and replacing inserts as well
(triggers, see the migrations). Every row gets its place in the hash chain
(:mod:`rendement_api.db.chain`); the outputs are encrypted
(:mod:`rendement_api.db.sealing`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine, and_, delete, exists, func, insert, select

from rendement_api.db.chain import as_ranges, chain_key, digest, link, lock_chain, tail
from rendement_api.db.sealing import PREFIX, OutputsCipher
from rendement_api.db.tables import advice, decision, log_purge, log_purge_range
from rendement_api.errors import DecisionExistsError

DECISIONS = ("gevolgd", "afgeweken")


@dataclass(frozen=True)
class AdviceRecord:
    """One advice as given: who asked, with which model, a hash of the inputs, the outputs."""

    advice_id: str
    created_at: dt.datetime
    user_id: str
    role: str
    team: str | None
    kind: str  # "advice" (one client) or "batch"
    meter: str
    model_version: str
    model_kind: str
    input_sha256: str
    outputs: dict[str, Any]
    client_id: str | None = None
    best_instrument: str | None = None
    batch_id: str | None = None

    def row(self, cipher: OutputsCipher) -> dict[str, Any]:
        return {
            "id": self.advice_id,
            "created_at": self.created_at,
            "user_id": self.user_id,
            "role": self.role,
            "team": self.team,
            "kind": self.kind,
            "batch_id": self.batch_id,
            "meter": self.meter,
            "model_version": self.model_version,
            "model_kind": self.model_kind,
            "input_sha256": self.input_sha256,
            "client_id": self.client_id,
            "best_instrument": self.best_instrument,
            "outputs": cipher.seal(self.advice_id, self.outputs),
        }


@dataclass(frozen=True)
class DecisionRecord:
    """The caseworker's decision on an advice: followed (*gevolgd*) or deviated (*afgeweken*)."""

    advice_id: str
    created_at: dt.datetime
    user_id: str
    role: str
    team: str | None
    decision: str
    advised_instrument: str
    chosen_instrument: str
    reason: str | None

    def row(self) -> dict[str, Any]:
        return {
            "advice_id": self.advice_id,
            "created_at": self.created_at,
            "user_id": self.user_id,
            "role": self.role,
            "team": self.team,
            "decision": self.decision,
            "advised_instrument": self.advised_instrument,
            "chosen_instrument": self.chosen_instrument,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class PurgeResult:
    """What a retention purge removed."""

    cutoff: dt.datetime
    advices: int
    decisions: int


def _advice_from_row(row: Any, cipher: OutputsCipher) -> AdviceRecord:
    m = row._mapping
    return AdviceRecord(
        advice_id=m["id"],
        created_at=m["created_at"],
        user_id=m["user_id"],
        role=m["role"],
        team=m["team"],
        kind=m["kind"],
        meter=m["meter"],
        model_version=m["model_version"],
        model_kind=m["model_kind"],
        input_sha256=m["input_sha256"],
        outputs=cipher.open(m["id"], m["outputs"]),
        client_id=m["client_id"],
        best_instrument=m["best_instrument"],
        batch_id=m["batch_id"],
    )


def _decision_from_row(row: Any) -> DecisionRecord:
    m = row._mapping
    return DecisionRecord(
        advice_id=m["advice_id"],
        created_at=m["created_at"],
        user_id=m["user_id"],
        role=m["role"],
        team=m["team"],
        decision=m["decision"],
        advised_instrument=m["advised_instrument"],
        chosen_instrument=m["chosen_instrument"],
        reason=m["reason"],
    )


class AdviceLog:
    """Append-only repository of advices and decisions.

    ``hash_key`` (the service's log-hash key) keys the hash chain;
    ``encryption_key`` (default: derived from ``hash_key``) encrypts the outputs.
    Without keys the chain is a plain SHA-256 chain and the outputs are in clear.
    """

    def __init__(
        self, engine: Engine, *, hash_key: str | None = None, encryption_key: str | None = None
    ):
        self._engine = engine
        self._key = chain_key(hash_key)
        self._cipher = OutputsCipher.from_settings(encryption_key, hash_key)

    @property
    def engine(self) -> Engine:
        return self._engine

    # ---- appending -------------------------------------------------------------
    def append_advice(self, record: AdviceRecord) -> None:
        self.append_advices([record])

    def append_advices(self, records: Sequence[AdviceRecord]) -> None:
        """Store advices in one transaction (all or none)."""
        if not records:
            return
        rows = [r.row(self._cipher) for r in records]
        with self._engine.begin() as conn:
            lock_chain(conn)
            link(self._key, "advice", rows, tail(conn))
            for start in range(0, len(rows), 2_000):
                conn.execute(insert(advice), rows[start : start + 2_000])

    def append_decision(self, record: DecisionRecord) -> None:
        """Store a decision; a second decision on the same advice raises :class:`DecisionExistsError`."""
        if record.decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}, got {record.decision!r}")
        row = record.row()
        with self._engine.begin() as conn:
            lock_chain(conn)
            taken = select(decision.c.id).where(decision.c.advice_id == record.advice_id)
            if conn.execute(taken).first() is not None:
                raise DecisionExistsError(
                    f"a decision on advice {record.advice_id} was already recorded; the advice "
                    "log is append-only, a decision cannot be changed"
                )
            link(self._key, "decision", [row], tail(conn))
            conn.execute(insert(decision).values(**row))

    # ---- reading ---------------------------------------------------------------
    def advice(self, advice_id: str) -> AdviceRecord | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(advice).where(advice.c.id == advice_id)).first()
        return None if row is None else _advice_from_row(row, self._cipher)

    def newest_sealed_advice(self) -> str | None:
        """The id of the newest advice whose outputs are encrypted (``None``: there is none)."""
        q = select(advice.c.id).where(advice.c.outputs.startswith(PREFIX))
        with self._engine.connect() as conn:
            return conn.execute(q.order_by(advice.c.chain_seq.desc()).limit(1)).scalar()

    def advices_of_client(self, client_id: str) -> list[AdviceRecord]:
        """Every advice held about one client (oldest first), for a subject access request."""
        q = select(advice).where(advice.c.client_id == client_id)
        with self._engine.connect() as conn:
            rows = conn.execute(q.order_by(advice.c.created_at, advice.c.id)).all()
        return [_advice_from_row(r, self._cipher) for r in rows]

    def decision_for(self, advice_id: str) -> DecisionRecord | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(decision).where(decision.c.advice_id == advice_id)).first()
        return None if row is None else _decision_from_row(row)

    def decisions(
        self, start: dt.datetime, end: dt.datetime, *, team: str | None = None
    ) -> pd.DataFrame:
        """Decisions taken in ``[start, end)`` (optionally of one team), one row each."""
        q = select(decision).where(decision.c.created_at >= start, decision.c.created_at < end)
        if team is not None:
            q = q.where(decision.c.team == team)
        q = q.order_by(decision.c.created_at, decision.c.id)
        with self._engine.connect() as conn:
            rows = conn.execute(q).all()
        cols = [c.name for c in decision.columns]
        return pd.DataFrame([tuple(r) for r in rows], columns=cols)

    def advice_counts(
        self, start: dt.datetime, end: dt.datetime, *, team: str | None = None
    ) -> pd.DataFrame:
        """Single-client advices given in ``[start, end)`` per user and team."""
        q = (
            select(advice.c.user_id, advice.c.team, func.count().label("advices"))
            .where(
                advice.c.created_at >= start,
                advice.c.created_at < end,
                advice.c.kind == "advice",
            )
            .group_by(advice.c.user_id, advice.c.team)
        )
        if team is not None:
            q = q.where(advice.c.team == team)
        with self._engine.connect() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame([tuple(r) for r in rows], columns=["user_id", "team", "advices"])

    def count(self) -> tuple[int, int]:
        """Number of advices and decisions held."""
        with self._engine.connect() as conn:
            n_adv = conn.execute(select(func.count()).select_from(advice)).scalar_one()
            n_dec = conn.execute(select(func.count()).select_from(decision)).scalar_one()
        return int(n_adv), int(n_dec)

    # ---- retention ---------------------------------------------------------------
    def purge(self, retention_days: int, *, now: dt.datetime | None = None) -> PurgeResult:
        """Remove advices older than ``retention_days`` with their decisions.

        An advice whose decision is younger than the cut-off stays until that
        decision expires too, so nothing is kept shorter than the retention period.
        The purge first appends a purge record to the hash chain that lists the
        chain places it removes (the delete triggers allow only those).
        """
        if retention_days < 1:
            raise ValueError("retention_days must be at least 1")
        moment = now or dt.datetime.now(dt.UTC)
        cutoff = moment - dt.timedelta(days=retention_days)
        young_decision = exists().where(
            and_(decision.c.advice_id == advice.c.id, decision.c.created_at >= cutoff)
        )
        expired = select(advice.c.id).where(advice.c.created_at < cutoff, ~young_decision)
        with self._engine.begin() as conn:
            lock_chain(conn)
            adv_places: list[Any] = list(
                conn.execute(select(advice.c.chain_seq).where(advice.c.id.in_(expired))).scalars()
            )
            places = [int(p) for p in adv_places if p is not None]
            dec_places: list[Any] = list(
                conn.execute(
                    select(decision.c.chain_seq).where(decision.c.advice_id.in_(expired))
                ).scalars()
            )
            n_dec_expected = 0
            for p in dec_places:
                n_dec_expected += 1
                if p is not None:
                    places.append(int(p))
            if not places:
                return PurgeResult(cutoff=cutoff, advices=0, decisions=0)
            ranges = as_ranges(places)
            seq, prev = tail(conn)
            record = {
                "chain_seq": seq + 1,
                "created_at": moment,
                "cutoff": cutoff,
                "retention_days": retention_days,
                "advices": len(places) - n_dec_expected,
                "decisions": n_dec_expected,
                "chain_prev": prev,
            }
            record["chain_hash"] = digest(self._key, "log_purge", record, ranges)
            conn.execute(insert(log_purge).values(**record))
            conn.execute(
                insert(log_purge_range),
                [{"purge_seq": seq + 1, "first_seq": a, "last_seq": b} for a, b in ranges],
            )
            n_dec = conn.execute(delete(decision).where(decision.c.advice_id.in_(expired))).rowcount
            n_adv = conn.execute(
                delete(advice).where(advice.c.created_at < cutoff, ~young_decision)
            ).rowcount
        return PurgeResult(cutoff=cutoff, advices=int(n_adv or 0), decisions=int(n_dec or 0))
