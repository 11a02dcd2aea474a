"""Instrument episodes (trajecten) in spell months.

Each trajectory is placed in the benefit spell of its client that contains its
start date, and its dates become spell months (``docs/architecture.md``,
"Instrument states"): first month ``s = months_between(S, A) + 1``, last month
``e = months_between(S, B)`` (``e = s - 1`` for a one-off action with ``A = B``).
A trajectory without end date, or ending after the cut-off, is running: it is
in up to the cut-off month ``d`` of a running spell, or up to the spell's
duration ``T`` when the spell ended. An end after the spell's end is cut at ``T``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.panel.cutoff import (
    SpellsAtCutoff,
    cutoff_ns,
    datetimes,
    months_from,
    resolve_until,
    spells_at_cutoff,
)

EPISODE_COLUMNS = (
    "trajectory_id",
    "client_id",
    "spell_id",
    "spell_idx",
    "instrument",
    "first_month",
    "last_month",
    "planned_last_month",
    "running_at_cutoff",
)


def instrument_episodes(data: DataFolder, *, until: dt.date | None = None) -> pd.DataFrame:
    """One row per trajectory that starts inside a spell on or before ``until``.

    ``until`` defaults to the extraction date. Columns: ``trajectory_id``,
    ``client_id``, ``spell_id``, ``spell_idx`` (position of the spell in
    ``data.spells``), ``instrument``, ``first_month`` (s), ``last_month`` (e, cut
    at the cut-off or the spell's end), ``planned_last_month`` (from the end
    date; for a trajectory without end date ``s - 1`` + the catalogue's
    ``duration_months``) and ``running_at_cutoff`` (no end on or before
    ``until`` while the spell is still on benefit at ``until``). Rows keep the
    order of ``data.trajectories``. Trajectories that start outside every spell
    of their client (invalid data) are left out.
    """
    cutoff = resolve_until(data, until)
    table = episode_table(data, spells_at_cutoff(data.spells, cutoff))
    return table.loc[:, list(EPISODE_COLUMNS)].reset_index(drop=True)


def match_spells(spells: pd.DataFrame, trajectories: pd.DataFrame) -> np.ndarray:
    """Position in ``spells`` of the spell holding each trajectory's start date (-1: none).

    The spell of the same client with the latest ``start_date <= A`` is taken and
    accepted when ``A <= end_date`` (or the spell has no end date). Vectorised:
    one sorted key ``client * width + day`` and a binary search.
    """
    n_traj = len(trajectories)
    if n_traj == 0 or len(spells) == 0:
        return np.full(n_traj, -1, dtype=np.int64)
    clients = pd.concat(
        [spells["client_id"].astype(object), trajectories["client_id"].astype(object)],
        ignore_index=True,
    )
    codes, _ = pd.factorize(clients)
    spell_client, traj_client = codes[: len(spells)], codes[len(spells) :]
    spell_start = _days(datetimes(spells["start_date"]))
    spell_end = _days(datetimes(spells["end_date"]))
    traj_start = _days(datetimes(trajectories["start_date"]))

    valid_days = np.concatenate([spell_start, traj_start])
    valid_days = valid_days[valid_days != _NO_DAY]
    if len(valid_days) == 0:
        return np.full(n_traj, -1, dtype=np.int64)
    low = int(valid_days.min())
    width = int(valid_days.max()) - low + 2
    spell_key = spell_client.astype(np.int64) * width + (spell_start - low + 1)
    spell_key[spell_start == _NO_DAY] = -1
    traj_key = traj_client.astype(np.int64) * width + (traj_start - low + 1)

    order = np.argsort(spell_key, kind="stable")
    pos = np.searchsorted(spell_key[order], traj_key, side="right") - 1
    candidate = np.where(pos >= 0, order[np.maximum(pos, 0)], -1)
    same_client = (candidate >= 0) & (spell_client[np.maximum(candidate, 0)] == traj_client)
    cand_end = spell_end[np.maximum(candidate, 0)]
    inside = same_client & ((cand_end == _NO_DAY) | (traj_start <= cand_end))
    inside &= (traj_start != _NO_DAY) & (spell_start[np.maximum(candidate, 0)] != _NO_DAY)
    return np.where(inside, candidate, -1).astype(np.int64)


_NO_DAY = np.iinfo(np.int64).min


def _days(values: np.ndarray) -> np.ndarray:
    """Day numbers of a datetime64 array (NaT -> the minimum int64)."""
    return values.astype("datetime64[D]").astype(np.int64)


def episode_table(data: DataFolder, spells: SpellsAtCutoff) -> pd.DataFrame:
    """The episodes at ``spells.until`` with two internal columns for ordering.

    Besides :data:`EPISODE_COLUMNS`: ``start_date`` (of the trajectory),
    ``trajectory_row`` (its position in ``data.trajectories``) and ``open_ended``
    (no end date in the data).
    """
    traj = data.trajectories
    cut = cutoff_ns(spells.until)
    spell_idx = match_spells(data.spells, traj)
    a = datetimes(traj["start_date"])
    b = datetimes(traj["end_date"])
    keep = (spell_idx >= 0) & ~np.isnat(a) & (a <= cut)
    keep &= spells.included[np.maximum(spell_idx, 0)]
    rows = np.flatnonzero(keep)
    sp = spell_idx[rows]
    a, b = a[rows], b[rows]
    s_date = spells.start[sp]

    first = months_from(s_date, a) + 1
    has_end = ~np.isnat(b)
    ended = has_end & (b <= cut)
    to_end = np.where(has_end, months_from(s_date, np.where(has_end, b, s_date)), 0)
    cap = spells.duration[sp]
    last = np.where(ended, np.minimum(to_end, cap), cap)
    last = np.maximum(last, first - 1)

    catalogue = data.instruments.drop_duplicates("instrument").set_index("instrument")
    instrument = traj["instrument"].to_numpy(dtype=object)[rows]
    planned_duration = (
        pd.Series(instrument, dtype=object)
        .map(catalogue["duration_months"])
        .astype("float64")
        .to_numpy()
    )
    known = ~np.isnan(planned_duration)
    from_catalogue = first - 1 + np.nan_to_num(planned_duration).astype(np.int64)
    planned = np.where(has_end, to_end, np.where(known, from_catalogue, last))
    planned = np.maximum(planned, first - 1)

    return pd.DataFrame(
        {
            "trajectory_id": traj["trajectory_id"].to_numpy(dtype=object)[rows],
            "client_id": traj["client_id"].to_numpy(dtype=object)[rows],
            "spell_id": data.spells["spell_id"].to_numpy(dtype=object)[sp],
            "spell_idx": sp.astype(np.int64),
            "instrument": instrument,
            "first_month": first.astype(np.int64),
            "last_month": last.astype(np.int64),
            "planned_last_month": planned.astype(np.int64),
            "running_at_cutoff": ~ended & spells.censored[sp],
            "start_date": a,
            "trajectory_row": rows.astype(np.int64),
            "open_ended": ~has_end,
        }
    )
