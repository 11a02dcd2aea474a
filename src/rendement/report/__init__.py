"""The model report (*modelrapport*): one self-contained HTML file an analyst can mail.

* :func:`build_report` - the report of a model on a data folder (:class:`Report`:
  sections with labelled tables and figures, and ``key_figures``);
* :func:`write_report` - the report as one HTML file, whole or not at all;
* the out-of-time validation on its own: :func:`holdout_sample`,
  :func:`calibration`, :func:`discrimination`, :func:`group_accuracy`,
  :func:`fairness_check`.
"""

from rendement.report.build import build_report, key_figures, kind_banner
from rendement.report.discrimination import (
    Discrimination,
    cumulative_dynamic_auc,
    discrimination,
    harrell_c,
)
from rendement.report.evaluation import Calibration, GroupAccuracy, calibration, group_accuracy
from rendement.report.fairness import FairnessCheck, fairness_check
from rendement.report.holdout import HoldoutError, HoldoutSample, holdout_sample, score_at
from rendement.report.html import render_html, write_report
from rendement.report.km import kaplan_meier
from rendement.report.sections import SECTION_IDS, Figure, Report, Section

__all__ = [
    "SECTION_IDS",
    "Calibration",
    "Discrimination",
    "FairnessCheck",
    "Figure",
    "GroupAccuracy",
    "HoldoutError",
    "HoldoutSample",
    "Report",
    "Section",
    "build_report",
    "calibration",
    "cumulative_dynamic_auc",
    "discrimination",
    "fairness_check",
    "group_accuracy",
    "harrell_c",
    "holdout_sample",
    "kaplan_meier",
    "key_figures",
    "kind_banner",
    "render_html",
    "score_at",
    "write_report",
]
