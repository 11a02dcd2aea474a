"""Dependencies the routes share: the services built in the app's lifespan."""

from __future__ import annotations

from fastapi import Request

from rendement_api.db.advice_log import AdviceLog
from rendement_api.services.advice import AdviceService
from rendement_api.services.served_model import ServedModel


async def advice_service(request: Request) -> AdviceService:
    service: AdviceService = request.app.state.advice
    return service


async def served_model(request: Request) -> ServedModel:
    served: ServedModel = request.app.state.served
    return served


async def advice_log(request: Request) -> AdviceLog:
    log: AdviceLog = request.app.state.log
    return log
