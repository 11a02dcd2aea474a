"""The instrument plan (*inzetplan*): scarce places and budget where they return most.

* :func:`make_plan` -- the exact optimal plan and its comparison with the seed's
  rule and first come (:class:`Plan`); :func:`write_plan` writes it;
* :func:`read_capacity` / :func:`check_capacity` -- the capacity file, checked;
* :func:`evaluate_assignment` -- value an assignment with other returns (e.g. the truth).
"""

from __future__ import annotations

from rendement.plan.capacity import CAPACITY_COLUMNS, check_capacity, read_capacity
from rendement.plan.optimize import Solution
from rendement.plan.plan import (
    METHODS,
    PLAN_COLUMNS,
    Plan,
    evaluate_assignment,
    make_plan,
    write_plan,
)
from rendement.plan.problem import PlanningProblem, ScoreLike, planning_problem

__all__ = [
    "CAPACITY_COLUMNS",
    "METHODS",
    "PLAN_COLUMNS",
    "Plan",
    "PlanningProblem",
    "ScoreLike",
    "Solution",
    "check_capacity",
    "evaluate_assignment",
    "make_plan",
    "planning_problem",
    "read_capacity",
    "write_plan",
]
