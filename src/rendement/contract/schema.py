"""The four input tables of the data contract, as data.

One :class:`Column` per contract column; :data:`TABLES` maps the table name
(``clients``, ``spells``, ``trajectories``, ``instruments``) to its columns in
contract order. Validation, readers and documentation all read from here so
that the contract is written down exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["string", "date", "bool", "number", "integer", "category"]

HOUSEHOLD_TYPES = ("alleenstaand", "alleenstaande_ouder", "paar")
EDUCATION_LEVELS = ("laag", "middelbaar", "hoog", "onbekend")
GENDERS = ("M", "V", "X")
END_REASONS = ("werk", "opleiding", "verhuizing", "overig", "aow", "overleden")
TRAJECTORY_RESULTS = ("succesvol", "niet_succesvol", "voortijdig_beeindigd")
METERS = ("reintegratie", "werk_direct", "handhaving")
CATEGORIES = ("1", "2a", "2b", "3")
DECISIONS = ("granted", "refused", "withdrawn")

TRUE_WORDS = ("ja", "true", "1")
FALSE_WORDS = ("nee", "false", "0")

#: Attributes that may never be model features (used only in fairness reports).
PROTECTED_ATTRIBUTES = ("gender", "origin", "nationality", "country_of_birth", "ethnicity")


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    required: bool
    categories: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    unique: bool = False
    notes: str = ""

    def expected(self) -> str:
        """What a valid value looks like, in words (for error messages)."""
        if self.type == "category":
            return "one of " + ", ".join(self.categories)
        if self.type == "date":
            return "a date YYYY-MM-DD"
        if self.type == "bool":
            return "ja/nee, true/false or 1/0"
        if self.type in ("number", "integer"):
            kind = "a whole number" if self.type == "integer" else "a number"
            parts = []
            if self.minimum is not None:
                parts.append(("> " if self.exclusive_minimum else ">= ") + f"{self.minimum:g}")
            if self.maximum is not None:
                parts.append(f"<= {self.maximum:g}")
            return kind + (" " + " and ".join(parts) if parts else "")
        return "a non-empty text"


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: str
    required: bool = True
    notes: str = field(default="")

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


CLIENTS = Table(
    "clients",
    (
        Column(
            "client_id",
            "string",
            True,
            unique=True,
            notes="pseudonymous key; BSN-like values refused",
        ),
        Column("birth_date", "date", True),
        Column("gender", "category", False, GENDERS, notes="protected: fairness reports only"),
        Column("household_type", "category", True, HOUSEHOLD_TYPES),
        Column("education", "category", True, EDUCATION_LEVELS),
        Column("dutch_language", "bool", False),
        Column("work_experience_years", "number", False, minimum=0),
        Column("health_restriction", "bool", False),
        Column("district", "string", False),
        Column("caseworker_id", "string", False),
    ),
    key="client_id",
)

SPELLS = Table(
    "spells",
    (
        Column("spell_id", "string", True, unique=True),
        Column("client_id", "string", True),
        Column("start_date", "date", True),
        Column("end_date", "date", False),
        Column("end_reason", "category", False, END_REASONS),
        Column("monthly_benefit", "number", True, minimum=0, exclusive_minimum=True),
    ),
    key="spell_id",
)

TRAJECTORIES = Table(
    "trajectories",
    (
        Column("trajectory_id", "string", True, unique=True),
        Column("client_id", "string", True),
        Column("instrument", "string", True),
        Column("start_date", "date", True),
        Column("end_date", "date", False),
        Column("cost", "number", False, minimum=0),
        Column("provider", "string", False),
        Column("result", "category", False, TRAJECTORY_RESULTS),
    ),
    key="trajectory_id",
)

INSTRUMENTS = Table(
    "instruments",
    (
        Column("instrument", "string", True, unique=True),
        Column("label", "string", True),
        Column("meter", "category", True, METERS),
        Column("category", "category", False, CATEGORIES),
        Column("price", "number", True, minimum=0),
        Column("duration_months", "integer", True, minimum=0),
        Column("waiting_months", "integer", True, minimum=0),
        Column("success_share", "number", False, minimum=0, maximum=1),
        Column("capacity", "integer", False, minimum=0),
    ),
    key="instrument",
)

TABLES: dict[str, Table] = {t.name: t for t in (CLIENTS, SPELLS, TRAJECTORIES, INSTRUMENTS)}

APPLICATIONS = Table(
    "applications",
    (
        Column("application_id", "string", True, unique=True),
        Column("date", "date", True, notes="date of the decision"),
        Column("decision", "category", True, DECISIONS),
        Column("district", "string", False),
    ),
    key="application_id",
    required=False,
    notes="decisions on applications for a benefit (monthly steering report)",
)

RECOVERIES = Table(
    "recoveries",
    (
        Column("recovery_id", "string", False, unique=True),
        Column("date", "date", True, notes="date the amount was established"),
        Column("amount", "number", True, minimum=0),
        Column("district", "string", False),
    ),
    key="recovery_id",
    required=False,
    notes="amounts established for recovery because of fraud (terugvordering)",
)

#: Tables a folder may hold; when the file is absent the table is simply not reported.
OPTIONAL_TABLES: dict[str, Table] = {t.name: t for t in (APPLICATIONS, RECOVERIES)}

#: File endings the reader accepts, in order of preference when several exist.
EXTENSIONS = (".csv", ".parquet", ".xlsx")
