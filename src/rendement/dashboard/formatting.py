"""Dutch number, money and month formatting for the steering report (1.234.567,8; € 1.234)."""

from __future__ import annotations

import math

MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
MONTHS_LONG = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


def number(value: float | int | None, decimals: int = 0) -> str:
    """``1234567.891`` -> ``1.234.567,89`` (with ``decimals=2``); ``-`` when unknown."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def euro(value: float | None) -> str:
    """``€ 1.234.567`` (whole euros)."""
    return "-" if value is None or not math.isfinite(value) else f"€ {number(value)}"


def percent(share: float | None, decimals: int = 1) -> str:
    """``0.1234`` -> ``12,3%``."""
    return "-" if share is None or not math.isfinite(share) else f"{number(100 * share, decimals)}%"


def month_short(index: int) -> str:
    """Month index -> ``jan 2026``."""
    return f"{MONTHS[index % 12]} {index // 12}"


def month_long(index: int) -> str:
    """Month index -> ``januari 2026``."""
    return f"{MONTHS_LONG[index % 12]} {index // 12}"
