"""The lists as an Excel workbook a manager can open and use at once (openpyxl).

* ``Samenvatting``: what the lists are (as-of date, model version, kind of model
  -- an expert or borrowed model is flagged in red), the summary table per list
  and outflow group, and a short explanation of the columns;
* ``Totaal``: the whole caseload, ranked;
* one sheet per district or caseworker (with ``by``), ranked.

Ranked sheets have a frozen header (and the rank and client columns), a filter
on every column, each row filled in the colour of its outflow group, percent,
euro and whole-number formats and column widths fitted to their content.
Written in streaming (write-only) mode so a caseload of 35,000 stays quick.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter

from rendement.formulas import as_text
from rendement.lists.cells import cell, header_style
from rendement.lists.printing import header_height, print_setup
from rendement.lists.tables import GROUP_WORDS, Lists

SUMMARY_SHEET = "Samenvatting"
TOTAL_SHEET = "Totaal"
#: Row of the summary table's header on the summary sheet (1-based).
SUMMARY_TABLE_ROW = 8

#: Fill colour of each outflow group (light green, light yellow, light orange).
GROUP_COLOURS = {1: "E2EFDA", 2: "FFF2CC", 3: "FCE4D6"}

#: Excel number format per kind of column.
NUMBER_FORMATS = {
    "text": "General",
    "int": "0",
    "pct": "0.0%",
    "eur": '"€" #,##0',
    "decimal": "0.0",
}

#: What the columns mean, for the explanation on the summary sheet.
EXPLANATION = (
    ("rang", "1 = grootste kans om zonder hulp uit de uitkering te gaan (hele caseload)"),
    (
        "kans uitstroom binnen 6/18 maanden",
        "kans om zonder instrument binnen 6/18 maanden uit "
        "de uitkering te gaan, gegeven dat de klant er nu in zit",
    ),
    (
        "uitstroomgroep",
        "1: " + GROUP_WORDS[1] + "; 2: " + GROUP_WORDS[2] + "; 3: " + GROUP_WORDS[3],
    ),
    (
        "beste instrument",
        "het instrument met het hoogste positieve netto rendement; 'geen' als "
        "geen enkel instrument meer oplevert dan het kost: help de klant dan zonder traject",
    ),
    (
        "netto rendement",
        "bespaarde uitkeringsmaanden x maanduitkering min de verwachte kosten, in euro; leeg "
        "voor een klant die al een instrument volgt",
    ),
    (
        "totaal potentieel rendement",
        "de som van het netto rendement van ieders beste instrument, alsof er voor elke klant "
        "een plaats is. Het plan (rendement plan) verdeelt alleen de plaatsen en het budget die "
        "er zijn en levert daarom veel minder op: zie plan_summary.csv voor wat die plaatsen "
        "opleveren",
    ),
    ("lopend instrument", "instrument dat nu loopt; deze klanten krijgen geen nieuw advies"),
    ("code ...", "de code van het instrument in de gegevens (voor koppelingen)"),
    ("verwachte uitstroom", "som van de kansen: het verwachte aantal klanten dat uitstroomt"),
    (
        "advies",
        "dit is een advies, geen opdracht: de klantmanager beslist en legt vast waarom "
        "hij of zij afwijkt",
    ),
)


def write_workbook(lists: Lists, path: Path, sheets: dict[str, str]) -> None:
    """Write the workbook to ``path``; ``sheets`` maps each part's name to its sheet name."""
    wb = Workbook(write_only=True)
    styles = _styles(wb)
    _summary_sheet(wb, lists, styles)
    _list_sheet(wb, TOTAL_SHEET, lists.total, lists.kinds, styles)
    for name, frame in lists.parts.items():
        _list_sheet(wb, sheets[name], frame, lists.kinds, styles)
    wb.save(path)


