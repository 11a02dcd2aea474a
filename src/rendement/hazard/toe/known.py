"""Type weights from what a single advice knows about the spell.

An advice (the caseworker page, the API) knows the months on benefit ``d``, the
instrument the client is in now (if any, with the months it still runs) and the
states of month ``d + 1`` (``in:X``/``after:X`` columns, when given); it does not
know the months of earlier trajectories. :class:`AdviceHistories` rebuilds the
history from exactly that - months ``1..d`` survived, the current instrument
inside from its start (``d + 1`` minus the months already done; ``d + 1`` when
the remaining months are not given) and no other instrument - and weighs the
types with :class:`rendement.hazard.toe.posterior.ClientHistories`: the same rule
(entry risk set included) as for the caseload with its full history, so that a
client whose history really is that gets the same advice from the page and from
the lists.

A client with an after-state of an instrument of the meter had an earlier
trajectory whose start is unknown: for that client the entry part is left out
(survival only).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from rendement.hazard.toe.posterior import ClientHistories
from rendement.model.hazard_model import HazardModel


class AdviceHistories:
    """The rebuilt histories of advice clients; :meth:`weights` under any parameters."""

    def __init__(self, model: HazardModel, clients: pd.DataFrame):
        het = model.heterogeneity
        if het is None:
            raise ValueError("type weights need a model with unobserved heterogeneity")
        frame = clients.reset_index(drop=True)
        codes = list(model.spec.instruments)
        current = _current_codes(frame, codes)
        months = _months(model, frame, codes, current)
        known = frame.assign(spell_id=[f"advice-{i}" for i in range(len(frame))])
        for j, c in enumerate(codes):
            known[f"in:{c}"] = (current == j).astype(np.int8)
            col = f"after:{c}"
            flags = (
                pd.to_numeric(frame[col]).fillna(0).to_numpy() > 0
                if col in frame.columns
                else np.zeros(len(frame), dtype=bool)
            )
            known[col] = flags.astype(np.int8)
        cat = model.instruments
        meter = set(cat.loc[cat["meter"] == model.spec.meter, "instrument"].astype(str))
        earlier = np.zeros(len(frame), dtype=bool)
        for c in codes:
            if c in meter:
                earlier |= known[f"after:{c}"].to_numpy() > 0
        self.earlier = earlier & (current < 0)
        self.n = len(frame)
        keep = np.flatnonzero(~self.earlier)
        self.full = _histories(model, months, known, codes, keep)
        self.survival_only = None
        if self.earlier.any():
            self.survival_only = _histories(
                _without_entry(model), months, known, codes, np.flatnonzero(self.earlier)
            )

    def weights(self, model: HazardModel) -> np.ndarray:
        """``(n, K)`` posterior type weights under ``model``'s parameters."""
        het = model.heterogeneity
        assert het is not None
        out = np.empty((self.n, len(het.locations)))
        if self.full is not None:
            out[~self.earlier] = self.full.weights(model)
        if self.survival_only is not None:
            out[self.earlier] = self.survival_only.weights(_without_entry(model))
        return out


def _without_entry(model: HazardModel) -> HazardModel:
    het = model.heterogeneity
    assert het is not None
    return replace(model, heterogeneity=replace(het, entry_locations=()))


def _histories(
    model: HazardModel,
    months: pd.DataFrame,
    known: pd.DataFrame,
    codes: list[str],
    rows: np.ndarray,
) -> ClientHistories | None:
    """Histories of the clients ``rows`` (positions in ``known``)."""
    if not len(rows):
        return None
    part = months[np.isin(months["spell_idx"].to_numpy(), rows)].copy()
    part["spell_idx"] = np.searchsorted(rows, part["spell_idx"].to_numpy())
    sub = known.iloc[rows].reset_index(drop=True)
    panel = _History(part.reset_index(drop=True), sub, tuple(codes))
    return ClientHistories(model, panel, sub)


def _months(
    model: HazardModel, frame: pd.DataFrame, codes: list[str], current: np.ndarray
) -> pd.DataFrame:
    """Months ``1..d`` of every client, survived, with the current instrument from its start."""
    n = len(frame)
    d = pd.to_numeric(frame["months_on_benefit"]).to_numpy(dtype=np.int64)
    cat = model.instruments.set_index(model.instruments["instrument"].astype(str))
    months_of = pd.to_numeric(cat["duration_months"]).astype(int)
    duration = np.array([int(months_of.get(c, 0)) for c in codes] + [0], dtype=np.int64)
    remaining = (
        pd.to_numeric(frame["remaining_in_months"], errors="coerce").to_numpy(dtype=float)
        if "remaining_in_months" in frame.columns
        else np.full(n, np.nan)
    )
    done = np.where(np.isnan(remaining), 0, duration[current] - np.nan_to_num(remaining))
    start = np.where(current >= 0, np.clip(d + 1 - np.maximum(done, 0), 1, d + 1), 0)
    row = np.repeat(np.arange(n), d)
    month = np.arange(len(row)) - np.repeat(np.cumsum(d) - d, d) + 1
    inflow = pd.DatetimeIndex(frame["inflow_date"])
    first = inflow.year.to_numpy() * 12 + inflow.month.to_numpy() - 1
    cal = first[row] + month - 1
    inside = (current[row] >= 0) & (month >= start[row])
    names = np.asarray([*codes, ""], dtype=object)
    months = pd.DataFrame(
        {
            "spell_idx": row,
            "month": month,
            "calendar_month": pd.to_datetime(
                pd.DataFrame({"year": cal // 12, "month": cal % 12 + 1, "day": 1})
            ),
            "outflow": np.zeros(len(row), dtype=np.int8),
            "current_instrument": np.where(inside, names[current[row]], ""),
            "months_in_instrument": np.where(inside, month - start[row] + 1, 0),
        }
    )
    for j, c in enumerate(codes):
        months[f"in:{c}"] = (inside & (current[row] == j)).astype(np.int8)
        months[f"after:{c}"] = np.zeros(len(row), dtype=np.int8)
    return months


def _current_codes(frame: pd.DataFrame, codes: list[str]) -> np.ndarray:
    """Index in ``codes`` of the instrument each client is in now (-1: none)."""
    out = np.full(len(frame), -1, dtype=np.int64)
    if "current_instrument" in frame.columns:
        cur = frame["current_instrument"].fillna("").astype(str).to_numpy()
        for j, c in enumerate(codes):
            out[cur == c] = j
    for j, c in enumerate(codes):
        col = f"in:{c}"
        if col in frame.columns:
            out[(out < 0) & (pd.to_numeric(frame[col]).fillna(0).to_numpy() > 0)] = j
    return out


class _History:
    """A person-month history rebuilt from what an advice knows (a ``PanelLike``)."""

    def __init__(self, months: pd.DataFrame, spells: pd.DataFrame, instruments: tuple[str, ...]):
        self.months = months
        self.spells = spells
        self.instruments = instruments
        self.client_codes = np.arange(len(spells))
