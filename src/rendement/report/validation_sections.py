"""Report sections of the out-of-time validation: calibration, discrimination, groups, fairness."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd

from rendement.report import plots
from rendement.report.discrimination import Discrimination
from rendement.report.evaluation import Calibration, GroupAccuracy
from rendement.report.fairness import FairnessCheck
from rendement.report.holdout import HoldoutSample
from rendement.report.sections import Section


def design_text(sample: HoldoutSample) -> str:
    new = int((sample.clients["censored_by"] == "new instrument").sum())
    how = (
        "the model's specification was fitted again on the data known at the cut-off only"
        if sample.refitted
        else f"the {sample.model.kind} model was used as declared"
    )
    return (
        f"Out of time: {how} ({sample.cutoff.date()}); the {sample.n:,} clients on benefit then "
        f"were scored and followed for {sample.window_months} months, up to the extraction date "
        f"{sample.extraction.date()}. The prediction is the path without a new instrument, so "
        f"{new:,} clients who started a new instrument in that window count as followed up to "
        "the month before it (censored)."
    )


def wide_calibration(long: pd.DataFrame, key: str) -> pd.DataFrame:
    """One row per ``key`` value; per horizon: predicted, observed, its 95% interval and z."""
    parts = []
    for h, part in long.groupby("horizon", sort=True):
        p = part.set_index(key)
        parts.append(
            pd.DataFrame(
                {
                    f"predicted {h}m": p["predicted"],
                    f"observed {h}m": p["observed"],
                    f"lower {h}m": p["lower"],
                    f"upper {h}m": p["upper"],
                    f"z {h}m": p["z"],
                }
            )
        )
    clients = long.drop_duplicates(key).set_index(key)["clients"]
    return pd.concat([clients, *parts], axis=1)


def calibration_section(sample: HoldoutSample, cal: Calibration) -> Section:
    section = Section("calibration", "Calibration, out of time (kalibratie)")
    section.paragraphs.append(design_text(sample))
    section.paragraphs.append(
        "Per decile of predicted risk (1 = lowest chance of leaving within "
        f"{max(cal.horizons)} months) and per outflow group: the mean predicted chance of "
        "leaving benefit against the observed (Kaplan-Meier) chance with its 95% interval. "
        "z is the difference in standard errors; the chi-square test sums z squared over the "
        "rows (a small p-value means the predictions are off by more than chance)."
    )
    for h, row in cal.decile_test.iterrows():
        over = cal.overall.loc[cast(Any, h)]
        section.paragraphs.append(
            f"Within {h} months: predicted {over['predicted']:.3f}, observed {over['observed']:.3f} "
            f"(95% interval {over['lower']:.3f}-{over['upper']:.3f}); deciles: chi-square "
            f"{row['chi2']:.1f} on {int(row['df'])} df, p = {row['p_value']:.3f}, largest "
            f"difference {row['max_abs_difference']:.3f}."
        )
        if row["p_value"] < 0.01:
            section.warnings.append(
                f"calibration within {h} months is off by more than sampling error "
                f"(p = {row['p_value']:.4f}); see the deciles"
            )
    section.add_table("by-decile", wide_calibration(cal.by_decile, "decile"))
    section.add_table("by-group", wide_calibration(cal.by_group, "outflow_group"))
    tests = pd.concat(
        {"deciles": cal.decile_test, "outflow groups": cal.group_test}, names=["rows"]
    )
    section.add_table("tests", tests, "Chi-square tests of calibration per horizon.")
    section.figures.append(
        plots.calibration_plot(
            cal.by_decile,
            cal.by_group,
            cal.horizons,
            caption="Predicted against observed chance of leaving benefit (hold-out window); "
            "points on the dashed line are perfectly calibrated.",
        )
    )
    return section


def discrimination_section(disc: Discrimination) -> Section:
    section = Section("discrimination", "Discrimination (onderscheidend vermogen)")
    section.paragraphs.append(
        f"Harrell's concordance index on the hold-out: {disc.c_index:.3f} (0.5 = no better than "
        "chance, 1 = perfect ranking of who leaves first). The time-dependent AUC at h months "
        "(cumulative/dynamic, with inverse-probability-of-censoring weights) is the chance that a "
        "client who left within h months had a higher predicted chance of leaving than a client "
        "still on benefit after h months."
    )
    for h, row in disc.auc.iterrows():
        if not np.isfinite(row["auc"]):
            section.paragraphs.append(f"AUC at {h} months not computed: {row['note']}.")
    section.add_table(
        "concordance",
        pd.DataFrame({"measure": ["Harrell's C"], "value": [disc.c_index]}),
    )
    section.add_table("auc", disc.auc)
    return section


def group_accuracy_section(acc: GroupAccuracy) -> Section:
    section = Section("group-accuracy", "Accuracy of the outflow groups (uitstroomgroepen)")
    section.paragraphs.append(
        "For the clients of each predicted outflow group: the observed (Kaplan-Meier) chance of "
        "leaving within 6 and 18 months and the share for whom the group came true (group 1: "
        "left within 6 months; group 2: within 6-18 months; group 3: not within 18 months). "
        f"{acc.note[0].upper() + acc.note[1:]}."
    )
    if np.isfinite(acc.overall):
        section.paragraphs.append(f"Overall share classified right: {acc.overall:.3f}.")
    else:
        section.paragraphs.append(
            f"Overall share classified right: between {acc.overall_at_least:.3f} and "
            f"{acc.overall_at_most:.3f} (bounds; a longer hold-out gives the exact share)."
        )
    if np.isfinite(acc.boundary_6m):
        section.paragraphs.append(
            "Classified right on leaving within 6 months alone (group 1 against groups 2 and 3): "
            f"{acc.boundary_6m:.3f}."
        )
    if np.isfinite(acc.boundary_18m):
        section.paragraphs.append(
            "Classified right on leaving within 18 months alone (groups 1 and 2 against group 3): "
            f"{acc.boundary_18m:.3f}."
        )
    section.add_table("accuracy", acc.table)
    section.add_table(
        "outcomes",
        acc.outcomes,
        "Predicted group against what was observed in the hold-out window (counts of clients).",
    )
    return section


def fairness_display(table: pd.DataFrame) -> pd.DataFrame:
    """The fairness table for reading: rates, and each ratio with its 95% interval in one cell."""

    def with_interval(name: str) -> list[str]:
        out = []
        for r, lo, hi in zip(
            table[name], table[f"{name}_lower"], table[f"{name}_upper"], strict=True
        ):
            if not np.isfinite(r):
                out.append("–")
            elif np.isfinite(lo) and np.isfinite(hi) and (lo, hi) != (r, r):
                out.append(f"{r:.2f} ({max(lo, 0):.2f}-{hi:.2f})")
            else:
                out.append(f"{r:.2f}")
        return out

    return pd.DataFrame(
        {
            "clients": table["clients"],
            "share group 1": table["share_group_1"],
            "share group 2": table["share_group_2"],
            "share group 3": table["share_group_3"],
            "ratio group-3 share": with_interval("ratio_group3_share"),
            "predicted": table["predicted"],
            "observed": table["observed"],
            "observed/predicted": table["calibration"],
            "ratio observed/predicted": with_interval("ratio_calibration"),
            "in group 3": table["group3_clients"],
            "false group-3 rate": table["false_group3_rate"],
            "ratio false group-3 rate": with_interval("ratio_false_group3"),
        },
        index=table.index,
    )


def fairness_section(checks: list[FairnessCheck]) -> Section:
    section = Section("fairness", "Fairness by gender and age band (bias-toets)")
    first = checks[0]
    section.paragraphs.append(
        "Gender is a protected attribute: it is never a model feature and is used here only, to "
        "check the model. Age band is the age at the cut-off. Per group: the shares of the outflow "
        f"groups, observed over predicted chance of leaving within {first.horizon} months "
        "(calibration), and the false group-3 rate: among clients predicted in group 3, the "
        f"observed chance of leaving within {first.false3_horizon} months. Each ratio compares "
        "the group with all clients (in brackets: the 95% interval from the group's own "
        "sampling error; an interval that includes 1 means the disparity could be chance); a warning is given when a ratio is above "
        f"{first.threshold:g} or below {1 / first.threshold:.2f} for a group of at least "
        f"{first.min_clients} clients. Differences in group shares can reflect real differences in outflow (age is a "
        "model feature); differences in calibration are errors that fall unequally. False group-3 "
        "rates also differ when groups sit at different distances from the 18-month boundary "
        "(a well-calibrated model cannot have equal error rates for groups with different "
        "outflow), so read them together with the calibration ratio."
    )
    for check in checks:
        section.add_table(check.attribute, fairness_display(check.table))
        section.warnings.extend(f"fairness: {w}" for w in check.warnings)
    section.figures.append(
        plots.fairness_plot(
            {c.attribute: c.table for c in checks},
            first.threshold,
            caption="Ratios of each group to all clients (log scale).",
        )
    )
    return section
