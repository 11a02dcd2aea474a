"""Spell-collapsed rows: the data the timing-of-events likelihood works on.

With unobserved heterogeneity the likelihood of a spell is a mixture over
types, ``sum_k p_k * prod_months f_k(month)``, so person-months of *different*
spells can no longer be pooled into cells as the default estimator does. Within
one spell they still can: consecutive months with the same design row (same
baseline piece, instrument state, calendar year) contribute
``stays * log(1 - h) + events * log(h)`` with one ``h`` per type. A spell of
ten years thus becomes a dozen rows instead of 120 person-months.

:class:`EquationRows` holds the rows of one equation (outflow, or entry into an
instrument) and :class:`TimingData` both equations with the spell and client
of every row. :func:`collapse_runs` does the within-spell collapse.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class EquationRows:
    """Collapsed rows of one hazard equation.

    ``exog`` is a sparse ``(n_rows, n_terms)`` design with columns ``columns``;
    ``events`` (0/1) and ``stays`` (months at risk without the event) per row;
    ``spell`` the spell (``0..n_spells-1``) each row belongs to, rows sorted by spell.
    ``channel`` (entry equation with an entry hazard per instrument, optional): the
    instrument (``0..C-1``) each row is at risk of entering; its type location is the
    entry location plus that channel's offset.
    """

    exog: sp.csr_matrix
    columns: tuple[str, ...]
    events: np.ndarray
    stays: np.ndarray
    spell: np.ndarray
    channel: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = self.exog.shape[0]
        if self.exog.shape[1] != len(self.columns):
            raise ValueError(
                f"exog has {self.exog.shape[1]} columns, names given for {len(self.columns)}"
            )
        for name in ("events", "stays", "spell", "channel"):
            if getattr(self, name) is not None and len(getattr(self, name)) != n:
                raise ValueError(f"{name} has {len(getattr(self, name))} rows, exog has {n}")
        if n and np.any(np.diff(self.spell) < 0):
            raise ValueError("rows must be sorted by spell")

    @property
    def n_channels(self) -> int:
        """Number of entry channels (1 without a channel per row)."""
        if self.channel is None or not len(self.channel):
            return 1
        return int(self.channel.max()) + 1

    @property
    def n_rows(self) -> int:
        return int(self.exog.shape[0])

    @property
    def n_terms(self) -> int:
        return len(self.columns)

    @functools.cached_property
    def event_rows(self) -> np.ndarray:
        """Indices of the rows with an event (the likelihood's ``log h`` terms)."""
        return np.flatnonzero(self.events > 0)

    @property
    def n_events(self) -> int:
        return int(round(float(self.events.sum())))

    @property
    def n_months(self) -> int:
        """Person-months at risk in this equation."""
        return int(round(float(self.events.sum() + self.stays.sum())))

    def aggregator(self, n_spells: int) -> sp.csr_matrix:
        """Sparse ``(n_spells, n_rows)`` 0/1 matrix summing rows per spell."""
        n = self.n_rows
        return sp.csr_matrix(
            (np.ones(n), (self.spell.astype(np.int64), np.arange(n))), shape=(n_spells, n)
        )

    def subset(
        self, rows: np.ndarray | None = None, columns: list[str] | None = None
    ) -> EquationRows:
        """These rows restricted to a boolean row mask and/or named columns (in that order)."""
        exog, events, stays, spell = self.exog, self.events, self.stays, self.spell
        channel = self.channel
        if rows is not None:
            mask = np.asarray(rows, dtype=bool)
            exog, events, stays, spell = exog[mask], events[mask], stays[mask], spell[mask]
            channel = None if channel is None else channel[mask]
        names = self.columns
        if columns is not None:
            idx = [self.columns.index(c) for c in columns]
            exog = exog[:, idx]
            names = tuple(columns)
        return EquationRows(sp.csr_matrix(exog), names, events, stays, spell, channel)


@dataclass(frozen=True)
class TimingData:
    """Both equations of the timing-of-events model on the same spells.

    ``cluster`` gives the client (dense code) of each spell, for standard errors
    clustered by client; ``entry`` is ``None`` when nobody is at risk of entering
    or nobody entered (the entry equation is then left out).
    """

    outflow: EquationRows
    entry: EquationRows | None
    n_spells: int
    cluster: np.ndarray
    #: Names of the entry channels (instrument codes) when the entry equation has one
    #: hazard per instrument; empty for one entry hazard for the meter.
    entry_channels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if len(self.cluster) != self.n_spells:
            raise ValueError(f"cluster has {len(self.cluster)} entries, expected {self.n_spells}")

    @property
    def n_clients(self) -> int:
        return int(len(np.unique(self.cluster)))

    def client_sample(self, max_spells: int, seed: int) -> TimingData:
        """A random sample of whole clients (all their spells) with about ``max_spells``
        spells, spells renumbered ``0..S'-1``; ``self`` when it is not larger."""
        if self.n_spells <= max_spells:
            return self
        clients = np.unique(self.cluster)
        share = max_spells / self.n_spells
        rng = np.random.default_rng(seed)
        chosen = clients[rng.random(len(clients)) < share]
        keep = np.isin(self.cluster, chosen)
        new_id = np.cumsum(keep) - 1

        def take(rows: EquationRows) -> EquationRows:
            part = rows.subset(rows=keep[rows.spell])
            return replace(part, spell=new_id[part.spell])

        return TimingData(
            take(self.outflow),
            None if self.entry is None else take(self.entry),
            int(keep.sum()),
            self.cluster[keep],
            self.entry_channels,
        )


def collapse_runs(spell: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Group index of each person-month: consecutive months of a spell with equal ``keys``.

    ``spell`` is sorted (months of a spell in order of elapsed month) and ``keys``
    an ``(n, m)`` integer array of the time-varying parts of the design (baseline
    piece, instrument flags, calendar year). A new group starts where the spell
    or any key changes; groups are numbered ``0..n_groups-1`` in row order.
    """
    spell = np.asarray(spell)
    n = len(spell)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    k = np.asarray(keys).reshape(n, -1)
    change = np.empty(n, dtype=bool)
    change[0] = True
    change[1:] = spell[1:] != spell[:-1]
    if k.shape[1]:
        change[1:] |= np.any(k[1:] != k[:-1], axis=1)
    return np.cumsum(change) - 1


def group_rows(group: np.ndarray, events: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First row of each group, and events and stays (months without event) per group."""
    n_groups = int(group[-1]) + 1 if len(group) else 0
    first = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else group
    ev = np.bincount(group, weights=np.asarray(events, dtype=np.float64), minlength=n_groups)
    months = np.bincount(group, minlength=n_groups).astype(np.float64)
    return first, ev, months - ev
