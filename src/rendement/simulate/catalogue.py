"""Droomstad's instrument catalogue (*instrumentencatalogus*) and its providers.

Four re-integration trajectories covering categories 1, 2a, 2b and 3 plus a
wage-cost subsidy, one Werk Direct instrument (work-first at the door, for new
applicants) and one enforcement home visit (*huisbezoek*). Prices, durations
and waiting times follow the magnitudes in ``docs/domain.md``. The
``capacity`` column (places per year) is filled in after the simulation from
the number of starts in the last year.
"""

from __future__ import annotations

import pandas as pd

#: Meter of the re-integration trajectories (the instruments with an entry hazard).
REINTEGRATION = "reintegratie"
#: Code of the Werk Direct instrument (given at inflow) and of the home visit.
WERK_DIRECT = "werkdirect"
HOME_VISIT = "huisbezoek"

_ROWS: tuple[dict[str, object], ...] = (
    {
        "instrument": "jobhunt",
        "label": "Sollicitatietraining en vacaturebemiddeling",
        "meter": "reintegratie",
        "category": "1",
        "price": 1500.0,
        "duration_months": 3,
        "waiting_months": 1,
        "success_share": 0.0,
    },
    {
        "instrument": "werkstage",
        "label": "Leerwerktraject en detachering (no cure less pay)",
        "meter": "reintegratie",
        "category": "2a",
        "price": 5000.0,
        "duration_months": 6,
        "waiting_months": 2,
        "success_share": 0.3,
    },
    {
        "instrument": "loonkostensubsidie",
        "label": "Loonkostensubsidie bij plaatsing",
        "meter": "reintegratie",
        "category": "2a",
        "price": 6600.0,
        "duration_months": 6,
        "waiting_months": 2,
        "success_share": 0.0,
    },
    {
        "instrument": "scholing",
        "label": "Scholing en sollicitatiecoaching",
        "meter": "reintegratie",
        "category": "2b",
        "price": 4000.0,
        "duration_months": 6,
        "waiting_months": 2,
        "success_share": 0.0,
    },
    {
        "instrument": "taalparticipatie",
        "label": "Taal en participatie",
        "meter": "reintegratie",
        "category": "3",
        "price": 3000.0,
        "duration_months": 9,
        "waiting_months": 3,
        "success_share": 0.0,
    },
    {
        "instrument": "werkdirect",
        "label": "Werk Direct aan de poort",
        "meter": "werk_direct",
        "category": None,
        "price": 1400.0,
        "duration_months": 2,
        "waiting_months": 0,
        "success_share": 0.0,
    },
    {
        "instrument": "huisbezoek",
        "label": "Huisbezoek handhaving",
        "meter": "handhaving",
        "category": None,
        "price": 250.0,
        "duration_months": 0,
        "waiting_months": 0,
        "success_share": 0.0,
    },
)

#: Providers per instrument, with their price factor against the catalogue price.
PROVIDERS: dict[str, tuple[tuple[str, float], ...]] = {
    "jobhunt": (("Baanbrekers Droomstad", 1.0), ("Vacaturehuis", 0.9)),
    "werkstage": (("Leerwerkbedrijf De Haven", 1.0), ("Detacheringspool Zuid", 1.1)),
    "loonkostensubsidie": (("Gemeente Droomstad", 1.0),),
    "scholing": (("ROC Droomstad", 1.0), ("Coachhuis", 1.1)),
    "taalparticipatie": (("Taalhuis Droomstad", 1.0), ("Buurtwerk Noorderveld", 0.9)),
    "werkdirect": (("Werkplein Droomstad", 1.0),),
    "huisbezoek": (("Team Handhaving", 1.0),),
}


def catalogue() -> pd.DataFrame:
    """The catalogue in data-contract columns (``capacity`` empty until the simulation fills it)."""
    frame = pd.DataFrame(list(_ROWS))
    frame["capacity"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    return frame


def codes(meter: str | None = None) -> tuple[str, ...]:
    """Instrument codes, in catalogue order, of one meter (or all)."""
    return tuple(str(r["instrument"]) for r in _ROWS if meter is None or r["meter"] == meter)
