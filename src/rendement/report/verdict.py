"""The verdict (*Oordeel*): can the model be used? Green, orange or red, one sentence each.

Six questions, answered from the out-of-time validation (hold-out sample):

* **kalibratie** - is the predicted chance of leaving inside the observed 95%
  interval at every horizon? Green inside; orange when outside by at most
  :data:`CALIBRATION_ORANGE`; red further out;
* **onderscheiding** - Harrell's C and the AUC against the challenger
  (:mod:`rendement.report.challenger`, gradient boosting on the same features):
  green when the model's C is at most :data:`C_GREEN` below the challenger's,
  orange up to :data:`C_ORANGE`, red beyond (or a C below 0.55);
* **uitstroomgroepen** - the share classified right on "leaves within 6
  months" against the naive rule (everyone in the larger class): green when at
  least :data:`GROUPS_MARGIN` above it (a model that puts everyone in the larger
  class equals the rule and adds nothing), orange from 5 points below up to that,
  red further below;
* **instrumenteffecten** - enough entries and outflows per instrument of the
  meter (the thresholds of the instrument warnings);
* **eerlijkheid** - calibration ratios by gender and age band with bootstrap
  intervals (:mod:`rendement.report.fairness_bootstrap`): red only when an
  interval excludes 1 and the ratio is beyond the threshold; orange when a
  ratio is beyond the threshold but the interval includes 1;
* **heterogeniteit** - was unobserved heterogeneity estimated and identified.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.model.hazard_model import HazardModel
from rendement.progress import Progress
from rendement.report.challenger import ChallengerResult, fit_challenger
from rendement.report.discrimination import Discrimination
from rendement.report.evaluation import Calibration, GroupAccuracy
from rendement.report.fairness_bootstrap import RatioInterval, simultaneous_ratio_intervals
from rendement.report.holdout import HoldoutSample
from rendement.report.km import cell
from rendement.report.sections import Section

CALIBRATION_ORANGE = 0.03
C_GREEN, C_ORANGE = 0.02, 0.05
#: How far above the naive rule the outflow groups must classify to be green: one
#: percentage point, so that the two (rounded) percentages the sentence shows differ.
GROUPS_MARGIN = 0.01
COLOURS = {"nl": {"green": "groen", "orange": "oranje", "red": "rood", "grey": "grijs"}}


@dataclass(frozen=True)
class Verdict:
    """One answer: ``topic`` (stable key), ``colour`` (green/orange/red/grey), ``text``."""

    topic: str
    colour: str
    text: str


def _n(x: float, lang: str, d: int = 3) -> str:
    if x is None or not np.isfinite(x):
        return "–"
    s = f"{x:.{d}f}"
    return s.replace(".", ",") if lang == "nl" else s


def calibration_verdict(cal: Calibration, lang: str) -> Verdict:
    worst, worst_h = 0.0, None
    for h in cal.horizons:
        pred, lo, hi = (cell(cal.overall, h, c) for c in ("predicted", "lower", "upper"))
        gap = max(lo - pred, pred - hi, 0.0) if np.isfinite(lo) and np.isfinite(hi) else np.nan
        if worst_h is None or (np.isfinite(gap) and gap > worst):
            worst, worst_h = (gap if np.isfinite(gap) else 0.0), h
    h = worst_h if worst_h is not None else cal.horizons[0]
    row = {c: cell(cal.overall, h, c) for c in ("predicted", "observed", "lower", "upper")}
    colour = "green" if worst == 0 else "orange" if worst <= CALIBRATION_ORANGE else "red"
    p, o = _n(row["predicted"], lang), _n(row["observed"], lang)
    low, high = _n(row["lower"], lang), _n(row["upper"], lang)
    if lang == "nl":
        where = "binnen" if colour == "green" else "buiten"
        text = (
            f"Voorspelde kans op uitstroom binnen {h} maanden {p} ligt {where} het waargenomen "
            f"95%-interval ({o}; {low}-{high})."
        )
    else:
        where = "inside" if colour == "green" else "outside"
        text = (
            f"Predicted chance of leaving within {h} months {p} is {where} the observed 95% "
            f"interval ({o}; {low}-{high})."
        )
    return Verdict("calibration", colour, text)


def discrimination_verdict(
    disc: Discrimination, challenger: ChallengerResult | None, lang: str
) -> Verdict:
    c = disc.c_index
    auc = disc.auc_at(6)
    if challenger is None or not np.isfinite(challenger.c_index) or not np.isfinite(c):
        colour = "grey" if not np.isfinite(c) else ("green" if c >= 0.6 else "orange")
        text = (
            f"C-index {_n(c, lang)}; geen uitdager beschikbaar."
            if lang == "nl"
            else f"C-index {_n(c, lang)}; no challenger available."
        )
        return Verdict("discrimination", colour, text)
    gap = challenger.c_index - c
    colour = "green" if gap <= C_GREEN else "orange" if gap <= C_ORANGE else "red"
    if c < 0.55:
        colour = "red"
    cauc = challenger.auc.get(6, float("nan"))
    if lang == "nl":
        text = (
            f"C-index {_n(c, lang)} tegen {_n(challenger.c_index, lang)} van de uitdager "
            f"(gradient boosting, zelfde kenmerken); AUC 6 maanden {_n(auc, lang)} tegen "
            f"{_n(cauc, lang)}."
        )
    else:
        text = (
            f"C-index {_n(c, lang)} against {_n(challenger.c_index, lang)} for the challenger "
            f"(gradient boosting, same features); AUC at 6 months {_n(auc, lang)} against "
            f"{_n(cauc, lang)}."
        )
    return Verdict("discrimination", colour, text)


def groups_verdict(acc: GroupAccuracy, clients: pd.DataFrame, lang: str) -> Verdict:
    right = acc.boundary_6m
    if not np.isfinite(right):
        text = (
            "De uitstroomgroepen zijn niet te toetsen: de volgperiode is korter dan 6 maanden."
            if lang == "nl"
            else "The outflow groups cannot be checked: the follow-up is shorter than 6 months."
        )
        return Verdict("groups", "grey", text)
    f6 = float(
        acc.table["left_6m"].mul(acc.table["clients"]).sum() / max(1, acc.table["clients"].sum())
    )
    naive = max(f6, 1.0 - f6)
    better = right >= naive + GROUPS_MARGIN
    colour = "green" if better else "orange" if right >= naive - 0.05 else "red"
    if lang == "nl":
        text = (
            f"{_n(100 * right, lang, 0)}% goed ingedeeld op uitstroom binnen 6 maanden, tegen "
            f"{_n(100 * naive, lang, 0)}% als iedereen in de grootste groep zou staan."
        )
        if not better:
            text += " Op deze maat voegt de indeling niets toe; voor de rangorde zie de C-index."
    else:
        text = (
            f"{100 * right:.0f}% classified right on leaving within 6 months, against "
            f"{100 * naive:.0f}% when everyone is put in the larger class."
        )
        if not better:
            text += " On this measure the groups add nothing; for the ranking see the C-index."
    return Verdict("groups", colour, text)


def instruments_verdict(model: HazardModel, instruments: pd.DataFrame, lang: str) -> Verdict:
    from rendement.hazard.design import thin_instrument_problems

    meter = [str(c) for c in model.meter_instruments["instrument"]]
    rows = instruments.loc[[c for c in meter if c in instruments.index]]
    if len(rows) == 0:
        text = (
            "Geen instrumenten van deze meter: een model van autonome uitstroom (advies altijd 'geen')."
            if lang == "nl"
            else "No instruments of this meter: a model of autonomous outflow (advice always 'geen')."
        )
        return Verdict("instruments", "orange", text)
    thin = [str(c) for c, r in rows.iterrows() if thin_instrument_problems(r)]
    colour = "green" if not thin else "red" if len(thin) == len(rows) else "orange"
    if lang == "nl":
        text = (
            f"Alle {len(rows)} instrumenten hebben genoeg starts en uitstroom."
            if not thin
            else f"{len(thin)} van {len(rows)} instrumenten met te weinig gegevens: {', '.join(thin)}."
        )
    else:
        text = (
            f"All {len(rows)} instruments have enough entries and outflows."
            if not thin
            else f"{len(thin)} of {len(rows)} instruments with too little data: {', '.join(thin)}."
        )
    return Verdict("instruments", colour, text)


def fairness_verdict(
    intervals: list[RatioInterval],
    threshold: float,
    lang: str,
    features: set[str] | frozenset[str] = frozenset(),
) -> Verdict:
    """Red when a calibration ratio is beyond ``threshold`` and its simultaneous interval
    excludes 1; orange when beyond but the interval includes 1. ``features``: attributes that
    are model features (age band): their disparity is a misfit of the model, and the sentence
    says so."""
    beyond = [
        r
        for r in intervals
        if np.isfinite(r.ratio) and (r.ratio > threshold or r.ratio < 1 / threshold)
    ]
    flagged = [r for r in beyond if r.flagged]
    colour = "red" if flagged else "orange" if beyond else "green"
    show = flagged or beyond
    names = {"gender": "geslacht", "age_band": "leeftijdsklasse"} if lang == "nl" else {}
    detail = "; ".join(
        f"{names.get(r.attribute, r.attribute)} {r.level}: {_n(r.ratio, lang, 2)} ({_n(r.lower, lang, 2)}-{_n(r.upper, lang, 2)})"
        for r in show[:3]
    )
    k = len(intervals)
    misfit = sorted({r.attribute for r in show if r.attribute in features})
    if lang == "nl":
        text = (
            f"Geen van de {k} groepen wijkt meer dan toeval af in kalibratie (gezamenlijke "
            "bootstrap-intervallen)."
            if colour == "green"
            else f"Kalibratie wijkt af bij {detail}"
            + (
                f", meer dan toeval (gezamenlijke intervallen over {k} groepen)."
                if flagged
                else f", maar het interval bevat 1 (mogelijk toeval bij {k} getoetste groepen)."
            )
        )
        if misfit:
            text += (
                " Leeftijd is een kenmerk van het model: dit verschil is een afwijking van het "
                "model zelf (de uitstroom van die leeftijdsgroep wordt over- of onderschat), geen "
                "ongelijke behandeling op een beschermd kenmerk; gebruik voorspellingen voor die "
                "groep met voorzichtigheid."
            )
    else:
        text = (
            f"None of the {k} groups differs in calibration by more than chance (simultaneous "
            "bootstrap intervals)."
            if colour == "green"
            else f"Calibration differs for {detail}"
            + (
                f", more than chance (simultaneous intervals over {k} groups)."
                if flagged
                else f", but the interval includes 1 (could be chance with {k} groups tested)."
            )
        )
        if misfit:
            text += (
                " Age is a feature of the model: this difference is a misfit of the model itself "
                "(the outflow of that age group is over- or underestimated), not unequal "
                "treatment on a protected attribute; use its predictions for that group with "
                "care."
            )
    return Verdict("fairness", colour, text)


def heterogeneity_verdict(model: HazardModel, lang: str) -> Verdict:
    het = model.heterogeneity
    if het is None:
        text = (
            "Niet geschat: schat het model met onwaarneembare verschillen tussen cliënten "
            "(specificatie heterogeneity: npmle, of rendement fit --heterogeneity npmle) om "
            "selectie op onwaarneembare kenmerken te toetsen."
            if lang == "nl"
            else "Not estimated: fit with heterogeneity: npmle to test selection on unobservables."
        )
        return Verdict("heterogeneity", "orange", text)
    k = len(het.locations)
    if lang == "nl":
        text = (
            f"Geïdentificeerd: {k} typen cliënten (timing-of-events-model)."
            if k > 1
            else "Geschat, maar geen onwaarneembare heterogeniteit gevonden (één type)."
        )
    else:
        text = (
            f"Identified: {k} client types (timing-of-events model)."
            if k > 1
            else "Estimated, but no unobserved heterogeneity found (one type)."
        )
    return Verdict("heterogeneity", "green", text)


TOPICS = {
    "calibration": ("Kalibratie buiten de schattingsperiode", "Out-of-time calibration"),
    "discrimination": ("Onderscheidend vermogen", "Discrimination"),
    "groups": ("Uitstroomgroepen", "Outflow groups"),
    "instruments": ("Instrumenteffecten", "Instrument effects"),
    "fairness": ("Eerlijkheid", "Fairness"),
    "heterogeneity": ("Heterogeniteit", "Heterogeneity"),
}


def verdict_section(verdicts: list[Verdict], lang: str, notes: list[str]) -> Section:
    """The first section of the report: one coloured line per question, and a table of them."""
    nl = lang == "nl"
    section = Section("verdict", "Oordeel" if nl else "Verdict")
    colours = {v.colour for v in verdicts}
    overall = "red" if "red" in colours else "orange" if "orange" in colours else "green"
    word = COLOURS["nl"][overall] if nl else overall
    section.paragraphs.append(
        (f"Eindoordeel: {word}. " if nl else f"Overall: {word}. ")
        + (
            "Rood: niet gebruiken voor advies zonder het probleem op te lossen; oranje: "
            "gebruiken met de genoemde beperking; groen: in orde."
            if nl
            else "Red: do not use for advice before the problem is solved; orange: use with "
            "the limitation named; green: fine."
        )
    )
    section.paragraphs.extend(notes)
    section.verdicts = [(v.colour, TOPICS[v.topic][0 if nl else 1], v.text) for v in verdicts]
    section.add_table(
        "verdict",
        pd.DataFrame(
            {
                ("onderwerp" if nl else "topic"): [
                    TOPICS[v.topic][0 if nl else 1] for v in verdicts
                ],
                ("oordeel" if nl else "verdict"): [
                    COLOURS["nl"][v.colour] if nl else v.colour for v in verdicts
                ],
                ("toelichting" if nl else "explanation"): [v.text for v in verdicts],
            }
        ),
    )
    return section


def verdict_figures(verdicts: list[Verdict]) -> dict[str, Any]:
    """JSON-able: ``{topic: {"colour": ..., "text": ...}}`` and ``overall``."""
    colours = {v.colour for v in verdicts}
    overall = "red" if "red" in colours else "orange" if "orange" in colours else "green"
    return {
        "overall": overall,
        **{v.topic: {"colour": v.colour, "text": v.text} for v in verdicts},
    }


def fairness_horizon(window: int) -> int:
    """Horizon of the fairness calibration: 12 months, or 6 (or the window) when shorter."""
    return 12 if window >= 12 else min(6, window)


@dataclass(frozen=True)
class VerdictParts:
    verdicts: list[Verdict]
    challenger: ChallengerResult | None


def answer_questions(
    model: HazardModel,
    data: DataFolder,
    sample: HoldoutSample,
    cal: Calibration,
    disc: Discrimination,
    acc: GroupAccuracy,
    instruments: pd.DataFrame,
    threshold: float,
    lang: str,
    with_challenger: bool,
    prog: Progress,
) -> VerdictParts:
    """The six answers of the verdict, fitting the challenger on the hold-out's training data."""
    champion: ChallengerResult | None = None
    if with_challenger:
        with prog.stage("challenger model (gradient boosting on the same features)"):
            champion = fit_challenger(sample.model, data, sample.cutoff, sample.clients)
    horizon = fairness_horizon(sample.window_months)
    intervals = simultaneous_ratio_intervals(sample.clients, ("gender", "age_band"), horizon)
    features = {a for a in ("gender", "age_band") if a in model.spec.features}
    verdicts = [
        calibration_verdict(cal, lang),
        discrimination_verdict(disc, champion, lang),
        groups_verdict(acc, sample.clients, lang),
        instruments_verdict(model, instruments, lang),
        fairness_verdict(intervals, threshold, lang, features),
        heterogeneity_verdict(model, lang),
    ]
    return VerdictParts(verdicts, champion)
