"""Moments on the pages in the time of the people who read them (Europe/Amsterdam)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local_time(moment: dt.datetime | None) -> str:
    """``2026-01-15 14:03`` in Amsterdam time (a naive moment is read as UTC)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


def dutch_date(iso: str | dt.date | None) -> str:
    """``2026-01-15`` -> ``15-01-2026`` (as a Dutch reader writes a date)."""
    if iso is None or iso == "":
        return ""
    day = iso if isinstance(iso, dt.date) else dt.date.fromisoformat(str(iso))
    return day.strftime("%d-%m-%Y")