def _styles(wb: Workbook) -> dict[tuple[Any, str], str]:
    """Named styles per (outflow group or None, kind) plus header and title styles."""
    names: dict[tuple[Any, str], str] = {}
    for group in (None, 1, 2, 3):
        fill = PatternFill("solid", fgColor=GROUP_COLOURS[group]) if group else PatternFill()
        for kind, fmt in NUMBER_FORMATS.items():
            name = f"rendement_{group or 0}_{kind}"
            wb.add_named_style(NamedStyle(name=name, fill=fill, number_format=fmt))
            names[(group, kind)] = name
        bold = f"rendement_{group or 0}_bold"
        wb.add_named_style(NamedStyle(name=bold, fill=fill, font=Font(bold=True)))
        names[(group, "bold")] = bold
    header = header_style("rendement_header")
    wb.add_named_style(header)
    names[(None, "header")] = header.name
    wb.add_named_style(NamedStyle(name="rendement_title", font=Font(bold=True, size=14)))
    names[(None, "title")] = "rendement_title"
    wb.add_named_style(NamedStyle(name="rendement_warning", font=Font(bold=True, color="C00000")))
    names[(None, "warning")] = "rendement_warning"
    return names


def _list_sheet(
    wb: Workbook,
    title: str,
    frame: pd.DataFrame,
    kinds: dict[str, str],
    styles: dict[tuple[Any, str], str],
) -> None:
    ws = wb.create_sheet(title)
    headers = list(frame.columns)
    col_kinds = [kinds.get(h, "text") for h in headers]
    widths = _widths(frame, col_kinds)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "C2" if len(headers) > 2 else "A2"
    print_setup(ws, title=f"Lijstwerk rendementmeter - {title}")
    ws.row_dimensions[1].height = header_height(headers, widths)
    ws.append([cell(ws, h, styles[(None, "header")]) for h in headers])
    groups = frame["uitstroomgroep"].to_numpy() if "uitstroomgroep" in frame.columns else None
    columns = [_python_values(frame[h], k) for h, k in zip(headers, col_kinds, strict=True)]
    # one styled cell per (outflow group, column), reused for every row: a write-only sheet
    # writes each row out when it is appended, so only the values change
    rows = {g: [cell(ws, None, styles[(g, k)]) for k in col_kinds] for g in (None, 1, 2, 3)}
    for i, values in enumerate(zip(*columns, strict=True)):
        g = int(groups[i]) if groups is not None and int(groups[i]) in GROUP_COLOURS else None
        cells = rows[g]
        for slot, v in zip(cells, values, strict=True):
            slot.value = v
            as_text(slot)  # a string is never a formula (issue 13)
        ws.append(cells)
    last = get_column_letter(max(1, len(headers)))
    ws.auto_filter.ref = f"A1:{last}{len(frame) + 1}"


