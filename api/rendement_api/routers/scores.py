"""``POST /v1/scores``: advices for a batch of up to 10,000 clients (managers)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from rendement_api.auth import require_role
from rendement_api.db.keys import Principal
from rendement_api.deps import advice_service
from rendement_api.errors import BatchTooLargeError
from rendement_api.jsonutil import dumps
from rendement_api.schemas.common import error_responses
from rendement_api.schemas.scores import ScoresRequest, ScoresResponse
from rendement_api.services.advice import AdviceService
from rendement_api.settings import Settings, get_settings

router = APIRouter(prefix="/v1/scores", tags=["scores"])


@router.post(
    "",
    response_model=ScoresResponse,
    summary="Scores for a batch of clients",
    description="The same as /v1/advice for up to 10,000 clients (without survival paths), with "
    "a rank (1 = highest chance of leaving without help). Every client's advice is logged. "
    "More clients: 422 with code batch_too_large. Role: manager.",
    responses=error_responses(401, 403, 422),
)
def create_scores(
    request: ScoresRequest,
    who: Principal = Depends(require_role("manager")),
    service: AdviceService = Depends(advice_service),
    settings: Settings = Depends(get_settings),
) -> Response:
    if len(request.clients) > settings.max_batch:
        raise BatchTooLargeError(
            f"a batch has at most {settings.max_batch} clients here; split the request"
        )
    doc = service.score_batch(request, who)
    # Built directly: validating 10,000 nested results again would double the time.
    return Response(dumps(doc), media_type="application/json")
