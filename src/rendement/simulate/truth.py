"""The exact ground truth for Droomstad's caseload: computed from the true model, not sampled.

For every client on benefit at the extraction date (``d`` months, state of month
``d + 1``) the truth is what an ideal model that knows the true parameters could
say given everything observed in the client's current spell:

* the posterior weights of the types (mass points): prior shares times the
  likelihood of the spell's history for each type - survival of months ``1..d``
  under the actual instrument states and, when selection is on unobservables,
  the entry decisions into re-integration trajectories. Heterogeneity is
  spell-level, so earlier spells carry no information. Without heterogeneity
  there is one type and the truth is deterministic given characteristics and state;
* the survival path without an instrument (current after-states kept, a running
  instrument runs to its planned end and then turns into an after-state),
  averaged over the types with these weights: ``expected_remaining_months``
  ``= E[min(T - d, 60) | T > d, history]``, ``p_outflow_6m``, ``p_outflow_18m``,
  ``outflow_group``;
* for clients without a running instrument, per instrument of every meter, the
  path with it (waiting, lock-in, after): months saved, ``p_success`` (leaves no
  later than 3 months after the planned end), expected cost (data-contract
  formula with no-cure-less-pay) and net return.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rendement.pension.cap import capped_columns, capped_restricted_mean, hold_at_pension
from rendement.scoring.survival import (
    mixture_survival,
    outflow_group,
    outflow_probability,
    restricted_mean_residual,
)
from rendement.simulate.parameters import TrueProcess
from rendement.simulate.states import CaseloadState, state_in_month
from rendement.simulate.tables import SUCCESS_MONTHS
from rendement.simulate.terms import month_eta


@dataclass(frozen=True)
class GroundTruth:
    """The truth tables: ``caseload`` (one row per caseload client) and ``returns``."""

    caseload: pd.DataFrame
    returns: pd.DataFrame


def posterior_weights(process: TrueProcess, loglik: np.ndarray) -> np.ndarray:
    """``(n, K)`` posterior type probabilities from the history log-likelihoods."""
    log_w = np.log(process.probabilities)[None, :] + loglik
    log_w -= log_w.max(axis=1, keepdims=True)
    w = np.exp(log_w)
    return w / w.sum(axis=1, keepdims=True)


def path_eta(
    process: TrueProcess,
    state: CaseloadState,
    code: np.ndarray,
    in_first: np.ndarray,
    in_last: np.ndarray,
    length: int,
) -> np.ndarray:
    """``(n, length)`` linear predictor (without type) for months ``d + 1 .. d + length``."""
    out = np.empty((len(state.months), length))
    for t in range(length):
        month = state.months + 1 + t
        running, after = state_in_month(state.after, code, in_first, in_last, month)
        out[:, t] = month_eta(
            process,
            month,
            state.client_eta,
            state.lock_in,
            state.after_effects,
            running,
            after,
        )
    return out


def without_path(state: CaseloadState) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(code, in_first, in_last) of the path without a new instrument."""
    code = state.running.copy()
    return code, state.months + 1, np.where(code >= 0, state.planned_end, state.months)


