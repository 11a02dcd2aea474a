"""Continue the caseload forward with returns and new spells: the check on their exact truth.

Month by month from the extraction date on, for ``runs`` copies of every caseload
client, in the order of the simulator's month (:mod:`.process`): leavers come back
(:mod:`.returning`: chance by months since the exit, durability shift, age, start
day, pension room), then the spells on benefit may end by outflow (the current
spell on its instrument path with the spell's true type; a new spell without any
instrument, client terms of the age band at its inflow, a type drawn afresh or
kept with ``types_per_client``), then spells reach the pension date. The result
is the number of the next ``H`` months on benefit; averages over runs must match
:mod:`.truth_returns` within sampling error.
"""

from __future__ import annotations

import numpy as np

from rendement.scoring.survival import hazard_from_eta
from rendement.simulate.parameters import TrueProcess
from rendement.simulate.returning import (
    MAX_RETURN_AGE,
    START_DAYS,
    age_in_years,
    return_chance,
    returnable_chance,
    shifted,
)
from rendement.simulate.states import CaseloadState, state_in_month
from rendement.simulate.terms import month_eta
from rendement.simulate.truth_returns import FutureClients, Path

CURRENT, OFF, NEW, GONE = 0, 1, 2, 3


def simulate_benefit_months(
    process: TrueProcess,
    state: CaseloadState,
    future: FutureClients,
    path: Path,
    *,
    runs: int,
    seed: int,
    pension_months: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """``(runs, n)`` months on benefit in the next ``H`` months, returns and new spells included,
    and ``(runs, n)`` of them in new spells (the part the returns add).

    Long: one loop over the months with the four phases of a client side by side, as in the
    simulator's month.
    """
    rng = np.random.default_rng(seed)
    h = process.model.spec.horizon
    n = len(state.months)
    shape = (runs, n)
    col = np.broadcast_to(np.arange(n), shape)
    reint = np.array([process.codes.index(c) for c in process.reintegration_codes])
    effects = np.array([(process.return_effects or {}).get(c, 0.0) for c in process.codes])
    phase = np.full(shape, CURRENT)
    months = np.zeros(shape, dtype=np.int64)
    later = np.zeros(shape, dtype=np.int64)
    exit_month = np.zeros(shape, dtype=np.int64)
    shift = np.zeros(shape)
    spell_month = np.zeros(shape, dtype=np.int64)
    last = np.zeros(shape, dtype=np.int64)
    new_eta = np.zeros(shape)
    new_loc = np.zeros(shape)
    cal = future.calendar(h)
    for u in range(1, h + 1):
        t = cal[:, u]
        # 1. returns of earlier leavers (start of the calendar month)
        off = phase == OFF
        gap = u - exit_month - 1
        chance = shifted(return_chance(process, gap), shift)
        old = age_in_years(t, future.birth_month)[None, :] >= MAX_RETURN_AGE
        back = off & (gap >= 1) & ~old & (rng.random(shape) < chance)
        day = rng.integers(1, START_DAYS + 1, size=shape)
        room = future.pension_month[None, :] - t[None, :] - (future.pension_day[None, :] < day)
        start = back & (room >= 1)
        if start.any():
            who = col[start]
            before = (day[start] < future.birth_day[who]).astype(int)
            band = future.band(t[who], before, who)
            new_eta[start] = future.band_eta[who, band]
            if process.types_per_client:
                new_loc[start] = state.location[who]
            else:
                new_loc[start] = process.law.draw(rng, int(start.sum()))[1]
            last[start] = room[start]
            spell_month[start] = 0
            phase[start] = NEW
        # 2. outflow at the end of the month
        young = age_in_years(t, future.birth_month) < 30
        leave = np.zeros(shape, dtype=bool)
        cur = phase == CURRENT
        month = state.months + u
        running, after = state_in_month(state.after, path.code, path.in_first, path.in_last, month)
        eta = month_eta(
            process, month, state.client_eta, state.lock_in, state.after_effects, running, after
        )
        h_cur = np.where(u <= pension_months, hazard_from_eta(eta + state.location), 0.0)
        leave_cur = cur & (rng.random(shape) < h_cur[None, :])
        new = phase == NEW
        spell_month[new] += 1
        h_new = hazard_from_eta(
            process.model.baseline_eta(np.maximum(spell_month, 1)) + new_eta + new_loc
        )
        leave_new = new & (rng.random(shape) < h_new)
        months += cur | new
        later += new
        leave = leave_cur | leave_new
        p_cur = returnable_chance(
            process, future.high_education, after[:, reint].any(axis=1), young
        )
        p_new = returnable_chance(process, future.high_education, np.zeros(n, dtype=bool), young)
        p_back = np.where(leave_cur, p_cur[None, :], p_new[None, :])
        may = leave & (rng.random(shape) < p_back)
        had = after.copy()
        on = running >= 0
        had[np.flatnonzero(on), running[on]] = True
        shift = np.where(
            leave_cur, (had.astype(float) @ effects)[None, :], np.where(leave_new, 0.0, shift)
        )
        exit_month = np.where(leave, u, exit_month)
        phase = np.where(may, OFF, np.where(leave, GONE, phase))
        # 3. the pension date
        phase = np.where((phase == CURRENT) & (u >= pension_months[None, :]), GONE, phase)
        phase = np.where((phase == NEW) & (spell_month >= last), GONE, phase)
    return months, later
