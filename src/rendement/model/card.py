"""The model card (*modelkaart*) in Dutch, with the fields of the Algoritmeregister.

:func:`render_model_card` writes Markdown with the fields the Dutch algorithm
register asks for (naam, organisatie, korte omschrijving, doel en impact,
menselijke tussenkomst, proportionaliteit, rechtsgrond, gebruikte data,
methode en werking, prestaties, beperkingen, eerlijkheid/bias-toets,
risicobeheer, contact). It is generated with every model folder
(:func:`rendement.model.folder.save_model` writes ``model_card.md``, checksummed
like every file). Performance and fairness come from an out-of-time evaluation
(``evaluation``: the ``key_figures`` of a :class:`rendement.report.Report`, or
``model.metadata["evaluation"]``); without one the card says so and how to
make it. Only aggregates appear on the card, never client values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rendement.dutch_messages import dutch_message
from rendement.model.hazard_model import HazardModel
from rendement.model.kind_words import model_kind_words
from rendement.render import render

#: Headings of the card, in order (the Algoritmeregister fields).
CARD_SECTIONS = (
    "Naam",
    "Organisatie",
    "Korte omschrijving",
    "Doel en impact",
    "Menselijke tussenkomst",
    "Proportionaliteit",
    "Rechtsgrond",
    "Gebruikte data",
    "Methode en werking",
    "Prestaties",
    "Beperkingen",
    "Eerlijkheid en bias-toets",
    "Risicobeheer",
    "Contact",
)

METER_NAMES = {
    "reintegratie": "re-integratie (trajecten)",
    "werk_direct": "Werk Direct (werk voorop bij de aanvraag)",
    "handhaving": "handhaving (huisbezoeken)",
}

KIND_NAMES = {
    "estimated": "geschat op de eigen gegevens van de gemeente (estimated)",
    "expert": "EXPERTMODEL (expert): parameters vastgesteld door deskundigen, niet geschat",
    "borrowed": "GELEEND MODEL (borrowed): parameters van een andere gemeente overgenomen",
}

_TODO = "[in te vullen door de gemeente]"


def render_model_card(model: HazardModel, evaluation: Mapping[str, Any] | None = None) -> str:
    """The model card of ``model`` as Markdown (Dutch), from ``templates/model_card.md.j2``."""
    meta = model.metadata
    ev = evaluation if evaluation is not None else meta.evaluation
    het = model.heterogeneity
    text = render(
        "model_card.md.j2",
        model=model,
        meta=meta,
        ev=ev,
        meter_name=METER_NAMES.get(model.spec.meter, model.spec.meter),
        kind_name=KIND_NAMES.get(model.kind, model.kind),
        kind_word=model_kind_words(model.kind),
        attribute_words={"gender": "geslacht", "age_band": "leeftijdsklasse"},
        version=str(meta.get("version") or "onbekend"),
        organisation=str(meta.get("organisation") or meta.get("organisatie") or _TODO),
        contact=str(meta.get("contact") or _TODO),
        todo=_TODO,
        window=meta.training_window,
        metrics=meta.metrics,
        features=", ".join(model.spec.features + model.spec.extra_features),
        instruments=", ".join(model.spec.instruments) or "geen",
        mass_points=len(het.locations) if het is not None else 0,
        dropped=[
            {**d, "reason": dutch_message(str(d.get("reason", "")))} for d in meta.dropped_terms
        ],
    )
    return text.rstrip() + "\n"
