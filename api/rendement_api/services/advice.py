"""Advices: score one client or a batch, phrase the result, and log it (append-only).

The numbers come from :func:`rendement.scoring.caseload.score_clients` (through
:mod:`rendement_api.services.engine`); the reasons from :mod:`rendement.scoring.explain`.
The log keeps a hash of each client's canonicalised input (HMAC-SHA256 with the
service's ``log_hash_key``) and the outputs, never the input values themselves.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from rendement.plan.verdict import judge
from rendement.scoring.explain import client_reasons, duration_reason
from rendement_api.db.advice_log import AdviceLog, AdviceRecord
from rendement_api.db.keys import Principal
from rendement_api.errors import AdviceNotFoundError, NotOwnAdviceError, OverloadedError
from rendement_api.schemas.advice import AdviceRequest, ClientInput
from rendement_api.schemas.scores import ScoresRequest
from rendement_api.services.batcher import Batcher, Overloaded
from rendement_api.services.clients import ClientRows, client_frame, client_rows, input_sha256
from rendement_api.services.engine import EngineResult, score
from rendement_api.services.place_price import LatestPlanPrices
from rendement_api.services.served_model import ServedModel
from rendement_api.services.wording import GROUP_TEXT, NOTICE, recommendation
from rendement_api.settings import Settings

TIMEZONE = ZoneInfo("Europe/Amsterdam")

#: Reasons per client in a batch (the largest effects); a single advice gives all.
BATCH_REASONS = 3


def today() -> dt.date:
    return dt.datetime.now(TIMEZONE).date()


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class _Job:
    """One advice asked for: the checked client and what the log needs."""

    rows: ClientRows
    survival: bool
    advice_id: str
    created: dt.datetime
    as_of: dt.date
    who: Principal
    client_id: str | None
    input_sha256: str


class AdviceService:
    """Scores clients with the served model and logs every advice."""

    def __init__(self, served: ServedModel, log: AdviceLog, settings: Settings):
        self.served = served
        self.log = log
        self.settings = settings
        self.batcher: Batcher[_Job, dict[str, Any]] = Batcher(
            self._advise_together,
            max_size=settings.max_advices_per_call,
            window=settings.batch_window_ms / 1000.0,
            max_waiting=settings.max_queue,
            max_wait=settings.max_queue_wait_ms / 1000.0,
        )
        self._duration_reasons: dict[int, dict[str, Any]] = {}  # per months on benefit
        self.plan_prices = LatestPlanPrices(settings.outputs_dir)

    # ---- one client ------------------------------------------------------------
    async def advise_async(
        self, request: AdviceRequest, who: Principal, *, survival: bool = False
    ) -> dict[str, Any]:
        """Score one client and log the advice (``AdviceResponse``), in one engine call with the
        advices waiting with it. ``survival`` adds the paths without and with each instrument
        (the chart). Invalid input raises here, before anything is queued."""
        job = self._job(request, who, survival=survival, now=None)
        try:
            return await self.batcher.submit(job)
        except Overloaded as exc:
            raise OverloadedError(
                f"the service is busy: {exc}. Nothing was logged.", exc.retry_after
            ) from exc

    def _job(
        self, request: AdviceRequest, who: Principal, *, survival: bool, now: dt.datetime | None
    ) -> _Job:
        """Check the client (raises on invalid input) and describe the advice to make."""
        as_of = request.as_of or today()
        client = ClientInput.model_validate(request.model_dump(exclude={"as_of"}))
        rows = client_rows([client], as_of, self.served, caseworker_id=who.user_id)
        return _Job(
            rows=rows,
            survival=survival,
            advice_id=new_id(),
            created=now or dt.datetime.now(dt.UTC),
            as_of=as_of,
            who=who,
            client_id=client.client_id,
            input_sha256=input_sha256(client, as_of, self.settings.log_hash_key),
        )

    def _advise_together(self, jobs: Sequence[_Job]) -> list[dict[str, Any]]:
        """Advices waiting together: one engine call, one log transaction."""
        rows = ClientRows.join([j.rows for j in jobs]).with_ids([f"#{k}" for k in range(len(jobs))])
        frame = rows.frame()
        paths = any(j.survival for j in jobs)
        result = score(
            self.served.model,
            frame,
            interval=self.settings.interval,
            n_draws=self.settings.advice_draws,
            keep_paths=paths,
            seed=self.settings.seed,
        )
        outs = self._outputs(frame, result, single=True, with_paths=paths)
        docs, records = [], []
        for job, out in zip(jobs, outs, strict=True):
            out.pop("rank")
            if not job.survival:
                out.pop("survival", None)
            doc = {
                "advice_id": job.advice_id,
                "created_at": job.created.isoformat(),
                "as_of": job.as_of.isoformat(),
                "client_id": job.client_id,
                "model": self.served.ref(),
                **out,
                "interval": self.settings.interval,
                "notice": NOTICE,
            }
            docs.append(doc)
            records.append(
                AdviceRecord(
                    advice_id=job.advice_id,
                    created_at=job.created,
                    user_id=job.who.user_id,
                    role=job.who.role,
                    team=job.who.team,
                    kind="advice",
                    meter=self.served.meter,
                    model_version=self.served.version,
                    model_kind=self.served.kind,
                    input_sha256=job.input_sha256,
                    outputs=doc,
                    client_id=job.client_id,
                    best_instrument=doc["best_instrument"],
                )
            )
        self.log.append_advices(records)
        return docs

    # ---- a batch ---------------------------------------------------------------
    def score_batch(
        self, request: ScoresRequest, who: Principal, *, now: dt.datetime | None = None
    ) -> dict[str, Any]:
        """Score up to 10,000 clients, log one advice per client, return ``ScoresResponse``.

        Long: check, score and log a batch in one transaction-shaped sequence; each step uses the previous step's aligned rows.
        """
        as_of = request.as_of or today()
        clients = request.clients
        frame = client_frame(
            clients,
            as_of,
            self.served,
            caseworker_id=None,
            prefixes=[f"clients[{i}]." for i in range(len(clients))],
        )
        result = score(
            self.served.model,
            frame,
            interval=self.settings.interval,
            n_draws=self.settings.batch_draws,
            keep_paths=False,
            seed=self.settings.seed,
        )
        outs = self._outputs(
            frame, result, single=False, with_paths=False, max_reasons=BATCH_REASONS
        )
        created = now or dt.datetime.now(dt.UTC)
        batch_id = new_id()
        records = []
        rows = []
        for client, out in zip(clients, outs, strict=True):
            advice_id = new_id()
            row = {
                "advice_id": advice_id,
                "client_id": client.client_id,
                "months_on_benefit": out["months_on_benefit"],
                "p_outflow_6m": out["p_outflow_6m"],
                "p_outflow_18m": out["p_outflow_18m"],
                "expected_remaining_months": out["expected_remaining_months"],
                "outflow_group": out["outflow_group"],
                "rank": out.pop("rank"),
                "current_instrument": out["current_instrument"],
                "best_instrument": out["best_instrument"],
                "best_net_return_eur": out["best_net_return_eur"],
                "instruments": out["instruments"],
                "reasons": out["reasons"],
                "place": out["place"],
            }
            rows.append(row)
            logged = {
                **row,
                "as_of": as_of.isoformat(),
                "model": self.served.ref(),
                "batch_id": batch_id,
                "interval": self.settings.interval,
            }
            records.append(
                AdviceRecord(
                    advice_id=advice_id,
                    created_at=created,
                    user_id=who.user_id,
                    role=who.role,
                    team=who.team,
                    kind="batch",
                    meter=self.served.meter,
                    model_version=self.served.version,
                    model_kind=self.served.kind,
                    input_sha256=input_sha256(client, as_of, self.settings.log_hash_key),
                    outputs=logged,
                    client_id=client.client_id,
                    best_instrument=out["best_instrument"],
                    batch_id=batch_id,
                )
            )
        self.log.append_advices(records)
        return {
            "batch_id": batch_id,
            "created_at": created.isoformat(),
            "as_of": as_of.isoformat(),
            "model": self.served.ref(),
            "horizon_months": self.served.horizon,
            "interval": self.settings.interval,
            "count": len(rows),
            "clients": rows,
            "notice": NOTICE,
        }

    # ---- reading back -----------------------------------------------------------
    def stored(self, advice_id: str, who: Principal) -> AdviceRecord:
        """An advice of the caller (404 unknown, 403 someone else's)."""
        rec = self.log.advice(advice_id)
        if rec is None:
            raise AdviceNotFoundError(f"there is no advice with id {advice_id!r}")
        if rec.user_id != who.user_id:
            raise NotOwnAdviceError(
                "this advice was given to another user; a caseworker sees and decides on "
                "their own advices only"
            )
        return rec

    # ---- shared ------------------------------------------------------------------
    def _outputs(
        self,
        frame: pd.DataFrame,
        result: EngineResult,
        *,
        single: bool,
        with_paths: bool,
        max_reasons: int | None = None,
    ) -> list[dict[str, Any]]:
        """One output document per row of ``frame`` (in that order)."""
        served = self.served
        reasons = client_reasons(served.model, frame)
        by_client = self._instrument_rows(result.returns)
        duration_cache = self._duration_reasons
        reason_dicts: dict[int, dict[str, Any]] = {}

        def as_dict(reason: Any) -> dict[str, Any]:
            key = id(reason)
            if key not in reason_dicts:
                reason_dicts[key] = reason.to_dict()
            return reason_dicts[key]

        ids = [str(x) for x in frame["client_id"]]
        ranking = result.ranking.reindex(ids)
        p6 = _rounded(ranking["p_outflow_6m"], 4)
        p18 = _rounded(ranking["p_outflow_18m"], 4)
        remaining = _rounded(ranking["expected_remaining_months"], 2)
        best_value = _rounded(ranking["best_net_return_eur"], 2)
        group = ranking["outflow_group"].astype(int).tolist()
        rank = ranking["rank"].astype(int).tolist()
        current_col = ranking["current_instrument"].fillna("").astype(str).tolist()
        best_col = ranking["best_instrument"].fillna("").astype(str).tolist()
        months_list = [int(x) for x in frame["months_on_benefit"]]
        basis = str(ranking["returns_basis"].iloc[0]) if len(ranking) else "spell"
        benefit = _rounded(ranking["expected_benefit_months"], 2)
        prices, price_problem = self.plan_prices.current()
        outs = []
        for i, cid in enumerate(ids):
            months = months_list[i]
            current = current_col[i] or None
            best = None if current else (best_col[i] or "geen")
            if months not in duration_cache:
                duration_cache[months] = duration_reason(served.model, months).to_dict()
            instruments = by_client.get(cid, [])
            chosen = reasons[i] if max_reasons is None else reasons[i][:max_reasons]
            out: dict[str, Any] = {
                "months_on_benefit": months,
                "p_outflow_6m": p6[i],
                "p_outflow_18m": p18[i],
                "expected_remaining_months": remaining[i],
                "horizon_months": served.horizon,
                "outflow_group": group[i],
                "outflow_group_text": GROUP_TEXT.get(group[i], f"Groep {group[i]}"),
                "rank": rank[i],
                "current_instrument": current,
                "instruments": instruments,
                "best_instrument": best,
                "best_net_return_eur": best_value[i] or 0.0,
                "returns_basis": basis,
                "expected_benefit_months": benefit[i],
                "reasons": [as_dict(x) for x in chosen],
                "duration_reason": duration_cache[months],
                "place": judge(
                    prices,
                    best,
                    best_value[i],
                    label=None if best is None or best == "geen" else served.label(best),
                    running=current is not None,
                    problem=price_problem,
                ).to_dict(),
            }
            if single:
                out["recommendation"] = recommendation(
                    best, current, instruments, served.label, basis=basis
                )
            if with_paths:
                out["survival"] = result.survival(cid, served.scored_codes)
            outs.append(out)
        return outs

    def _instrument_rows(self, returns: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
        """Per client, one dict per instrument (labels from the catalogue, numbers rounded)."""
        by_client: dict[str, list[dict[str, Any]]] = {}
        if not len(returns):
            return by_client
        static: dict[str, dict[str, Any]] = {}
        for code in returns["instrument"].astype(str).unique():
            d = self.served.describe(code)
            static[code] = {
                "instrument": code,
                "label": d.label if d else code,
                "category": d.category if d else None,
                "waiting_months": d.waiting_months if d else 0,
                "duration_months": d.duration_months if d else 0,
            }
        names = (
            "expected_remaining_months_with",
            "months_saved",
            "expected_cost_eur",
            "net_return_eur",
            "net_return_low_eur",
            "net_return_high_eur",
            *TOTAL_FIELDS,  # counting returns to benefit (rendement.reinflow)
        )
        numbers = {n: _rounded(returns[n], 2) for n in names}
        codes = returns["instrument"].astype(str).tolist()
        for k, cid in enumerate(returns["client_id"].astype(str).tolist()):
            row = dict(static[codes[k]])
            for n in names:
                row[n] = numbers[n][k]
            by_client.setdefault(cid, []).append(row)
        return by_client


#: Per instrument, counting returns to benefit (None without a re-inflow model).
TOTAL_FIELDS = (
    "benefit_months_saved",
    "net_return_total_eur",
    "net_return_total_low_eur",
    "net_return_total_high_eur",
)


def _rounded(values: pd.Series, digits: int) -> list[float | None]:
    """Rounded floats as a list, NaN/infinite as ``None``."""
    arr = np.round(pd.to_numeric(values, errors="coerce").to_numpy(dtype=float), digits)
    out: list[float | None] = arr.tolist()
    bad = ~np.isfinite(arr)
    if bad.any():
        for k in np.flatnonzero(bad):
            out[int(k)] = None
    return out
