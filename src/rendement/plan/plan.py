"""The instrument plan (*inzetplan*): places and budget where they return most.

:func:`make_plan` assigns at most one instrument to each client without a
running instrument so that the total expected net return is maximal, given the
places per instrument and an optional budget, and never an instrument whose
expected return is not positive (exact optimum, :mod:`rendement.plan.optimize`).
Beside it, on the same clients, places and budget, it reports what the seed's
rule and first-come would have returned (:mod:`rendement.plan.rules`), so the
gain is visible in euros and benefit months. :func:`write_plan` writes
``plan.csv`` (data contract), ``plan_summary.csv`` and ``plan_comparison.csv``,
all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rendement.errors import CapacityFileError
from rendement.formulas import write_csv
from rendement.output import atomic_folder_files
from rendement.plan.capacity import check_capacity
from rendement.plan.optimize import TIME_LIMIT, Solution, solve
from rendement.plan.price import PRICE_FILE, PlacePrices, place_prices, write_place_prices
from rendement.plan.problem import PlanningProblem, ScoreLike, planning_problem
from rendement.plan.reasons import explain
from rendement.plan.rules import first_come, seed_rule
from rendement.reinflow.columns import returns_basis

#: Columns of ``plan.csv`` required by the data contract, in order.
PLAN_COLUMNS = ("client_id", "instrument", "net_return_eur", "reason")

#: The methods of the comparison, with their description for managers.
METHODS: dict[str, str] = {
    "optimal": "optimaal plan: maximaal totaal rendement binnen plaatsen en budget",
    "seed_rule": "vuistregel: groep 1 -> categorie 1, groep 2 -> 2a/2b, groep 3 -> 3; "
    "beste rendement eerst",
    "first_come": "wie het langst in de uitkering zit eerst",
}


@dataclass(frozen=True)
class Plan:
    """An optimal instrument plan, its summary and its comparison with the two rules.

    * ``assignments``: one row per client without a running instrument (ranking
      order): ``client_id``, ``instrument`` (empty when none), ``net_return_eur``
      (0 when none), ``reason``, then ``months_saved``, ``expected_cost_eur``,
      ``outflow_group``, ``months_on_benefit`` (+ ``district``, ``caseworker_id``).
    * ``summary``: one row per instrument of the meter: places, assigned, places
      left, total return, benefit months saved and expected cost.
    * ``totals``: the plan's totals (clients, return, months saved, spend, budget, status).
    * ``comparison``: optimal plan, seed rule and first come on the same input.
    * ``alternatives``: the assignments of ``seed_rule`` and ``first_come`` (same columns
      as ``assignments`` but without ``reason``).
    """

    assignments: pd.DataFrame
    summary: pd.DataFrame
    totals: pd.Series
    comparison: pd.DataFrame
    alternatives: dict[str, pd.DataFrame]
    capacity: pd.DataFrame
    budget: float | None
    solution: Solution
    as_of: pd.Timestamp | None = None
    model_version: str = ""
    model_kind: str = "estimated"
    warnings: list[str] = field(default_factory=list)
    #: The price of a place per instrument (:mod:`rendement.plan.price`).
    place_prices: PlacePrices | None = None

    @property
    def optimal(self) -> bool:
        """True when the plan is proven optimal (always, unless the time limit was hit)."""
        return self.solution.status == "optimal"

    def summary_table(self) -> pd.DataFrame:
        """``summary`` with a last row ``totaal`` (as written to ``plan_summary.csv``)."""
        s = self.summary
        total = {
            "instrument": "totaal",
            "label": "",
            "category": "",
            "places": int(s["places"].sum()),
            "assigned": int(s["assigned"].sum()),
            "places_left": int(s["places_left"].sum()),
            "net_return_eur": float(s["net_return_eur"].sum()),
            "months_saved": float(s["months_saved"].sum()),
            "expected_cost_eur": float(s["expected_cost_eur"].sum()),
        }
        return pd.concat([s, pd.DataFrame([total])], ignore_index=True)


def make_plan(
    score: ScoreLike,
    capacity: pd.DataFrame,
    catalogue: pd.DataFrame,
    *,
    budget: float | None = None,
    meter: str | None = None,
    time_limit: float = TIME_LIMIT,
) -> Plan:
    """The optimal plan for the caseload of ``score`` (see the module docstring).

    ``capacity``: columns ``instrument`` and ``places`` (checked here; problems raise
    :class:`~rendement.errors.CapacityFileError`). ``catalogue``: the meter's
    instruments (``model.meter_instruments``; with several meters, ``meter`` picks
    one). ``budget``: total expected cost allowed, EUR (``None`` = no budget).
    """
    budget = _checked_budget(budget)
    places = check_capacity(capacity, catalogue, meter=meter)
    problem = planning_problem(score, places, catalogue, budget=budget)
    solution = solve(
        problem.option_client,
        problem.option_instrument,
        problem.net_return,
        problem.cost,
        problem.places,
        budget,
        time_limit=time_limit,
    )
    chosen = solution.chosen
    _check_feasible(problem, chosen)
    rules = {"seed_rule": seed_rule(problem), "first_come": first_come(problem)}
    for picked in rules.values():
        _check_feasible(problem, picked)

    assignments = _assignments(problem, chosen)
    labels = _labels(catalogue)
    assignments.insert(3, "reason", explain(problem, chosen, labels))
    assignments["returns_basis"] = returns_basis(score.returns)  # which net return planned
    warnings = list(getattr(score, "warnings", []) or [])
    if solution.status != "optimal":
        warnings.append(
            f"the time limit was reached before optimality was proven: the plan may fall "
            f"short of the optimum by at most EUR {solution.gap:,.2f}"
        )
    kind = _model_kind(score)
    as_of = getattr(score, "as_of", None)
    plan = Plan(
        assignments=assignments,
        summary=_summary(problem, chosen, labels),
        totals=_totals(problem, chosen, solution, kind),
        comparison=_comparison(problem, {"optimal": chosen, **rules}),
        alternatives={name: _assignments(problem, picked) for name, picked in rules.items()},
        capacity=places,
        budget=budget,
        solution=solution,
        as_of=None if as_of is None else pd.Timestamp(as_of),
        model_version=str(getattr(score, "model_version", "")),
        model_kind=kind,
        warnings=warnings,
    )
    return replace(plan, place_prices=place_prices(plan, problem))


def write_plan(plan: Plan, out_dir: Path | str) -> list[Path]:
    """Write ``plan.csv``, ``plan_summary.csv``, ``plan_comparison.csv`` and the price of a
    place per instrument (``place_prices.csv``, :mod:`rendement.plan.price`), all or none."""
    out = Path(out_dir)
    names = ("plan.csv", "plan_summary.csv", "plan_comparison.csv")
    frames = (plan.assignments, plan.summary_table(), plan.comparison)
    with atomic_folder_files(out) as stage:
        for name, frame in zip(names, frames, strict=True):
            write_csv(csv_rounded(frame), stage / name, index=False)
        write_place_prices(place_prices(plan), stage / PRICE_FILE)
    return [out / n for n in (*names, PRICE_FILE)]


def evaluate_assignment(assignments: pd.DataFrame, returns: pd.DataFrame) -> pd.Series:
    """Totals of an assignment (``client_id``, ``instrument``; empty = none) valued with ``returns``.

    Used to value a plan with other returns than it was made with, e.g. the
    simulator's true returns. Every assigned pair must be in ``returns``.
    """
    picked = assignments[assignments["instrument"].fillna("").astype(str) != ""]
    keys = picked[["client_id", "instrument"]].astype(str)
    table = returns.assign(
        client_id=returns["client_id"].astype(str), instrument=returns["instrument"].astype(str)
    ).drop_duplicates(["client_id", "instrument"])
    merged = keys.merge(table, on=["client_id", "instrument"], how="left", indicator=True)
    missing = int((merged["_merge"] != "both").sum())
    if missing:
        raise ValueError(f"{missing} assigned (client, instrument) pair(s) are not in the returns")
    return pd.Series(
        {
            "assigned": len(merged),
            "net_return_eur": float(merged["net_return_eur"].sum()),
            "months_saved": float(merged["months_saved"].sum()),
            "expected_cost_eur": float(merged["expected_cost_eur"].sum()),
        }
    )


# ---- pieces ---------------------------------------------------------------------------------


def _checked_budget(budget: float | None) -> float | None:
    if budget is None:
        return None
    try:
        value = float(budget)
    except (TypeError, ValueError):
        value = float("nan")
    if not np.isfinite(value) or value < 0:
        raise CapacityFileError(
            f"the budget must be an amount in euros >= 0 (or no budget at all), got {budget!r}"
        )
    return value


def _check_feasible(problem: PlanningProblem, chosen: np.ndarray) -> None:
    """Guard: one instrument per client, places, budget, positive returns (a bug if violated)."""
    clients = np.bincount(problem.option_client[chosen], minlength=problem.n_clients)
    used = np.bincount(problem.option_instrument[chosen], minlength=len(problem.places))
    spend = float(problem.cost[chosen].sum())
    if (
        (clients > 1).any()
        or (used > problem.places).any()
        or (problem.budget is not None and spend > problem.budget)
        or (problem.net_return[chosen] <= 0).any()
    ):
        raise AssertionError("an assignment breaks a constraint of the plan")  # pragma: no cover


def _assignments(problem: PlanningProblem, chosen: np.ndarray) -> pd.DataFrame:
    n = problem.n_clients
    k = np.full(n, -1, dtype=np.int64)
    k[problem.option_client[chosen]] = np.flatnonzero(chosen)
    has = k >= 0
    codes = np.asarray([*problem.codes, ""], dtype=object)
    inst = np.full(n, len(codes) - 1, dtype=np.int64)
    inst[has] = problem.option_instrument[k[has]]

    def of(values: np.ndarray) -> np.ndarray:
        out = np.zeros(n)
        out[has] = values[k[has]]
        return out

    frame = pd.DataFrame(
        {
            "client_id": problem.clients["client_id"].to_numpy(dtype=object),
            "instrument": codes[inst],
            "net_return_eur": of(problem.net_return),
            "months_saved": of(problem.months_saved),
            "expected_cost_eur": of(problem.cost),
        }
    )
    for column in ("outflow_group", "months_on_benefit", "district", "caseworker_id"):
        if column in problem.clients.columns:
            frame[column] = problem.clients[column].to_numpy()
    return frame


def _summary(problem: PlanningProblem, chosen: np.ndarray, labels: dict[str, str]) -> pd.DataFrame:
    m = len(problem.places)
    j = problem.option_instrument[chosen]
    assigned = np.bincount(j, minlength=m)
    return pd.DataFrame(
        {
            "instrument": problem.codes,
            "label": [labels.get(c, "") for c in problem.codes],
            "category": [c or "" for c in problem.instruments["category"]],
            "places": problem.places,
            "assigned": assigned,
            "places_left": problem.places - assigned,
            "net_return_eur": np.bincount(j, weights=problem.net_return[chosen], minlength=m),
            "months_saved": np.bincount(j, weights=problem.months_saved[chosen], minlength=m),
            "expected_cost_eur": np.bincount(j, weights=problem.cost[chosen], minlength=m),
        }
    )


def _totals(
    problem: PlanningProblem, chosen: np.ndarray, solution: Solution, kind: str
) -> pd.Series:
    spend = float(problem.cost[chosen].sum())
    return pd.Series(
        {
            "clients": problem.n_clients,
            "clients_with_positive_return": int(
                np.unique(problem.option_client[problem.positive()]).size
            ),
            "assigned": int(chosen.sum()),
            "places": int(problem.places.sum()),
            "net_return_eur": float(problem.net_return[chosen].sum()),
            "months_saved": float(problem.months_saved[chosen].sum()),
            "expected_cost_eur": spend,
            "budget_eur": np.nan if problem.budget is None else problem.budget,
            "budget_left_eur": np.nan if problem.budget is None else problem.budget - spend,
            "status": solution.status,
            "gap_eur": solution.gap,
            "solve_seconds": solution.seconds,
            "model_kind": kind,
        },
        dtype=object,
    )


def _comparison(problem: PlanningProblem, plans: dict[str, np.ndarray]) -> pd.DataFrame:
    rows = []
    for name, chosen in plans.items():
        rows.append(
            {
                "method": name,
                "description": METHODS[name],
                "assigned": int(chosen.sum()),
                "net_return_eur": float(problem.net_return[chosen].sum()),
                "months_saved": float(problem.months_saved[chosen].sum()),
                "expected_cost_eur": float(problem.cost[chosen].sum()),
            }
        )
    out = pd.DataFrame(rows)
    best = float(out.loc[out["method"] == "optimal", "net_return_eur"].iloc[0])
    out["share_of_optimum"] = out["net_return_eur"] / best if best > 0 else np.nan
    out["short_of_optimum_eur"] = best - out["net_return_eur"]
    return out


def _labels(catalogue: pd.DataFrame) -> dict[str, str]:
    if "label" not in catalogue.columns:
        return {}
    return {
        str(c): ("" if pd.isna(v) else str(v))
        for c, v in zip(catalogue["instrument"], catalogue["label"], strict=True)
    }


def _model_kind(score: Any) -> str:
    kind = getattr(score, "model_kind", None)
    if kind is None and "model_kind" in score.ranking.columns and len(score.ranking):
        kind = score.ranking["model_kind"].iloc[0]
    return str(kind or "estimated")


def csv_rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Readable CSV numbers: euros 2 decimals, months 4, shares 6."""
    out = frame.copy()
    for c in out.columns:
        if not pd.api.types.is_float_dtype(out[c]):
            continue
        if "eur" in c:
            out[c] = out[c].round(2)
        elif "months" in c:
            out[c] = out[c].round(4)
        elif c.startswith("share"):
            out[c] = out[c].round(6)
    return out
