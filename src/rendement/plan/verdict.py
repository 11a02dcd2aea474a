"""One advice against the plan's price of a place, in Dutch (:mod:`rendement.plan.price`).

:func:`judge` says whether an advised return gets a place in the latest plan:
``within`` or ``below`` the lowest return that still gets one, or why that cannot
be said (no plan, an unreadable plan, no places, an instrument the plan does not
distribute, no instrument advised, a running instrument). The lists and the
caseworker's advice (page and API) use it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from rendement.formatting import money
from rendement.plan.price import PlacePrices

Status = Literal[
    "within",
    "below",
    "no_places",
    "not_planned",
    "no_instrument",
    "running",
    "no_plan",
    "unreadable",
]


@dataclass(frozen=True)
class PlaceVerdict:
    """One advice against the plan's price of a place; ``text`` is for the caseworker."""

    status: Status
    text: str
    instrument: str | None = None
    net_return_eur: float | None = None
    threshold_eur: float | None = None
    dual_eur: float | None = None
    places_left: int | None = None
    plan_as_of: str | None = None
    plan_model_version: str | None = None

    @property
    def within(self) -> bool | None:
        """True: the advice's return gets a place in the plan; False: it does not; None: unknown."""
        if self.status == "within":
            return True
        if self.status in ("below", "no_places"):
            return False
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "within": self.within,
            "instrument": self.instrument,
            "net_return_eur": self.net_return_eur,
            "threshold_eur": self.threshold_eur,
            "dual_eur": self.dual_eur,
            "places_left": self.places_left,
            "plan_as_of": self.plan_as_of,
            "plan_model_version": self.plan_model_version,
            "text": self.text,
        }


def judge(
    prices: PlacePrices | None,
    instrument: str | None,
    net_return: float | None,
    *,
    label: str | None = None,
    running: bool = False,
    problem: str | None = None,
) -> PlaceVerdict:
    """Does an advice of ``instrument`` with ``net_return`` get a place in the plan?

    ``prices`` is ``None`` when no plan has been made (or, with ``problem``, when
    its file could not be read). ``instrument`` ``None``/``"geen"`` = no instrument
    advised; ``running`` = the client follows an instrument now.

    Long: one sentence per case, kept together so the wording stays consistent.
    """
    if running:
        return PlaceVerdict(
            "running", "De klant volgt nu een instrument; een plaats is niet nodig."
        )
    if problem is not None:
        return PlaceVerdict(
            "unreadable",
            "Het laatste plan kon niet worden gelezen; of dit rendement een plaats krijgt, is "
            "niet bekend. Meld dit aan de beheerder.",
        )
    if prices is None:
        return PlaceVerdict(
            "no_plan",
            "Er is nog geen plan gemaakt; of dit rendement deze maand een plaats krijgt, is "
            "niet bekend.",
        )
    plan = PlaceVerdict(
        "no_instrument",
        "Geen instrument met een positief rendement: de prijs van een plaats speelt niet.",
        plan_as_of=_iso(prices.as_of),
        plan_model_version=prices.model_version,
    )
    if instrument is None or instrument in ("", "geen"):
        return plan
    if net_return is None or not np.isfinite(net_return):
        return plan
    name = label or instrument
    value = round(float(net_return), 2)
    row = prices.row(instrument)
    amount = f"rendement {money(value)}; "
    base = replace(plan, instrument=instrument, net_return_eur=value)
    if row is None:
        return replace(
            base,
            status="not_planned",
            text=f"{amount}het plan van {prices.month_text} verdeelt geen plaatsen van {name}.",
        )
    threshold = float(row["threshold_eur"])
    dual = float(row["dual_eur"])
    numbers = replace(
        base,
        threshold_eur=threshold,
        dual_eur=dual if np.isfinite(dual) else None,
        places_left=int(row["places_left"]),
    )
    where = f"{amount}in het plan van {prices.month_text} "
    if int(row["places"]) <= 0:
        return replace(
            numbers,
            status="no_places",
            text=f"{where}heeft {name} geen plaatsen: dit advies krijgt er geen.",
        )
    if threshold <= 0:
        return replace(
            numbers,
            status="within",
            text=f"{where}zijn er plaatsen van {name} over: elk positief rendement krijgt er "
            "een, dit advies valt erbinnen.",
        )
    within = value >= threshold
    return replace(
        numbers,
        status="within" if within else "below",
        text=f"{where}krijgt {name} wie minstens {money(threshold)} oplevert: dit advies valt "
        f"{'erbinnen' if within else 'eronder'}.",
    )


def _iso(when: pd.Timestamp | None) -> str | None:
    return None if when is None else when.date().isoformat()
