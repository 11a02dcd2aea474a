"""The price of a place (*de prijs van een plaats*): what return still gets one in the plan.

The seed's individual application works *after* the plan: the caseload in order
of return, the places filled from the top, and "the limit values of the return
for that group determine how the result of the individual application is
valued". :func:`place_prices` reads them off an optimal :class:`~rendement.plan.Plan`,
per instrument:

* ``threshold_eur`` -- the lowest net return that still gets a place in the plan:
  the lowest return among the clients given the instrument when its places are
  all taken (or the budget binds); 0 when places are left over (every positive
  return gets one);
* ``dual_eur`` -- the LP price of one more place (the dual of the instrument's
  capacity row, :mod:`rendement.plan.optimize`): what the plan's total return
  would gain with one more place; 0 when places are left over;
* ``budget_price_per_eur`` -- the LP price of one more euro of budget (0 without
  a binding budget).

They are written beside the plan as ``place_prices.csv`` (:data:`PRICE_FILE`, readable
data) and read back with :func:`read_place_prices`, which names file, row,
column and value of every problem at once. :func:`rendement.plan.verdict.judge`
phrases one advice against them in Dutch (the lists and the caseworker's advice use it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rendement.errors import RendementError, Violation
from rendement.formatting import MONTH_NAMES
from rendement.plan.optimize import _Problem  # the solver's own LP relaxation, run unpruned
from rendement.plan.problem import PlanningProblem

#: The file beside ``plan.csv``.
PRICE_FILE = "place_prices.csv"

#: Columns of ``place_prices.csv``, in order.
PRICE_COLUMNS = (
    "instrument",
    "label",
    "places",
    "assigned",
    "places_left",
    "threshold_eur",
    "lowest_assigned_eur",
    "dual_eur",
    "budget_price_per_eur",
    "as_of",
    "model_version",
)

_NUMBERS = ("places", "assigned", "places_left", "threshold_eur")


class PlacePriceFileError(RendementError):
    """``place_prices.csv`` cannot be read or breaks its own format."""

    code = "invalid_place_prices"

    def __init__(self, path: Path | str, violations: list[Violation]):
        self.violations = violations
        lines = "; ".join(str(v) for v in violations[:20])
        super().__init__(f"the plan's prices of a place ({path}) cannot be used: {lines}")


@dataclass(frozen=True)
class PlacePrices:
    """The price of a place per instrument of one plan (:data:`PRICE_COLUMNS`)."""

    table: pd.DataFrame
    as_of: pd.Timestamp | None
    model_version: str

    def row(self, instrument: str) -> dict[str, Any] | None:
        """The instrument's row (``None`` when the plan does not name it)."""
        hit = self.table[self.table["instrument"].astype(str) == str(instrument)]
        return None if hit.empty else {str(k): v for k, v in hit.iloc[0].items()}

    @property
    def month_text(self) -> str:
        """``januari 2026`` (the plan's as-of month), or ``het laatste plan``."""
        if self.as_of is None:
            return "het laatste plan"
        return f"{MONTH_NAMES[self.as_of.month - 1]} {self.as_of.year}"


def place_prices(plan: Any, problem: PlanningProblem | None = None) -> PlacePrices:
    """The price of a place per instrument of ``plan`` (a :class:`~rendement.plan.Plan`).

    ``problem`` is the plan's :class:`~rendement.plan.problem.PlanningProblem`, for the
    LP duals (:func:`lp_prices`); without it they are the ones the plan stored.
    """
    summary = plan.summary.reset_index(drop=True)
    chosen = plan.assignments[plan.assignments["instrument"].astype(str) != ""]
    lowest = chosen.groupby(chosen["instrument"].astype(str))["net_return_eur"].min()
    codes = summary["instrument"].astype(str)
    low = codes.map(lowest).astype(float).to_numpy()
    places = summary["places"].to_numpy(dtype=np.int64)
    left = summary["places_left"].to_numpy(dtype=np.int64)
    if problem is not None:
        dual, budget_price = lp_prices(problem)
    elif getattr(plan, "place_prices", None) is not None:
        return plan.place_prices  # type: ignore[no-any-return]
    else:
        dual, budget_price = np.full(len(summary), np.nan), np.nan
    # the return to beat: the lowest one placed when places (or the budget) run out, else 0
    scarce = (left <= 0) | (budget_price > 0)
    threshold = np.where(scarce & np.isfinite(low), low, 0.0)
    table = pd.DataFrame(
        {
            "instrument": codes.to_numpy(dtype=object),
            "label": summary["label"].fillna("").astype(str).to_numpy(dtype=object),
            "places": places,
            "assigned": summary["assigned"].to_numpy(dtype=np.int64),
            "places_left": left,
            "threshold_eur": np.round(threshold, 2),
            "lowest_assigned_eur": np.round(low, 2),
            "dual_eur": np.round(dual, 2),
            "budget_price_per_eur": round(float(budget_price), 6),
            "as_of": "" if plan.as_of is None else plan.as_of.date().isoformat(),
            "model_version": plan.model_version,
        }
    )
    return PlacePrices(table, plan.as_of, str(plan.model_version))


