"""Months saved, expected cost and net return of an instrument (*rendement*).

Data-contract definitions (``docs/data-contract.md``, ``returns.csv``):

* ``months_saved`` = expected remaining months without - with the instrument
  (negative: the instrument prolongs the benefit, e.g. by its lock-in);
* ``expected_cost_eur`` = price, or under no-cure-less-pay with success share
  ``s``: ``price * (1 - s) + price * s * P(success)``, where success means
  leaving benefit no later than 3 months after the planned end;
* ``net_return_eur`` = months saved x monthly benefit - expected cost.

A yearly discount rate ``r`` (default 0: undiscounted) discounts each future
month ``t`` of benefit (``t = 0`` is the month now starting) by
``(1 + r) ** (-t / 12)``; costs are not discounted (they are paid near the start).
"""

from __future__ import annotations

import numpy as np

#: Success (*succes*) = leaving benefit no later than this many months after the planned end.
SUCCESS_MONTHS_AFTER_END = 3

#: ``best_instrument`` when no instrument has a positive net return.
NO_INSTRUMENT = "geen"


def discount_factors(rate: float, n_months: int) -> np.ndarray:
    """``(n_months,)`` factors ``(1 + rate) ** (-t / 12)`` for future months ``t = 0, 1, ...``."""
    if rate <= -1.0:
        raise ValueError(f"the discount rate must be above -1 (per year), got {rate}")
    return (1.0 + rate) ** (-np.arange(n_months) / 12.0)


def on_benefit_chance(survival: np.ndarray, horizon: int) -> np.ndarray:
    """``P(T - d > t)`` for ``t = 0 .. H - 1``: the chance that future month ``t`` is paid."""
    ones = np.ones((*survival.shape[:-1], 1))
    return np.concatenate([ones, survival[..., : horizon - 1]], axis=-1)


def discounted_months(survival: np.ndarray, horizon: int, factors: np.ndarray) -> np.ndarray:
    """Expected benefit months within the horizon, each weighted by its discount factor.

    With all factors 1 this is the restricted mean residual duration.
    """
    return on_benefit_chance(survival, horizon) @ factors[:horizon]


def success_probability(survival_with: np.ndarray, planned_end: int) -> np.ndarray:
    """P(leaves benefit no later than 3 months after the planned end ``W + D``) on the WITH path."""
    m = planned_end + SUCCESS_MONTHS_AFTER_END
    return 1.0 - survival_with[..., m - 1]


def expected_cost(
    price: float | np.ndarray, success_share: float | np.ndarray, p_success: np.ndarray
) -> np.ndarray:
    """No-cure-less-pay (*no cure, less pay*): the fixed part always, the rest on success."""
    price = np.asarray(price, dtype=float)
    share = np.asarray(success_share, dtype=float)
    return price * (1.0 - share) + price * share * np.asarray(p_success, dtype=float)


def net_return(
    months_saved: np.ndarray, monthly_benefit: np.ndarray, cost: np.ndarray
) -> np.ndarray:
    """Benefit saved in euros minus the expected cost (*netto rendement*)."""
    return np.asarray(months_saved) * np.asarray(monthly_benefit) - np.asarray(cost)


def best_instrument(
    net: np.ndarray, codes: list[str], running: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per client the instrument with the highest positive net return and that return.

    ``net`` is ``(n, C)`` (columns in ``codes`` order; ties go to the first).
    ``geen`` with return 0 when none is positive; empty with 0 for clients with a
    running instrument (``running``), who are not advised a new one.
    """
    n = net.shape[0]
    best = np.full(n, NO_INSTRUMENT, dtype=object)
    value = np.zeros(n)
    if net.shape[1]:
        j = np.argmax(net, axis=1)
        top = net[np.arange(n), j]
        positive = top > 0
        best[positive] = np.asarray(codes, dtype=object)[j[positive]]
        value[positive] = top[positive]
    best[running] = ""
    value[running] = 0.0
    return best, value
