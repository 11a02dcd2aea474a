"""Reasons in words (*redenen*): which characteristics push a client's prognosis up or down.

The hazard model is proportional: each active client term multiplies the
monthly chance of leaving benefit by ``exp(coefficient)`` compared with the
*reference client* (the first level of every feature: 27-34 at inflow,
single, middle education, meets the language requirement, 3-9 years of work
experience, no health restriction). A positive coefficient means a larger
chance of leaving (faster outflow), a negative one a smaller chance. Reasons
are ordered by the size of the effect and phrased in Dutch for caseworkers,
e.g. ``"Leeftijd 55+: veel kleinere kans op uitstroom (per maand 45% kleiner
dan bij de referentieklant)"``.

:func:`duration_reason` states the role of the months already on benefit
(the baseline hazard now against the first month).

Used by the service's advice, and available to lists and reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from rendement.formatting import percent
from rendement.model.hazard_model import HazardModel
from rendement.model.spec import FEATURE_LEVELS
from rendement.scoring.survival import hazard_from_eta

Direction = Literal["groter", "kleiner"]

#: Dutch wording of each non-reference level (term name -> label).
TERM_LABELS: dict[str, str] = {
    "age_band[18-26]": "Leeftijd 18-26 bij instroom",
    "age_band[35-44]": "Leeftijd 35-44 bij instroom",
    "age_band[45-54]": "Leeftijd 45-54 bij instroom",
    "age_band[55+]": "Leeftijd 55+ bij instroom",
    "household_type[alleenstaande_ouder]": "Alleenstaande ouder",
    "household_type[paar]": "Paar (gehuwd of samenwonend)",
    "education[laag]": "Opleiding laag",
    "education[hoog]": "Opleiding hoog",
    "education[onbekend]": "Opleiding onbekend",
    "dutch_language[nee]": "Voldoet niet aan de taaleis",
    "dutch_language[onbekend]": "Taaleis onbekend",
    "work_experience_band[0]": "Geen werkervaring",
    "work_experience_band[1-2]": "1-2 jaar werkervaring",
    "work_experience_band[10+]": "10 jaar of meer werkervaring",
    "work_experience_band[onbekend]": "Werkervaring onbekend",
    "health_restriction[ja]": "Gezondheidsbeperking",
    "health_restriction[onbekend]": "Gezondheid onbekend",
}

#: Dutch wording of the reference level of each feature.
REFERENCE_LABELS: dict[str, str] = {
    "age_band": "27-34 jaar bij instroom",
    "household_type": "alleenstaand",
    "education": "opleiding middelbaar",
    "dutch_language": "voldoet aan de taaleis",
    "work_experience_band": "3-9 jaar werkervaring",
    "health_restriction": "geen gezondheidsbeperking",
}


@dataclass(frozen=True)
class Reason:
    """One characteristic and how it moves the monthly chance of leaving benefit."""

    term: str
    label: str
    log_hazard_ratio: float
    direction: Direction
    text: str

    @property
    def hazard_ratio(self) -> float:
        return float(np.exp(self.log_hazard_ratio))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["hazard_ratio"] = self.hazard_ratio
        return d


def term_label(term: str) -> str:
    """Dutch label of a client term (falls back to ``feature: level``)."""
    if term in TERM_LABELS:
        return TERM_LABELS[term]
    if term.startswith("extra:"):
        name = term[len("extra:") :]
        if name.endswith("]") and "[" in name:
            feat, level = name[:-1].split("[", 1)
            return f"{feat}: {level}"
        return name
    if term.endswith("]") and "[" in term:
        feat, level = term[:-1].split("[", 1)
        return f"{feat}: {level}"
    return term


def reference_client(model: HazardModel) -> str:
    """The reference client of ``model`` in words."""
    parts = [REFERENCE_LABELS.get(f, f"{f}: {FEATURE_LEVELS[f][0]}") for f in model.spec.features]
    return ", ".join(parts)


def _strength(b: float) -> str:
    a = abs(b)
    if a < 0.1:
        return "iets "
    if a >= 0.5:
        return "veel "
    return ""


def reason_text(label: str, log_hr: float, *, versus: str = "de referentieklant") -> str:
    """``"<label>: veel kleinere kans op uitstroom (per maand 45% kleiner dan bij ...)"``."""
    hr = float(np.exp(log_hr))
    if log_hr >= 0:
        return (
            f"{label}: {_strength(log_hr)}grotere kans op uitstroom "
            f"(per maand {percent(hr - 1)} groter dan bij {versus})"
        )
    return (
        f"{label}: {_strength(log_hr)}kleinere kans op uitstroom "
        f"(per maand {percent(1 - hr)} kleiner dan bij {versus})"
    )


def _reason(term: str, label: str, b: float, versus: str = "de referentieklant") -> Reason:
    return Reason(
        term=term,
        label=label,
        log_hazard_ratio=float(b),
        direction="groter" if b >= 0 else "kleiner",
        text=reason_text(label, b, versus=versus),
    )


def client_reasons(
    model: HazardModel,
    clients: pd.DataFrame,
    *,
    min_effect: float = 1e-9,
    instrument_history: bool = True,
) -> list[list[Reason]]:
    """Per row of ``clients``: the reasons, largest effect first.

    ``clients`` has the clients-table columns and ``inflow_date`` (as in
    :func:`rendement.panel.caseload_state`); with ``instrument_history`` the
    ``after:CODE`` columns add the after-effect of instruments the client has
    completed in this spell. Terms with ``|coefficient| < min_effect`` are left out.
    0/1 terms give the same :class:`Reason` object for every client who has them.
    """
    design = model.client_design(clients)
    terms = list(design.columns)
    beta = np.array([model.coef(t) for t in terms])
    values = design.to_numpy(dtype=float)
    numeric = np.array([t.startswith("extra:") and not t.endswith("]") for t in terms], dtype=bool)
    # 0/1 terms: one shared Reason per term, terms pre-sorted by effect size.
    order = [j for j in np.argsort(-np.abs(beta), kind="stable") if not numeric[j]]
    order = [j for j in order if abs(beta[j]) >= min_effect]
    shared = {j: _reason(terms[j], term_label(terms[j]), float(beta[j])) for j in order}
    active = values[:, order] != 0 if order else np.zeros((len(clients), 0), dtype=bool)
    order_arr = np.asarray(order, dtype=np.int64)

    hist_codes: list[str] = []
    hist = np.zeros((len(clients), 0))
    if instrument_history:
        hist_codes = [
            c
            for c in model.spec.instruments
            if f"after:{c}" in clients.columns and model.has_term(f"after:{c}")
        ]
        if hist_codes:
            flags = clients[[f"after:{c}" for c in hist_codes]].to_numpy(dtype=float)
            hist = model.after_effects(design, hist_codes) * flags
    labels = _instrument_labels(model)
    hist_labels = [labels.get(c, c) for c in hist_codes]
    num_cols = np.flatnonzero(numeric)
    dynamic_rows = set()
    if hist.shape[1]:
        dynamic_rows |= set(np.flatnonzero((np.abs(hist) >= min_effect).any(axis=1)).tolist())
    if num_cols.size:
        contrib = values[:, num_cols] * beta[num_cols]
        dynamic_rows |= set(np.flatnonzero((np.abs(contrib) >= min_effect).any(axis=1)).tolist())

    out: list[list[Reason]] = []
    for i in range(len(clients)):
        items = [shared[int(j)] for j in order_arr[active[i]]]
        if i in dynamic_rows:
            for j in num_cols:
                b = values[i, j] * beta[j]
                if abs(b) >= min_effect:
                    items.append(_reason(terms[j], f"{term_label(terms[j])} = {values[i, j]:g}", b))
            for k in np.flatnonzero(np.abs(hist[i]) >= min_effect) if hist.shape[1] else []:
                items.append(
                    _reason(
                        f"after:{hist_codes[k]}",
                        f"Eerder gevolgd: {hist_labels[k]}",
                        float(hist[i, k]),
                        versus="zonder dit instrument",
                    )
                )
            items.sort(key=lambda r: -abs(r.log_hazard_ratio))
        out.append(items)
    return out


def _instrument_labels(model: HazardModel) -> dict[str, str]:
    cat = model.instruments
    if "label" not in cat.columns:
        return {}
    return {str(c): str(lbl) for c, lbl in zip(cat["instrument"], cat["label"], strict=True)}


def duration_reason(model: HazardModel, months_on_benefit: int) -> Reason:
    """The role of the elapsed duration: the reference client's monthly chance now vs. month 1.

    For a new client (0 months) the comparison is with the chance after one year.
    """
    d = max(int(months_on_benefit), 0)
    first = float(hazard_from_eta(model.baseline_eta(np.array([1])))[0])
    if d == 0:
        later = float(hazard_from_eta(model.baseline_eta(np.array([13])))[0])
        b = float(np.log(later / first)) if first > 0 and later > 0 else 0.0
        trend = "daalt" if later < first else "stijgt" if later > first else "blijft gelijk"
        text = (
            f"Duur: nieuw in de uitkering. De kans op uitstroom per maand is nu {percent(first, 1)} "
            f"voor de referentieklant en {trend} tot {percent(later, 1)} na een jaar"
        )
        return Reason(
            "duration", "Duur in de uitkering", b, "groter" if b >= 0 else "kleiner", text
        )
    now = float(hazard_from_eta(model.baseline_eta(np.array([d + 1])))[0])
    b = float(np.log(now / first)) if first > 0 and now > 0 else 0.0
    size = "kleiner" if now < first else "groter"
    if abs(b) < 1e-9:
        text = (
            f"Duur: na {d} maanden in de uitkering is de kans op uitstroom per maand even groot "
            f"als in de eerste maand ({percent(now, 1)} voor de referentieklant)"
        )
    else:
        text = (
            f"Duur: na {d} maanden in de uitkering is de kans op uitstroom per maand {size} "
            f"dan in de eerste maand ({percent(now, 1)} tegen {percent(first, 1)} "
            "voor de referentieklant)"
        )
    return Reason("duration", "Duur in de uitkering", b, "groter" if b >= 0 else "kleiner", text)


def reasons_frame(
    model: HazardModel,
    clients: pd.DataFrame,
    *,
    top: int | None = None,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Long table of reasons: ``client_id`` (or row), ``rank``, ``term``, ``text``, ``log_hazard_ratio``."""
    keys = (
        list(ids)
        if ids is not None
        else (
            clients["client_id"].astype(str).tolist()
            if "client_id" in clients
            else list(range(len(clients)))
        )
    )
    rows = []
    for key, reasons in zip(keys, client_reasons(model, clients), strict=True):
        for rank, r in enumerate(reasons[:top] if top else reasons, start=1):
            rows.append(
                {
                    "client_id": key,
                    "rank": rank,
                    "term": r.term,
                    "direction": r.direction,
                    "log_hazard_ratio": r.log_hazard_ratio,
                    "hazard_ratio": r.hazard_ratio,
                    "text": r.text,
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "client_id",
            "rank",
            "term",
            "direction",
            "log_hazard_ratio",
            "hazard_ratio",
            "text",
        ],
    )