def lp_prices(problem: PlanningProblem) -> tuple[np.ndarray, float]:
    """LP duals of the plan: a price per place of each instrument and per euro of budget.

    Duals of the LP relaxation over *every* eligible option (the solver's own LP runs
    after its dominance step, whose pruned options leave the capacity rows slack and
    would price every place at 0). Without a budget the LP is a transportation problem
    with an integral optimum, and the price of a place of a full instrument lies between
    the lowest return placed and the best return left out.

    Fast path: the LP over each instrument's best ``2 P + 1`` options (``P`` = all
    places); its prices are optimal for the whole LP when the Lagrangian bound they give
    over *all* options equals that LP's value (weak duality), else the whole LP is solved.
    """
    m = len(problem.places)
    ok = np.flatnonzero(problem.eligible())
    if not len(ok):
        return np.zeros(m), 0.0
    total = int(problem.places[problem.places > 0].sum())
    instrument, value = problem.option_instrument[ok], problem.net_return[ok]
    order = np.lexsort((-value, instrument))
    rank = np.arange(len(order)) - np.searchsorted(instrument[order], instrument[order])
    few = np.sort(order[rank < 2 * total + 1])
    if len(few) < len(ok):
        found = _duals(problem, ok[few])
        if found is not None:
            prices, lam, lp_value = found
            bound = _bound(problem, ok, prices, lam)
            if bound <= lp_value + 0.01 + 1e-9 * abs(lp_value):
                return prices, lam
    found = _duals(problem, ok)
    if found is None:
        return np.full(m, np.nan), np.nan
    return found[0], found[1]


def _duals(problem: PlanningProblem, options: np.ndarray) -> tuple[np.ndarray, float, float] | None:
    """Place prices, budget price and LP value of the relaxation over ``options``."""
    lp = _Problem.build(
        problem.option_client[options],
        problem.option_instrument[options],
        problem.net_return[options],
        problem.cost[options],
        problem.places,
        problem.budget,
    )
    prices, lam, x = lp._relaxation()
    if x is None:
        return None
    return prices, lam, float(lp.value @ x)


def _bound(problem: PlanningProblem, options: np.ndarray, prices: np.ndarray, lam: float) -> float:
    """The Lagrangian bound of ``prices`` and ``lam`` over ``options`` (an upper bound)."""
    adjusted = (
        problem.net_return[options]
        - prices[problem.option_instrument[options]]
        - lam * problem.cost[options]
    )
    best = np.zeros(problem.n_clients)
    np.maximum.at(best, problem.option_client[options], adjusted)
    return float(best.sum() + problem.places @ prices + lam * (problem.budget or 0.0))


def read_place_prices(path: Path | str) -> PlacePrices:
    """Read ``place_prices.csv``; every problem named at once (:class:`PlacePriceFileError`)."""
    path = Path(path)
    name = path.name
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise PlacePriceFileError(
            path, [Violation(name, None, None, None, f"a readable CSV file ({exc})")]
        ) from None
    missing = [c for c in PRICE_COLUMNS if c not in frame.columns]
    if missing:
        raise PlacePriceFileError(
            path,
            [Violation(name, 1, c, None, "this column (see PRICE_COLUMNS)") for c in missing],
        )
    problems: list[Violation] = []
    out = frame[list(PRICE_COLUMNS)].copy()
    for column in _NUMBERS:
        values = pd.to_numeric(out[column], errors="coerce")
        bad = ~np.isfinite(values.to_numpy(dtype=float)) | (values.to_numpy(dtype=float) < 0)
        for k in np.flatnonzero(bad)[:50]:
            problems.append(
                Violation(name, int(k) + 2, column, str(frame[column].iloc[k]), "a number >= 0")
            )
        out[column] = values
    for column in ("lowest_assigned_eur", "dual_eur", "budget_price_per_eur"):
        out[column] = pd.to_numeric(out[column], errors="coerce")
    codes = out["instrument"].astype(str).str.strip()
    for k in np.flatnonzero((codes == "").to_numpy() | codes.duplicated().to_numpy())[:50]:
        problems.append(
            Violation(name, int(k) + 2, "instrument", codes.iloc[k], "a unique instrument code")
        )
    as_of = None
    dates = out["as_of"].astype(str).str.strip().unique().tolist()
    if len(dates) > 1:
        problems.append(Violation(name, None, "as_of", ", ".join(dates), "one date for all rows"))
    elif dates and dates[0]:
        try:
            as_of = pd.Timestamp(dt.date.fromisoformat(dates[0]))
        except ValueError:
            problems.append(Violation(name, 2, "as_of", dates[0], "a date YYYY-MM-DD"))
    if problems:
        raise PlacePriceFileError(path, problems)
    for column in ("places", "assigned", "places_left"):
        out[column] = out[column].astype(np.int64)
    version = str(out["model_version"].iloc[0]) if len(out) else ""
    return PlacePrices(out.reset_index(drop=True), as_of, version)


def write_place_prices(prices: PlacePrices, path: Path) -> None:
    """``place_prices.csv`` (called by :func:`rendement.plan.write_plan` inside its staging)."""
    from rendement.formulas import write_csv

    write_csv(prices.table[list(PRICE_COLUMNS)], path, index=False)
