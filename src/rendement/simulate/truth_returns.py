"""The exact truth of months on benefit over the horizon, counting returns and new spells.

For every caseload client, without and with each instrument: the expected number
of the next ``H`` months (future months ``u = 1..H``, spell months ``d + u``) in
which the client is on benefit - the rest of the current spell (as
``expected_remaining_months``, stopped at the pension date) plus every later
spell that starts and runs inside the window. The rules are the simulator's own
(:mod:`.returning`), with no instrument from now on other than the path's (as
the rest of the truth): a new spell has no instrument, its client terms are those
of the age band at its inflow, its type is drawn afresh (or kept with
``types_per_client``), and it ends by outflow or at the pension date.

Calendar month of future month ``u``: ``c0 + d + u - 1`` (the simulator's spell
month to calendar month rule). A client who leaves at the end of month ``e`` can
start a new spell in month ``e + 1 + gap`` (``gap >= 1``). With ``N[x]`` the
expected months in the window from a new spell that starts in month ``x``
(averaged over its start day, which sets its age band and pension month), and
``A[x] = N[x] * [younger than 66 in month x]``::

    R_s[e] = sum_{gap >= 1} rho_s[gap] A[e + 1 + gap]        (after an exit at e, shift s)
    N[x]   = sum_{j <= cap} G[j - 1] + sum_{j <= cap} g[j] P(may return | exit at x + j - 1)
                                          R_0[x + j - 1]

computed backwards from ``x = H``; the current spell adds
``sum_u f[u] P(may return | exit at u) R_s(u)[u]`` to its remaining months, with the
exit chances ``f`` of the path averaged over the posterior type weights (per type
when the type is kept over spells).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rendement.model.spec import AGE_BAND_EDGES
from rendement.pension import pension_dates
from rendement.scoring.survival import mixture_survival
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
from rendement.simulate.terms import BandTerms
from rendement.simulate.truth import (
    GroundTruth,
    capped_survival,
    path_eta,
    posterior_weights,
    without_path,
)


@dataclass(frozen=True)
class FutureClients:
    """What the return rules need of each caseload client (arrays aligned with the state)."""

    first_month: np.ndarray  # calendar month of future month 1 (spell month d + 1)
    birth_month: np.ndarray
    birth_day: np.ndarray
    pension_month: np.ndarray
    pension_day: np.ndarray
    high_education: np.ndarray
    band_eta: np.ndarray  # (n, B) outflow client terms of a new spell by age band at inflow

    @classmethod
    def of(
        cls,
        process: TrueProcess,
        clients: pd.DataFrame,
        state: CaseloadState,
        start_month: np.ndarray,
    ) -> FutureClients:
        """From the clients table (rows ``state.client``) and the spells' start months."""
        sub = clients.iloc[state.client].reset_index(drop=True)
        birth = pd.DatetimeIndex(sub["birth_date"])
        pension = pension_dates(sub["birth_date"])
        bands = BandTerms(process, sub)
        return cls(
            first_month=np.asarray(start_month, dtype=np.int64) + state.months,
            birth_month=birth.year.to_numpy() * 12 + birth.month.to_numpy() - 1,
            birth_day=birth.day.to_numpy(),
            pension_month=pension.year.to_numpy() * 12 + pension.month.to_numpy() - 1,
            pension_day=pension.day.to_numpy(),
            high_education=sub["education"].to_numpy() == "hoog",
            band_eta=np.column_stack([b.client_eta for b in bands.bands]),
        )

    def subset(self, idx: np.ndarray) -> FutureClients:
        return FutureClients(**{f: getattr(self, f)[idx] for f in self.__dataclass_fields__})

    def calendar(self, horizon: int) -> np.ndarray:
        """``(n, H + 2)`` calendar month of future months ``0..H + 1``."""
        return self.first_month[:, None] - 1 + np.arange(horizon + 2)[None, :]

    def band(
        self, month: np.ndarray, before_birthday: np.ndarray | int, who: np.ndarray | None = None
    ) -> np.ndarray:
        """Age band at an inflow in calendar ``month`` (as :meth:`BandTerms.band`) of clients
        ``who`` (all by default), starting before their birthday in that month or not."""
        birth = self.birth_month if who is None else self.birth_month[who]
        years = (month - birth - before_birthday) // 12
        edges = np.asarray(AGE_BAND_EDGES)
        return np.clip(np.searchsorted(edges, years, side="right") - 1, 0, len(edges) - 1)

    def day_classes(self) -> np.ndarray:
        """``(n, 2, 2)`` chance of a start day before the birthday (axis 1) and after the
        pension day of the month (axis 2)."""
        out = np.zeros((len(self.first_month), 2, 2))
        for day in range(1, START_DAYS + 1):
            lt = (day < self.birth_day).astype(int)
            gt = (day > self.pension_day).astype(int)
            np.add.at(out, (np.arange(len(lt)), lt, gt), 1.0 / START_DAYS)
        return out


