"""Posterior type weights: who is still on benefit, given what we have seen of the spell.

A client who has been on benefit ``d`` months is no longer a random draw from
the inflow: the types that leave fast have mostly gone. With the model's mass
points ``(v_o[k], v_e[k])`` and shares ``p_k`` at inflow, the weight of type
``k`` for a client whose current spell has history ``H`` (months ``1..d``
survived, the instrument states in them, and when an instrument of the meter
first started or that none did) is::

    w_k  proportional to  p_k * prod_{m <= d} (1 - h_o,k(m))
                              * prod_{entry months at risk} f_e,k(m)

with ``f_e = h_e`` in the month of the first start and ``1 - h_e`` before it
(and, with the model's ``entry_process`` ``separate`` or ``all``, the months after it
too: the same rule as the entry equation of the fit, :func:`.design.entry_risk`).
Heterogeneity is spell-level, so earlier spells of the client say nothing about
the current type. The entry factor only counts when the model has entry
locations (a timing-of-events model); it cancels otherwise.

Scoring then averages the survival paths of the types with these weights
(:func:`rendement.scoring.survival.mixture_survival`), so expected remaining months,
outflow chances and months saved account for who is still on benefit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import logsumexp

from rendement.contract.folder import DataFolder
from rendement.errors import ModelMismatchError
from rendement.hazard.design import PanelLike
from rendement.hazard.toe.design import (
    REENTRY_TERM,
    entry_risk,
    episode_starts,
    started_channel,
)
from rendement.model.hazard_model import HazardModel


def posterior_type_weights(
    model: HazardModel,
    panel_or_history: PanelLike,
    clients: pd.DataFrame | Sequence[str],
) -> np.ndarray:
    """``(n_clients, K)`` posterior weights of the model's mass points, rows summing to 1.

    ``panel_or_history`` is the person-month panel with the clients' current
    spells (:func:`rendement.panel.build_panel` up to the as-of date); ``clients``
    the caseload (:func:`rendement.panel.caseload_state`: ``client_id``, and
    when present ``spell_id`` and ``months_on_benefit`` ``d``, which limits the
    history to months ``1..d``) or a list of client ids (their latest spell,
    when it is still running). A client without months on benefit in the
    current spell gets the shares at inflow. A model without heterogeneity
    gives one column of ones.
    """
    frame = _as_frame(clients)
    if model.heterogeneity is None:
        return np.ones((len(frame), 1))
    return ClientHistories(model, panel_or_history, frame).weights(model)


class ClientHistories:
    """What the clients' current spells show, prepared once, for weighing types under any
    parameters of the model's form (the estimate or a draw, :mod:`.draws`).

    Clients without months in the panel get the shares at inflow.
    """

    def __init__(self, model: HazardModel, panel: PanelLike, clients: pd.DataFrame):
        frame = _as_frame(clients)
        self.n = len(frame)
        pos = _current_spells(panel.spells, frame)
        self.has = pos >= 0
        self.spells = (
            SpellHistories(model, panel, pos[self.has], frame.loc[self.has].reset_index(drop=True))
            if self.has.any()
            else None
        )

    def weights(self, model: HazardModel) -> np.ndarray:
        """``(n, K)`` posterior type weights under ``model``'s parameters."""
        het = model.heterogeneity
        assert het is not None
        log_p = np.log(np.clip(np.asarray(het.probabilities, dtype=float), 1e-300, None))
        loglik = np.zeros((self.n, len(log_p)))
        if self.spells is not None:
            loglik[self.has] = self.spells.loglik(model)
        joint = loglik + log_p[None, :]
        return np.exp(joint - logsumexp(joint, axis=1, keepdims=True))


def _as_frame(clients: pd.DataFrame | Sequence[str]) -> pd.DataFrame:
    if isinstance(clients, pd.DataFrame):
        if "client_id" not in clients.columns:
            raise ModelMismatchError("the clients to weigh need a 'client_id' column")
        return clients.reset_index(drop=True)
    return pd.DataFrame({"client_id": list(clients)})


