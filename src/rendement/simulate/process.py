"""The monthly process of Droomstad: inflow, instruments, outflow and return, month by month.

One loop over calendar months; inside a month every client on benefit is
handled at once (vectorised, no loop per client). A client on benefit in spell
month ``k`` (calendar month ``c0 + k - 1``) goes through:

1. decisions at the start of month ``k`` (date ``S + (k - 1)`` months, recorded
   when on or before the extraction date): a running instrument that reached its
   planned end turns into an after-state; a re-integration trajectory may end
   early; a home visit may take place (after-state from month ``k``); a client
   without a running instrument may start a re-integration trajectory (entry
   hazard); Werk Direct starts in month 1 for a share of new applicants;
2. outflow at the end of month ``k`` (observed when ``S + k`` months is on or
   before the extraction date) with the true cloglog hazard of
   :class:`rendement.model.hazard_model.HazardModel` in the state of month ``k``.

A client still on benefit at the state pension date leaves with end reason
``aow`` (after the last whole month before it, :mod:`rendement.pension`);
outflow is drawn only for months before it.

Leavers may return: a new spell of the same client, with a new type (spell-level
heterogeneity) and characteristics at the new inflow. The state of every spell
on benefit at the extraction date (month ``d + 1``) and the log-likelihood of
its history for each type are kept for the ground truth (:mod:`.truth`).

Long: the month loop and the decisions inside a month share the state of every client; the steps of a month are kept in the order they happen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rendement.pension import pension_dates
from rendement.scoring.survival import hazard_from_eta
from rendement.simulate.calendar import month_index, months_elapsed
from rendement.simulate.catalogue import HOME_VISIT, WERK_DIRECT
from rendement.simulate.config import SimulationConfig
from rendement.simulate.parameters import TrueProcess
from rendement.simulate.population import client_base, first_inflow
from rendement.simulate.regimes import SHOCK_EFFECT, SHOCK_WINDOW
from rendement.simulate.returning import (
    MAX_RETURN_AGE,
    START_DAYS,
    age_in_years,
    end_reason_scores,
    return_chance,
    shifted,
)
from rendement.simulate.states import CaseloadState
from rendement.simulate.terms import BandTerms, entry_baseline, log_stay, month_eta

NO_INSTRUMENT = -1


# ---- growing record tables -----------------------------------------------------------


class _Records:
    """Columns of equal length that grow by appending (spells, trajectories)."""

    def __init__(self, dtypes: dict[str, type], capacity: int):
        self.size = 0
        self.cols: dict[str, np.ndarray] = {
            k: np.full(max(capacity, 16), -1, dtype=t) for k, t in dtypes.items()
        }

    def add(self, n: int, **values: np.ndarray) -> np.ndarray:
        need = self.size + n
        cap = len(next(iter(self.cols.values())))
        if need > cap:
            new = max(need, 2 * cap)
            for k, v in self.cols.items():
                grown = np.full(new, -1, dtype=v.dtype)
                grown[:cap] = v
                self.cols[k] = grown
        idx = np.arange(self.size, need)
        for k, v in values.items():
            self.cols[k][idx] = v
        self.size = need
        return idx

    def frame(self) -> dict[str, np.ndarray]:
        return {k: v[: self.size].copy() for k, v in self.cols.items()}


# ---- the history --------------------------------------------------------------------


@dataclass(frozen=True)
class History:
    """Everything the monthly process produced, in internal (integer) form.

    ``clients``: the clients table. ``spells``/``trajectories``: dicts of arrays
    (``client`` = row in ``clients``; months as spell months). ``caseload``: the
    spells on benefit at the extraction date with their state in month ``d + 1``.
    """

    clients: pd.DataFrame
    spells: dict[str, np.ndarray]
    trajectories: dict[str, np.ndarray]
    caseload: CaseloadState
    first_step: int
    as_of_step: int


class _Clients:
    """Per-client state of the current spell (valid while ``on``)."""

    def __init__(self, n: int, n_codes: int, n_choice: int, n_types: int):
        self.on = np.zeros(n, dtype=bool)
        self.spell = np.full(n, -1, dtype=np.int64)
        self.start_month = np.zeros(n, dtype=np.int64)
        self.months_at_as_of = np.zeros(n, dtype=np.int64)  # d at the extraction date
        self.type = np.zeros(n, dtype=np.int64)
        self.v_outflow = np.zeros(n)
        self.v_entry = np.zeros(n)
        self.client_eta = np.zeros(n)
        self.lock_in = np.zeros((n, n_codes))
        self.after_effects = np.zeros((n, n_codes))
        self.entry_eta = np.zeros(n)
        self.choice = np.zeros((n, n_choice))
        self.home_visit = np.zeros(n)
        self.after = np.zeros((n, n_codes), dtype=bool)
        self.running = np.full(n, NO_INSTRUMENT, dtype=np.int64)
        self.run_first = np.zeros(n, dtype=np.int64)
        self.run_end = np.zeros(n, dtype=np.int64)
        self.run_trajectory = np.full(n, -1, dtype=np.int64)
        self.loglik = np.zeros((n, n_types))
        self.exit_step = np.full(n, -(10**6), dtype=np.int64)
        self.may_return = np.zeros(n, dtype=bool)
        self.return_shift = np.zeros(n)  # durability: log HR of returns after the last spell


class _Run:
    """One run of the monthly process (the loop lives in :meth:`history`)."""

    def __init__(self, config: SimulationConfig, process: TrueProcess):
        self.config = config
        self.process = process
        self.rng = np.random.default_rng(config.seed)
        self.as_of = config.as_of_date
        self.last = month_index(self.as_of)
        self.first = self.last - 12 * int(config.years)
        self.codes = process.codes
        self.reint = np.array([self.codes.index(c) for c in process.reintegration_codes])
        self.werk_direct = self.codes.index(WERK_DIRECT)
        self.home_visit = self.codes.index(HOME_VISIT)
        cat = process.model.instruments.set_index("instrument")
        self.duration = cat.loc[list(self.codes), "duration_months"].to_numpy(dtype=np.int64)
        self.locations = process.locations
        self.entry_locations = process.entry_locations
        self.reasons = list(process.end_reasons)
        self.instruments_on = process.instruments_on
        self.choice_duration = _choice_duration_columns(process)
        self.shock = _shock_window(self.last) if process.calendar_shock else None
        effects = process.return_effects or {}
        self.return_effects = np.array([effects.get(c, 0.0) for c in self.codes])

        n = int(config.clients)
        self.first_step, self.first_day = first_inflow(n, self.first, self.as_of, self.rng)
        self.clients = client_base(self.first_step, self.first_day, self.last, self.rng)
        birth = self.clients["birth_date"]
        self.birth_month = birth.dt.year.to_numpy() * 12 + birth.dt.month.to_numpy() - 1
        pension = pension_dates(birth)
        self.pension_month = pension.year.to_numpy() * 12 + pension.month.to_numpy() - 1
        self.pension_day = pension.day.to_numpy()
        self.pension_seen = np.asarray(pension <= pd.Timestamp(self.as_of))
        self.aow_reason = len(self.reasons)  # end reason code of a pension exit (tables: "aow")
        self.state = _Clients(n, len(self.codes), len(self.reint), len(self.locations))
        self.band_terms = BandTerms(process, self.clients)
        self.spells = _Records(
            {
                "client": np.int64,
                "start_month": np.int64,
                "day": np.int64,
                "type": np.int64,
                "duration": np.int64,
                "end_reason": np.int64,
                "months_at_as_of": np.int64,
                "partial": np.float64,
            },
            capacity=3 * n,
        )
        self.trajectories = _Records(
            {
                "client": np.int64,
                "spell": np.int64,
                "code": np.int64,
                "first": np.int64,
                "planned_end": np.int64,
                "end": np.int64,
                "dropped": np.int64,
            },
            capacity=2 * n,
        )

    # ---- the loop ---------------------------------------------------------------
    def history(self) -> History:
        st = self.state
        for t in range(self.first, self.last + 1):
            self.inflow(t)
            active = np.flatnonzero(st.on)
            k = t - st.start_month[active] + 1
            if self.instruments_on:
                decide = k <= st.months_at_as_of[active] + 1
                self.decisions(active[decide], k[decide])
            observe = k <= st.months_at_as_of[active]
            self.outflow(t, active[observe], k[observe])
            self.pension_exit(t, active[observe], k[observe])
        return self.result()

    def months_to_pension(self, who: np.ndarray, start: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Whole months from a spell start (month index, day) to the client's pension date."""
        return self.pension_month[who] - start - (self.pension_day[who] < day)

    def pension_exit(self, t: int, idx: np.ndarray, k: np.ndarray) -> None:
        """Clients still on benefit after their last whole month before the pension date leave."""
        st = self.state
        on = st.on[idx]
        start = st.start_month[idx]
        day = self.spells.cols["day"][st.spell[idx]]
        last = self.months_to_pension(idx, start, day)
        leave = on & (k >= last) & self.pension_seen[idx]
        who, kl = idx[leave], k[leave]
        if len(who) == 0:
            return
        sp = st.spell[who]
        self.spells.cols["duration"][sp] = kl
        self.spells.cols["end_reason"][sp] = self.aow_reason
        cut = st.running[who] >= 0
        self.trajectories.cols["end"][st.run_trajectory[who[cut]]] = np.minimum(
            st.run_end[who[cut]], kl[cut]
        )
        st.running[who] = NO_INSTRUMENT
        st.on[who] = False
        st.exit_step[who] = t
        st.may_return[who] = False

    def inflow(self, t: int) -> None:
        """First applications in month ``t`` and returns of earlier leavers."""
        st, rng = self.state, self.rng
        newcomers = np.flatnonzero(self.first_step == t)
        off = np.flatnonzero(~st.on & st.may_return)
        gap = t - st.exit_step[off] - 1
        age = age_in_years(t, self.birth_month[off])
        chance = return_chance(self.process, gap)
        if self.return_effects.any():  # 1 - (1 - c)^exp(shift): the cloglog scale
            chance = shifted(chance, st.return_shift[off])
        back = (gap >= 1) & (age < MAX_RETURN_AGE) & (rng.random(len(off)) < chance)
        returners = off[back]
        days = rng.integers(1, START_DAYS + 1, size=len(returners))
        seen = (t < self.last) | (days <= self.as_of.day)  # a start after as_of is not in the data
        who = np.concatenate([newcomers, returners[seen]])
        day = np.concatenate([self.first_day[newcomers], days[seen]])
        before_pension = self.months_to_pension(who, np.full(len(who), t), day) >= 1
        who, day = who[before_pension], day[before_pension]
        if len(who):
            self.start_spells(who, day, t)

    def start_spells(self, who: np.ndarray, day: np.ndarray, t: int) -> None:
        st, rng, process = self.state, self.rng, self.process
        n_new = len(who)
        terms = self.band_terms.at_inflow(who, t, day)
        types, v_outflow, v_entry = process.law.draw(rng, n_new)
        returning = np.zeros(n_new, dtype=bool)
        if process.types_per_client:  # a returning client keeps the type of the first spell
            returning = st.spell[who] >= 0
            back = who[returning]
            types[returning] = st.type[back]
            v_outflow[returning] = st.v_outflow[back]
            v_entry[returning] = st.v_entry[back]
        d_as_of = months_elapsed(np.full(n_new, t), day, self.as_of)
        partial = np.where(rng.random(n_new) < PARTIAL_SHARE, rng.uniform(0.3, 0.9, n_new), 1.0)
        spell_idx = self.spells.add(
            n_new,
            client=who,
            start_month=np.full(n_new, t),
            day=day,
            type=types,
            duration=np.full(n_new, -1),
            end_reason=np.full(n_new, -1),
            months_at_as_of=d_as_of,
            partial=partial,
        )
        st.on[who] = True
        st.spell[who] = spell_idx
        st.start_month[who] = t
        st.months_at_as_of[who] = d_as_of
        st.type[who] = types
        st.v_outflow[who] = v_outflow
        st.v_entry[who] = v_entry
        st.client_eta[who] = terms.client_eta
        st.lock_in[who] = terms.lock_in
        st.after_effects[who] = terms.after_effects
        st.entry_eta[who] = terms.entry_eta
        st.choice[who] = terms.choice
        st.home_visit[who] = terms.home_visit
        st.after[who] = False
        st.running[who] = NO_INSTRUMENT
        st.run_trajectory[who] = -1
        st.loglik[who[~returning]] = 0.0  # the client's earlier spells stay in a client's type
        st.may_return[who] = False
        if self.instruments_on:
            # Werk Direct at the door: starts in spell month 1 (decided at the start date).
            wd = who[rng.random(n_new) < terms.werk_direct]
            self.start_instrument(wd, np.ones(len(wd), dtype=np.int64), self.werk_direct)

    def start_instrument(self, who: np.ndarray, month: np.ndarray, code: np.ndarray | int) -> None:
        st = self.state
        codes = np.broadcast_to(np.asarray(code, dtype=np.int64), who.shape)
        end = month + self.duration[codes] - 1
        st.running[who] = codes
        st.run_first[who] = month
        st.run_end[who] = end
        st.run_trajectory[who] = self.trajectories.add(
            len(who),
            client=who,
            spell=st.spell[who],
            code=codes,
            first=month,
            planned_end=end,
            end=np.full(len(who), -1),
            dropped=np.zeros(len(who), dtype=np.int64),
        )

    def decisions(self, idx: np.ndarray, k: np.ndarray) -> None:
        """Instrument decisions at the start of spell month ``k``."""
        st, rng, process = self.state, self.rng, self.process
        if len(idx) == 0:
            return
        # A running instrument past its planned end turns into an after-state.
        done = (st.running[idx] >= 0) & (st.run_end[idx] < k)
        self.end_instrument(idx[done], st.run_end[idx[done]], dropped=False)
        # A re-integration trajectory may end early (not in its first month).
        drop = np.isin(st.running[idx], self.reint) & (k > st.run_first[idx])
        drop &= rng.random(len(idx)) < process.dropout
        self.end_instrument(idx[drop], k[drop] - 1, dropped=True)
        # Home visit (at most one per spell): after-state from this month on.
        visit = ~st.after[idx, self.home_visit] & (rng.random(len(idx)) < st.home_visit[idx])
        visited, kv = idx[visit], k[visit]
        st.after[visited, self.home_visit] = True
        self.trajectories.add(
            len(visited),
            client=visited,
            spell=st.spell[visited],
            code=np.full(len(visited), self.home_visit),
            first=kv,
            planned_end=kv - 1,
            end=kv - 1,
            dropped=np.zeros(len(visited), dtype=np.int64),
        )
        # Entry into a re-integration trajectory for clients without a running instrument.
        risk = st.running[idx] == NO_INSTRUMENT
        had = st.after[idx][:, self.reint].any(axis=1)  # a trajectory earlier in the spell
        if process.reentry_shift is None:
            risk &= ~had
        ridx, kr = idx[risk], k[risk]
        eta = entry_baseline(process, kr) + st.entry_eta[ridx]
        if process.reentry_shift:
            eta = eta + np.where(had[risk], process.reentry_shift, 0.0)
        chance = hazard_from_eta(eta + st.v_entry[ridx])
        enters = rng.random(len(ridx)) < chance
        for j, loc in enumerate(self.entry_locations):
            x = eta + loc
            st.loglik[ridx, j] += np.where(enters, np.log(hazard_from_eta(x)), log_stay(x))
        eidx, ke = ridx[enters], kr[enters]
        if len(eidx):
            scores = st.choice[eidx] + _duration_scores(self.choice_duration, ke)
            on_type = process.choice_on_type
            if on_type is not None:
                scores = scores - st.v_outflow[eidx, None] * on_type[None, :]
            chosen = _draw_choice(scores, rng)
            if on_type is not None:
                self.choice_loglik(eidx, scores + st.v_outflow[eidx, None] * on_type, chosen)
            self.start_instrument(eidx, ke, self.reint[chosen])

    def choice_loglik(self, who: np.ndarray, observed: np.ndarray, chosen: np.ndarray) -> None:
        """Add log P(choice | type) for every type: the choice depends on the type too."""
        on_type = self.process.choice_on_type
        assert on_type is not None
        st = self.state
        rows = np.arange(len(who))
        for j, loc in enumerate(self.locations):
            sc = observed - loc * on_type[None, :]
            sc = sc - sc.max(axis=1, keepdims=True)
            log_p = sc - np.log(np.exp(sc).sum(axis=1, keepdims=True))
            st.loglik[who, j] += log_p[rows, chosen]

    def end_instrument(self, who: np.ndarray, last_month: np.ndarray, *, dropped: bool) -> None:
        st = self.state
        st.after[who, st.running[who]] = True
        self.trajectories.cols["end"][st.run_trajectory[who]] = last_month
        if dropped:
            self.trajectories.cols["dropped"][st.run_trajectory[who]] = 1
        st.running[who] = NO_INSTRUMENT

    def outflow(self, t: int, idx: np.ndarray, k: np.ndarray) -> None:
        """Outflow at the end of spell month ``k`` with the true hazard."""
        st, rng = self.state, self.rng
        if len(idx) == 0:
            return
        eta = month_eta(
            self.process,
            k,
            st.client_eta[idx],
            st.lock_in[idx],
            st.after_effects[idx],
            st.running[idx],
            st.after[idx],
        )
        if self.shock is not None and self.shock[0] <= t <= self.shock[1]:
            eta = eta + SHOCK_EFFECT
        for j, loc in enumerate(self.locations):
            st.loglik[idx, j] += log_stay(eta + loc)
        leaves = rng.random(len(idx)) < hazard_from_eta(eta + st.v_outflow[idx])
        who, kl = idx[leaves], k[leaves]
        if len(who) == 0:
            return
        if self.process.types_per_client:  # the leaving month counts as an outflow, not a stay
            x = eta[leaves]
            for j, loc in enumerate(self.locations):
                st.loglik[who, j] += np.log(hazard_from_eta(x + loc)) - log_stay(x + loc)
        sp = st.spell[who]
        self.spells.cols["duration"][sp] = kl
        reason = self.end_reason(who, t)
        self.spells.cols["end_reason"][sp] = reason
        cut = st.running[who] >= 0  # an instrument running at the spell's end is cut there
        self.trajectories.cols["end"][st.run_trajectory[who[cut]]] = np.minimum(
            st.run_end[who[cut]], kl[cut]
        )
        if self.return_effects.any():  # ended during or after an instrument: its durability
            had = st.after[who].copy()
            had[np.flatnonzero(cut), st.running[who[cut]]] = True
            st.return_shift[who] = had.astype(float) @ self.return_effects
        st.running[who] = NO_INSTRUMENT
        st.on[who] = False
        st.exit_step[who] = t
        st.may_return[who] = reason != self.reasons.index("verhuizing")

    def end_reason(self, who: np.ndarray, t: int) -> np.ndarray:
        """End reason of leavers: work more often for the educated and after a trajectory."""
        st = self.state
        scores = end_reason_scores(
            self.process,
            self.reasons,
            self.clients["education"].to_numpy()[who] == "hoog",
            st.after[who][:, self.reint].any(axis=1),
            age_in_years(t, self.birth_month[who]) < 30,
        )
        return _draw_choice(scores, self.rng)

    def result(self) -> History:
        st = self.state
        idx = np.flatnonzero(st.on)
        caseload = CaseloadState(
            spell=st.spell[idx],
            client=idx,
            months=st.months_at_as_of[idx],
            type=st.type[idx],
            client_eta=st.client_eta[idx],
            lock_in=st.lock_in[idx],
            after_effects=st.after_effects[idx],
            after=st.after[idx],
            running=st.running[idx],
            planned_end=np.where(st.running[idx] >= 0, st.run_end[idx], 0),
            loglik=st.loglik[idx],
            location=st.v_outflow[idx],
        )
        return History(
            clients=self.clients,
            spells=self.spells.frame(),
            trajectories=self.trajectories.frame(),
            caseload=caseload,
            first_step=self.first,
            as_of_step=self.last,
        )


