"""The report's overview (key figures) and its last section, every warning once."""

from __future__ import annotations

from typing import Any

import pandas as pd

from rendement.model.hazard_model import HazardModel
from rendement.report import model_sections as ms
from rendement.report.dutch import Words, dutch_message, model_kind_words
from rendement.report.holdout import HoldoutSample
from rendement.report.sections import Section


def overview_section(
    model: HazardModel,
    banner: str | None,
    sample: HoldoutSample,
    figures: dict[str, Any],
    lang: str = "en",
) -> Section:
    say = Words(lang)
    section = Section("overview", "Overview")
    if banner:
        section.warnings.append(banner)
    window = model.metadata.get("training_window") or {}
    version, meter = figures["model"]["version"], model.spec.meter
    het = model.heterogeneity is not None
    section.paragraphs.append(
        say(
            f"Model {version} of the {meter} meter ({model.kind}"
            f"{', with unobserved heterogeneity' if het else ''}); "
            + (
                f"trained on spells from {window.get('first_inflow')} up to {window.get('until')}."
                if window
                else "declared parameters (no training window)."
            ),
            f"Model {version} van de meter {meter} ({model_kind_words(model.kind)}"
            f"{', met onwaarneembare heterogeniteit' if het else ''}); "
            + (
                f"geschat op uitkeringsperioden van {window.get('first_inflow')} tot "
                f"{window.get('until')}."
                if window
                else "opgegeven parameters (geen schattingsperiode)."
            ),
        )
    )
    section.paragraphs.extend(n for n in sample.notes if not n.startswith(_REFIT))
    h = [k for k in figures["calibration"]]
    rows: list[tuple[str, str]] = []
    for key in h:
        c = figures["calibration"][key]
        rows.append(
            (
                f"P(leave within {key} months): predicted / observed",
                f"{_f(c['predicted'])} / {_f(c['observed'])} ({_f(c['observed_lower'])}-"
                f"{_f(c['observed_upper'])})",
            )
        )
        rows.append((f"calibration by decile ({key} months): p-value", _f(c["decile_p_value"])))
    rows.append(("Harrell's C (hold-out)", _f(figures["c_index"])))
    for key, v in figures["auc"].items():
        rows.append(
            (
                f"time-dependent AUC at {key} months",
                _f(v) if v is not None else "follow-up too short",
            )
        )
    ga = figures["group_accuracy"]
    rows.append(
        (
            "outflow groups classified right",
            _f(ga["overall"])
            if ga["overall"] is not None
            else f"between {_f(ga['overall_at_least'])} and {_f(ga['overall_at_most'])}",
        )
    )
    rows.append(("classified right on leaving within 6 months", _f(ga["boundary_6m"])))
    if ga["boundary_18m"] is not None:
        rows.append(("classified right on leaving within 18 months", _f(ga["boundary_18m"])))
    for attr, f in figures["fairness"].items():
        rows.append(
            (
                f"largest disparity by {attr} (calibration / false group 3)",
                f"{_f(f['max_ratio_calibration'], 2)}x / {_f(f['max_ratio_false_group3'], 2)}x",
            )
        )
    rows.append(("warnings (see the last section)", str(figures.get("warnings", 0))))
    section.add_table("key-figures", pd.DataFrame(rows, columns=["measure", "value"]))
    return section


_REFIT = ("re-fit:", "herschatting:")


def _f(x: Any, digits: int = 3) -> str:
    return "–" if x is None else f"{float(x):.{digits}f}"


def warnings_section(
    model: HazardModel,
    instruments: pd.DataFrame,
    sample: HoldoutSample,
    sections: list[Section],
    score_warnings: list[str],
    lang: str = "en",
) -> Section:
    say = Words(lang)
    section = Section("warnings", "Warnings")
    items = ms.instrument_warnings(instruments, lang)
    for d in model.metadata.get("dropped_terms") or []:
        items.append(
            say(
                f"term {d.get('term')} left out of the model: {d.get('reason')}",
                f"term {d.get('term')} weggelaten uit het model: "
                f"{dutch_message(str(d.get('reason')))}",
            )
        )
    items += [n for n in sample.notes if n.startswith(_REFIT)]
    items += [say(f"scoring: {w}", f"scoren: {dutch_message(w)}") for w in score_warnings]
    items += [
        say(f"fit: {w}", f"schatting: {dutch_message(w)}")
        for w in model.metadata.get("warnings") or []
    ]
    for s in sections:
        items += s.warnings
    section.warnings.extend(dict.fromkeys(items))
    n = len(section.warnings)
    if not n:
        section.paragraphs.append(say("No warnings.", "Geen waarschuwingen."))
    else:
        section.paragraphs.append(
            say(
                f"{n} warning(s); each is also shown in its section.",
                f"{n} waarschuwing(en); elke waarschuwing staat ook in haar eigen sectie.",
            )
        )
    return section
