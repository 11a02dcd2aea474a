"""``POST /v1/advice/{advice_id}/decision`` and ``GET /v1/decisions/summary``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Path, Query

from rendement_api.auth import require_role
from rendement_api.db.advice_log import AdviceLog
from rendement_api.db.keys import Principal
from rendement_api.deps import advice_log, advice_service
from rendement_api.schemas.advice import IsoDate
from rendement_api.schemas.common import error_responses
from rendement_api.schemas.decisions import DecisionRequest, DecisionResponse, SummaryResponse
from rendement_api.services.advice import AdviceService, today
from rendement_api.services.decisions import decisions_summary, record_decision

router = APIRouter(tags=["decisions"])


@router.post(
    "/v1/advice/{advice_id}/decision",
    response_model=DecisionResponse,
    status_code=201,
    summary="Record the decision on an advice",
    description="'gevolgd' (followed) or 'afgeweken' (deviated) with the chosen instrument and the "
    "reason (required when deviating). One decision per advice; it cannot be changed. "
    "Role: caseworker, own advices only.",
    responses=error_responses(401, 403, 404, 409, 422),
)
def create_decision(
    request: DecisionRequest,
    advice_id: str = Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="the advice_id"),
    who: Principal = Depends(require_role("caseworker")),
    service: AdviceService = Depends(advice_service),
) -> dict[str, Any]:
    rec = record_decision(service, advice_id, request, who)
    return {
        "advice_id": rec.advice_id,
        "decision": rec.decision,
        "advised_instrument": rec.advised_instrument,
        "chosen_instrument": rec.chosen_instrument,
        "reason": rec.reason,
        "recorded_at": rec.created_at,
        "user_id": rec.user_id,
    }


@router.get(
    "/v1/decisions/summary",
    response_model=SummaryResponse,
    response_model_by_alias=True,
    summary="Deviation rates per caseworker, team and instrument",
    description="Decisions taken from 'from' up to and including 'to' (Amsterdam dates; default: "
    "the last 30 days), with the most frequent reasons for deviating. A manager key with a team "
    "sees that team only. Role: manager.",
    responses=error_responses(401, 403, 422),
)
def read_summary(
    from_date: IsoDate | None = Query(None, alias="from", description="first day (YYYY-MM-DD)"),
    to_date: IsoDate | None = Query(
        None,
        alias="to",
        description="last day (YYYY-MM-DD), on or after 'from': a 'to' before 'from' is refused "
        "with 422 invalid_input",
    ),
    team: str | None = Query(None, min_length=1, max_length=64),
    who: Principal = Depends(require_role("manager")),
    log: AdviceLog = Depends(advice_log),
) -> dict[str, Any]:
    end = to_date or today()
    start = from_date or (end - dt.timedelta(days=29))
    return decisions_summary(log, start, end, who, team=team)
