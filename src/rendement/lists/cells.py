"""Cells and styles every workbook of rendement shares (the lists and the mix).

* :func:`cell` - a write-only cell whose text is stored as text, never as a formula,
  with an optional named style;
* :func:`header_style` - the white-on-blue wrapped header row, under a given name.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from rendement.formulas import as_text

#: Fill of the header rows.
HEADER_COLOUR = "1F4E78"


def header_style(name: str) -> NamedStyle:
    """The header row's named style (bold white on blue, wrapped, centred vertically)."""
    return NamedStyle(
        name=name,
        font=Font(bold=True, color="FFFFFF"),
        fill=PatternFill("solid", fgColor=HEADER_COLOUR),
        alignment=Alignment(wrap_text=True, vertical="center"),
    )


def cell(ws: WriteOnlyWorksheet, value: Any, style: str | None = None) -> WriteOnlyCell:
    """A cell of ``ws`` holding ``value`` (text stays text), in the named ``style``."""
    out = as_text(WriteOnlyCell(ws, value=value))
    if style is not None:
        out.style = style
    return out
