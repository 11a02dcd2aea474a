"""``POST /v1/advice``: one client's advice; ``GET /v1/advice/{advice_id}``: read it back."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query

from rendement_api.auth import require_role
from rendement_api.db.keys import Principal
from rendement_api.deps import advice_service
from rendement_api.schemas.advice import AdviceRequest, AdviceResponse
from rendement_api.schemas.common import error_responses
from rendement_api.services.advice import AdviceService

router = APIRouter(prefix="/v1/advice", tags=["advice"])

ADVICE_ID = Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="the advice_id of an earlier advice")


@router.post(
    "",
    response_model=AdviceResponse,
    status_code=201,
    summary="Advice for one client",
    description="Chance of leaving benefit within 6 and 18 months, expected months without and "
    "with each instrument, net return with interval, the best instrument or 'geen', the reasons "
    "and the model version. Logged (hash of the input and the outputs). Role: caseworker.",
    responses=error_responses(401, 403, 422),
)
async def create_advice(
    request: AdviceRequest,
    survival: bool = Query(
        default=False,
        description="add the chance of still being on benefit per coming month, without and "
        "with each instrument (the chart of the caseworker page)",
    ),
    who: Principal = Depends(require_role("caseworker")),
    service: AdviceService = Depends(advice_service),
) -> dict[str, Any]:
    # async: advices waiting at the same moment are scored in one engine call in the event
    # loop (see services/batcher.py)
    return await service.advise_async(request, who, survival=survival)


@router.get(
    "/{advice_id}",
    response_model=AdviceResponse,
    summary="An earlier advice of the caller",
    description="The advice as it was given (from the log). Role: caseworker, own advices only.",
    responses=error_responses(401, 403, 404, 422),
)
def read_advice(
    advice_id: str = ADVICE_ID,
    who: Principal = Depends(require_role("caseworker")),
    service: AdviceService = Depends(advice_service),
) -> dict[str, Any]:
    rec = service.stored(advice_id, who)
    if rec.kind != "advice":
        from rendement_api.errors import AdviceNotFoundError

        raise AdviceNotFoundError(f"{advice_id!r} is part of a batch score, not a single advice")
    return rec.outputs