def _limits(frame: pd.DataFrame) -> np.ndarray:
    if "months_on_benefit" in frame.columns:
        return frame["months_on_benefit"].to_numpy(dtype=np.int64)
    return np.full(len(frame), np.iinfo(np.int64).max)


def _current_spells(spells: pd.DataFrame, frame: pd.DataFrame) -> np.ndarray:
    """Position in ``spells`` of each client's current spell (-1: not in the panel)."""
    if "spell_id" in frame.columns and "spell_id" in spells.columns:
        lookup = pd.Index(spells["spell_id"].astype(object))
        return np.asarray(lookup.get_indexer(frame["spell_id"].astype(object)), dtype=np.int64)
    ordered = spells.assign(_pos=np.arange(len(spells))).sort_values("inflow_date", kind="stable")
    latest = ordered.drop_duplicates("client_id", keep="last")
    if "censored" in latest.columns:
        latest = latest[latest["censored"].astype(bool)]
    lookup = pd.Series(latest["_pos"].to_numpy(), index=latest["client_id"].astype(object))
    pos = frame["client_id"].astype(object).map(lookup)
    return pos.fillna(-1).to_numpy(dtype=np.int64)


class SpellHistories:
    """The current spells' histories, prepared once; their log-likelihood for any parameters.

    Holds what does not depend on the parameters (the months survived with their
    instrument states, the entry risk set, the client design); :meth:`loglik`
    evaluates a model with these terms - the estimate, or a parameter draw of it
    (:mod:`rendement.hazard.toe.draws`) - so that intervals can vary the mixture
    with the weights it implies.
    """

    def __init__(
        self, model: HazardModel, panel: PanelLike, pos: np.ndarray, clients: pd.DataFrame
    ):
        limit = _limits(clients)
        self.n = len(pos)
        months = panel.months
        spells = panel.spells
        row_of_spell = np.full(len(spells), -1, dtype=np.int64)
        row_of_spell[pos] = np.arange(len(pos))
        spell_pos = spells.index.get_indexer(pd.Index(months["spell_idx"].to_numpy()))
        row = np.where(spell_pos >= 0, row_of_spell[np.maximum(spell_pos, 0)], -1)
        month_all = months["month"].to_numpy().astype(np.int64)
        keep = (row >= 0) & (month_all <= limit[np.maximum(row, 0)])
        sel = months.loc[keep]
        self.row = row[keep]
        self.month = month_all[keep]
        self.codes = codes = list(model.spec.instruments)
        missing = [
            c
            for c in codes
            if f"in:{c}" not in months.columns or f"after:{c}" not in months.columns
        ]
        if missing:
            raise ModelMismatchError(
                f"the panel has no state columns for instrument(s) {missing} of the model. "
                "Fix: build the panel with every instrument of the model's catalogue."
            )
        frame = spells.iloc[pos]
        self.design = model.client_design(frame)
        self.years = (
            pd.DatetimeIndex(sel["calendar_month"]).year.to_numpy() if model.spec.calendar else None
        )
        self.in_flags = (
            np.column_stack([sel[f"in:{c}"].to_numpy() for c in codes]) if codes else None
        )
        self.after_flags = (
            np.column_stack([sel[f"after:{c}"].to_numpy() for c in codes]) if codes else None
        )
        self.outflow = sel["outflow"].to_numpy()
        self.entry = None
        het = model.heterogeneity
        if het is not None and het.entry_locations and model.entry_params is not None:
            self.entry = _entry_months(
                model, sel, self.row, self.month, _next_month(clients, frame, codes)
            )

    def loglik(self, model: HazardModel) -> np.ndarray:
        """``(n, K)``: log-likelihood of every history under each type of ``model``."""
        het = model.heterogeneity
        assert het is not None
        codes, row = self.codes, self.row
        design = self.design
        eta = (
            model.baseline_eta(self.month)
            + (design.to_numpy() @ _coefs(model.params, design.columns))[row]
        )
        if codes:
            assert self.in_flags is not None and self.after_flags is not None
            after = model.after_effects(design, codes)
            lock = np.array([model.coef(f"in:{c}") for c in codes])
            eta = eta + self.in_flags @ lock + (self.after_flags * after[row]).sum(axis=1)
        if self.years is not None:
            eta = eta + model.calendar_eta(self.years)
        out = _equation_loglik(eta, self.outflow, row, np.asarray(het.locations, float), self.n)
        if self.entry is not None and het.entry_locations and model.entry_params is not None:
            out += self.entry.loglik(model, design, np.asarray(het.entry_locations, float), self.n)
        return out


