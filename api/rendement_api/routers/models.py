"""``GET /v1/models`` (analysts, managers) and ``GET /v1/health`` (anyone)."""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import text

from rendement import __version__
from rendement_api.auth import require_role
from rendement_api.db.advice_log import AdviceLog
from rendement_api.db.keys import Principal
from rendement_api.deps import advice_log, served_model
from rendement_api.schemas.common import error_responses
from rendement_api.schemas.models import HealthResponse, ModelsResponse
from rendement_api.services.served_model import ServedModel

router = APIRouter(tags=["models"])


def _finite(x: Any) -> float | None:
    v = float(x)
    return v if math.isfinite(v) else None


@router.get(
    "/v1/models",
    response_model=ModelsResponse,
    summary="The model in service",
    description="Version, kind (estimated/expert/borrowed), instruments and parameters of the "
    "served model. Roles: analyst, manager.",
    responses=error_responses(401, 403),
)
def read_models(
    who: Principal = Depends(require_role("analyst", "manager")),
    served: ServedModel = Depends(served_model),
) -> dict[str, Any]:
    model = served.model
    se = {}
    if model.cov is not None:
        for term in model.params.index:
            if term in model.cov.index and term in model.cov.columns:
                var = float(model.cov.loc[term, term])
                se[term] = math.sqrt(var) if var >= 0 and math.isfinite(var) else None
    meta = {
        k: v
        for k, v in model.metadata.to_dict().items()
        if k
        in (
            "created",
            "training_window",
            "metrics",
            "heterogeneity",
            "author",
            "source",
            "rationale",
        )
    }
    return {
        "models": [
            {
                **served.ref(),
                "active": True,
                "created": str(model.metadata.get("created"))
                if model.metadata.get("created")
                else None,
                "horizon_months": served.horizon,
                "features": list(model.spec.features),
                "extra_features": list(model.spec.extra_features),
                "instruments": [
                    {
                        "instrument": i.code,
                        "label": i.label,
                        "category": i.category,
                        "price_eur": i.price,
                        "waiting_months": i.waiting_months,
                        "duration_months": i.duration_months,
                        "success_share": i.success_share,
                        "scored": i.scored,
                    }
                    for i in served.instruments
                ],
                "parameters": [
                    {"term": str(t), "estimate": _finite(v), "std_error": se.get(str(t))}
                    for t, v in model.params.items()
                    if _finite(v) is not None
                ],
                "metadata": meta,
            }
        ]
    }


@router.get(
    "/v1/health",
    response_model=HealthResponse,
    summary="Is the service up",
    description="No key needed; shows no client data.",
    responses={503: {"model": HealthResponse, "description": "the advice log cannot be reached"}},
)
def read_health(
    served: ServedModel = Depends(served_model),
    log: AdviceLog = Depends(advice_log),
) -> Any:
    try:
        with log.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        db = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        db = "unreachable"
    body = {
        "status": "ok" if db == "ok" else "degraded",
        "rendement_version": __version__,
        "model_version": served.version,
        "model_kind": served.kind,
        "database": db,
    }
    return body if db == "ok" else JSONResponse(body, status_code=503)
