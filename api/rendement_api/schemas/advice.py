"""One client's values in, one advice out (``POST /v1/advice``)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from rendement.contract.schema import EDUCATION_LEVELS, HOUSEHOLD_TYPES
from rendement.protected import protected_reason
from rendement_api.privacy import looks_like_bsn, text_contains_bsn
from rendement_api.schemas.common import ModelRef
from rendement_api.schemas.examples import ADVICE_RESPONSE

HouseholdType = Literal["alleenstaand", "alleenstaande_ouder", "paar"]
Education = Literal["laag", "middelbaar", "hoog", "onbekend"]
assert set(HouseholdType.__args__) == set(HOUSEHOLD_TYPES)  # type: ignore[attr-defined]
assert set(Education.__args__) == set(EDUCATION_LEVELS)  # type: ignore[attr-defined]

_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"

#: Bounds of a monthly benefit in euros (a bijstand benefit is some 1,000-2,000 euros a month;
#: 1 euro excludes nonsense like 1e-320, 20,000 a misplaced decimal point).
MIN_BENEFIT = 1.0
MAX_BENEFIT = 20_000.0
_EARLIEST = dt.date(1900, 1, 1)
_LATEST = dt.date(2100, 12, 31)

CLIENT_EXAMPLE: dict[str, Any] = {
    "client_id": "K-000123",
    "birth_date": "1980-05-17",
    "household_type": "alleenstaand",
    "education": "laag",
    "dutch_language": True,
    "work_experience_years": 4,
    "health_restriction": False,
    "district": "Noord",
    "months_on_benefit": 14,
    "monthly_benefit": 1369.0,
}


_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _iso_only(v: Any) -> Any:
    """Dates as ``YYYY-MM-DD`` text only (no Unix timestamps, no datetimes)."""
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return v
    if isinstance(v, str) and _ISO_DATE.match(v):
        return v
    raise PydanticCustomError(
        "date_format",
        "Input should be a date written as YYYY-MM-DD",
        {"expected": "a date YYYY-MM-DD"},
    )


def _check_date(v: dt.date) -> dt.date:
    if not (_EARLIEST <= v <= _LATEST):
        raise PydanticCustomError(
            "date_out_of_range",
            "date must lie between 1900-01-01 and 2100-12-31",
            {"expected": "a date between 1900-01-01 and 2100-12-31"},
        )
    return v


#: A calendar date written ``YYYY-MM-DD``, between 1900 and 2100.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_only), AfterValidator(_check_date)]


def _custom(kind: str, message: str, field: str, expected: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message, {"field": field, "expected": expected})


class ClientInput(BaseModel):
    """A client's values as in the data contract (gender is never asked), plus the benefit.

    Give ``birth_date`` or ``age``, and ``months_on_benefit`` or ``inflow_date``.
    Checks beyond the schema (answered with 422 ``invalid_input``, naming the field, or
    ``unknown_instrument``):
    ``months_on_benefit`` must equal the whole months from ``inflow_date`` to the advice
    date when both are given; ``inflow_date`` must not lie after the advice date; the age
    at the advice date must lie between 18 and 110; ``remaining_in_months`` needs
    ``current_instrument``; instrument codes must be in the served model's catalogue.
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [CLIENT_EXAMPLE]})

    client_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        pattern=_NAME,
        description="pseudonymous client key (never a BSN: 8 or 9 digits passing the 11-test "
        "after removing separators . - _ and spaces and a letter prefix are refused)",
    )
    birth_date: IsoDate | None = Field(default=None, description="date of birth (or give age)")
    age: int | None = Field(
        default=None, ge=18, le=110, description="age in years today (or give birth_date)"
    )
    household_type: HouseholdType
    education: Education
    dutch_language: bool | None = Field(
        default=None, description="meets the Dutch language requirement"
    )
    work_experience_years: float | None = Field(default=None, ge=0, le=60)
    health_restriction: bool | None = None
    district: str | None = Field(default=None, min_length=1, max_length=64)
    months_on_benefit: int | None = Field(
        default=None,
        ge=0,
        le=600,
        description="whole months on benefit so far (or give inflow_date); with both, they must "
        "agree (the whole months from inflow_date to the advice date), else 422 invalid_input",
    )
    inflow_date: IsoDate | None = Field(
        default=None,
        description="start of the current benefit spell, on or before the advice date (as_of)",
    )
    monthly_benefit: float = Field(
        json_schema_extra={"minimum": MIN_BENEFIT, "maximum": MAX_BENEFIT},
        description="euros of benefit paid per month, from 1 to 20,000",
    )
    current_instrument: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="instrument the client is in now, if any",
    )
    remaining_in_months: int | None = Field(
        default=None, ge=0, le=120, description="months still to go in the current instrument"
    )
    completed_instruments: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="instruments completed earlier in this benefit spell",
    )
    extra: dict[str, str | float] = Field(
        default_factory=dict,
        max_length=20,
        description="extra client columns the model uses (see GET /v1/models)",
    )

    @field_validator("client_id")
    @classmethod
    def _no_bsn(cls, v: str | None) -> str | None:
        if v is not None and looks_like_bsn(v):
            raise _custom(
                "bsn_not_allowed",
                "client_id looks like a BSN (8 or 9 digits passing the 11-test, also with "
                "separators or a letter prefix); use the "
                "pseudonymous client key instead",
                "client_id",
                "a pseudonymous key, not a BSN",
            )
        return v

    @field_validator("monthly_benefit")
    @classmethod
    def _benefit_bounds(cls, v: float) -> float:
        if not (MIN_BENEFIT <= v <= MAX_BENEFIT):  # NaN fails this too
            raise _custom(
                "benefit_out_of_range",
                "monthly_benefit must lie between 1 and 20,000 euros per month",
                "monthly_benefit",
                "an amount in euros from 1 to 20,000",
            )
        return v

    @field_validator("district")
    @classmethod
    def _no_bsn_in_district(cls, v: str | None) -> str | None:
        if v is not None and text_contains_bsn(v):
            raise _custom(
                "bsn_not_allowed",
                "district contains a number that looks like a BSN; leave personal numbers out",
                "district",
                "a district name without a BSN",
            )
        return v

    @field_validator("extra")
    @classmethod
    def _no_protected_extra(cls, v: dict[str, str | float]) -> dict[str, str | float]:
        for name in v:
            why = protected_reason(name)  # by meaning: geslacht, Female, herkomst, ...
            if why is not None:
                raise _custom(
                    "protected_attribute",
                    f"{name} is a protected attribute ({why}): it is never asked and never used",
                    f"extra.{name}",
                    "no protected attributes",
                )
            value = v[name]
            if isinstance(value, str) and text_contains_bsn(value):
                raise _custom(
                    "bsn_not_allowed",
                    f"extra.{name} contains a number that looks like a BSN",
                    f"extra.{name}",
                    "a value without a BSN",
                )
        return dict(sorted(v.items()))

    @model_validator(mode="after")
    def _one_of_each(self) -> ClientInput:
        if self.birth_date is None and self.age is None:
            raise _custom(
                "missing_age", "give birth_date or age", "birth_date", "a date YYYY-MM-DD, or age"
            )
        if self.months_on_benefit is None and self.inflow_date is None:
            raise _custom(
                "missing_duration",
                "give months_on_benefit or inflow_date",
                "months_on_benefit",
                "a whole number >= 0, or inflow_date",
            )
        if self.remaining_in_months is not None and self.current_instrument is None:
            raise _custom(
                "inconsistent",
                "remaining_in_months needs current_instrument",
                "remaining_in_months",
                "empty unless current_instrument is given",
            )
        return self


