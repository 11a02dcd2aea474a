"""Dutch words for the report (*Nederlands*, the default language): section titles and the
overview's key figures. ``lang="en"`` keeps the English of the sections themselves."""

from __future__ import annotations

import pandas as pd

#: Section titles in Dutch (the report's default language; ``lang="en"`` keeps the English).
DUTCH_TITLES = {
    "overview": "Samenvatting",
    "data-summary": "Gegevens",
    "coefficients": "Coëfficiënten",
    "instrument-effects": "Effecten van de instrumenten",
    "heterogeneity": "Onwaarneembare heterogeniteit (timing-of-events-model)",
    "returns-to-benefit": "Terugkeer in de bijstand en duurzame uitstroom",
    "calibration": "Kalibratie buiten de schattingsperiode",
    "discrimination": "Onderscheidend vermogen",
    "group-accuracy": "Juistheid van de uitstroomgroepen",
    "fairness": "Eerlijkheid naar geslacht en leeftijd (bias-toets)",
    "warnings": "Waarschuwingen",
}

_DUTCH_MEASURES = (
    ("P(leave within ", "P(uitstroom binnen "),
    (" months): predicted / observed", " maanden): voorspeld / waargenomen"),
    ("calibration by decile (", "kalibratie per deciel ("),
    (" months): p-value", " maanden): p-waarde"),
    ("Harrell's C (hold-out)", "Harrell's C (buiten de schattingsperiode)"),
    ("time-dependent AUC at ", "tijdsafhankelijke AUC op "),
    ("outflow groups classified right", "uitstroomgroepen goed ingedeeld"),
    ("classified right on leaving within ", "goed ingedeeld op uitstroom binnen "),
    ("largest disparity by ", "grootste verschil naar "),
    (" (calibration / false group 3)", " (kalibratie / onterecht groep 3)"),
    ("warnings (see the last section)", "waarschuwingen (zie de laatste sectie)"),
    (" months", " maanden"),
)


def dutch_key_figures(table: pd.DataFrame) -> pd.DataFrame:
    """The overview's key figures with Dutch labels (``lang="nl"``)."""

    def dutch(text: str) -> str:
        for en, nl in _DUTCH_MEASURES:
            text = text.replace(en, nl)
        return text.replace("between ", "tussen ").replace(" and ", " en ")

    return pd.DataFrame(
        {
            "maat": table["measure"].map(dutch),
            "waarde": table["value"]
            .astype(str)
            .map(dutch)
            .str.replace("follow-up too short", "volgperiode te kort"),
        }
    )
