"""The served model (``GET /v1/models``) and the service's health (``GET /v1/health``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class InstrumentInfo(BaseModel):
    instrument: str
    label: str
    category: str | None
    price_eur: float
    waiting_months: int
    duration_months: int
    success_share: float
    scored: bool = Field(description="the model has its effects, so advices include it")


class ParameterRow(BaseModel):
    term: str
    estimate: float
    std_error: float | None


class ModelInfo(BaseModel):
    meter: str
    version: str
    kind: str
    kind_text: str
    active: bool
    created: str | None
    horizon_months: int
    features: list[str]
    extra_features: list[str]
    instruments: list[InstrumentInfo]
    parameters: list[ParameterRow]
    metadata: dict[str, Any]


class ModelsResponse(BaseModel):
    models: list[ModelInfo]


class HealthResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": "ok",
                    "rendement_version": "0.1.0",
                    "model_version": "2026-01",
                    "model_kind": "estimated",
                    "database": "ok",
                }
            ]
        }
    )

    status: str = Field(examples=["ok"])
    rendement_version: str
    model_version: str
    model_kind: str
    database: str = Field(examples=["ok"])
