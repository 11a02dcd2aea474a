"""Why each client got what the plan gives them (*reden*), in the managers' words.

One short Dutch sentence per client, in the words a manager reads (instrument
names, not codes), built from what blocked every option that returns more than
the one assigned:

* ``beste rendement`` -- the client gets their best option;
* ``rendement te laag: € -1.200 met X`` -- no instrument returns more than it
  costs (the best of them shown): help this client leave on their own, it is cheaper;
* ``geen plaats meer voor X`` -- every place of X went to others;
* ``X heeft deze periode geen plaatsen`` -- no places of X were bought;
* ``budget reikt niet voor X`` -- X has a place, but the budget left does not cover it;

followed, when the client gets a lesser option, by ``tweede keus: Y``
or ``3e keus: Y``, and so on.

In an optimal plan these blockers are exhaustive: a better option with a free
place that the budget allows would raise the total, so it cannot exist.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from rendement.plan.problem import PlanningProblem

BEST = "beste rendement"
#: Start of the reason of a client for whom no instrument returns more than it costs.
NO_POSITIVE_RETURN = "rendement te laag"
NO_OPTIONS = "geen instrument met een bekend effect voor deze klant"


def _names(codes: list[str]) -> str:
    if len(codes) == 1:
        return codes[0]
    return ", ".join(codes[:-1]) + " en " + codes[-1]


def _choice(position: int, name: str) -> str:
    if position == 2:
        return f"tweede keus: {name}"
    return f"{position}e keus: {name}"


def euro(amount: float) -> str:
    """``-1200.4`` -> ``"€ -1.200"`` (whole euros, Dutch thousands separator)."""
    return "€ " + f"{amount:,.0f}".replace(",", ".")


def _too_low(problem: PlanningProblem, names: list[str]) -> list[str]:
    """Per client: the reason when nothing returns more than it costs (its best option named)."""
    out = [NO_OPTIONS] * problem.n_clients
    if not len(problem.option_client):
        return out
    order = np.lexsort((-problem.net_return, problem.option_client))
    clients = problem.option_client[order]
    first = order[np.r_[True, clients[1:] != clients[:-1]]]
    for k in first.tolist():
        name = names[int(problem.option_instrument[k])]
        out[int(problem.option_client[k])] = (
            f"{NO_POSITIVE_RETURN}: {euro(float(problem.net_return[k]))} met {name}"
        )
    return out


def explain(
    problem: PlanningProblem, chosen: np.ndarray, labels: Mapping[str, str] | None = None
) -> list[str]:
    """The reason for every client of ``problem`` (in its client order) given the chosen options.

    ``labels`` names the instruments (code -> label); without a label the code is used.
    """
    codes = [(labels or {}).get(c) or c for c in problem.codes]
    places = problem.places
    used = np.bincount(problem.option_instrument[chosen], minlength=len(places))
    spend = float(problem.cost[chosen].sum())
    left = np.inf if problem.budget is None else problem.budget - spend

    positive = np.flatnonzero(problem.positive())
    # per client: positive options, best first (ties in catalogue order)
    order = positive[
        np.lexsort(
            (
                problem.option_instrument[positive],
                -problem.net_return[positive],
                problem.option_client[positive],
            )
        )
    ]
    reasons = _too_low(problem, codes)
    clients = problem.option_client[order]
    bounds = np.searchsorted(clients, np.arange(problem.n_clients + 1))
    assigned = np.full(problem.n_clients, -1, dtype=np.int64)
    assigned[problem.option_client[chosen]] = np.flatnonzero(chosen)

    for i in np.unique(clients).tolist():
        options = order[bounds[i] : bounds[i + 1]]
        a = int(assigned[i])
        if a >= 0:
            better = options[problem.net_return[options] > problem.net_return[a]]
            if not len(better):
                reasons[i] = BEST
                continue
            freed = float(problem.cost[a])
        else:
            better = options
            freed = 0.0
        full: list[str] = []
        closed: list[str] = []
        broke: list[str] = []
        other: list[str] = []
        for k in better.tolist():
            j = int(problem.option_instrument[k])
            if places[j] <= 0:
                closed.append(codes[j])
            elif used[j] >= places[j]:
                full.append(codes[j])
            elif problem.cost[k] - freed > left:
                broke.append(codes[j])
            else:  # only within rounding of an equal return
                other.append(codes[j])
        parts = []
        if full:
            parts.append(f"geen plaats meer voor {_names(full)}")
        if closed:
            verb = "heeft" if len(closed) == 1 else "hebben"
            parts.append(f"{_names(closed)} {verb} deze periode geen plaatsen")
        if broke:
            parts.append(f"budget reikt niet voor {_names(broke)}")
        if other:
            parts.append(f"{_names(other)} even goed")
        if a >= 0:
            parts.append(_choice(len(better) + 1, codes[int(problem.option_instrument[a])]))
        reasons[i] = "; ".join(parts)
    return reasons