def _summary_sheet(wb: Workbook, lists: Lists, styles: dict[tuple[Any, str], str]) -> None:
    ws = wb.create_sheet(SUMMARY_SHEET)
    table = lists.summary
    headers = list(table.columns)
    col_kinds = [lists.summary_kinds.get(h, "text") for h in headers]
    widths = _widths(table, col_kinds)
    widths[0] = max(widths[0], 2.0 + max(len(term) for term, _ in EXPLANATION))
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    print_setup(ws, title="Lijstwerk rendementmeter - samenvatting", repeat_rows=None)
    ws.row_dimensions[SUMMARY_TABLE_ROW].height = header_height(headers, widths)
    as_of = lists.as_of.date().isoformat() if lists.as_of is not None else "-"
    by = {None: "hele caseload", "district": "per wijk", "caseworker": "per klantmanager"}[lists.by]
    kind_style = styles[(None, "warning")] if lists.model_kind != "estimated" else None
    ws.append([cell(ws, f"Lijstwerk rendementmeter - peildatum {as_of}", styles[(None, "title")])])
    ws.append([cell(ws, "peildatum", styles[(None, "bold")]), as_of])
    ws.append([cell(ws, "modelversie", styles[(None, "bold")]), cell(ws, lists.model_version)])
    ws.append(
        [
            cell(ws, "soort model", styles[(None, "bold")]),
            cell(ws, lists.model_kind_words, kind_style),
        ]
    )
    ws.append([cell(ws, "indeling", styles[(None, "bold")]), by])
    ws.append([cell(ws, "klanten in de caseload", styles[(None, "bold")]), len(lists.total)])
    ws.append([])
    ws.append([cell(ws, h, styles[(None, "header")]) for h in headers])
    columns = [_python_values(table[h], k) for h, k in zip(headers, col_kinds, strict=True)]
    groups = table["uitstroomgroep"].tolist()
    for i in range(len(table)):
        g = int(groups[i]) if str(groups[i]).isdigit() else None
        ws.append(
            [
                cell(ws, col[i], styles[(g, col_kinds[j])] if g else styles[(None, col_kinds[j])])
                for j, col in enumerate(columns)
            ]
        )
    ws.append([])
    ws.append([cell(ws, "Toelichting", styles[(None, "bold")])])
    # long texts in lines of a printed page's width (text beyond the last column is cut off)
    room = max(40, int(sum(widths[1:]) * 0.95))
    for term, meaning in EXPLANATION:
        if term == "totaal potentieel rendement":
            meaning += _places_note(lists)
        for k, line in enumerate(textwrap.wrap(meaning, room)):
            ws.append([term if k == 0 else "", line])
    if lists.warnings:
        ws.append([])
        ws.append([cell(ws, "Opmerkingen bij de berekening", styles[(None, "bold")])])
        for w in lists.warnings:
            for line in textwrap.wrap(w, room):
                ws.append(["", line])


def _places_note(lists: Lists) -> str:
    """The figures behind the gap between potential and plan: clients vs places."""
    total = lists.summary[
        (lists.summary["lijst"] == "totaal") & (lists.summary["uitstroomgroep"] == "alle")
    ]
    if lists.places_per_year is None or total.empty:
        return ""
    positive = int(total["klanten met positief rendement"].iloc[0])
    return (
        f". In deze caseload hebben {positive:,} klanten een instrument met positief "
        f"rendement; de catalogus noemt {lists.places_per_year:,} plaatsen per jaar"
    ).replace(",", ".")


def _python_values(values: pd.Series, kind: str) -> list[Any]:
    """Cell values: int, float or str (never numpy scalars or NaN)."""
    if kind == "int":
        return [int(v) for v in pd.to_numeric(values).to_numpy()]
    if kind in ("pct", "eur", "decimal"):
        return [None if np.isnan(v) else float(v) for v in pd.to_numeric(values).to_numpy(float)]
    return ["" if v is None else str(v) for v in values.tolist()]


def _widths(frame: pd.DataFrame, kinds: Sequence[str]) -> list[float]:
    """Column widths: the longest value (as shown) or the longest header word, within limits."""
    out = []
    for header, kind in zip(frame.columns, kinds, strict=True):
        values = frame[header]
        if not len(values):
            content = 4
        elif kind == "pct":
            content = 6
        elif kind == "eur":
            content = len(f"€ {float(np.nanmax(np.abs(values.to_numpy(float)))):,.0f}") + 1
        elif kind == "decimal":
            content = len(f"{float(np.nanmax(np.abs(values.to_numpy(float)))):.1f}") + 1
        elif kind == "int":
            content = len(str(int(np.max(np.abs(values.to_numpy()))))) + 1
        else:
            content = int(values.astype(str).str.len().max())
        header_width = max(_words(str(header)))
        width = max(content, header_width, min(len(str(header)), 14))
        out.append(float(min(width, 60) + 2))
    return out


def _words(text: str) -> Iterable[int]:
    return (len(w) for w in text.split()) if text.split() else (len(text),)