def _next_month(
    clients: pd.DataFrame, spells: pd.DataFrame, codes: list[str]
) -> pd.DataFrame | None:
    """The state of month ``d + 1`` (caseload columns ``in:X``/``after:X``), when the clients have it."""
    needed = ["months_on_benefit"] + [f"{s}:{c}" for c in codes for s in ("in", "after")]
    if any(c not in clients.columns for c in needed):
        return None
    out = clients.loc[:, needed].copy()
    out["_row"] = np.arange(len(clients))
    inflow = pd.DatetimeIndex(spells["inflow_date"])
    d = clients["months_on_benefit"].to_numpy(dtype=np.int64)
    # spell month d + 1 starts in calendar month (inflow month + d)
    out["_next_year"] = (inflow.year.to_numpy() * 12 + inflow.month.to_numpy() - 1 + d) // 12
    return out


@dataclass(frozen=True)
class _EntryMonths:
    """The months at risk of entering an instrument of the meter, and the entries."""

    row: np.ndarray
    month: np.ndarray
    event: np.ndarray
    reentry: np.ndarray
    years: np.ndarray | None
    channel: np.ndarray | None = None  # position in het.entry_channels of the start (-1: none)

    def loglik(
        self, model: HazardModel, design: pd.DataFrame, locations: np.ndarray, n: int
    ) -> np.ndarray:
        het = model.heterogeneity
        assert het is not None
        if not het.entry_channels or self.channel is None:
            return self._equation(model, design, "", self.event, locations, n)
        out = np.zeros((n, len(locations)))
        where = het.channel_locations()
        for pos, code in enumerate(het.entry_channels):
            loc = np.asarray(where[code], dtype=float)
            out += self._equation(model, design, f"{code}|", self.channel == pos, loc, n)
        return out

    def _equation(
        self,
        model: HazardModel,
        design: pd.DataFrame,
        prefix: str,
        event: np.ndarray,
        locations: np.ndarray,
        n: int,
    ) -> np.ndarray:
        """One entry hazard (the meter's, or one instrument's: terms ``prefix + term``)."""
        ep = model.entry_params
        assert ep is not None

        def coef(t: str) -> float:
            return float(ep.get(prefix + t, 0.0))

        base_vals = np.array([coef(t) for t in model.spec.baseline_terms()])
        eta_e = base_vals[model.spec.baseline_piece(self.month)]
        eta_e = eta_e + (design.to_numpy() @ np.array([coef(t) for t in design.columns]))[self.row]
        eta_e = eta_e + coef(REENTRY_TERM) * self.reentry
        if self.years is not None and model.spec.calendar_terms():
            cal = np.array([0.0] + [coef(t) for t in model.spec.calendar_terms()])
            eta_e = eta_e + cal[model.spec.calendar_index(self.years)]
        return _equation_loglik(eta_e, event.astype(np.int8), self.row, locations, n)


