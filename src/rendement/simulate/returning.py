"""The rules of a return to benefit after a spell ended, shared by the process and its truth.

A client who left (not by moving away or the state pension) comes back in
calendar month ``t`` (``gap = t - exit - 1 >= 1`` months after the month of the
exit) with the monthly chance of :data:`rendement.simulate.parameters.RETURN_CHANCE`,
on the cloglog scale shifted by the durability effects of the instruments the
ended spell had (``return_effects``), only while younger than :data:`MAX_RETURN_AGE`.
The new spell starts on a day drawn from 1..:data:`START_DAYS` and only with at least
one whole month before the pension date. The end reason of a spell follows a
multinomial logit (:func:`end_reason_scores`); after moving away nobody returns.
The simulator (:mod:`.process`) draws with these rules and the exact truth of
months on benefit counting returns (:mod:`.truth_returns`) integrates over them.
"""

from __future__ import annotations

import numpy as np

from rendement.simulate.parameters import TrueProcess

#: No return from this age (in whole years at the start of the calendar month) on.
MAX_RETURN_AGE = 66
#: Days of the month a returning client's new spell can start on (uniform).
START_DAYS = 28
#: End reason after which a client does not come back.
NO_RETURN = "verhuizing"


def return_chance(process: TrueProcess, gap: np.ndarray) -> np.ndarray:
    """Monthly chance of a new spell ``gap`` months after the month the last one ended."""
    bounds = np.array([b for b, _ in process.return_chance])
    chances = np.array([c for _, c in process.return_chance])
    return chances[np.minimum(np.searchsorted(bounds, gap, side="left"), len(bounds) - 1)]


def shifted(chance: np.ndarray, shift: np.ndarray | float) -> np.ndarray:
    """``1 - (1 - chance) ** exp(shift)``: the chance on the cloglog scale shifted by ``shift``."""
    return -np.expm1(np.log1p(-chance) * np.exp(shift))


def end_reason_scores(
    process: TrueProcess,
    reasons: list[str],
    high_education: np.ndarray,
    after_reintegration: np.ndarray | np.bool_,
    young: np.ndarray,
) -> np.ndarray:
    """``(n, R)`` logit scores of the end reasons: work more often for the educated and after a
    re-integration trajectory, study more often for the young (under 30 at the exit)."""
    base = np.log(np.array([process.end_reasons[r] for r in reasons]))
    scores = np.tile(base, (len(high_education), 1))
    work, study = reasons.index("werk"), reasons.index("opleiding")
    scores[:, work] += 0.3 * np.asarray(high_education, dtype=float)
    scores[:, work] += 0.3 * np.asarray(after_reintegration, dtype=float)
    scores[:, study] += 0.7 * np.asarray(young, dtype=float)
    return scores


def returnable_chance(
    process: TrueProcess,
    high_education: np.ndarray,
    after_reintegration: np.ndarray | np.bool_,
    young: np.ndarray,
) -> np.ndarray:
    """``(n,)`` chance that an exit ends with a reason after which the client may return."""
    reasons = list(process.end_reasons)
    s = end_reason_scores(process, reasons, high_education, after_reintegration, young)
    p = np.exp(s - s.max(axis=1, keepdims=True))
    return 1.0 - p[:, reasons.index(NO_RETURN)] / p.sum(axis=1)


def age_in_years(calendar_month: np.ndarray | int, birth_month: np.ndarray) -> np.ndarray:
    """Whole years of age as the simulator counts them (by calendar month)."""
    return (np.asarray(calendar_month) - np.asarray(birth_month)) // 12
