"""The report as one self-contained HTML file (no scripts, no external links or fonts).

Plots are embedded as base64 PNG (``<img src="data:image/png;base64,...">``),
styles are inline, links only point inside the page (``#section-id``). Every
section is a ``<section id="...">`` with a stable id; every table has the id
``SECTION--TABLE`` so that programs can find it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd

from rendement.output import atomic_write
from rendement.render import render
from rendement.report.dutch import dutch_cell, dutch_header
from rendement.report.sections import Report

#: The verdict's colours in Dutch.
_LIGHT_WORDS = {"green": "groen", "orange": "oranje", "red": "rood", "grey": "grijs"}


@dataclass(frozen=True)
class _Table:
    """A report table as the template reads it: column names and rows (index first)."""

    columns: list[str]
    rows: list[tuple[Any, ...]]


def _table(table: pd.DataFrame, lang: str) -> _Table:
    """Headers and text cells in the report's language (the objects keep English column names)."""
    frame = table if isinstance(table.index, pd.RangeIndex) else table.reset_index()
    columns = [str(c) for c in frame.columns]
    rows = list(frame.itertuples(index=False, name=None))
    if lang == "nl":
        columns = [dutch_header(c) for c in columns]
        rows = [tuple(dutch_cell(v) for v in row) for row in rows]
    return _Table(columns, rows)


def render_html(report: Report) -> str:
    """The whole report as an HTML document (a string), from ``templates/report.html.j2``.

    Numbers in tables are written the Dutch way (:func:`rendement.formatting.cell`).
    """
    lang = str(report.key_figures.get("lang", "en"))
    sections = [
        (s, {name: _table(t, lang) for name, t in s.tables.items()}) for s in report.sections
    ]
    css = files("rendement").joinpath("templates/report.css").read_text(encoding="utf-8")
    return render(
        "report.html.j2",
        report=report,
        sections=sections,
        css=css,
        lang=lang,
        light_words=_LIGHT_WORDS if lang == "nl" else {},
    )


def write_report(report: Report, path: Path | str) -> Path:
    """Write the report as one HTML file, whole or not at all."""
    target = Path(path)
    text = render_html(report)

    def write(p: Path) -> None:
        p.write_text(text, encoding="utf-8")

    atomic_write(target, write)
    return target
