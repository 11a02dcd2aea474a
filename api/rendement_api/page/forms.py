"""The page's form: Dutch field labels, parsing of form text, inline messages in Dutch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from rendement_api.errors import FieldError, ServiceError
from rendement_api.handlers import _expected, _field
from rendement_api.schemas.advice import AdviceRequest

#: Form fields in order: (name, Dutch label). Gender is never asked.
FIELDS = (
    ("client_id", "Klantnummer (pseudoniem, geen BSN)"),
    ("birth_date", "Geboortedatum"),
    ("household_type", "Huishouden"),
    ("education", "Opleidingsniveau"),
    ("dutch_language", "Voldoet aan de taaleis"),
    ("work_experience_years", "Werkervaring (jaren)"),
    ("health_restriction", "Gezondheidsbeperking"),
    ("district", "Wijk"),
    ("months_on_benefit", "Maanden in de uitkering"),
    ("monthly_benefit", "Uitkering per maand (EUR)"),
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

_DUTCH = {
    "missing": "Vul dit veld in.",
    "date_from_datetime_parsing": "Vul een datum in (JJJJ-MM-DD).",
    "date_parsing": "Vul een datum in (JJJJ-MM-DD).",
    "date_type": "Vul een datum in (JJJJ-MM-DD).",
    "int_parsing": "Vul een heel getal in.",
    "int_from_float": "Vul een heel getal in.",
    "float_parsing": "Vul een getal in.",
    "literal_error": "Kies een van de mogelijkheden.",
    "greater_than": "Moet groter zijn dan {gt}.",
    "greater_than_equal": "Moet minstens {ge} zijn.",
    "less_than_equal": "Mag hoogstens {le} zijn.",
    "bsn_not_allowed": "Dit lijkt een BSN. Gebruik het pseudonieme klantnummer.",
    "string_pattern_mismatch": "Alleen letters, cijfers, '.', '_' of '-'.",
    "string_too_long": "Te lang (hoogstens {max_length} tekens).",
    "date_out_of_range": "Vul een datum tussen 1900 en 2100 in.",
}


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


def dutch_message(err: dict[str, Any]) -> str:
    kind = str(err.get("type", ""))
    template = _DUTCH.get(kind)
    if template is None:
        return str(err.get("msg", "Ongeldige waarde."))
    ctx = {k: (f"{v:g}" if isinstance(v, float) else v) for k, v in (err.get("ctx") or {}).items()}
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template


#: Fields the page requires (the API also accepts age or inflow_date instead).
REQUIRED = ("birth_date", "household_type", "education", "months_on_benefit", "monthly_benefit")


def validate_form(doc: dict[str, Any]) -> tuple[AdviceRequest | None, dict[str, str]]:
    """The request, or the inline messages per field."""
    missing = {name: _DUTCH["missing"] for name in REQUIRED if name not in doc}
    try:
        request = AdviceRequest.model_validate(doc)
        return (request, {}) if not missing else (None, missing)
    except ValidationError as exc:
        errors: dict[str, str] = dict(missing)
        for err in exc.errors():
            ctx = err.get("ctx") or {}
            field = str(ctx.get("field") or _field(tuple(err.get("loc", ()))))
            field = field.split(".")[0].split("[")[0]
            if field == "age":
                field = "birth_date"
            msg = dutch_message(dict(err))
            if err.get("type") in ("missing_age",):
                msg = "Vul de geboortedatum in."
            if err.get("type") in ("missing_duration",):
                msg = "Vul het aantal maanden in de uitkering in."
            expected = _expected(dict(err))
            if expected and err.get("type") not in _DUTCH:
                msg += f" Verwacht: {expected}."
            errors.setdefault(field, msg)
        return None, errors


def service_errors(exc: ServiceError) -> dict[str, str]:
    """Inline messages from a service error (e.g. a birth date that gives an impossible age)."""
    out: dict[str, str] = {}
    for e in exc.errors:
        out.setdefault(
            _form_field(e), f"{e.message}" + (f" (verwacht: {e.expected})" if e.expected else "")
        )
    if not out:
        out["_form"] = str(exc)
    return out


def _form_field(e: FieldError) -> str:
    name = e.field.split(".")[0].split("[")[0]
    return name if name in LABELS else "_form"