def ground_truth(
    process: TrueProcess,
    state: CaseloadState,
    *,
    client_id: np.ndarray,
    spell_id: np.ndarray,
    monthly_benefit: np.ndarray,
    pension_months: np.ndarray | None = None,
) -> GroundTruth:
    """The truth tables for the caseload ``state`` (arrays aligned with it).

    ``pension_months``: whole months each client has before the pension date (AOW), when
    the spell ends with reason ``aow``; every path stops there as in scoring
    (:mod:`rendement.pension.cap`).

    Long: the exact truth for every client and instrument in one vectorised pass over the same paths.
    """
    spec = process.model.spec
    horizon = spec.horizon
    cat = process.model.instruments.reset_index(drop=True)
    longest = int((cat["waiting_months"] + cat["duration_months"]).max()) + SUCCESS_MONTHS
    length = max(horizon, longest)
    weights = posterior_weights(process, state.loglik)
    locations = process.locations

    eta0 = path_eta(process, state, *without_path(state), length)
    surv0 = mixture_survival(eta0, locations, weights)
    surv0, remaining = _capped(surv0, horizon, pension_months)
    p6 = outflow_probability(surv0, 6)
    p18 = outflow_probability(surv0, 18)
    codes = np.asarray(process.codes, dtype=object)
    caseload = pd.DataFrame(
        {
            "client_id": client_id,
            "spell_id": spell_id,
            "months_on_benefit": state.months,
            "true_type": state.type,
            "expected_remaining_months": remaining,
            "p_outflow_6m": p6,
            "p_outflow_18m": p18,
            "outflow_group": outflow_group(p6, p18, spec.group_cutoffs),
            "current_instrument": np.where(state.running >= 0, codes[state.running], ""),
            "monthly_benefit": monthly_benefit,
            "months_to_pension": (
                np.full(len(state.months), -1, dtype=np.int64)
                if pension_months is None
                else pension_months
            ),
        }
    )
    if process.law.continuous is None:  # a continuous term has a grid, not types, to report
        for k in range(len(locations)):
            caseload[f"posterior_type_{k}"] = weights[:, k]

    free = np.flatnonzero(state.running < 0)
    sub = _subset(state, free)
    frames = []
    instruments = cat["instrument"].astype(str).tolist()
    meters = cat["meter"].astype(str).tolist()
    waits = cat["waiting_months"].to_numpy(dtype=np.int64)
    durations = cat["duration_months"].to_numpy(dtype=np.int64)
    prices = cat["price"].to_numpy(dtype=float)
    shares = cat["success_share"].fillna(0.0).to_numpy(dtype=float)
    for i, code in enumerate(instruments):
        j = process.codes.index(code)
        wait, dur = int(waits[i]), int(durations[i])
        first = sub.months + wait + 1
        eta = path_eta(process, sub, np.full(len(free), j), first, first + dur - 1, length)
        surv = mixture_survival(eta, locations, weights[free])
        surv, with_months = _capped(
            surv, horizon, None if pension_months is None else pension_months[free]
        )
        saved = remaining[free] - with_months
        p_success = outflow_probability(surv, wait + dur + SUCCESS_MONTHS)
        price, share = float(prices[i]), float(shares[i])
        cost = price * (1.0 - share) + price * share * p_success
        frames.append(
            pd.DataFrame(
                {
                    "client_id": client_id[free],
                    "instrument": code,
                    "meter": meters[i],
                    "expected_remaining_months_with": with_months,
                    "months_saved": saved,
                    "p_success": p_success,
                    "expected_cost_eur": cost,
                    "net_return_eur": saved * monthly_benefit[free] - cost,
                    "_order": free,
                    "_code": j,
                }
            )
        )
    returns = pd.concat(frames, ignore_index=True)
    returns = returns.sort_values(["_order", "_code"], kind="stable").drop(
        columns=["_order", "_code"]
    )
    return GroundTruth(caseload=caseload, returns=returns.reset_index(drop=True))


def capped_survival(
    surv: np.ndarray, horizon: int, pension_months: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """``(n, L)`` survival held from the pension date on, and ``E[min(T - d, H, a)]``."""
    return _capped(surv, horizon, pension_months)


def _capped(
    surv: np.ndarray, horizon: int, pension_months: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """``(n, L)`` survival held from the pension date on, and ``E[min(T - d, H, a)]``."""
    plain = restricted_mean_residual(surv, horizon)
    cols = capped_columns(pension_months, surv.shape[1])
    if pension_months is None or cols.size == 0:
        return surv, plain
    held = hold_at_pension(np.ascontiguousarray(surv.T), pension_months, cols)
    return held.T, capped_restricted_mean(held, horizon, pension_months, cols, plain)


def _subset(state: CaseloadState, idx: np.ndarray) -> CaseloadState:
    return CaseloadState(**{f: getattr(state, f)[idx] for f in state.__dataclass_fields__})
