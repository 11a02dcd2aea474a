"""The report as one self-contained HTML file (no scripts, no external links or fonts).

Plots are embedded as base64 PNG (``<img src="data:image/png;base64,...">``),
styles are inline, links only point inside the page (``#section-id``). Every
section is a ``<section id="...">`` with a stable id; every table has the id
``SECTION--TABLE`` so that programs can find it.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import numpy as np
import pandas as pd

from rendement.output import atomic_write
from rendement.report.sections import Report, Section

_CSS = """
body { font-family: "Segoe UI", Arial, sans-serif; margin: 2em auto; max-width: 1100px;
       color: #1d1d1d; line-height: 1.45; padding: 0 1em; }
h1 { color: #1f3f68; margin-bottom: 0.2em; }
h2 { color: #1f3f68; border-bottom: 2px solid #d7e1ee; padding-bottom: 0.2em; margin-top: 2em; }
.meta { color: #555; }
.banner { background: #fff3cd; border: 2px solid #d9a400; padding: 0.8em 1em; font-weight: bold;
          margin: 1em 0; }
.warning { background: #fbe9e7; border-left: 4px solid #b3261e; padding: 0.4em 0.8em;
           margin: 0.4em 0; }
nav ol { columns: 2; }
table.data { border-collapse: collapse; margin: 0.6em 0 1.2em 0; font-size: 0.88em; }
table.data th, table.data td { border: 1px solid #cfd8e3; padding: 0.25em 0.55em; text-align: right; }
table.data th { background: #eef3f9; }
table.data td:first-child, table.data th:first-child { text-align: left; }
.caption { font-style: italic; color: #444; margin-bottom: 0.2em; }
figure { margin: 1em 0; }
figure img { max-width: 100%; }
figcaption { color: #444; font-size: 0.9em; }
footer { margin-top: 3em; color: #666; font-size: 0.85em; }
ul.verdict { list-style: none; padding: 0; }
ul.verdict li { margin: 0.35em 0; }
.light { display: inline-block; min-width: 5.5em; padding: 0.1em 0.5em; margin-right: 0.6em;
         border-radius: 0.8em; color: #fff; font-weight: bold; text-align: center; }
.light.green { background: #2e7d32; } .light.orange { background: #d9731a; }
.light.red { background: #b3261e; } .light.grey { background: #8a8a8a; }
"""

_LIGHT_WORDS = {"green": "groen", "orange": "oranje", "red": "rood", "grey": "grijs"}


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float | np.floating):
        if not np.isfinite(value):
            return "–"
        x = float(value)
        if x.is_integer() and abs(x) >= 1000:
            return f"{x:,.0f}"
        return f"{x:.3f}"
    if isinstance(value, int | np.integer):
        return f"{value:,}" if abs(int(value)) >= 10_000 else str(value)
    if value is pd.NA or value is pd.NaT:
        return "–"
    return str(value)


def table_html(section_id: str, name: str, table: pd.DataFrame, caption: str = "") -> str:
    """One labelled table; index shown as the first column(s)."""
    frame = table.copy()
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in row)
        body.append(f"<tr>{cells}</tr>")
    cap = f'<p class="caption">{html.escape(caption)}</p>' if caption else ""
    return (
        f'{cap}<table class="data" id="{html.escape(section_id)}--{html.escape(name)}">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def section_html(section: Section, lang: str = "en") -> str:
    parts = [f'<section id="{html.escape(section.id)}">', f"<h2>{html.escape(section.title)}</h2>"]
    for w in section.warnings:
        parts.append(f'<div class="warning">{html.escape(w)}</div>')
    if section.verdicts:
        items = "".join(
            f'<li><span class="light {html.escape(colour)}">'
            f"{html.escape(_LIGHT_WORDS.get(colour, colour) if lang == 'nl' else colour)}</span>"
            f"<strong>{html.escape(topic)}</strong>: {html.escape(text)}</li>"
            for colour, topic, text in section.verdicts
        )
        parts.append(f'<ul class="verdict" id="{html.escape(section.id)}--lights">{items}</ul>')
    for p in section.paragraphs:
        parts.append(f"<p>{html.escape(p)}</p>")
    for name, table in section.tables.items():
        parts.append(table_html(section.id, name, table, section.table_captions.get(name, "")))
    for fig in section.figures:
        data = base64.b64encode(fig.png).decode("ascii")
        parts.append(
            f'<figure id="{html.escape(section.id)}--{html.escape(fig.name)}">'
            f'<img alt="{html.escape(fig.caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(fig.caption)}</figcaption></figure>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def render_html(report: Report) -> str:
    """The whole report as an HTML document (a string)."""
    toc = "".join(
        f'<li><a href="#{html.escape(s.id)}">{html.escape(s.title)}</a></li>'
        for s in report.sections
    )
    banner = (
        f'<div class="banner" id="model-kind-banner">{html.escape(report.banner)}</div>'
        if report.banner
        else ""
    )
    lang = str(report.key_figures.get("lang", "en"))
    body = "\n".join(section_html(s, lang) for s in report.sections)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{html.escape(report.title)}</title><style>{_CSS}</style></head><body>\n"
        f"<header><h1>{html.escape(report.title)}</h1>"
        f'<p class="meta">{html.escape(report.model_label)} · made {html.escape(report.created)}'
        f"</p>{banner}</header>\n"
        f"<nav><ol>{toc}</ol></nav>\n{body}\n"
        + (
            "<footer>Gemaakt door rendement (rendementmeter). De uitkomst van het model is een "
            "advies, nooit een opdracht: de klantmanager beslist en legt vast waarom een advies "
            "niet is gevolgd.</footer>\n</body></html>\n"
            if lang == "nl"
            else "<footer>Made by rendement (rendementmeter). The outcome of the model is an "
            "advice, never an instruction: the caseworker decides and records why an advice was "
            "not followed.</footer>\n</body></html>\n"
        )
    )


def write_report(report: Report, path: Path | str) -> Path:
    """Write the report as one HTML file, whole or not at all."""
    target = Path(path)
    text = render_html(report)

    def write(p: Path) -> None:
        p.write_text(text, encoding="utf-8")

    atomic_write(target, write)
    return target
