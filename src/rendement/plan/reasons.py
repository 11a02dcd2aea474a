"""Why each client got what the plan gives them (*reden*), in the managers' words.

One short Dutch sentence per client, built from what blocked every option that
returns more than the one assigned:

* ``beste rendement`` -- the client gets their best option;
* ``geen positief rendement`` -- no instrument returns more than it costs:
  help this client leave on their own, it is cheaper;
* ``capaciteit van X op`` -- every place of X went to others;
* ``geen plaatsen voor X`` -- X has no places in this period;
* ``budget op voor X`` -- X has a place, but the budget left does not cover it;

followed, when the client gets a lesser option, by ``op één na beste: Y``
(second best) or ``3e keus: Y`` (third choice), and so on.

In an optimal plan these blockers are exhaustive: a better option with a free
place that the budget allows would raise the total, so it cannot exist.
"""

from __future__ import annotations

import numpy as np

from rendement.plan.problem import PlanningProblem

BEST = "beste rendement"
NO_POSITIVE_RETURN = "geen positief rendement"


def _names(codes: list[str]) -> str:
    if len(codes) == 1:
        return codes[0]
    return ", ".join(codes[:-1]) + " en " + codes[-1]


def _choice(position: int, code: str) -> str:
    if position == 2:
        return f"op één na beste: {code}"
    return f"{position}e keus: {code}"


def explain(problem: PlanningProblem, chosen: np.ndarray) -> list[str]:
    """The reason for every client of ``problem`` (in its client order) given the chosen options."""
    codes = problem.codes
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
    reasons = [NO_POSITIVE_RETURN] * problem.n_clients
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
            parts.append(f"capaciteit van {_names(full)} op")
        if closed:
            parts.append(f"geen plaatsen voor {_names(closed)}")
        if broke:
            parts.append(f"budget op voor {_names(broke)}")
        if other:
            parts.append(f"{_names(other)} even goed")
        if a >= 0:
            parts.append(_choice(len(better) + 1, codes[int(problem.option_instrument[a])]))
        reasons[i] = "; ".join(parts)
    return reasons
