"""The advice log (*adviezenlogboek*): every advice and every decision, append-only.

:class:`AdviceLog` is the only way the service touches the ``advice`` and
``decision`` tables. It can append and read; it has no update method, and its
only delete is :meth:`AdviceLog.purge`, which removes what is older than the
retention period. The database refuses updates as well (triggers, see the
migration).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine, and_, delete, exists, func, insert, select
from sqlalchemy.exc import IntegrityError

from rendement_api.db.tables import advice, decision
from rendement_api.errors import DecisionExistsError
from rendement_api.jsonutil import dumps, loads

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

    def row(self) -> dict[str, Any]:
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
            "outputs": dumps(self.outputs).decode("utf-8"),
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


def _advice_from_row(row: Any) -> AdviceRecord:
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
        outputs=loads(m["outputs"]),
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
    """Append-only repository of advices and decisions."""

    def __init__(self, engine: Engine):
        self._engine = engine

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
        rows = [r.row() for r in records]
        with self._engine.begin() as conn:
            for start in range(0, len(rows), 2_000):
                conn.execute(insert(advice), rows[start : start + 2_000])

    def append_decision(self, record: DecisionRecord) -> None:
        """Store a decision; a second decision on the same advice raises :class:`DecisionExistsError`."""
        if record.decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}, got {record.decision!r}")
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(decision).values(**record.row()))
        except IntegrityError as exc:
            if self.decision_for(record.advice_id) is not None:
                raise DecisionExistsError(
                    f"a decision on advice {record.advice_id} was already recorded; the advice "
                    "log is append-only, a decision cannot be changed"
                ) from exc
            raise

    # ---- reading ---------------------------------------------------------------
    def advice(self, advice_id: str) -> AdviceRecord | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(advice).where(advice.c.id == advice_id)).first()
        return None if row is None else _advice_from_row(row)

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
            n_dec = conn.execute(delete(decision).where(decision.c.advice_id.in_(expired))).rowcount
            n_adv = conn.execute(
                delete(advice).where(advice.c.created_at < cutoff, ~young_decision)
            ).rowcount
        return PurgeResult(cutoff=cutoff, advices=int(n_adv or 0), decisions=int(n_dec or 0))