class AdviceRequest(ClientInput):
    """One client (``ClientInput``) and, optionally, the date of the advice."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{**CLIENT_EXAMPLE, "as_of": "2026-01-15"}]}
    )

    as_of: IsoDate | None = Field(default=None, description="date of the advice (default: today)")


class InstrumentReturn(BaseModel):
    """Months and euros with one instrument (*rendement per instrument*)."""

    instrument: str = Field(examples=["jobhunt"])
    label: str = Field(examples=["Sollicitatietraining en vacaturebemiddeling"])
    category: str | None = Field(default=None, examples=["1"])
    waiting_months: int
    duration_months: int
    expected_remaining_months_with: float = Field(description="expected months on benefit with it")
    months_saved: float = Field(description="negative: the instrument prolongs benefit")
    expected_cost_eur: float
    net_return_eur: float
    net_return_low_eur: float | None = Field(
        default=None, description="lower bound of the interval"
    )
    net_return_high_eur: float | None = Field(
        default=None, description="upper bound of the interval"
    )
    benefit_months_saved: float | None = Field(
        default=None, description="months saved over the horizon counting returns to benefit"
    )
    net_return_total_eur: float | None = Field(
        default=None, description="net return over all months on benefit (returns counted)"
    )
    net_return_total_low_eur: float | None = None
    net_return_total_high_eur: float | None = None


class ReasonOut(BaseModel):
    term: str = Field(examples=["age_band[55+]"])
    label: str = Field(examples=["Leeftijd 55+ bij instroom"])
    text: str = Field(
        examples=[
            "Leeftijd 55+ bij instroom: veel kleinere kans op uitstroom (per maand 45% kleiner dan bij de referentieklant)"
        ]
    )
    direction: Literal["groter", "kleiner"] = Field(description="chance of leaving benefit")
    log_hazard_ratio: float
    hazard_ratio: float


class SurvivalChart(BaseModel):
    """Chance of still being on benefit after each coming month, without and with each instrument."""

    months: list[int]
    without: list[float]
    with_instrument: dict[str, list[float]]


class PlaceOut(BaseModel):
    """The advice against the latest plan's price of a place (:mod:`rendement.plan.price`)."""

    status: Literal[
        "within",
        "below",
        "no_places",
        "not_planned",
        "no_instrument",
        "running",
        "no_plan",
        "unreadable",
    ] = Field(
        description="within/below: the advised return is at least / under the lowest return "
        "that gets a place in the latest plan; no_places: the plan has no places of it; "
        "not_planned: the plan does not distribute it; no_instrument: no instrument advised; "
        "running: the client follows one now; no_plan: no plan has been made; unreadable: "
        "the plan's file could not be read"
    )
    within: bool | None = Field(description="the advice gets a place in the plan (null: unknown)")
    instrument: str | None = None
    net_return_eur: float | None = Field(default=None, description="the advised net return")
    threshold_eur: float | None = Field(
        default=None,
        description="lowest net return that still gets a place in the plan (0: places left over)",
    )
    dual_eur: float | None = Field(
        default=None, description="LP price (dual) of one more place of the instrument"
    )
    places_left: int | None = None
    plan_as_of: dt.date | None = None
    plan_model_version: str | None = None
    text: str = Field(description="the verdict for the caseworker (Dutch)")


