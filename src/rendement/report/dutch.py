"""Dutch words for the report (*Nederlands*, the default language): section titles, the
overview's key figures, table headers and cells, and :class:`Words`, the one switch every
section builder uses to write its sentences in the report's language (``lang="en"``: English)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from rendement.dutch_messages import dutch_message, dutch_problems
from rendement.model.kind_words import model_kind_words

__all__ = ["Words", "dutch_message", "dutch_problems", "model_kind_words"]

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

    def dutch_measure(text: str) -> str:
        text = dutch(text)
        return text.replace("naar gender", "naar geslacht").replace(
            "naar age_band", "naar leeftijdsklasse"
        )

    return pd.DataFrame(
        {
            "maat": table["measure"].map(dutch_measure),
            "waarde": table["value"]
            .astype(str)
            .map(dutch)
            .str.replace(r"(?<=\d)\.(?=\d)", ",", regex=True)
            .str.replace("follow-up too short", "volgperiode te kort"),
        }
    )


class Words:
    """The report's one language switch: ``say(en, nl)`` gives the text of the report's language.

    Every builder writes both texts side by side, so a sentence and its translation cannot
    drift apart; numbers in sentences go through :meth:`num` (decimal comma in Dutch).
    """

    def __init__(self, lang: str) -> None:
        self.nl = lang == "nl"

    def __call__(self, en: str, nl: str) -> str:
        return nl if self.nl else en

    def num(self, x: float, digits: int = 3) -> str:
        """``x`` with ``digits`` decimals (``0,153`` in Dutch, ``0.153`` in English)."""
        if x is None or not np.isfinite(x):
            return "–"
        text = f"{float(x):,.{digits}f}"
        return text.replace(",", "_").replace(".", ",").replace("_", ".") if self.nl else text

    def kind(self, kind: str) -> str:
        """The model's kind in words (``estimated`` -> ``geschat model``)."""
        return model_kind_words(kind) if self.nl else f"{kind} model"

    def count(self, n: int) -> str:
        """A count with thousands separators (``25.000`` in Dutch, ``25,000`` in English)."""
        return self.num(float(n), 0)


#: Table headers (machine column names stay English in the report objects) in Dutch.
DUTCH_HEADERS = {
    "measure": "maat",
    "value": "waarde",
    "instrument": "instrument",
    "label": "omschrijving",
    "meter": "meter",
    "trajectories": "trajecten",
    "person_months_in": "persoonsmaanden in",
    "person_months_after": "persoonsmaanden na",
    "entries": "instromers",
    "events_in": "uitstroom in",
    "events_after": "uitstroom na",
    "term": "term",
    "group": "groep",
    "coef": "coëfficiënt",
    "se": "standaardfout",
    "hazard_ratio": "hazard ratio",
    "lower": "ondergrens",
    "upper": "bovengrens",
    "p": "p-waarde",
    "months_on_benefit": "maanden in de uitkering",
    "monthly_outflow_chance": "uitstroomkans per maand",
    "scored": "gescoord",
    "effect": "effect",
    "type": "type",
    "outflow_location": "locatie uitstroom",
    "entry_location": "locatie instroom instrument",
    "probability": "kans",
    "default_coef": "coëfficiënt standaardmodel",
    "default_se": "standaardfout standaardmodel",
    "toe_coef": "coëfficiënt dit model",
    "toe_se": "standaardfout dit model",
    "difference": "verschil",
    "default_hazard_ratio": "hazard ratio standaardmodel",
    "toe_hazard_ratio": "hazard ratio dit model",
    "decile": "deciel",
    "clients": "cliënten",
    "outflow_group": "uitstroomgroep",
    "rows": "rijen",
    "horizon": "horizon (maanden)",
    "chi2": "chi-kwadraat",
    "df": "vrijheidsgraden",
    "p_value": "p-waarde",
    "max_abs_z": "grootste |z|",
    "max_abs_difference": "grootste verschil",
    "auc": "AUC",
    "cases": "uitgestroomd",
    "controls": "nog in de uitkering",
    "note": "opmerking",
    "left_6m": "uitgestroomd binnen 6 maanden",
    "left_18m": "uitgestroomd binnen 18 maanden",
    "left_window": "uitgestroomd binnen het venster",
    "share_right": "aandeel goed",
    "share_right_at_least": "aandeel goed (minstens)",
    "share_right_at_most": "aandeel goed (hoogstens)",
    "predicted group": "voorspelde groep",
    "gender": "geslacht",
    "age_band": "leeftijdsklasse",
    "share group 1": "aandeel groep 1",
    "share group 2": "aandeel groep 2",
    "share group 3": "aandeel groep 3",
    "ratio group-3 share": "verhouding aandeel groep 3",
    "predicted": "voorspeld",
    "observed": "waargenomen",
    "observed/predicted": "waargenomen/voorspeld",
    "ratio observed/predicted": "verhouding waargenomen/voorspeld",
    "in group 3": "in groep 3",
    "false group-3 rate": "onterecht groep 3",
    "ratio false group-3 rate": "verhouding onterecht groep 3",
}

