"""Checks between rows and tables: dates in order, keys that exist, spells that fit together.

* ``end_before_start``: a spell or trajectory whose ``end_date`` lies before its ``start_date``.
* ``unknown_client``: a spell or trajectory naming a client that is not in ``clients``.
* ``unknown_instrument``: a trajectory whose instrument is not in the catalogue.
* ``overlapping_spells``: a spell of a client that starts before an earlier spell of the
  same client has ended (a spell may start on the day the previous one ended), or on the
  same day as another of that client's spells.
* ``trajectory_outside_spell``: a trajectory whose ``start_date`` is not inside any of the
  client's spells (``start_date <= date <= end_date``, open-ended when the spell runs).
  A trajectory ending after its spell is allowed: the panel cuts it.

A check is skipped when a table it needs is missing or unreadable, and rows whose
own values are already reported (wrong dates, an unknown client) are left out, so
that one mistake is reported once and not again as its consequences.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from rendement.contract.checks import violations_at
from rendement.contract.tables import CheckedTable
from rendement.errors import Violation


def _iso(date: Any) -> str:
    """A date as YYYY-MM-DD; ``ongoing`` for an empty end date."""
    stamp = pd.Timestamp(date) if date is not None else pd.NaT
    return "ongoing" if pd.isna(stamp) else f"{stamp:%Y-%m-%d}"


def end_before_start(t: CheckedTable) -> list[Violation]:
    """Rows whose end_date is before their start_date."""
    if not t.usable("start_date", "end_date"):
        return []
    assert t.frame is not None
    start, end = t.frame["start_date"], t.frame["end_date"]
    mask = (start.notna() & end.notna() & (end < start)).to_numpy()
    expected = np.full(len(mask), "", dtype=object)
    where = np.flatnonzero(mask)
    expected[where] = [
        f"a date on or after start_date ({_iso(s)})" for s in start.to_numpy()[where]
    ]
    return violations_at(
        mask,
        file=t.file,
        rows=t.rows,
        column="end_date",
        values=t.cells("end_date"),
        expected=expected,
        code="end_before_start",
    )


def dates_in_order(t: CheckedTable) -> np.ndarray:
    """Rows with a usable start date and an end date that is empty or not before it."""
    assert t.frame is not None
    start, end = t.frame["start_date"], t.frame["end_date"]
    ok = start.notna() & ~(end.notna() & (end < start))
    return ok.to_numpy() & ~t.bad("start_date") & ~t.bad("end_date")


def unknown_keys(
    t: CheckedTable, column: str, catalogue: CheckedTable, key: str, code: str, what: str
) -> list[Violation]:
    """Values of ``t[column]`` that are not among ``catalogue[key]`` (skipped when unreadable)."""
    if not t.usable(column) or not catalogue.usable(key):
        return []
    assert t.frame is not None and catalogue.frame is not None
    values = t.frame[column]
    known = pd.Index(catalogue.frame[key].dropna().unique())
    mask = (values.notna() & ~values.isin(known)).to_numpy()
    return violations_at(
        mask,
        file=t.file,
        rows=t.rows,
        column=column,
        values=t.cells(column),
        expected=f"{what} that is in {catalogue.file}",
        code=code,
    )


def overlapping_spells(spells: CheckedTable) -> list[Violation]:
    """Spells that start while an earlier spell of the same client is still running."""
    if not spells.usable("client_id", "start_date"):
        return []
    assert spells.frame is not None
    ok = dates_in_order(spells) & spells.frame["client_id"].notna().to_numpy()
    frame = pd.DataFrame(
        {
            "client": spells.frame["client_id"],
            "start": spells.frame["start_date"],
            "end": spells.frame["end_date"].fillna(pd.Timestamp.max),
            "pos": np.arange(len(spells.frame)),
        }
    )[ok]
    frame = frame.sort_values(["client", "start", "pos"], kind="stable")
    by_client = frame.groupby("client", sort=False)
    latest_end = by_client["end"].cummax().groupby(frame["client"], sort=False).shift(1)
    previous_start = by_client["start"].shift(1)
    clash = (frame["start"] < latest_end) | (frame["start"] == previous_start)
    flagged = frame[clash.to_numpy()]
    if flagged.empty:
        return []
    mask = np.zeros(len(spells.frame), dtype=bool)
    expected = np.full(len(spells.frame), "", dtype=object)
    earlier = frame[frame["client"].isin(flagged["client"])]
    groups = {c: g for c, g in earlier.groupby("client", sort=False)}
    spell_ids = spells.frame["spell_id"] if "spell_id" in spells.present else None
    for client, start, pos in zip(flagged["client"], flagged["start"], flagged["pos"], strict=True):
        group = groups[client]
        before = group[
            (group["pos"] != pos)
            & (group["start"] <= start)
            & ((group["end"] > start) | (group["start"] == start))
        ]
        other = before.iloc[0] if len(before) else group.iloc[0]
        other_pos = int(other["pos"])
        end = spells.frame["end_date"].iloc[other_pos]
        name = f"spell {spell_ids.iloc[other_pos]} " if spell_ids is not None else "the spell "
        expected[pos] = (
            f"no overlap with the client's other spells; {name}(row {int(spells.rows[other_pos])}) "
            f"runs from {_iso(other['start'])} to {_iso(end)}"
        )
        mask[pos] = True
    return violations_at(
        mask,
        file=spells.file,
        rows=spells.rows,
        column="start_date",
        values=spells.cells("start_date"),
        expected=expected,
        code="overlapping_spells",
    )


def _covered(dates: pd.Series, starts: pd.Series, ends: pd.Series) -> np.ndarray:
    """Which ``dates`` fall inside the union of the periods ``[starts, ends]`` (NaT end = open)."""
    if starts.empty:
        return np.zeros(len(dates), dtype=bool)
    periods = pd.DataFrame({"start": starts, "end": ends.fillna(pd.Timestamp.max)})
    periods = periods.sort_values("start")
    reach = periods["end"].cummax()
    begins_new = (periods["start"] > reach.shift(1)).to_numpy()
    begins_new[0] = True
    group = np.cumsum(begins_new)
    merged = pd.DataFrame(
        {"start": periods["start"].to_numpy(), "end": reach.to_numpy(), "g": group}
    )
    union = merged.groupby("g").agg(start=("start", "min"), end=("end", "max"))
    first = union["start"].to_numpy()
    last = union["end"].to_numpy()
    values = dates.to_numpy(dtype="datetime64[ns]")
    at = np.searchsorted(first, values, side="right") - 1
    known = ~np.isnat(values) & (at >= 0)
    inside = np.zeros(len(values), dtype=bool)
    inside[known] = values[known] <= last[at[known]]
    return inside


def trajectories_outside_spells(
    trajectories: CheckedTable, spells: CheckedTable, clients: CheckedTable
) -> list[Violation]:
    """Trajectories whose start date falls in none of the client's spells."""
    if not trajectories.usable("client_id", "start_date") or not spells.usable(
        "client_id", "start_date"
    ):
        return []
    assert trajectories.frame is not None and spells.frame is not None
    t_client = trajectories.frame["client_id"]
    checkable = (
        t_client.notna().to_numpy()
        & trajectories.frame["start_date"].notna().to_numpy()
        & ~trajectories.bad("start_date")
    )
    if clients.usable("client_id"):
        assert clients.frame is not None
        checkable &= t_client.isin(pd.Index(clients.frame["client_id"].dropna())).to_numpy()
    dated = dates_in_order(spells)
    s_client = spells.frame["client_id"]
    named = s_client.notna().to_numpy()
    if (~dated & ~named).any():
        return []  # a spell of nobody knows whom, nor when: any trajectory could be in it
    s_ok = dated & named
    doubtful = pd.Index(s_client[~dated & named].unique())
    checkable &= ~t_client.isin(doubtful).to_numpy()
    checkable &= ~_covered(
        trajectories.frame["start_date"],
        spells.frame["start_date"][dated & ~named],
        spells.frame["end_date"][dated & ~named],
    )
    traj = pd.DataFrame(
        {
            "client": t_client,
            "date": trajectories.frame["start_date"],
            "pos": np.arange(len(t_client)),
        }
    )[checkable]
    spell = pd.DataFrame(
        {
            "client": s_client,
            "start": spells.frame["start_date"],
            "end": spells.frame["end_date"],
        }
    )[s_ok]
    pairs = traj.merge(spell, on="client", how="inner")
    inside = (pairs["date"] >= pairs["start"]) & (
        pairs["end"].isna() | (pairs["date"] <= pairs["end"])
    )
    covered = pd.Index(pairs.loc[inside.to_numpy(), "pos"].unique())
    mask = checkable & ~np.isin(np.arange(len(t_client)), covered.to_numpy())
    if not mask.any():
        return []
    expected = np.full(len(t_client), "", dtype=object)
    flagged_clients = pd.Index(t_client[mask].unique())
    periods = {
        c: g.sort_values("start")
        for c, g in spell[spell["client"].isin(flagged_clients)].groupby("client", sort=False)
    }
    for pos in np.flatnonzero(mask):
        group = periods.get(t_client.iloc[pos])
        if group is None:
            expected[pos] = f"a date inside one of the client's spells (none in {spells.file})"
            continue
        shown = [
            f"{_iso(s)} to {_iso(e)}" for s, e in zip(group["start"], group["end"], strict=True)
        ]
        more = f" and {len(shown) - 3} more" if len(shown) > 3 else ""
        expected[pos] = "a date inside one of the client's spells: " + ", ".join(shown[:3]) + more
    return violations_at(
        mask,
        file=trajectories.file,
        rows=trajectories.rows,
        column="start_date",
        values=trajectories.cells("start_date"),
        expected=expected,
        code="trajectory_outside_spell",
    )