def _entry_months(
    model: HazardModel,
    sel: pd.DataFrame,
    row: np.ndarray,
    month: np.ndarray,
    frame_next: pd.DataFrame | None,
) -> _EntryMonths | None:
    """Entry part of the history (months ``1..d``, and ``d + 1`` when known)."""
    het = model.heterogeneity
    assert het is not None and model.entry_params is not None
    codes = list(model.spec.instruments)
    cat = model.instruments
    meter = [
        c for c in cat.loc[cat["meter"] == model.spec.meter, "instrument"].astype(str) if c in codes
    ]
    if not meter:
        return None
    one_off = set(cat.loc[cat["duration_months"].astype(int) == 0, "instrument"].astype(str))
    in_flags = np.column_stack([sel[f"in:{c}"].to_numpy() for c in codes])
    restarts = episode_starts(sel, codes)
    after_flags = np.column_stack([sel[f"after:{c}"].to_numpy() for c in codes])
    years = pd.DatetimeIndex(sel["calendar_month"]).year.to_numpy() if model.spec.calendar else None
    if frame_next is not None:
        # the state of month d + 1: the entry decision at its start is already known at as-of
        nxt = frame_next
        row = np.r_[row, nxt["_row"].to_numpy()]
        month = np.r_[month, nxt["months_on_benefit"].to_numpy(dtype=np.int64) + 1]
        in_flags = np.vstack(
            [in_flags, np.column_stack([nxt[f"in:{c}"].to_numpy() for c in codes])]
        )
        after_flags = np.vstack(
            [after_flags, np.column_stack([nxt[f"after:{c}"].to_numpy() for c in codes])]
        )
        if years is not None:
            years = np.r_[years, nxt["_next_year"].to_numpy()]
        if restarts is not None:
            # unknown for month d + 1: a trajectory that follows one of the same instrument
            # without a gap looks like the old one continuing there
            restarts = np.vstack([restarts, np.zeros((len(nxt), len(codes)), dtype=bool)])
    order = np.lexsort((month, row))
    row, month = row[order], month[order]
    in_flags, after_flags = in_flags[order], after_flags[order]
    if restarts is not None:
        restarts = restarts[order]
    if years is not None:
        years = years[order]
    is_meter = np.array([c in meter for c in codes])
    at_risk, event, reentry = entry_risk(
        row,
        month,
        in_flags,
        after_flags,
        is_meter,
        all(c in one_off for c in meter),
        restarts,
        het.entry_process,
    )
    channel = None
    if het.entry_channels:
        cols = [codes.index(c) for c in het.entry_channels if c in codes]
        which = started_channel(row, month, in_flags, after_flags, cols, restarts)
        # a start of an instrument without an entry hazard of its own (nobody entered it
        # when the model was fitted) says nothing the model can weigh: the month is left out
        at_risk &= ~(event & (which < 0))
        channel = which[at_risk]
    return _EntryMonths(
        row[at_risk],
        month[at_risk],
        event[at_risk],
        reentry[at_risk].astype(np.float64),
        None if years is None else years[at_risk],
        channel,
    )


def _coefs(params: pd.Series, terms: pd.Index) -> np.ndarray:
    return np.array([float(params.get(t, 0.0)) for t in terms])


def _equation_loglik(
    eta: np.ndarray, event: np.ndarray, row: np.ndarray, locations: np.ndarray, n: int
) -> np.ndarray:
    """Per row and type: sum over months of ``log h`` (event) or ``log(1 - h)``."""
    e = np.clip(eta[:, None] + locations[None, :], -700.0, 6.5)
    u = np.exp(e)
    with np.errstate(divide="ignore"):
        ll = np.where(event[:, None] != 0, np.log(-np.expm1(-u)), -u)
    out = np.zeros((n, len(locations)))
    for k in range(len(locations)):
        out[:, k] = np.bincount(row, weights=ll[:, k], minlength=n)
    return out


def caseload_type_weights(
    model: HazardModel, data: DataFolder, as_of: dt.date | pd.Timestamp
) -> np.ndarray:
    """Posterior type weights of the caseload at ``as_of``, in the row order of
    :func:`rendement.panel.caseload_state` (and so of ``score_caseload``).

    Builds the panel up to ``as_of`` (only history known then is used) and the
    caseload state; a model without heterogeneity gives one column of ones.
    """
    from rendement.panel import build_panel, caseload_state

    when = pd.Timestamp(as_of)
    codes = list(model.spec.instruments) or None
    panel = build_panel(data, until=when.date(), instruments=codes)
    caseload = caseload_state(data, when, instruments=codes)
    return posterior_type_weights(model, panel, caseload)
