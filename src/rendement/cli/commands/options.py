"""Option types the commands share: dates on the command line are ISO dates, nothing else.

``--as-of 01-12-2025`` used to be read by pandas as 12 January; a date on the
command line is now ``YYYY-MM-DD`` and anything else is refused (exit 2) with
the ISO form of what was probably meant.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DUTCH = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def iso_date(text: str) -> str:
    """``YYYY-MM-DD`` (a real calendar date), returned as given; anything else is refused."""
    value = text.strip()
    if _ISO.match(value):
        try:
            dt.date.fromisoformat(value)
            return value
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a calendar date; write it as YYYY-MM-DD, e.g. 2025-12-01"
            ) from None
    hint = ""
    m = _DUTCH.match(value)
    if m:
        day, month, year = (int(g) for g in m.groups())
        try:
            meant = dt.date(year, month, day)
            hint = f" (for {meant.day} {meant:%B %Y} write {meant.isoformat()})"
        except ValueError:
            hint = ""
    raise argparse.ArgumentTypeError(
        f"{text!r} is not an ISO date: write dates as YYYY-MM-DD, e.g. 2025-12-01{hint}"
    )
