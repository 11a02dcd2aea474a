"""Numbers, money, percentages and dates the Dutch way, for everything a person reads.

Decimal comma and a dot between thousands (``1.234,5``), euros as ``€ 1.235``,
percentages as ``12,5%``, dates as ``7 december 2026``. A missing value
(``None``, NaN, ``pd.NA``) is shown as :data:`MISSING`. Files for machines
(the contract's CSV files, JSON) keep the decimal point; this module is for
model cards, reports, the caseworker page and advice texts.

    >>> number(1234.5, 1), money(-1234.5), percent(0.125, 1), months(2.25)
    ('1.234,5', '-€ 1.235', '12,5%', '2,2')
    >>> date_text("2026-12-07")
    '7 december 2026'
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

#: What a person sees for a missing number.
MISSING = "–"

MONTH_NAMES = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

#: Short month names (tables and plot axes of the steering report).
MONTH_ABBREVIATIONS = (
    "jan",
    "feb",
    "mrt",
    "apr",
    "mei",
    "jun",
    "jul",
    "aug",
    "sep",
    "okt",
    "nov",
    "dec",
)


def month_short(index: int) -> str:
    """A month index (``12 * year + month - 1``) in short: ``24312`` -> ``jan 2026``."""
    return f"{MONTH_ABBREVIATIONS[index % 12]} {index // 12}"


def month_long(index: int) -> str:
    """A month index (``12 * year + month - 1``) in words: ``24312`` -> ``januari 2026``."""
    return f"{MONTH_NAMES[index % 12]} {index // 12}"


def is_missing(x: Any) -> bool:
    """``None``, NaN, an infinite number, ``pd.NA`` or ``pd.NaT``."""
    if x is None or x is pd.NA or x is pd.NaT:
        return True
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def _dutch(text: str) -> str:
    """Swap the separators of an English-formatted number: ``1,234.5`` -> ``1.234,5``."""
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def number(x: Any, digits: int = 0, *, missing: str = MISSING) -> str:
    """``x`` with ``digits`` decimals, decimal comma and thousands dots; text as it is."""
    if is_missing(x):
        return missing
    try:
        value = float(x)
    except (TypeError, ValueError):
        return str(x)
    return _dutch(f"{value:,.{digits}f}")


def integer(n: Any, *, missing: str = MISSING) -> str:
    """A count with thousands dots: ``12345`` -> ``12.345``."""
    return number(n, 0, missing=missing)


def percent(x: Any, digits: int = 0, *, missing: str = MISSING) -> str:
    """A share as a percentage: ``0.125`` -> ``12,5%`` (``digits=1``)."""
    if is_missing(x):
        return missing
    return number(100.0 * float(x), digits) + "%"


def money(x: Any, *, missing: str = MISSING) -> str:
    """Whole euros: ``1234.5`` -> ``€ 1.235``, ``-80`` -> ``-€ 80``."""
    if is_missing(x):
        return missing
    value = float(x)
    sign = "-" if value < 0 else ""
    return f"{sign}€ {number(abs(value), 0)}"


def months(x: Any, *, missing: str = MISSING) -> str:
    """A number of months with one decimal: ``2.25`` -> ``2,2``."""
    return number(x, 1, missing=missing)


def date_text(d: dt.date | pd.Timestamp | str) -> str:
    """A date in words: ``2026-12-07`` -> ``7 december 2026``."""
    t = pd.Timestamp(d)
    return f"{t.day} {MONTH_NAMES[t.month - 1]} {t.year}"


def date_short(d: dt.date | pd.Timestamp | str) -> str:
    """A date in figures: ``2026-12-07`` -> ``07-12-2026``."""
    return pd.Timestamp(d).strftime("%d-%m-%Y")


def cell(value: Any) -> str:
    """A table cell: counts with thousands dots, other numbers with three decimals, text as it is."""
    if is_missing(value):
        return MISSING
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int) or (hasattr(value, "dtype") and value.dtype.kind in "iu"):
        return integer(value)
    if isinstance(value, float) or (hasattr(value, "dtype") and value.dtype.kind == "f"):
        x = float(value)
        return integer(x) if x.is_integer() and abs(x) >= 1000 else number(x, 3)
    return str(value)
