"""Report section of a timing-of-events model: mass points and effects against the default model."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rendement.model.hazard_model import HazardModel
from rendement.report.dutch import Words
from rendement.report.model_sections import standard_errors
from rendement.report.sections import Section


def heterogeneity_section(model: HazardModel, lang: str = "en") -> Section | None:
    """Mass points of a timing-of-events model and its effects against the default model's."""
    het = model.heterogeneity
    if het is None:
        return None
    say = Words(lang)
    section = Section(
        "heterogeneity",
        say(
            "Unobserved heterogeneity (timing-of-events model)",
            "Onwaarneembare heterogeniteit (timing-of-events-model)",
        ),
    )
    section.paragraphs.append(
        say(
            "The timing-of-events model (Abbring and Van den Berg) adds an unobserved client type "
            "to the outflow hazard and to the hazard of entering an instrument, so that dynamic "
            "selection does not bias the instrument effects. The type distribution is discrete "
            "(mass points): a location on the log-hazard scale and a share at inflow.",
            "Het timing-of-events-model (Abbring en Van den Berg) voegt een onwaarneembaar "
            "cliënttype toe aan de uitstroomkans en aan de kans om een instrument te beginnen, "
            "zodat dynamische selectie de effecten van de instrumenten niet vertekent. De "
            "verdeling van de typen is discreet (massapunten): een locatie op de log-hazardschaal "
            "en een aandeel bij instroom.",
        )
    )
    k = len(het.locations)
    section.add_table(
        "mass-points",
        pd.DataFrame(
            {
                "outflow_location": list(het.locations),
                "entry_location": list(het.entry_locations) or [np.nan] * k,
                "probability": list(het.probabilities),
            },
            index=pd.Index(range(1, k + 1), name="type"),
        ),
    )
    default = model.metadata.get("default_effects") or {}
    if default:
        se = standard_errors(model)
        terms = [t for t in default if model.has_term(t)]
        table = pd.DataFrame(
            {
                "default_coef": [default[t]["coef"] for t in terms],
                "default_se": [default[t]["se"] for t in terms],
                "toe_coef": [model.coef(t) for t in terms],
                "toe_se": se.reindex(terms).to_numpy(),
            },
            index=pd.Index(terms, name="term"),
        )
        table["difference"] = table["toe_coef"] - table["default_coef"]
        table["default_hazard_ratio"] = np.exp(table["default_coef"])
        table["toe_hazard_ratio"] = np.exp(table["toe_coef"])
        section.add_table(
            "default-vs-toe",
            table,
            say(
                "Instrument effects of the default model (no heterogeneity) and of this model.",
                "Effecten van de instrumenten in het standaardmodel (zonder heterogeniteit) en in "
                "dit model.",
            ),
        )
    else:
        section.paragraphs.append(
            say(
                "The default model's effects were not stored with this model.",
                "De effecten van het standaardmodel zijn niet bij dit model bewaard.",
            )
        )
    for d in model.metadata.get("diagnostics") or []:
        section.warnings.append(say(f"mixture diagnostic: {d}", f"diagnose van het mengmodel: {d}"))
    if model.metadata.get("identified") is False:
        section.warnings.append(
            say(
                "the mixture is not identified; prefer the default model",
                "het mengmodel is niet geïdentificeerd; gebruik liever het standaardmodel",
            )
        )
    return section