_HORIZON_HEADER = re.compile(r"^(predicted|observed|lower|upper|z) (\d+)m$")
_GROUP_HEADER = re.compile(r"^group (\d+)$")


def dutch_header(name: str) -> str:
    """The Dutch header of a report table column (unknown names: as a cell, :func:`dutch_cell`)."""
    m = _HORIZON_HEADER.match(name)
    if m:
        word = DUTCH_HEADERS.get(m.group(1), m.group(1))
        return f"{word} {m.group(2)} mnd"
    m = _GROUP_HEADER.match(name)
    if m:
        return f"groep {m.group(1)}"
    return DUTCH_HEADERS.get(name) or str(dutch_cell(name))


#: Cell texts the report's tables carry (outcomes, group labels) in Dutch.
DUTCH_CELLS = {
    "left within 6 months": "uitgestroomd binnen 6 maanden",
    "left in months 7-18": "uitgestroomd in maand 7-18",
    "left after 18 months": "uitgestroomd na 18 maanden",
    "new instrument (followed until then)": "nieuw instrument (gevolgd tot dan)",
    "deciles": "decielen",
    "outflow groups": "uitstroomgroepen",
    "no clients left, or none stayed, within the horizon": (
        "niemand uitgestroomd, of niemand gebleven, binnen de horizon"
    ),
}
_WINDOW_CELL = re.compile(r"^on benefit at end of window \((\d+) months\)$")


def dutch_cell(value: object) -> object:
    """A text cell in Dutch (numbers and unknown texts unchanged)."""
    if not isinstance(value, str):
        return value
    m = _WINDOW_CELL.match(value)
    if m:
        return f"in de uitkering aan het eind van het venster ({m.group(1)} maanden)"
    return DUTCH_CELLS.get(value) or dutch_message(value)


_NOTES = (
    (
        re.compile(
            r"^every benefit spell in the data has ended \(historical data\), so nobody is on "
            r"benefit at the latest date; the out-of-time cut-off is (\S+), the month with the "
            r"largest caseload \(([\d,]+) clients\), followed up to (\S+)$"
        ),
        lambda m: (
            "elke uitkeringsperiode in de gegevens is beëindigd (historische gegevens), dus op de "
            f"laatste datum heeft niemand een uitkering; de peildatum voor de toets buiten de "
            f"schattingsperiode is {m.group(1)}, de maand met het grootste klantenbestand "
            f"({m.group(2).replace(',', '.')} cliënten), gevolgd tot {m.group(3)}"
        ),
    ),
    (
        re.compile(r"^the model was scored as it is, not re-fitted on data up to the cut-off"),
        lambda m: (
            "het model is gescoord zoals het is, niet opnieuw geschat op de gegevens tot de "
            "peildatum: als het geschat is op gegevens na de peildatum, is deze toets niet "
            "buiten de schattingsperiode"
        ),
    ),
    (
        re.compile(r"^(\w+) model: the declared parameters are evaluated as they are"),
        lambda m: (
            f"{model_kind_words(m.group(1))}: de opgegeven parameters worden getoetst zoals ze "
            "zijn (niet opnieuw geschat)"
        ),
    ),
    (
        re.compile(r"^the baseline was recalibrated on local data"),
        lambda m: (
            "het basisniveau is opnieuw gekalibreerd op eigen gegevens die de periode buiten de "
            "schatting kunnen bevatten, dus deze toets is niet strikt buiten de schattingsperiode"
        ),
    ),
    (re.compile(r"^re-fit: (.*)$", re.S), lambda m: f"herschatting: {dutch_message(m[1])}"),
)


def dutch_note(note: str) -> str:
    """A note of the hold-out sample (:mod:`rendement.report.holdout`) in Dutch."""
    for pattern, words in _NOTES:
        m = pattern.match(note)
        if m:
            return words(m)
    return note
