"""The steering report as a printable Excel workbook (openpyxl).

The same tables as the HTML page, one per sheet: *Samenvatting*, *Per maand*
(with traffic-light colours), *Uitgaven*, *Trajecten*, *CBS*, the optional
*Aanvragen*, *Terugvordering* and *Referentie*, and one sheet per district or
caseworker. Every sheet prints landscape, fitted to one page wide, with its
header row repeated on every page, frozen below the header and with filters.
Text is always stored as text (a value starting with ``=`` never becomes a formula).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from rendement.dashboard.build import ReportPart, SteeringReport
from rendement.dashboard.html import MONTHLY_COLUMNS
from rendement.dashboard.targets import INDICATORS
from rendement.formatting import month_short
from rendement.lists.names import sheet_names
from rendement.model.kind_words import model_kind_words

FILLS = {
    "groen": PatternFill("solid", fgColor="C8E6C9"),
    "oranje": PatternFill("solid", fgColor="FFE0B2"),
    "rood": PatternFill("solid", fgColor="FFCDD2"),
}
HEADER_FILL = PatternFill("solid", fgColor="DCE6F2")
EURO = '"€" #,##0'
FIXED = ("Samenvatting", "Per maand", "Uitgaven", "Trajecten", "CBS")


def _value(v: Any) -> Any:
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return None if not np.isfinite(v) else float(v)
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return v if isinstance(v, (int, float, str)) else str(v)


def _put(ws: Worksheet, row: int, col: int, value: Any, fmt: str | None = None) -> None:
    cell = ws.cell(row=row, column=col, value=_value(value))
    if isinstance(cell.value, str) and cell.data_type == "f":
        cell.data_type = "s"  # text, never a formula
    if fmt and isinstance(cell.value, (int, float)):
        cell.number_format = fmt


def _table_sheet(
    ws: Worksheet, frame: pd.DataFrame, formats: dict[str, str] | None = None, start: int = 1
) -> None:
    """``frame`` as a table from row ``start``: bold header, frozen, filtered, printable."""
    formats = formats or {}
    for j, name in enumerate(frame.columns, start=1):
        _put(ws, start, j, str(name).replace("_", " "))
        ws.cell(row=start, column=j).font = Font(bold=True)
        ws.cell(row=start, column=j).fill = HEADER_FILL
        ws.cell(row=start, column=j).alignment = Alignment(wrap_text=True, vertical="top")
        longest = max([len(_shown(v)) for v in frame.iloc[:, j - 1]] + [0])
        width = max(8, min(42, max(min(len(str(name)), 10), longest) + 2))
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = max(width, ws.column_dimensions[letter].width or 0)
    for i, row in enumerate(frame.itertuples(index=False), start=start + 1):
        for j, (name, v) in enumerate(zip(frame.columns, row, strict=True), start=1):
            _put(ws, i, j, v, formats.get(str(name), "#,##0.0" if isinstance(v, float) else None))
            if isinstance(v, str) and v in FILLS:
                ws.cell(row=i, column=j).fill = FILLS[v]
    if any(len(str(name)) > 10 for name in frame.columns):
        ws.row_dimensions[start].height = 45  # wrapped headers in three lines
    if len(frame.columns):
        last = get_column_letter(len(frame.columns))
        ws.auto_filter.ref = f"A{start}:{last}{start + len(frame)}"
        ws.freeze_panes = ws.cell(row=start + 1, column=1)
        ws.print_title_rows = f"{start}:{start}"
    _page_setup(ws)


def _shown(v: Any) -> str:
    """About how a value looks in a cell (for the column width)."""
    v = _value(v)
    if isinstance(v, float):
        return f"€ {v:,.0f}" if abs(v) >= 1000 else f"{v:,.1f}"
    return "" if v is None else str(v)


def _page_setup(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True


def _monthly_frame(part: ReportPart) -> pd.DataFrame:
    frame = part.monthly[[c for c, _, _ in MONTHLY_COLUMNS]].rename(
        columns={c: h for c, h, _ in MONTHLY_COLUMNS}
    )
    frame.insert(0, "Maand", [month_short(int(m)) for m in part.monthly.index])
    return frame.reset_index(drop=True)


def _monthly_sheet(ws: Worksheet, part: ReportPart) -> None:
    frame = _monthly_frame(part)
    _table_sheet(ws, frame, {"Uitkeringslasten (€)": EURO, "Uitstroom per 100": "0.0"})
    by_column = {ind.column: code for code, ind in INDICATORS.items()}
    for j, (col, _, _) in enumerate(MONTHLY_COLUMNS, start=2):
        code = by_column.get(col)
        if code not in part.lights:
            continue
        for i, light in enumerate(part.lights[code]["stoplicht"], start=2):
            if light in FILLS:
                ws.cell(row=i, column=j).fill = FILLS[light]


def _summary_sheet(ws: Worksheet, report: SteeringReport) -> None:
    fc = report.forecast
    rows: list[tuple[str, Any, str | None]] = [
        ("Maandrapportage bijstand, peildatum", report.as_of.strftime("%d-%m-%Y"), None),
        ("Model", f"{report.model_version} ({model_kind_words(report.model_kind)})", None),
        (f"Uitgaven {fc.year} tot de peildatum", float(fc.realised.sum()), EURO),
        ("Prognose zittend bestand tot einde jaar", float(fc.caseload.sum()), EURO),
        ("Prognose nieuwe instroom tot einde jaar", float(fc.inflow.sum()), EURO),
        (f"Verwachte uitgaven {fc.year}", fc.total, EURO),
        (f"  ondergrens {fc.level:.0%}-interval", fc.lower, EURO),
        (f"  bovengrens {fc.level:.0%}-interval", fc.upper, EURO),
    ]
    if report.budget is not None and report.balance is not None:
        rows += [
            (f"Begroting {fc.year}", report.budget, EURO),
            ("Verwacht saldo", report.balance, EURO),
        ]
    bt = report.backtest
    if bt is not None:
        rows += [
            (f"Terugtoets vanaf {bt.forecast.as_of:%d-%m-%Y}: prognose", bt.forecast.total, EURO),
            ("Terugtoets: werkelijk", float(bt.actual.sum()), EURO),
            ("Terugtoets: afwijking", bt.error, "0.00%"),
        ]
    frame = pd.DataFrame([(a, b) for a, b, _ in rows], columns=["Onderwerp", "Waarde"])
    _table_sheet(ws, frame)
    for i, (_, _, fmt) in enumerate(rows, start=2):
        if fmt:
            ws.cell(row=i, column=2).number_format = fmt
    start = len(rows) + 3
    lights = pd.DataFrame(
        [
            {
                "Indicator": INDICATORS[code].label,
                "Waarde": float(f["waarde"].iloc[-1]),
                "Doel": float(f["doel"].iloc[-1]),
                "Stoplicht": f["stoplicht"].iloc[-1],
                "Doel volgens": f["bron"].iloc[-1],
            }
            for code, f in report.total.lights.items()
        ]
    )
    _table_sheet(ws, lights, start=start)
    ws.print_title_rows = "1:1"
    ws.freeze_panes = "A2"
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 24


def write_workbook(report: SteeringReport, path: Path) -> None:
    """Write the workbook to ``path`` (the caller makes it atomic)."""
    wb = Workbook()
    ws = wb.active
    ws.title = FIXED[0]
    _summary_sheet(ws, report)
    _monthly_sheet(wb.create_sheet(FIXED[1]), report.total)
    fc = report.forecast.monthly.reset_index()
    fc.insert(0, "Maand", [month_short(int(m)) for m in fc.pop("maand")])
    _table_sheet(wb.create_sheet(FIXED[2]), fc, {c: EURO for c in fc.columns[1:]})
    traject = wb.create_sheet(FIXED[3])
    _table_sheet(traject, report.total.capacity, {"doel_naar_rato": "0.0"})
    _table_sheet(
        traject, _with_month(report.total.by_instrument), start=len(report.total.capacity) + 3
    )
    traject.print_title_rows = "1:1"
    traject.freeze_panes = "A2"
    cbs = pd.DataFrame(
        [
            {
                "indicator": s.name,
                "aandeel": s.share,
                "teller": s.numerator,
                "noemer": s.denominator,
                "van": s.start.strftime("%d-%m-%Y"),
                "tot en met": s.end.strftime("%d-%m-%Y"),
            }
            for s in report.total.cbs
        ]
    )
    _table_sheet(wb.create_sheet(FIXED[4]), cbs, {"aandeel": "0.0%"})
    monthly = report.total.monthly
    if "aanvragen_toegekend" in monthly:
        cols = [c for c in monthly.columns if c.startswith("aanvragen_")] + [
            "toekenningspercentage"
        ]
        _table_sheet(wb.create_sheet("Aanvragen"), _with_month(monthly[cols]))
    if "terugvordering" in monthly:
        _table_sheet(
            wb.create_sheet("Terugvordering"), _with_month(monthly[["terugvordering"]]),
            {"terugvordering": EURO},
        )  # fmt: skip
    if report.reference is not None:
        _table_sheet(wb.create_sheet("Referentie"), report.reference)
    names = sheet_names([p.name for p in report.parts], taken=tuple(wb.sheetnames))
    for part, name in zip(report.parts, names, strict=True):
        _monthly_sheet(wb.create_sheet(name), part)
    wb.save(path)


def _with_month(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reset_index(drop=True)
    out.insert(0, "Maand", [month_short(int(m)) for m in frame.index])
    return out