def return_steps(process: TrueProcess, shift: float, horizon: int) -> np.ndarray:
    """``(H + 1,)`` chance to come back exactly ``gap`` months after the exit month
    (column ``gap``; 0 for 0), for a durability shift ``shift``."""
    gaps = np.arange(1, horizon + 1)
    c = shifted(return_chance(process, gaps), shift)
    stay = np.concatenate([[1.0], np.cumprod(1.0 - c)[:-1]])
    return np.concatenate([[0.0], stay * c])


def _after_exit(A: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """``(n, H + 1)`` ``R[e] = sum_gap steps[gap] A[e + 1 + gap]`` (``A`` is ``(n, H + 2)``)."""
    width = A.shape[1]
    h = width - 2
    u0 = np.arange(width)[:, None]
    e = np.arange(h + 1)[None, :]
    gap = u0 - e - 1
    ok = (gap >= 1) & (u0 <= h) & (u0 >= 1)
    toeplitz = np.where(ok, steps[np.clip(gap, 0, h)], 0.0)
    return A @ toeplitz


class NewSpellMonths:
    """``A`` and ``R_s`` of the clients for one law of the new spells' types."""

    def __init__(
        self,
        process: TrueProcess,
        future: FutureClients,
        horizon: int,
        locations: np.ndarray,
        weights: np.ndarray,
    ):
        self.process, self.h = process, horizon
        h, n = horizon, len(future.first_month)
        cal = future.calendar(h)
        self.age_ok = age_in_years(cal, future.birth_month[:, None]) < MAX_RETURN_AGE
        young = age_in_years(cal, future.birth_month[:, None]) < 30
        no_reint = np.zeros(n, dtype=bool)
        self.pret0 = np.column_stack(
            [
                returnable_chance(process, future.high_education, no_reint, young[:, u])
                for u in range(h + 1)
            ]
        )
        G = _new_spell_survival(process, future.band_eta, h, locations, weights)  # (n, B, H+1)
        CG = np.concatenate([np.zeros(G.shape[:2] + (1,)), np.cumsum(G, axis=2)], axis=2)
        classes = future.day_classes()
        steps0 = return_steps(process, 0.0, h)
        A = np.zeros((n, h + 2))
        R0 = np.zeros((n, h + 1))
        rows = np.arange(n)
        for x in range(h, 0, -1):
            if x <= h - 2:
                R0[:, x] = A[:, x + 2 : h + 1] @ steps0[1 : h - x]
            q = self.pret0[:, x : h + 1] * R0[:, x : h + 1]  # (n, L) after exits in x..H
            width = h - x + 1
            total = np.zeros(n)
            for lt in (0, 1):
                band = future.band(cal[:, x], lt)
                g = G[rows, band, :width] - G[rows, band, 1 : width + 1]  # exit in new month j
                cum_ret = np.cumsum(g * q, axis=1)
                for gt in (0, 1):
                    p = classes[:, lt, gt]
                    last = future.pension_month - cal[:, x] - gt
                    cap = np.clip(last, 0, width)
                    months = CG[rows, band, cap]
                    ret = np.where(cap > 0, cum_ret[rows, np.maximum(cap - 1, 0)], 0.0)
                    total += np.where(last >= 1, p * (months + ret), 0.0)
            A[:, x] = total * self.age_ok[:, x]
        self.A = A

    def after_exit(self, rows: np.ndarray, shift: float) -> np.ndarray:
        """``(len(rows), H + 1)`` ``R_s[e]`` of clients ``rows`` for a durability shift ``s``."""
        return _after_exit(self.A[rows], return_steps(self.process, shift, self.h))


def _new_spell_survival(
    process: TrueProcess,
    band_eta: np.ndarray,
    horizon: int,
    locations: np.ndarray,
    weights: np.ndarray,
) -> np.ndarray:
    """``(n, B, H + 1)`` P(a new spell lasts more than ``j`` months) by age band at inflow."""
    base = process.model.baseline_eta(np.arange(1, horizon + 1))
    values, inverse = np.unique(band_eta, return_inverse=True)
    s = mixture_survival(base[None, :] + values[:, None], locations, weights)
    out = np.ones((len(values), horizon + 1))
    out[:, 1:] = s
    return out[inverse.reshape(band_eta.shape)]


@dataclass(frozen=True)
class Path:
    """An instrument path of the current spell: (code, first and last month in it)."""

    code: np.ndarray
    in_first: np.ndarray
    in_last: np.ndarray


def exit_terms(
    process: TrueProcess,
    state: CaseloadState,
    future: FutureClients,
    path: Path,
    horizon: int,
) -> tuple[np.ndarray, np.ndarray]:
    """``(n, H + 1)`` chance that an exit at the end of future month ``u`` may return and the
    durability shift of its return chance, on ``path``."""
    n = len(state.months)
    reint = np.array([process.codes.index(c) for c in process.reintegration_codes])
    effects = np.array([(process.return_effects or {}).get(c, 0.0) for c in process.codes])
    cal = future.calendar(horizon)
    pret = np.zeros((n, horizon + 1))
    shift = np.zeros((n, horizon + 1))
    rows = np.arange(n)
    for u in range(1, horizon + 1):
        month = state.months + u
        running, after = state_in_month(state.after, path.code, path.in_first, path.in_last, month)
        young = age_in_years(cal[:, u], future.birth_month) < 30
        pret[:, u] = returnable_chance(
            process, future.high_education, after[:, reint].any(axis=1), young
        )
        had = after.copy()
        on = running >= 0
        had[rows[on], running[on]] = True
        shift[:, u] = had.astype(float) @ effects
    return pret, shift


def benefit_months(
    survival: np.ndarray,
    remaining: np.ndarray,
    pret: np.ndarray,
    shift: np.ndarray,
    spells: NewSpellMonths,
    rows: np.ndarray,
) -> np.ndarray:
    """``(n,)`` remaining months plus the months of later spells, for one type law.

    ``survival`` ``(n, L)`` (``L >= H``) the current spell's path held at the pension date;
    ``rows`` the clients' rows in ``spells``.
    """
    h = spells.h
    n = len(remaining)
    f = np.zeros((n, h + 1))
    f[:, 1] = 1.0 - survival[:, 0]
    f[:, 2:] = survival[:, : h - 1] - survival[:, 1:h]
    weight = f * pret
    extra = np.zeros(n)
    for s in np.unique(shift[:, 1:]):
        mask = shift == s
        mask[:, 0] = False
        who = np.flatnonzero(mask.any(axis=1))
        R = spells.after_exit(rows[who], float(s))
        extra[who] += (np.where(mask[who], weight[who], 0.0) * R).sum(axis=1)
    return remaining + extra


def benefit_truth(
    process: TrueProcess,
    state: CaseloadState,
    future: FutureClients,
    weights: np.ndarray,
    pension_months: np.ndarray | None,
    length: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Expected months on benefit in the next ``H`` months counting returns: ``(n,)`` without
    a new instrument, ``(n_free, C)`` with each instrument of the catalogue (its row order)
    for the clients without a running instrument (in caseload order).

    With ``types_per_client`` a new spell has the current spell's type, so everything is
    computed per type and weighed with the posterior; otherwise a new spell's type follows
    the law of the types at inflow.
    """
    h = process.model.spec.horizon
    locations = process.locations
    everyone = np.arange(len(state.months))
    if process.types_per_client:
        laws = [
            (
                np.eye(len(locations))[k][None, :].repeat(len(everyone), axis=0),
                NewSpellMonths(process, future, h, locations[k : k + 1], np.ones(1)),
                weights[:, k],
            )
            for k in range(len(locations))
        ]
    else:
        prior = NewSpellMonths(process, future, h, locations, process.probabilities)
        laws = [(weights, prior, np.ones(len(everyone)))]

    def total(sub: CaseloadState, rows: np.ndarray, path: Path) -> np.ndarray:
        eta = path_eta(process, sub, path.code, path.in_first, path.in_last, length)
        pret, shift = exit_terms(process, sub, future.subset(rows), path, h)
        cap = None if pension_months is None else pension_months[rows]
        out = np.zeros(len(rows))
        for w, spells, share in laws:
            surv, remaining = capped_survival(mixture_survival(eta, locations, w[rows]), h, cap)
            out += share[rows] * benefit_months(surv, remaining, pret, shift, spells, rows)
        return out

    benefit = total(state, everyone, Path(*without_path(state)))
    free = np.flatnonzero(state.running < 0)
    sub = _subset(state, free)
    cat = process.model.instruments.reset_index(drop=True)
    with_ = np.zeros((len(free), len(cat)))
    waits = cat["waiting_months"].to_numpy(dtype=np.int64)
    durations = cat["duration_months"].to_numpy(dtype=np.int64)
    for i, code in enumerate(cat["instrument"].astype(str)):
        j = process.codes.index(code)
        first = sub.months + waits[i] + 1
        last = first + durations[i] - 1
        with_[:, i] = total(sub, free, Path(np.full(len(free), j), first, last))
    return benefit, with_


def _subset(state: CaseloadState, idx: np.ndarray) -> CaseloadState:
    return CaseloadState(**{f: getattr(state, f)[idx] for f in state.__dataclass_fields__})


def add_benefit_months(
    truth: GroundTruth,
    process: TrueProcess,
    state: CaseloadState,
    future: FutureClients,
    pension_months: np.ndarray | None,
) -> GroundTruth:
    """:func:`benefit_truth` added to the truth tables (:func:`with_benefit_months`)."""
    weights = posterior_weights(process, state.loglik)
    h = process.model.spec.horizon
    benefit, with_ = benefit_truth(process, state, future, weights, pension_months, h)
    return with_benefit_months(truth, benefit, with_, process)


def with_benefit_months(
    truth: GroundTruth, benefit: np.ndarray, with_: np.ndarray, process: TrueProcess
) -> GroundTruth:
    """The truth tables with ``expected_benefit_months`` (caseload) and
    ``expected_benefit_months_with`` and ``benefit_months_saved`` (returns) added.

    ``truth`` in caseload order (as :func:`.truth.ground_truth` returns it), ``with_`` in the
    catalogue's row order for the clients without a running instrument."""
    caseload = truth.caseload.assign(expected_benefit_months=benefit)
    cat = process.model.instruments.reset_index(drop=True)
    column = {str(c): i for i, c in enumerate(cat["instrument"])}
    free_ids = caseload["client_id"].to_numpy()[caseload["current_instrument"].to_numpy() == ""]
    position = pd.Series(np.arange(len(free_ids)), index=pd.Index(free_ids))
    r = position.reindex(truth.returns["client_id"].to_numpy()).to_numpy()
    c = truth.returns["instrument"].map(column).to_numpy()
    values = with_[r.astype(np.int64), c.astype(np.int64)]
    returns = truth.returns.assign(
        expected_benefit_months_with=values,
        benefit_months_saved=benefit[_caseload_rows(caseload, truth.returns)] - values,
    )
    return GroundTruth(caseload=caseload, returns=returns)


def _caseload_rows(caseload: pd.DataFrame, returns: pd.DataFrame) -> np.ndarray:
    position = pd.Series(np.arange(len(caseload)), index=pd.Index(caseload["client_id"]))
    return position.reindex(returns["client_id"].to_numpy()).to_numpy().astype(np.int64)