#: Share of spells with a partial benefit (other income), paid 30-90% of the norm.
PARTIAL_SHARE = 0.15


def simulate_history(config: SimulationConfig, process: TrueProcess) -> History:
    """Run the monthly process from ``config.years`` years before the extraction date up to it."""
    return _Run(config, process).history()


def _shock_window(last: int) -> tuple[int, int]:
    """First and last calendar month (index) of the recession of ``calendar_shock``."""
    return last - SHOCK_WINDOW[0], last - SHOCK_WINDOW[1] - 1


def _choice_duration_columns(process: TrueProcess) -> np.ndarray:
    """``(2, R)`` choice scores of ``duration:1-12`` and ``duration:25+``."""
    cols = []
    for name in ("duration:1-12", "duration:25+"):
        col = (
            process.choice[name] if name in process.choice else pd.Series(0.0, process.choice.index)
        )
        cols.append(col.to_numpy(dtype=float))
    return np.vstack(cols)


def _duration_scores(columns: np.ndarray, months: np.ndarray) -> np.ndarray:
    short = (months <= 12).astype(float)[:, None]
    long = (months >= 25).astype(float)[:, None]
    return short * columns[0] + long * columns[1]


def _draw_choice(scores: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One draw per row from the multinomial logit with these scores."""
    p = np.exp(scores - scores.max(axis=1, keepdims=True))
    cum = np.cumsum(p, axis=1)
    u = rng.random(len(scores))[:, None] * cum[:, -1:]
    return np.minimum((u >= cum).sum(axis=1), scores.shape[1] - 1)
