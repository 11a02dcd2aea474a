"""Page setup that makes every sheet of the managers' workbook print as a manager expects.

A4 landscape, fitted to one page wide (as many pages down as needed), the
header row repeated on every page, modest margins, the sheet's name in the
page header and "pagina X van Y" in the footer. :func:`header_height` gives the
header row the height its wrapped words need, so that no header is clipped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.page import PageMargins

#: Excel's paper size code for A4.
PAPER_A4 = "9"
#: Margins in inches (Excel's unit): 1.3 cm left and right, 1.9 cm top and bottom.
MARGINS = PageMargins(left=0.5, right=0.5, top=0.75, bottom=0.75, header=0.3, footer=0.3)
#: Points per line of 11-point text, as Excel lays it out.
LINE_POINTS = 15.0


def print_setup(ws: WriteOnlyWorksheet, *, title: str, repeat_rows: str | None = "1:1") -> None:
    """Landscape A4, one page wide, ``repeat_rows`` on every page, margins, header and footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if repeat_rows:
        ws.print_title_rows = repeat_rows
    ws.page_margins = MARGINS
    ws.oddHeader.left.text = title.replace("&", "&&")  # "&" starts a header code
    ws.oddFooter.right.text = "pagina &P van &N"
    ws.oddFooter.left.text = "Rendementmeter - advies, geen besluit"


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes when wrapped at word boundaries in a column ``width`` characters wide."""
    room = max(1, int(width) - 1)
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) <= room:
            used += 1 + len(word)
            continue
        if used:
            lines, used = lines + 1, 0
        extra = (len(word) - 1) // room  # a word longer than the column breaks inside
        lines += extra
        used = len(word) - extra * room
    return lines


def header_height(headers: Sequence[str], widths: Sequence[float]) -> float:
    """Row height (points) for a bold header row whose cells wrap: the tallest header fits."""
    most = max(
        (wrapped_lines(h, w * 0.92) for h, w in zip(headers, widths, strict=True)), default=1
    )  # bold text is wider
    return math.ceil(LINE_POINTS * most + 4)
