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
