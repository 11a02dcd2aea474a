"""The model report as objects: sections with text, labelled tables, figures and warnings.

A :class:`Report` is data: :mod:`rendement.report.html` turns it into one
self-contained HTML file; tests and notebooks read the tables directly.
Section ids are stable (``SECTION_IDS``) so that programs can find them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

#: Stable ids of the report's sections, in order (``heterogeneity`` only for timing-of-events models,
#: ``returns-to-benefit`` only for models with a re-inflow model).
SECTION_IDS = (
    "verdict",
    "overview",
    "data-summary",
    "coefficients",
    "instrument-effects",
    "heterogeneity",
    "returns-to-benefit",
    "calibration",
    "discrimination",
    "group-accuracy",
    "fairness",
    "warnings",
)


@dataclass(frozen=True)
class Figure:
    """A plot, rendered: ``png`` bytes (embedded as base64) with a caption."""

    name: str
    png: bytes
    caption: str


@dataclass
class Section:
    """One section: ``id`` (stable), title, paragraphs, named tables, figures, warnings."""

    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    table_captions: dict[str, str] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    verdicts: list[tuple[str, str, str]] = field(default_factory=list)  # colour, topic, sentence

    def add_table(self, name: str, table: pd.DataFrame, caption: str = "") -> None:
        self.tables[name] = table
        if caption:
            self.table_captions[name] = caption


@dataclass
class Report:
    """The whole report: title, banner (expert/borrowed models), sections and key figures."""

    title: str
    model_label: str
    model_kind: str
    created: str
    sections: list[Section]
    key_figures: dict[str, Any]
    banner: str | None = None

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)

    @property
    def section_ids(self) -> list[str]:
        return [s.id for s in self.sections]

    @property
    def warnings(self) -> list[str]:
        """Every warning of the report once (the last section repeats those of the others)."""
        return list(dict.fromkeys(w for s in self.sections for w in s.warnings))
