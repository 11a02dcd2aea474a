"""The caseworker's decision on an advice, and the managers' summary of decisions."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rendement_api.schemas.examples import DECISION_RESPONSE, SUMMARY_RESPONSE

Decision = Literal["gevolgd", "afgeweken"]


class DecisionRequest(BaseModel):
    """``gevolgd`` (followed) or ``afgeweken`` (deviated, with the reason)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"decision": "gevolgd"},
                {
                    "decision": "afgeweken",
                    "chosen_instrument": "taal",
                    "reason": "Klant kan pas beginnen als de kinderopvang geregeld is.",
                },
            ]
        },
    )

    decision: Decision
    chosen_instrument: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="instrument chosen ('geen' for none); default when following: the advised one",
    )
    reason: str | None = Field(
        default=None,
        max_length=2000,
        description="why the advice was not followed (required when deviating)",
    )


class DecisionResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [DECISION_RESPONSE]})

    advice_id: str
    decision: Decision
    advised_instrument: str
    chosen_instrument: str
    reason: str | None
    recorded_at: dt.datetime
    user_id: str


class ReasonCount(BaseModel):
    reason: str
    count: int


class RateRow(BaseModel):
    decisions: int
    followed: int
    deviated: int
    deviation_rate: float | None = Field(description="deviated / decisions; null without decisions")


class CaseworkerRow(RateRow):
    user_id: str
    team: str | None
    advices: int = Field(description="single-client advices given in the period")
    top_reasons: list[ReasonCount]


class TeamRow(RateRow):
    team: str | None
    advices: int


class ChosenCount(BaseModel):
    instrument: str
    count: int


class InstrumentRow(RateRow):
    instrument: str = Field(
        description="the advised instrument ('geen' = advice was no instrument)"
    )
    chosen_instead: list[ChosenCount]


class SummaryResponse(BaseModel):
    """Deviation rates per caseworker, team and advised instrument over a period."""

    model_config = ConfigDict(
        populate_by_name=True, json_schema_extra={"examples": [SUMMARY_RESPONSE]}
    )

    from_date: dt.date = Field(alias="from")
    to_date: dt.date = Field(alias="to")
    team: str | None
    advices: int
    totals: RateRow
    caseworkers: list[CaseworkerRow]
    teams: list[TeamRow]
    instruments: list[InstrumentRow]
    reasons: list[ReasonCount] = Field(description="most frequent deviation reasons")
