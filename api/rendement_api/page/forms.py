"""The page's form: Dutch field labels, parsing of form text, inline messages in Dutch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from rendement_api.errors import FieldError, ServiceError
from rendement_api.handlers import _field
from rendement_api.page.dutch import code_text, consistency_errors, field_message, service_message
from rendement_api.schemas.advice import AdviceRequest

#: Form fields in order: (name, Dutch label). Gender is never asked.
FIELDS = (
    ("client_id", "Klantnummer (pseudoniem, geen BSN)"),
    ("birth_date", "Geboortedatum"),
    ("household_type", "Huishouden"),
    ("education", "Opleidingsniveau"),
    ("dutch_language", "Voldoet aan de taaleis"),
    ("work_experience_years", "Werkervaring in betaald werk (jaren)"),
    ("health_restriction", "Gezondheidsbeperking"),
    ("district", "Wijk"),
    ("months_on_benefit", "Maanden in de uitkering"),
    ("monthly_benefit", "Netto uitkering per maand (€)"),
)
LABELS = dict(FIELDS)

HOUSEHOLD_OPTIONS = (
    ("alleenstaand", "alleenstaand"),
    ("alleenstaande_ouder", "alleenstaande ouder"),
    ("paar", "paar (gehuwd of samenwonend)"),
)
EDUCATION_OPTIONS = (
    ("laag", "laag"),
    ("middelbaar", "middelbaar"),
    ("hoog", "hoog"),
    ("onbekend", "onbekend"),
)
YES_NO_OPTIONS = (("", "onbekend"), ("ja", "ja"), ("nee", "nee"))


@dataclass
class FormState:
    values: dict[str, str]
    errors: dict[str, str]
    completed: list[str]


def _number(text: str) -> str:
    return (
        text.strip().replace(" ", "").replace(".", "").replace(",", ".")
        if "," in text
        else text.strip()
    )


def parse_form(form: dict[str, Any], completed: list[str]) -> dict[str, Any]:
    """Form text -> the JSON an ``AdviceRequest`` reads (empty = not given)."""
    doc: dict[str, Any] = {}
    for name, _ in FIELDS:
        raw = str(form.get(name, "") or "").strip()
        if raw == "":
            continue
        if name in ("dutch_language", "health_restriction"):
            doc[name] = raw == "ja"
        elif name in ("work_experience_years", "monthly_benefit", "months_on_benefit"):
            doc[name] = _number(raw)
        else:
            doc[name] = raw
    if completed:
        doc["completed_instruments"] = completed
    return doc


#: Fields the page requires (the API also accepts age or inflow_date instead).
REQUIRED = ("birth_date", "household_type", "education", "months_on_benefit", "monthly_benefit")


def validate_form(
    doc: dict[str, Any], values: dict[str, str], as_of: dt.date
) -> tuple[AdviceRequest | None, dict[str, str]]:
    """The request, or the Dutch messages per field: every problem of the form at once.

    Missing fields, each field's own check and the combinations
    (:func:`~rendement_api.page.dutch.consistency_errors`) are all collected
    before anything is refused, so a second try never shows a new message.
    """
    errors = {name: "Vul dit veld in." for name in REQUIRED if name not in doc}
    request: AdviceRequest | None = None
    try:
        request = AdviceRequest.model_validate(doc)
    except ValidationError as exc:
        for err in exc.errors():
            ctx = err.get("ctx") or {}
            field = str(ctx.get("field") or _field(tuple(err.get("loc", ()))))
            field = field.split(".")[0].split("[")[0]
            if field == "age":
                field = "birth_date"
            if field not in LABELS:
                field = "_form"
            errors.setdefault(field, field_message(dict(err), field))
    for field, message in consistency_errors(values, as_of).items():
        errors.setdefault(field, message)
    if errors:
        return None, errors
    return request, {}


def service_errors(exc: ServiceError) -> dict[str, str]:
    """Dutch inline messages from an API error (never the API's English text)."""
    out: dict[str, str] = {}
    for e in exc.errors:
        out.setdefault(_form_field(e), service_message(e))
    if not out:
        out["_form"] = code_text(exc.code)
    return out


def _form_field(e: FieldError) -> str:
    name = e.field.split(".")[0].split("[")[0]
    return name if name in LABELS else "_form"


def entered_values(
    values: dict[str, str], completed: list[str], label: Callable[[str], str]
) -> dict[str, str]:
    """What the caseworker typed, as the dossier print shows it (Dutch label -> text)."""
    words = dict(HOUSEHOLD_OPTIONS) | dict(EDUCATION_OPTIONS)
    yes_no = dict(YES_NO_OPTIONS)
    out: dict[str, str] = {}
    for name, field_label in FIELDS:
        raw = values.get(name, "").strip()
        if name in ("dutch_language", "health_restriction"):
            text = yes_no.get(raw, raw)
        elif name in ("household_type", "education"):
            text = words.get(raw, raw)
        elif name == "birth_date" and raw:
            try:
                text = dt.date.fromisoformat(raw).strftime("%d-%m-%Y")
            except ValueError:
                text = raw
        elif name == "monthly_benefit" and raw:
            try:
                amount = f"{float(_number(raw)):,.2f}".translate(str.maketrans(",.", ".,"))
            except ValueError:
                amount = raw
            text = f"€ {amount} netto per maand"
        else:
            text = raw
        out[field_label] = text or "niet ingevuld"
    out["Eerder gevolgd"] = ", ".join(label(c) for c in completed) or "geen"
    return out
