"""From the person-month panel to the two equations of the timing-of-events model.

**Outflow** (*uitstroom*): every person-month on benefit, with exactly the
design of the default model (:mod:`rendement.hazard.design`): the same resolved
specification (baseline pieces as merged there), the same identified terms,
and the same person-months left out for separated terms. With one mass point
the outflow part of the likelihood is therefore the default model's.

**Entry** (*instroom in een traject*): one hazard for starting *any* instrument
of the meter. A spell is at risk of entry in every month in which it is not in
an instrument (a month in which an instrument of the meter starts counts as at
risk, with the event), so a client can enter again after a trajectory ended, as
in the simulator. One-off actions (``duration_months`` 0, e.g. a home visit)
have no months inside: their start is the month their after-state begins; a
meter with only one-off actions keeps a spell at risk until its first start
(later ones cannot be seen in the states). Everything is derived from the
``in:X``/``after:X`` flags (:func:`entry_risk`). The entry design is a baseline
piece per elapsed month (the outflow pieces) plus the client terms at inflow
(plus calendar years when the specification has them). With ``entry_hazard``
``meter`` (the default) which instrument is chosen at entry is assumed to depend on
observed characteristics only; that factor of the likelihood does not involve the
type and is left out. With ``entry_hazard`` ``instrument`` every instrument of the
meter has an entry hazard of its own (*channels*: the months at risk repeated per
instrument, the event where that instrument starts, terms ``<instrument>|<term>``)
with its own type offset, so the kind of trajectory may depend on the type.

Pieces or levels in which nobody entered have an entry hazard of 0 at the
maximum (separation): their months are left out of the entry equation and the
terms are stored at :data:`NO_ENTRY` so that a model evaluates their hazard as 0.

Both equations are collapsed within spells (:mod:`rendement.hazard.toe.rows`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from rendement.hazard.cells import CellDesign
from rendement.hazard.design import PanelLike, spell_positions
from rendement.hazard.identification import identify
from rendement.hazard.toe.entry_risk import (
    entry_risk,
    episode_starts,
    first_entry_month,
    instrument_starts,
    started_channel,
)
from rendement.hazard.toe.rows import EquationRows, TimingData, collapse_runs, group_rows
from rendement.model.spec import ModelSpec, client_design

#: Linear-predictor value stored for entry terms without any entry (hazard exp(-30) ~ 0).
NO_ENTRY = -30.0
__all__ = [
    "NO_ENTRY",
    "REENTRY_TERM",
    "TimingDesign",
    "entry_risk",
    "episode_starts",
    "first_entry_month",
    "instrument_starts",
    "started_channel",
    "timing_design",
]

#: Entry term: log hazard ratio of a re-entry against a first entry (``entry_process`` separate).
REENTRY_TERM = "reentry"


@dataclass(frozen=True)
class TimingDesign:
    """The data of the timing-of-events likelihood and how it was built."""

    data: TimingData
    spell_rows: np.ndarray  # position in panel.spells of each spell of ``data``
    meter_codes: tuple[str, ...]
    entry_terms_no_entry: tuple[str, ...]  # entry terms separated at -infinity (stored at NO_ENTRY)
    entry_dropped: tuple[tuple[str, str], ...]  # (term, reason) left out of the entry equation
    n_person_months: int
    n_entries: int
    entry_months: int = 0  # distinct elapsed months in which somebody entered (timing variation)

    @property
    def entry_channels(self) -> tuple[str, ...]:
        """Instruments with an entry hazard of their own (empty: one hazard for the meter)."""
        return self.data.entry_channels


def timing_design(
    panel: PanelLike,
    spec: ModelSpec,
    *,
    outflow_terms: Sequence[str],
    separated_terms: Sequence[str] = (),
    meter_codes: Sequence[str],
    one_off_codes: Sequence[str] = (),
) -> TimingDesign:
    """Both equations of ``panel`` under the resolved ``spec``.

    ``outflow_terms`` are the terms the default estimator identified (in its
    order), ``separated_terms`` the terms it left out for separation (their
    person-months are left out of the outflow equation as well); ``meter_codes``
    the instruments of the meter (entry equation), ``one_off_codes`` those without
    months inside (``duration_months`` 0).

    Long: both equations are built from the same sorted months; split, the arrays would be passed around in pieces.
    """
    months = panel.months
    spell_pos = spell_positions(panel.spells.index, months["spell_idx"].to_numpy())
    month = months["month"].to_numpy().astype(np.int64)
    order = np.lexsort((month, spell_pos))
    if not np.array_equal(order, np.arange(len(order))):
        months = months.iloc[order].reset_index(drop=True)
        spell_pos, month = spell_pos[order], month[order]
    # spells with at least one person-month, renumbered 0..S-1
    used, spell = np.unique(spell_pos, return_inverse=True)
    spell = spell.ravel().astype(np.int64)
    spells = panel.spells.iloc[used]
    cluster = pd.factorize(spells["client_id"].to_numpy(dtype=object))[0].astype(np.int64)

    codes = list(spec.instruments)
    cdesign = client_design(spec, spells)
    piece = np.asarray(spec.baseline_piece(month), dtype=np.int64)
    year_idx = (
        np.asarray(spec.calendar_index(pd.DatetimeIndex(months["calendar_month"]).year.to_numpy()))
        if spec.calendar
        else np.zeros(len(month), dtype=np.int64)
    )
    flags = {
        f"{s}:{c}": months[f"{s}:{c}"].to_numpy().astype(np.int8)
        for c in codes
        for s in ("in", "after")
    }

    outflow = _outflow_rows(
        spec, spell, piece, year_idx, flags, cdesign, months["outflow"].to_numpy(), codes
    )
    if separated_terms:
        on = np.zeros(outflow.n_rows, dtype=bool)
        for t in separated_terms:
            if t in outflow.columns:
                on |= np.asarray(outflow.exog[:, outflow.columns.index(t)].todense()).ravel() != 0
        outflow = outflow.subset(rows=~on)
    missing = [t for t in outflow_terms if t not in outflow.columns]
    if missing:
        raise ValueError(f"outflow term(s) {missing} are not in the specification's design")
    outflow = outflow.subset(columns=list(outflow_terms))

    meter = [c for c in meter_codes if c in codes]
    one_off = [c for c in meter if c in set(one_off_codes)]
    entry, no_entry, dropped, n_entries, entry_months, channels = _entry_rows(
        spec,
        spell,
        month,
        piece,
        year_idx,
        flags,
        cdesign,
        codes,
        meter,
        one_off,
        episode_starts(months, codes),
        spec.entry_process,
    )
    data = TimingData(outflow, entry, len(used), cluster, channels)
    return TimingDesign(
        data=data,
        spell_rows=used.astype(np.int64),
        meter_codes=tuple(meter),
        entry_terms_no_entry=tuple(no_entry),
        entry_dropped=tuple(dropped),
        n_person_months=len(month),
        n_entries=n_entries,
        entry_months=entry_months,
    )


def _outflow_rows(
    spec: ModelSpec,
    spell: np.ndarray,
    piece: np.ndarray,
    year_idx: np.ndarray,
    flags: dict[str, np.ndarray],
    cdesign: pd.DataFrame,
    outflow: np.ndarray,
    codes: list[str],
) -> EquationRows:
    keys = (
        np.column_stack([piece, year_idx, *flags.values()])
        if flags
        else np.column_stack([piece, year_idx])
    )
    grp = collapse_runs(spell, keys)
    first, ev, st = group_rows(grp, outflow)
    rs = spell[first]
    blocks: list[sp.csr_matrix] = [_one_hot(piece[first], len(spec.baseline_cuts))]
    cvals = cdesign.to_numpy(dtype=np.float64)
    blocks.append(sp.csr_matrix(cvals[rs]))
    client_terms = list(cdesign.columns)
    for c in codes:
        after = flags[f"after:{c}"][first].astype(np.float64)
        cols = [flags[f"in:{c}"][first].astype(np.float64), after]
        cols += [after * cvals[rs, client_terms.index(m)] for m in spec.effect_modifiers]
        blocks.append(sp.csr_matrix(np.column_stack(cols)))
    if spec.calendar:
        blocks.append(_one_hot(year_idx[first], len(spec.calendar_years))[:, 1:])
    exog = sp.csr_matrix(sp.hstack(blocks, format="csr"))
    return EquationRows(exog, tuple(spec.terms()), ev, st, rs)


def _entry_rows(
    spec: ModelSpec,
    spell: np.ndarray,
    month: np.ndarray,
    piece: np.ndarray,
    year_idx: np.ndarray,
    flags: dict[str, np.ndarray],
    cdesign: pd.DataFrame,
    codes: list[str],
    meter: list[str],
    one_off: list[str],
    restarts: np.ndarray | None,
    process: str,
) -> tuple[EquationRows | None, list[str], list[tuple[str, str]], int, int, tuple[str, ...]]:
    if not meter:
        none = [("entry equation", "the meter has no instruments in the data")]
        return None, [], none, 0, 0, ()
    in_flags = np.column_stack([flags[f"in:{c}"] for c in codes])
    after_flags = np.column_stack([flags[f"after:{c}"] for c in codes])
    is_meter = np.array([c in meter for c in codes])
    at_risk, event, reentry = entry_risk(
        spell, month, in_flags, after_flags, is_meter, len(one_off) == len(meter), restarts, process
    )
    n_entries = int(event.sum())
    if n_entries == 0:
        none = [("entry equation", "nobody entered an instrument of the meter")]
        return None, [], none, 0, 0, ()
    entry_months = len(np.unique(month[event]))
    r = np.flatnonzero(at_risk)
    separate = process == "separate" and bool(reentry[r].any())
    parts = (spec, spell[r], piece[r], year_idx[r], reentry[r], separate, cdesign)
    if spec.entry_hazard != "instrument" or len(meter) < 2:
        rows, no_entry, reasons = _identify_entry(_channel_rows(*parts, event[r]))
        return rows, no_entry, reasons, n_entries, entry_months, ()
    which = started_channel(
        spell, month, in_flags, after_flags, [codes.index(c) for c in meter], restarts
    )[r]
    blocks: list[tuple[str, EquationRows]] = []
    no_entry, reasons = [], []
    for pos, code in enumerate(meter):
        if not (which == pos).any():
            reasons.append((f"{code}|*", "nobody entered this instrument: entry hazard 0"))
            continue
        rows, ne, rs = _identify_entry(_channel_rows(*parts, which == pos))
        blocks.append((code, rows))
        no_entry += [f"{code}|{t}" for t in ne]
        reasons += [(f"{code}|{t}", why) for t, why in rs]
    return (
        _stack_channels(blocks),
        no_entry,
        reasons,
        n_entries,
        entry_months,
        tuple(c for c, _ in blocks),
    )


def _channel_rows(
    spec: ModelSpec,
    spell: np.ndarray,
    piece: np.ndarray,
    year_idx: np.ndarray,
    reentry: np.ndarray,
    separate: bool,
    cdesign: pd.DataFrame,
    event: np.ndarray,
) -> EquationRows:
    """Collapsed entry rows of the months at risk (already selected) with ``event``."""
    keys = np.column_stack([piece, year_idx, event, reentry if separate else event])
    grp = collapse_runs(spell, keys)
    f, ev, st = group_rows(grp, event)
    rs = spell[f]
    cvals = cdesign.to_numpy(dtype=np.float64)
    blocks: list[sp.csr_matrix] = [
        _one_hot(piece[f], len(spec.baseline_cuts)),
        sp.csr_matrix(cvals[rs]),
    ]
    names = spec.baseline_terms() + list(cdesign.columns)
    if separate:
        blocks.append(sp.csr_matrix(reentry[f].astype(np.float64)[:, None]))
        names.append(REENTRY_TERM)
    if spec.calendar:
        blocks.append(_one_hot(year_idx[f], len(spec.calendar_years))[:, 1:])
        names += spec.calendar_terms()
    exog = sp.csr_matrix(sp.hstack(blocks, format="csr"))
    return EquationRows(exog, tuple(names), ev, st, rs)


def _stack_channels(blocks: list[tuple[str, EquationRows]]) -> EquationRows:
    """One entry equation from the channels' rows: block-diagonal columns ``code|term``,
    rows sorted by spell, each row with its channel."""
    exog = sp.block_diag([b.exog for _, b in blocks], format="csr")
    names = tuple(f"{code}|{t}" for code, b in blocks for t in b.columns)
    spell = np.concatenate([b.spell for _, b in blocks])
    channel = np.concatenate(
        [np.full(b.n_rows, i, dtype=np.int64) for i, (_, b) in enumerate(blocks)]
    )
    order = np.argsort(spell, kind="stable")
    return EquationRows(
        sp.csr_matrix(exog[order]),
        names,
        np.concatenate([b.events for _, b in blocks])[order],
        np.concatenate([b.stays for _, b in blocks])[order],
        spell[order],
        channel[order],
    )


def _identify_entry(rows: EquationRows) -> tuple[EquationRows, list[str], list[tuple[str, str]]]:
    """Entry terms the data identify; separated terms (nobody entered) go with their months."""
    cells = CellDesign(rows.exog.toarray(), rows.columns, rows.events, rows.events + rows.stays)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, dropped = identify(cells)
    no_entry = [d.term for d in dropped if d.reason.startswith("separation: no outflow")]
    other = [d for d in dropped if d.term not in no_entry]
    keep = [c for c in rows.columns if c not in {d.term for d in dropped}]
    excluded = np.zeros(rows.n_rows, dtype=bool)
    for t in [d.term for d in dropped if d.reason.startswith("separation")]:
        excluded |= np.asarray(rows.exog[:, rows.columns.index(t)].todense()).ravel() != 0
    reasons = [(t, "nobody entered where this term applies: entry hazard 0") for t in no_entry]
    reasons += [(d.term, d.reason.replace("outflow", "entry")) for d in other]
    return rows.subset(rows=~excluded, columns=keep), no_entry, reasons


def _one_hot(index: np.ndarray, width: int) -> sp.csr_matrix:
    n = len(index)
    return sp.csr_matrix((np.ones(n), (np.arange(n), index)), shape=(n, width))
