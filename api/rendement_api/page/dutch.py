"""Every message the caseworker page shows, in Dutch: the API's errors mapped, and the page's own
consistency checks of a client's values.

The API keeps its stable codes and English messages for machines; the page never
shows those. :func:`field_message` maps a pydantic error, :func:`service_message`
an API :class:`~rendement_api.errors.FieldError`; anything not foreseen gets a
plain Dutch fallback, never the English text.

:func:`consistency_errors` checks the combinations a caseworker can get wrong
(an age outside 18-110 at the advice date, an inflow before the 18th birthday,
more years of work experience than age minus 15), so that every problem of a
form is reported at once, before the model is asked.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rendement.timeutil import months_between
from rendement_api.errors import FieldError

MIN_AGE, MAX_AGE = 18, 110
#: Nobody counts work experience from before their 15th birthday.
WORK_FROM_AGE = 15

DATE_HINT = "Vul een datum in als JJJJ-MM-DD, bijvoorbeeld 1980-05-17."

_PYDANTIC = {
    "missing": "Vul dit veld in.",
    "date_from_datetime_parsing": DATE_HINT,
    "date_parsing": DATE_HINT,
    "date_type": DATE_HINT,
    "date_format": DATE_HINT,
    "date_out_of_range": "Vul een datum tussen 1900 en 2100 in.",
    "int_parsing": "Vul een heel getal in.",
    "int_from_float": "Vul een heel getal in.",
    "int_type": "Vul een heel getal in.",
    "float_parsing": "Vul een getal in.",
    "float_type": "Vul een getal in.",
    "finite_number": "Vul een gewoon getal in.",
    "bool_parsing": "Kies ja, nee of onbekend.",
    "literal_error": "Kies een van de mogelijkheden.",
    "greater_than": "Moet groter zijn dan {gt}.",
    "greater_than_equal": "Moet minstens {ge} zijn.",
    "less_than": "Moet kleiner zijn dan {lt}.",
    "less_than_equal": "Mag hoogstens {le} zijn.",
    "bsn_not_allowed": "Dit lijkt een BSN. Gebruik het pseudonieme klantnummer.",
    "string_pattern_mismatch": "Alleen letters, cijfers, '.', '_' of '-' (begin met een letter "
    "of cijfer).",
    "string_too_long": "Te lang (hoogstens {max_length} tekens).",
    "string_too_short": "Vul dit veld in.",
    "too_long": "Te veel keuzes (hoogstens {max_length}).",
    "missing_age": "Vul de geboortedatum in.",
    "missing_duration": "Vul het aantal maanden in de uitkering in.",
    "protected_attribute": "Geslacht en afkomst worden niet gevraagd en niet gebruikt.",
}

#: Field-specific words for a bound, where "Mag hoogstens 20000 zijn" says too little.
_FIELD_BOUNDS = {
    "monthly_benefit": "Vul de netto uitkering per maand in euro in: van € 1 tot en met € 20.000.",
    "months_on_benefit": "Vul een heel aantal maanden in, van 0 tot en met 600.",
    "work_experience_years": "Vul het aantal jaren werkervaring in, van 0 tot en met 60.",
}

GENERIC = "Deze waarde wordt niet aanvaard. Controleer wat u hebt ingevuld."


def _num(v: Any) -> Any:
    if isinstance(v, float):
        return f"{v:g}".replace(".", ",")
    return v


def field_message(err: dict[str, Any], field: str) -> str:
    """A pydantic validation error of ``field`` in Dutch."""
    kind = str(err.get("type", ""))
    bound = kind in (
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
        "benefit_out_of_range",
    )
    if bound and field in _FIELD_BOUNDS:
        return _FIELD_BOUNDS[field]
    template = _PYDANTIC.get(kind)
    if template is None:
        return GENERIC
    ctx = {k: _num(v) for k, v in (err.get("ctx") or {}).items()}
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return GENERIC


#: (pattern of the API's English message, Dutch text with the pattern's groups).
_SERVICE = (
    (
        re.compile(r"monthly_benefit must lie between"),
        "Vul de netto uitkering per maand in euro in: van € 1 tot en met € 20.000.",
    ),
    (
        re.compile(r"the birth date gives an age of (-?\d+)"),
        "Met deze geboortedatum is de klant op de adviesdatum {0} jaar; dat kan niet "
        f"(verwacht: {MIN_AGE} tot {MAX_AGE} jaar).",
    ),
    (
        re.compile(r"the inflow date lies after the advice date"),
        "De instroomdatum ligt na de adviesdatum.",
    ),
    (
        re.compile(r"does not match inflow_date \((\d+) months\)"),
        "Dit aantal maanden past niet bij de instroomdatum ({0} maanden).",
    ),
    (re.compile(r"unknown instrument"), "Dit instrument kent het model niet; kies uit de lijst."),
    (
        re.compile(r"the model uses the client column"),
        "Het model heeft hier een waarde voor nodig.",
    ),
    (re.compile(r"required when deviating"), "Verplicht als u afwijkt van het advies."),
    (
        re.compile(r"differs from the advice"),
        "Dit is een ander instrument dan het advies: kies 'Nee, ik wijk af' en geef de reden.",
    ),
    (
        re.compile(r"equals the advice"),
        "Dit is het geadviseerde instrument: kies 'Ja, advies gevolgd'.",
    ),
    (
        re.compile(r"BSN-like"),
        "De tekst bevat een nummer dat op een BSN lijkt; laat persoonsnummers weg.",
    ),
)

#: Field-specific words for "required when deviating".
_REQUIRED_WHEN_DEVIATING = {
    "chosen_instrument": "Kies welk instrument u in plaats daarvan inzet ('geen instrument' als "
    "u geen instrument inzet).",
    "reason": "Geef de reden waarom u van het advies afwijkt (minstens 5 tekens).",
}

#: Page-level text per API error code (when no field message applies).
CODE_TEXT = {
    "invalid_input": "Niet alle gegevens zijn goed ingevuld.",
    "unknown_instrument": "Een gekozen instrument kent het model niet.",
    "bsn_not_allowed": "Een ingevuld nummer lijkt op een BSN; gebruik het pseudonieme klantnummer.",
    "reason_required": "Geef de reden waarom u van het advies afwijkt (minstens 5 tekens).",
    "inconsistent_decision": "Het besluit past niet bij het gekozen instrument.",
    "decision_exists": "Er is al een besluit vastgelegd.",
    "advice_not_found": "Dit advies bestaat niet (of is na de bewaartermijn verwijderd).",
    "not_own_advice": "Dit advies is door een andere klantmanager gevraagd; u kunt het niet "
    "inzien.",
    "overloaded": "De rekendienst is nu te druk. Probeer het over een minuut opnieuw.",
}


def service_message(e: FieldError) -> str:
    """An API field error in Dutch."""
    field = e.field.split(".")[-1].split("[")[0]
    if "required when deviating" in e.message and field in _REQUIRED_WHEN_DEVIATING:
        return _REQUIRED_WHEN_DEVIATING[field]
    for pattern, text in _SERVICE:
        m = pattern.search(e.message)
        if m:
            return text.format(*m.groups())
    return GENERIC


def code_text(code: str) -> str:
    return CODE_TEXT.get(code, "Het advies kon niet worden berekend. Controleer de gegevens.")


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _float(text: str) -> float | None:
    t = text.strip().replace(" ", "")
    if "," in t:
        t = t.replace(".", "").replace(",", ".")
    try:
        return float(t)
    except ValueError:
        return None


def consistency_errors(values: dict[str, str], as_of: dt.date) -> dict[str, str]:
    """Messages per field for values that are each valid but do not fit together (or the age)."""
    out: dict[str, str] = {}
    birth = _date(values.get("birth_date", ""))
    if birth is None:
        return out
    age_months = months_between(birth, as_of)
    age = age_months // 12
    if not MIN_AGE <= age <= MAX_AGE:
        out["birth_date"] = (
            f"Met deze geboortedatum is de klant op {as_of:%d-%m-%Y} {age} jaar; "
            f"vul een geboortedatum in die past bij een leeftijd van {MIN_AGE} tot {MAX_AGE} jaar."
        )
        return out
    months = _float(values.get("months_on_benefit", ""))
    if months is not None and months >= 0 and months == int(months):
        inflow_age_months = age_months - int(months)
        if inflow_age_months < 12 * MIN_AGE:
            most = max(0, age_months - 12 * MIN_AGE)
            when = (
                "vóór de geboorte"
                if inflow_age_months < 0
                else f"op {inflow_age_months // 12}-jarige leeftijd"
            )
            out["months_on_benefit"] = (
                f"{int(months)} maanden in de uitkering past niet bij de geboortedatum: de klant "
                f"zou dan {when} zijn ingestroomd. De bijstand begint "
                f"op zijn vroegst bij 18 jaar; bij deze geboortedatum zijn dat hoogstens "
                f"{most} maanden."
            )
    experience = _float(values.get("work_experience_years", ""))
    if experience is not None and experience > max(0, age - WORK_FROM_AGE):
        out["work_experience_years"] = (
            f"{values['work_experience_years'].strip()} jaar werkervaring past niet bij een "
            f"leeftijd van {age} jaar: hoogstens {max(0, age - WORK_FROM_AGE)} jaar "
            f"(werken telt vanaf {WORK_FROM_AGE} jaar)."
        )
    return out


def duration_text(reason: dict[str, Any], months: int) -> str:
    """The role of the time on benefit, in the same words as the client's other reasons.

    The other reasons compare this client with the reference client at the same
    duration ("per maand 25% kleiner"); this one compares the chance per month now
    with the chance in the first month, as a ratio that holds for every client
    (proportional hazards), not as the reference client's percentages.
    """
    ratio = float(reason.get("hazard_ratio") or 1.0)
    change = abs(ratio - 1.0)
    if change < 0.005:
        size = "even groot als"
    else:
        size = f"{change:.0%} {'kleiner' if ratio < 1 else 'groter'} dan".replace(".", ",")
    if months <= 0:
        return (
            f"Duur: nieuw in de uitkering. Na een jaar is de kans op uitstroom per maand {size} "
            "nu (voor elke klant; al meegerekend in de prognose)"
        )
    return (
        f"Duur: na {months} maanden in de uitkering is de kans op uitstroom per maand {size} "
        "in de eerste maand (voor elke klant; al meegerekend in de prognose)"
    )