class AdviceResponse(BaseModel):
    """The advice for one client. It is an advice, not a decision."""

    model_config = ConfigDict(json_schema_extra={"examples": [ADVICE_RESPONSE]})

    advice_id: str = Field(examples=["5f0c9d0c3b8e4a0b9a1d2e3f4a5b6c7d"])
    created_at: dt.datetime
    as_of: dt.date
    client_id: str | None
    model: ModelRef
    months_on_benefit: int
    p_outflow_6m: float = Field(description="chance of leaving benefit within 6 months")
    p_outflow_18m: float = Field(description="chance of leaving benefit within 18 months")
    expected_remaining_months: float = Field(
        description="expected months on benefit without an instrument"
    )
    horizon_months: int
    outflow_group: int = Field(ge=1, le=3)
    outflow_group_text: str
    current_instrument: str | None
    instruments: list[InstrumentReturn]
    best_instrument: str | None = Field(
        description="instrument with the highest positive net return, 'geen' when none is "
        "positive, null when the client is in an instrument now"
    )
    best_net_return_eur: float
    returns_basis: Literal["spell", "total"] = Field(
        default="spell",
        description="which net return chose best_instrument: the current spell only (spell) "
        "or all months on benefit over the horizon, returns counted (total)",
    )
    expected_benefit_months: float | None = Field(
        default=None, description="expected months on benefit over the horizon counting returns"
    )
    recommendation: str
    place: PlaceOut = Field(description="the advice against the latest plan's price of a place")
    reasons: list[ReasonOut]
    duration_reason: ReasonOut
    interval: float = Field(description="coverage of the net-return intervals")
    notice: str = Field(examples=["Dit is een advies, geen besluit."])
    survival: SurvivalChart | None = Field(
        default=None, description="only with ?survival=true: the chart's paths"
    )
