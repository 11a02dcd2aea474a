"""Which person-months are at risk of entering an instrument of the meter, and which
instrument starts where: the one rule shared by the fit, the caseload's posterior
weights and the single advice."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def entry_risk(
    spell: np.ndarray,
    month: np.ndarray,
    in_flags: np.ndarray,
    after_flags: np.ndarray,
    meter: np.ndarray,
    one_off_only: bool,
    restart: np.ndarray | None = None,
    process: str = "first",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per person-month: at risk of entering an instrument of the meter, entered, and
    whether an instrument of the meter started earlier in the spell (a *re-entry*).

    ``in_flags``/``after_flags`` are ``(n, J)`` 0/1 states of all instruments,
    rows sorted by spell and month; ``meter`` marks the meter's columns. An
    instrument *starts* in month ``k`` when its ``in`` flag turns on, or (a
    one-off action) its ``after`` flag turns on without a month inside, or
    ``restart`` (optional ``(n, J)``, from the panel's ``months_in_instrument``)
    says a new episode begins there (a trajectory that follows another of the same
    instrument without a gap). A month is at risk unless the spell is in an
    instrument other than one of the meter starting that month.

    ``process`` (:data:`rendement.model.spec.ENTRY_PROCESSES`): with ``"first"`` (and
    always for a meter of one-off actions, whose later starts cannot be seen in
    the states) a spell is at risk only up to its first start; with ``"separate"``
    and ``"all"`` after it too (``"separate"`` gives re-entries a level of their own
    through the third array).
    """
    n = len(month)
    fin = np.asarray(in_flags) != 0
    fafter = np.asarray(after_flags) != 0
    meter_start = instrument_starts(spell, month, in_flags, after_flags, restart)
    meter_start &= np.asarray(meter, dtype=bool)[None, :]
    event: np.ndarray = np.asarray(meter_start.any(axis=1), dtype=bool)
    busy = (fin & ~meter_start).any(axis=1)
    at_risk = ~busy | event
    first = first_entry_month(spell, month, event, int(spell.max()) + 1 if n else 0)[spell]
    # the history before this month already holds a start of the meter (after-flags of the
    # meter count too: a trajectory that started before the data's first month)
    earlier = (first > 0) & (month > first)
    earlier |= (fafter & np.asarray(meter, dtype=bool)[None, :]).any(axis=1) & ~event
    if one_off_only or process == "first":
        at_risk &= ~earlier
        event &= ~earlier
    return at_risk, event, earlier


def instrument_starts(
    spell: np.ndarray,
    month: np.ndarray,
    in_flags: np.ndarray,
    after_flags: np.ndarray,
    restart: np.ndarray | None = None,
) -> np.ndarray:
    """``(n, J)``: instrument ``j`` starts in the person-month (rules of :func:`entry_risk`)."""
    n = len(month)
    prev = np.zeros(n, dtype=bool)
    if n > 1:
        prev[1:] = (spell[1:] == spell[:-1]) & (month[1:] == month[:-1] + 1)
    fin = np.asarray(in_flags) != 0
    fafter = np.asarray(after_flags) != 0
    prev_in = np.zeros_like(fin)
    prev_after = np.zeros_like(fafter)
    prev_in[1:] = fin[:-1]
    prev_after[1:] = fafter[:-1]
    prev_in[~prev] = False
    prev_after[~prev] = False
    start = (fin & ~prev_in) | (fafter & ~prev_after & ~prev_in & ~fin)
    if restart is not None:
        start |= fin & (np.asarray(restart) != 0)
    return start


def started_channel(
    spell: np.ndarray,
    month: np.ndarray,
    in_flags: np.ndarray,
    after_flags: np.ndarray,
    channels: Sequence[int],
    restart: np.ndarray | None = None,
) -> np.ndarray:
    """Per person-month the position in ``channels`` (columns of the flags) of the
    instrument that starts there; -1 when none of them starts."""
    start = instrument_starts(spell, month, in_flags, after_flags, restart)
    out = np.full(len(month), -1, dtype=np.int64)
    for pos, j in reversed(list(enumerate(channels))):
        out[start[:, j]] = pos
    return out


def episode_starts(months: pd.DataFrame, codes: Sequence[str]) -> np.ndarray | None:
    """``(n, J)``: an episode of instrument ``j`` begins in the month (panel's
    ``current_instrument`` and ``months_in_instrument == 1``); ``None`` without those columns."""
    if "current_instrument" not in months.columns or "months_in_instrument" not in months.columns:
        return None
    current = months["current_instrument"].astype(object).to_numpy()
    first = months["months_in_instrument"].to_numpy() == 1
    return np.column_stack([(current == c) & first for c in codes]) if codes else None


def first_entry_month(
    spell: np.ndarray, month: np.ndarray, started: np.ndarray, n_spells: int
) -> np.ndarray:
    """Per spell the first month with ``started``; 0 when none."""
    big = np.iinfo(np.int64).max
    first = np.full(n_spells, big, dtype=np.int64)
    np.minimum.at(first, spell[started], month[started])
    first[first == big] = 0
    return first
