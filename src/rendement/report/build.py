"""Build the model report (*modelrapport*) of one model on one data folder.

    >>> from rendement.report import build_report, write_report
    >>> report = build_report(model, data, holdout_months=12)  # doctest: +SKIP
    >>> write_report(report, "report.html")  # doctest: +SKIP

Steps: the person-month panel of the training window (data summary,
instrument counts); the coefficients and instrument effects, with months saved
from scoring the caseload at the extraction date; the out-of-time validation
(:mod:`rendement.report.holdout`): calibration, discrimination, accuracy of the
outflow groups and fairness; warnings. ``report.key_figures`` holds the
headline numbers as plain JSON-able values (for the model card).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.model.hazard_model import HazardModel
from rendement.progress import Progress, progress_for
from rendement.reinflow.report import returns_section
from rendement.report import model_sections as ms
from rendement.report import validation_sections as vs
from rendement.report.discrimination import Discrimination, discrimination
from rendement.report.dutch import (
    DUTCH_TITLES,
    Words,
    dutch_key_figures,
    dutch_note,
    model_kind_words,
)
from rendement.report.evaluation import Calibration, GroupAccuracy, calibration, group_accuracy
from rendement.report.fairness import FairnessCheck, fairness_check
from rendement.report.heterogeneity_section import heterogeneity_section
from rendement.report.holdout import HoldoutError, HoldoutSample, holdout_sample, score_at
from rendement.report.km import cell
from rendement.report.sections import Report, Section
from rendement.report.summary_sections import overview_section, warnings_section
from rendement.report.verdict import (
    answer_questions,
    fairness_horizon,
    verdict_figures,
    verdict_section,
)

FAIRNESS_ATTRIBUTES = ("gender", "age_band")
_ENDED = ("every benefit spell in the data has ended", "elke uitkeringsperiode in de gegevens is")


def kind_banner(model: HazardModel, lang: str = "en") -> str | None:
    """The banner of a declared model: every output of it says expert or borrowed."""
    say = Words(lang)
    if model.kind == "expert":
        who = model.metadata.get("author") or say("experts", "deskundigen")
        return say(
            f"EXPERT MODEL: the parameters of this model were set by expert judgement ({who}), "
            "not estimated from this municipality's data. Replace it by an estimated model as "
            "soon as the data allow.",
            f"EXPERTMODEL: de parameters van dit model zijn door deskundigen vastgesteld ({who}), "
            "niet geschat op de gegevens van deze gemeente. Vervang het door een geschat model "
            "zodra de gegevens dat toelaten.",
        )
    if model.kind == "borrowed":
        src = model.metadata.get("source") or model.metadata.get("borrowed_from")
        recal = model.metadata.get("recalibration")
        return say(
            f"BORROWED MODEL: the parameters of this model were estimated for another "
            f"municipality ({src or 'elsewhere'}); {recal or 'not recalibrated'}. "
            "Replace it by an estimated model as soon as the data allow.",
            f"GELEEND MODEL: de parameters van dit model zijn geschat voor een andere gemeente "
            f"({src or 'elders'}); {recal or 'niet opnieuw gekalibreerd'}. Vervang het door een "
            "geschat model zodra de gegevens dat toelaten.",
        )
    return None


def build_report(
    model: HazardModel,
    data: DataFolder,
    *,
    holdout_months: int = 12,
    fairness_threshold: float = 1.25,
    progress: Progress | bool | None = None,
    lang: str = "nl",
    challenger: bool = True,
) -> Report:
    """The model report of ``model`` on ``data`` (see the module docstring).

    ``lang``: ``nl`` (default) or ``en``; ``challenger=False`` leaves out the gradient-boosting
    challenger (its line in the verdict is then grey).

    Long: the report's sections are built in reading order from one hold-out fit.
    """
    if lang not in ("nl", "en"):
        raise ValueError(f"lang must be nl or en, got {lang!r}")
    if not 1 <= int(holdout_months) <= 24:
        raise HoldoutError(f"the hold-out must be 1 to 24 months, got {holdout_months}")
    prog = progress_for(progress)
    from rendement.panel import build_panel

    until = _training_until(model, data)
    with prog.stage("person-month panel of the training window"):
        panel = build_panel(
            data, until=until, instruments=list(model.spec.instruments), events=model.spec.events
        )
        instruments = ms.instrument_table(model, data, panel)
    sample = holdout_sample(model, data, holdout_months=holdout_months, progress=prog)
    if lang == "nl":
        sample = replace(sample, notes=[dutch_note(n) for n in sample.notes])
    extraction = pd.Timestamp(data.extraction_date).normalize()
    effects_date = extraction if data.spells["end_date"].isna().any() else sample.cutoff
    with prog.stage(f"scoring the caseload at {effects_date.date()} (effects in months)"):
        _, score_now = score_at(model, data, effects_date)
    with prog.stage("calibration, discrimination, group accuracy and fairness"):
        cal = calibration(sample.clients, sample.window_months)
        disc = discrimination(
            sample.clients, sample.window_months, horizons=(min(6, sample.window_months), 18)
        )
        acc = group_accuracy(sample.clients, sample.window_months)
        checks = _fairness(sample, fairness_threshold, lang)
    verdict = answer_questions(
        model, data, sample, cal, disc, acc, instruments, fairness_threshold, lang, challenger, prog
    )

    sections: list[Section] = []
    builders = [
        lambda: ms.data_summary_section(model, data, panel, instruments, lang),
        lambda: ms.coefficients_section(model, lang),
        lambda: ms.effects_section(model, score_now, lang),
        lambda: heterogeneity_section(model, lang),
        lambda: returns_section(model, data, score_now),
        lambda: vs.calibration_section(sample, cal, lang),
        lambda: vs.discrimination_section(disc, lang),
        lambda: vs.group_accuracy_section(acc, lang),
        lambda: vs.fairness_section(checks, lang),
    ]
    for build in prog.loop(builders, "sections and plots"):
        section = build()
        if section is not None:
            sections.append(section)

    banner = kind_banner(model, lang)
    figures = key_figures(model, sample, cal, disc, acc, checks)
    figures["lang"] = lang
    figures["verdict"] = verdict_figures(verdict.verdicts)
    figures["challenger"] = _clean(
        None
        if verdict.challenger is None
        else {"c_index": verdict.challenger.c_index, "auc": verdict.challenger.auc}
    )
    warn = warnings_section(model, instruments, sample, sections, score_now.warnings, lang)
    figures["warnings"] = len(warn.warnings)
    overview = overview_section(model, banner, sample, figures, lang)
    if lang == "nl":
        overview.tables["key-figures"] = dutch_key_figures(overview.tables["key-figures"])
    first = verdict_section(
        verdict.verdicts, lang, [n for n in sample.notes if n.startswith(_ENDED)]
    )
    version = str(model.metadata.get("version", "?"))
    all_sections = [first, overview, *sections, warn]
    if lang == "nl":
        for sec in all_sections:
            sec.title = DUTCH_TITLES.get(sec.id, sec.title)
    return Report(
        title=(
            f"Modelrapport: {model.spec.meter} {version}"
            if lang == "nl"
            else f"Model report: {model.spec.meter} {version}"
        ),
        model_label=Words(lang)(
            f"meter {model.spec.meter}, version {version}, {model.kind} model",
            f"meter {model.spec.meter}, versie {version}, {model_kind_words(model.kind)}",
        ),
        model_kind=model.kind,
        created=dt.datetime.now().replace(microsecond=0).isoformat(sep=" "),
        sections=all_sections,
        key_figures=figures,
        banner=banner,
    )


def _fairness_horizon(window: int) -> int:
    return fairness_horizon(window)


def _training_until(model: HazardModel, data: DataFolder) -> pd.Timestamp:
    extraction = pd.Timestamp(data.extraction_date).normalize()
    until = (model.metadata.get("training_window") or {}).get("until")
    if not until:
        return extraction
    return min(pd.Timestamp(until), extraction)


def _fairness(sample: HoldoutSample, threshold: float, lang: str = "en") -> list[FairnessCheck]:
    w = sample.window_months
    horizon = _fairness_horizon(w)
    return [
        fairness_check(
            sample.clients,
            attr,
            horizon=horizon,
            false3_horizon=min(18, w),
            threshold=threshold,
            lang=lang,
        )
        for attr in FAIRNESS_ATTRIBUTES
    ]


def _clean(value: Any) -> Any:
    """JSON-able: NaN -> None, numpy scalars -> Python, recursively."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def key_figures(
    model: HazardModel,
    sample: HoldoutSample,
    cal: Calibration,
    disc: Discrimination,
    acc: GroupAccuracy,
    checks: list[FairnessCheck],
) -> dict[str, Any]:
    """The headline numbers of the report (JSON-able; NaN becomes None).

    Long: a flat list of the report's headline numbers, one short block per statistic.
    """
    fairness: dict[str, Any] = {}
    for c in checks:
        fairness[c.attribute] = {
            "max_ratio_group3_share": c.max_ratio("ratio_group3_share"),
            "max_ratio_calibration": c.max_ratio("ratio_calibration"),
            "max_ratio_false_group3": c.max_ratio("ratio_false_group3"),
            "groups": {
                str(level): {
                    "clients": int(row["clients"]),
                    "share_group_3": row["share_group_3"],
                    "calibration": row["calibration"],
                    "false_group3_rate": row["false_group3_rate"],
                    "ratio_group3_share": row["ratio_group3_share"],
                    "ratio_calibration": row["ratio_calibration"],
                    "ratio_false_group3": row["ratio_false_group3"],
                }
                for level, row in c.table.iterrows()
            },
        }
    figures = {
        "created": dt.date.today().isoformat(),
        "model": {
            "meter": model.spec.meter,
            "version": str(model.metadata.get("version", "")),
            "kind": model.kind,
        },
        "holdout": {
            "cutoff": str(sample.cutoff.date()),
            "extraction": str(sample.extraction.date()),
            "window_months": sample.window_months,
            "clients": sample.n,
            "refitted": sample.refitted,
            "censored_at_new_instrument": int(
                (sample.clients["censored_by"] == "new instrument").sum()
            ),
        },
        "calibration": {
            str(h): {
                "predicted": cal.overall.loc[h, "predicted"],
                "observed": cal.overall.loc[h, "observed"],
                "observed_lower": cal.overall.loc[h, "lower"],
                "observed_upper": cal.overall.loc[h, "upper"],
                "decile_chi2": cal.decile_test.loc[h, "chi2"],
                "decile_df": int(cell(cal.decile_test, h, "df")),
                "decile_p_value": cal.decile_test.loc[h, "p_value"],
                "max_abs_difference": cal.decile_test.loc[h, "max_abs_difference"],
            }
            for h in cal.horizons
        },
        "c_index": disc.c_index,
        "auc": {str(h): disc.auc_at(int(h)) for h in disc.auc.index},
        "group_accuracy": {
            "overall": acc.overall,
            "overall_at_least": acc.overall_at_least,
            "overall_at_most": acc.overall_at_most,
            "boundary_6m": acc.boundary_6m,
            "boundary_18m": acc.boundary_18m,
            "by_group": {
                str(g): {
                    "clients": int(r["clients"]),
                    "share_right": r["share_right"],
                    "at_least": r["share_right_at_least"],
                    "at_most": r["share_right_at_most"],
                }
                for g, r in acc.table.iterrows()
            },
            "note": acc.note,
        },
        "fairness": fairness,
        "fairness_threshold": checks[0].threshold if checks else None,
        "fairness_warnings": [w for c in checks for w in c.warnings],
    }
    return dict(_clean(figures))
