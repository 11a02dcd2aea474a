"""The two ways of handing out places that the optimal plan is compared with.

* **The seed's rule** (*vuistregel*, APE 2007): outflow group 1 gets category 1
  (short 'opstap' trajectories, jobhunting), group 2 gets category 2a or 2b,
  group 3 gets category 3; within that, the options with the best return go
  first until places (and budget) run out. Instruments without a category
  (other meters) are open to every group. Only positive returns.
* **First come** (*wie het langst in de uitkering zit eerst*): clients in order
  of months on benefit, longest first; each gets their best positive option
  that still has a place (and fits the remaining budget).

Both are greedy: they take options in a fixed order and keep an option when
the client has none yet, its instrument has a place left and its cost fits the
remaining budget.
"""

from __future__ import annotations

import numpy as np

from rendement.plan.problem import PlanningProblem

#: Trajectory categories per outflow group in the seed's rule.
SEED_CATEGORIES: dict[int, tuple[str, ...]] = {1: ("1",), 2: ("2a", "2b"), 3: ("3",)}


def seed_rule(problem: PlanningProblem) -> np.ndarray:
    """Options chosen by the seed's rule (bool per option of ``problem``)."""
    group = problem.clients["outflow_group"].to_numpy(dtype=np.int64)
    category = problem.instruments["category"].tolist()
    fits = np.zeros((4, len(category)), dtype=bool)  # [group, instrument]
    for g, allowed in SEED_CATEGORIES.items():
        fits[g] = [c is None or c in allowed for c in category]
    g = np.clip(group[problem.option_client], 0, 3)
    allowed_options = problem.eligible() & fits[g, problem.option_instrument]
    # best return first; ties by rank (client order), then catalogue order
    order = np.lexsort((problem.option_instrument, problem.option_client, -problem.net_return))
    return greedy(problem, order[allowed_options[order]])


def first_come(problem: PlanningProblem) -> np.ndarray:
    """Options chosen by first come (longest on benefit first), bool per option."""
    months = problem.clients["months_on_benefit"].to_numpy(dtype=float)
    allowed_options = problem.eligible()
    order = np.lexsort(
        (
            problem.option_instrument,
            -problem.net_return,
            problem.option_client,
            -months[problem.option_client],
        )
    )
    return greedy(problem, order[allowed_options[order]])


def greedy(problem: PlanningProblem, order: np.ndarray) -> np.ndarray:
    """Keep options in ``order`` while the client is free, a place is left and the budget fits."""
    chosen = np.zeros(len(problem.net_return), dtype=bool)
    taken = np.zeros(problem.n_clients, dtype=bool)
    left = problem.places.tolist()
    budget = np.inf if problem.budget is None else problem.budget
    spend = 0.0
    clients = problem.option_client.tolist()
    instruments = problem.option_instrument.tolist()
    costs = problem.cost.tolist()
    for k in order.tolist():
        i, j = clients[k], instruments[k]
        if taken[i] or left[j] <= 0 or spend + costs[k] > budget:
            continue
        chosen[k] = True
        taken[i] = True
        left[j] -= 1
        spend += costs[k]
    return chosen
