"""The person-month panel: one record per client-month on benefit (persoonsmaanden).

Spells and trajectories become the records a discrete-time hazard model is
estimated on (``docs/architecture.md``, "Time" and "Instrument states"):

* an ended spell contributes spell months ``k = 1..T`` with ``outflow = 1`` only at ``T``;
* a spell still running at the cut-off contributes ``k = 1..d`` without outflow;
* ``in:CODE = 1`` in the months ``s..e`` of a trajectory, ``after:CODE = 1`` in
  every later month of the same spell; flags of several trajectories combine with "or";
  states never carry over to another spell.

Everything is vectorised (``numpy.repeat``/``cumsum``/``bincount``): no Python
loop per spell or per trajectory, only one per instrument code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.panel.clients import with_client_columns
from rendement.panel.cutoff import (
    SpellsAtCutoff,
    code_index,
    months_from,
    resolve_codes,
    resolve_until,
    spells_at_cutoff,
)
from rendement.panel.episodes import episode_table
from rendement.panel.events import EventDefinition, spell_events


@dataclass(frozen=True, eq=False)
class PersonMonthPanel:
    """Person-month records (``months``) and the spells they belong to (``spells``).

    ``months``: ``spell_idx`` (row of ``spells``), ``month`` (elapsed spell month
    ``k >= 1``), ``calendar_month`` (first day of the calendar month in which spell
    month ``k`` starts), ``outflow``, ``in:CODE``/``after:CODE`` per instrument,
    ``current_instrument`` and ``months_in_instrument``.

    ``spells``: one row per spell started on or before ``until`` (index ``spell_idx``),
    with its inflow date, ``censored`` (still on benefit at ``until``), ``event``
    (ended in outflow as ``events`` defines it), ``censored_at_end`` (ended with
    a reason that censors, such as ``aow``), duration (months in the panel),
    benefit and the client's characteristics from the clients table (so
    covariates are taken at inflow). ``months["outflow"]`` is 1 only in the last
    month of a spell with ``event``: the one event indicator every estimator reads.
    """

    months: pd.DataFrame
    spells: pd.DataFrame
    instruments: tuple[str, ...]
    until: pd.Timestamp
    events: EventDefinition = EventDefinition()

    @property
    def n_person_months(self) -> int:
        return len(self.months)

    @cached_property
    def client_codes(self) -> np.ndarray:
        """Dense client index (int32, ``0..n_clients-1``) per row of ``months``, for clustering."""
        spell_idx = self.months["spell_idx"].to_numpy()
        used = np.unique(spell_idx)
        per_spell = np.full(len(self.spells), -1, dtype=np.int32)
        codes, _ = pd.factorize(self.spells["client_id"].to_numpy(dtype=object)[used])
        per_spell[used] = codes.astype(np.int32)
        return per_spell[spell_idx]


def build_panel(
    data: DataFolder,
    *,
    until: dt.date | None = None,
    instruments: Sequence[str] | None = None,
    events: EventDefinition | None = None,
) -> PersonMonthPanel:
    """Build the person-month panel of ``data`` as known at ``until``.

    ``until`` defaults to the extraction date. Spells starting after ``until``
    are left out; spells ending after it are censored at ``until`` (their end
    date and end reason are blanked in ``spells``). Trajectories starting after
    ``until`` are ignored, those ending after it are running. ``instruments``
    (default: the catalogue, in its order) gives the codes with state columns;
    trajectories of other instruments are ignored. ``events`` (default: ``aow``
    and ``overleden`` censor, every other end is outflow) says which ends are
    outflow (:mod:`rendement.panel.events`).
    """
    cutoff = resolve_until(data, until)
    codes = resolve_codes(data, instruments)
    definition = events if events is not None else EventDefinition()
    view = spells_at_cutoff(data.spells, cutoff)
    ended = view.included & ~view.censored
    reason = data.spells["end_reason"].to_numpy(dtype=object).copy()
    reason[~ended] = None
    outcome = spell_events(
        definition, reason, ended, view.duration, months_from(view.start, view.end)
    )
    view = replace(view, duration=outcome.duration)
    rows = np.flatnonzero(view.included)
    lengths = view.duration[rows]
    spells = _spell_table(data, rows, view, outcome.event, outcome.censored_at_end)
    months = _month_records(data, view, rows, lengths, codes, outcome.event)
    return PersonMonthPanel(
        months=months, spells=spells, instruments=codes, until=cutoff, events=definition
    )


def _spell_table(
    data: DataFolder,
    rows: np.ndarray,
    view: SpellsAtCutoff,
    event: np.ndarray,
    censored_at_end: np.ndarray,
) -> pd.DataFrame:
    src = data.spells.iloc[rows]
    censored = view.censored[rows]
    reason = src["end_reason"].to_numpy(dtype=object).copy()
    reason[censored] = None
    frame = pd.DataFrame(
        {
            "spell_id": src["spell_id"].to_numpy(dtype=object),
            "client_id": src["client_id"].to_numpy(dtype=object),
            "inflow_date": view.start[rows],
            "end_date": view.end[rows],
            "censored": censored,
            "duration": view.duration[rows],
            "monthly_benefit": src["monthly_benefit"].to_numpy(dtype=np.float64),
            "end_reason": reason,
            "event": event[rows],
            "censored_at_end": censored_at_end[rows],
        },
        index=pd.RangeIndex(len(rows), name="spell_idx"),
    )
    return with_client_columns(frame, data.clients)


def _month_records(
    data: DataFolder,
    view: SpellsAtCutoff,
    rows: np.ndarray,
    lengths: np.ndarray,
    codes: tuple[str, ...],
    event: np.ndarray,
) -> pd.DataFrame:
    n_spells = len(rows)
    offsets = np.zeros(n_spells + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    total = int(offsets[-1])
    spell_idx = np.repeat(np.arange(n_spells, dtype=np.int32), lengths)
    month = np.arange(total, dtype=np.int64) - np.repeat(offsets[:-1], lengths) + 1
    first_calendar = view.start[rows].astype("datetime64[M]")
    calendar = (np.repeat(first_calendar, lengths) + (month - 1)).astype("datetime64[ns]")
    outflow = np.zeros(total, dtype=np.int8)
    ended = event[rows] & (lengths > 0)
    outflow[offsets[1:][ended] - 1] = 1

    columns: dict[str, np.ndarray | pd.Categorical] = {
        "spell_idx": spell_idx,
        "month": month.astype(np.int16),
        "calendar_month": calendar,
        "outflow": outflow,
    }
    ep = _panel_episodes(data, view, rows, codes)
    panel_spell = ep["panel_spell"].to_numpy()
    code_idx = ep["code_idx"].to_numpy()
    first = ep["first_month"].to_numpy()
    last = ep["last_month"].to_numpy()
    base = offsets[panel_spell]
    spell_len = lengths[panel_spell]
    in_hi = np.minimum(last, spell_len)
    has_in = first <= in_hi
    has_after = last < spell_len
    for j, code in enumerate(codes):
        inside = (code_idx == j) & has_in
        after = (code_idx == j) & has_after
        columns[f"in:{code}"] = _interval_flags(
            base[inside] + first[inside] - 1, base[inside] + in_hi[inside], total
        )
        columns[f"after:{code}"] = _interval_flags(
            base[after] + last[after], base[after] + spell_len[after], total
        )
    current, months_in = _current_instrument(ep, base, in_hi, has_in, month, total)
    columns["current_instrument"] = pd.Categorical.from_codes(
        (current + 1).astype(np.int64), categories=pd.Index(["", *codes], dtype=object)
    )
    columns["months_in_instrument"] = months_in
    return pd.DataFrame(columns)


def _panel_episodes(
    data: DataFolder, view: SpellsAtCutoff, rows: np.ndarray, codes: tuple[str, ...]
) -> pd.DataFrame:
    """Episodes of the listed instruments, with their panel spell and code index."""
    ep = episode_table(data, view)
    code_idx = code_index(codes, ep["instrument"])
    ep = ep.loc[code_idx >= 0].copy()
    ep["code_idx"] = code_idx[code_idx >= 0]
    panel_of = np.full(len(data.spells), -1, dtype=np.int64)
    panel_of[rows] = np.arange(len(rows))
    ep["panel_spell"] = panel_of[ep["spell_idx"].to_numpy()]
    return ep.loc[ep["panel_spell"] >= 0].reset_index(drop=True)


def _interval_flags(lo: np.ndarray, hi: np.ndarray, total: int) -> np.ndarray:
    """int8 0/1 over ``total`` rows: 1 where some half-open interval ``[lo, hi)`` covers the row."""
    if len(lo) == 0:
        return np.zeros(total, dtype=np.int8)
    edges = np.concatenate([lo, hi])
    steps = np.concatenate([np.ones(len(lo)), -np.ones(len(hi))])
    depth = np.cumsum(np.bincount(edges, weights=steps, minlength=total + 1)[:total])
    return (depth > 0.5).astype(np.int8)


def _current_instrument(
    ep: pd.DataFrame,
    base: np.ndarray,
    in_hi: np.ndarray,
    has_in: np.ndarray,
    month: np.ndarray,
    total: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Per row: code index of the latest-started instrument the client is in (-1: none),
    and the months since its start (1 in its first month, 0 when none)."""
    current = np.full(total, -1, dtype=np.int64)
    months_in = np.zeros(total, dtype=np.int16)
    if not has_in.any():
        return current, months_in
    # Rank episodes by start within the spell: spell, first month, start date, file order.
    order = np.lexsort(
        (
            ep["trajectory_row"].to_numpy(),
            ep["start_date"].to_numpy(dtype="datetime64[ns]").astype(np.int64),
            ep["first_month"].to_numpy(),
            ep["panel_spell"].to_numpy(),
        )
    )
    rank = np.empty(len(ep), dtype=np.int64)
    rank[order] = np.arange(len(ep))
    first = ep["first_month"].to_numpy()
    which = np.flatnonzero(has_in)
    spans = in_hi[which] - first[which] + 1
    pair_episode = np.repeat(which, spans)
    step = np.arange(int(spans.sum())) - np.repeat(np.cumsum(spans) - spans, spans)
    pair_row = base[pair_episode] + first[pair_episode] - 1 + step
    best = np.full(total, -1, dtype=np.int64)
    np.maximum.at(best, pair_row, rank[pair_episode])
    covered = best >= 0
    episode = order[best[covered]]
    current[covered] = ep["code_idx"].to_numpy()[episode]
    months_in[covered] = (month[covered] - first[episode] + 1).astype(np.int16)
    return current, months_in
