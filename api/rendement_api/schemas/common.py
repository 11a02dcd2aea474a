"""The one error format of the service and the shared pieces of responses."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class FieldErrorOut(BaseModel):
    field: str = Field(
        description="where: a field name, dotted for nested fields", examples=["birth_date"]
    )
    message: str = Field(description="what is wrong", examples=["Input should be a valid date"])
    expected: str | None = Field(
        default=None, description="what a valid value looks like", examples=["a date YYYY-MM-DD"]
    )


class ErrorResponse(BaseModel):
    """Every 4xx answer: a stable machine-readable ``code``, a message for people, the fields."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "invalid_input",
                    "message": "1 field of the request is invalid",
                    "errors": [
                        {
                            "field": "household_type",
                            "message": "Input should be 'alleenstaand', 'alleenstaande_ouder' or 'paar'",
                            "expected": "one of alleenstaand, alleenstaande_ouder, paar",
                        }
                    ],
                }
            ]
        }
    )

    code: str = Field(description="stable machine-readable error code", examples=["invalid_input"])
    message: str
    errors: list[FieldErrorOut] = Field(default_factory=list)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the given error statuses."""
    words = {
        401: "no API key, or an unknown or revoked key (code missing_api_key / invalid_api_key)",
        403: "the key's role may not use this route (code forbidden_role / not_own_advice)",
        404: "unknown advice (code advice_not_found)",
        409: "a decision was already recorded (code decision_exists)",
        422: "invalid input (code invalid_input, bsn_not_allowed, protected_attribute, batch_too_large, ...)",
    }
    return {s: {"model": ErrorResponse, "description": words[s]} for s in statuses}


class ModelRef(BaseModel):
    """Which model gave an advice: shown with every advice."""

    meter: str = Field(examples=["reintegratie"])
    version: str = Field(examples=["2026-01"])
    kind: str = Field(description="estimated, expert or borrowed", examples=["estimated"])
    kind_text: str = Field(examples=["geschat op de eigen gegevens van de gemeente"])
    warning: str | None = Field(
        default=None,
        description="Dutch text when the model could not do what it was fitted for, e.g. a "
        "timing-of-events model that fell back to the default model's effects",
    )
    signed_by: str | None = Field(
        default=None,
        description="who signed the model folder (checked against the configured signing key); "
        "null when the service runs without a signing key",
        examples=["team-analyse"],
    )
