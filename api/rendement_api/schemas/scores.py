"""A batch of clients in, one advice per client out (``POST /v1/scores``)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from rendement_api.schemas.advice import (
    CLIENT_EXAMPLE,
    ClientInput,
    InstrumentReturn,
    IsoDate,
    PlaceOut,
    ReasonOut,
)
from rendement_api.schemas.common import ModelRef

MAX_BATCH = 10_000


class ScoresRequest(BaseModel):
    """Up to 10,000 clients, scored at one date."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "as_of": "2026-01-15",
                    "clients": [
                        CLIENT_EXAMPLE,
                        {**CLIENT_EXAMPLE, "client_id": "K-000124", "age": 58, "birth_date": None},
                    ],
                }
            ]
        },
    )

    as_of: IsoDate | None = Field(default=None, description="date of the scores (default: today)")
    clients: list[ClientInput] = Field(min_length=1, max_length=MAX_BATCH)


class ClientScore(BaseModel):
    """One client's advice in a batch (no survival paths)."""

    advice_id: str
    client_id: str | None
    months_on_benefit: int
    p_outflow_6m: float
    p_outflow_18m: float
    expected_remaining_months: float
    outflow_group: int = Field(ge=1, le=3)
    rank: int = Field(description="1 = highest chance of leaving without help")
    current_instrument: str | None
    best_instrument: str | None
    best_net_return_eur: float
    instruments: list[InstrumentReturn]
    reasons: list[ReasonOut]
    place: PlaceOut = Field(description="the advice against the latest plan's price of a place")


class ScoresResponse(BaseModel):
    batch_id: str
    created_at: dt.datetime
    as_of: dt.date
    model: ModelRef
    horizon_months: int
    interval: float
    count: int
    clients: list[ClientScore] = Field(description="in the order of the request")
    notice: str
