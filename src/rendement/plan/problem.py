"""The planning problem (*inzetplan*): who may get which instrument, at what return and cost.

Built from a caseload score (:class:`rendement.scoring.caseload.CaseloadScore` or
anything with its ``ranking`` and ``returns`` frames), the checked places per
instrument and an optional budget. Only clients without a running instrument
are planned (they are the rows of ``returns.csv``). Every (client, instrument)
row of the returns is an *option*; an option is *eligible* when its expected
net return is positive, its instrument has places and (with a budget) its
expected cost fits the budget on its own.

Clients keep the ranking's order (rank 1 first); instruments keep the
catalogue's order. Arrays are indexed by position in those orders.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from rendement.reinflow.columns import ranked_columns

#: Client columns of the ranking carried into the plan when present.
CLIENT_COLUMNS = ("client_id", "months_on_benefit", "outflow_group", "rank")
CLIENT_EXTRAS = ("district", "caseworker_id")


class ScoreLike(Protocol):
    """What planning and lists need of a caseload score (see :class:`rendement.scoring.caseload.CaseloadScore`)."""

    @property
    def ranking(self) -> pd.DataFrame: ...

    @property
    def returns(self) -> pd.DataFrame: ...

    @property
    def model_version(self) -> str: ...

    @property
    def as_of(self) -> Any: ...


@dataclass(frozen=True)
class PlanningProblem:
    """Clients, instruments with places, options (client x instrument) and the budget."""

    clients: (
        pd.DataFrame
    )  # client_id, months_on_benefit, outflow_group, rank (+ district, caseworker_id)
    instruments: pd.DataFrame  # instrument, category (str or None), places (int)
    budget: float | None
    option_client: np.ndarray  # int64, position in ``clients``
    option_instrument: np.ndarray  # int64, position in ``instruments``
    net_return: np.ndarray  # EUR
    cost: np.ndarray  # expected cost, EUR
    months_saved: np.ndarray

    @property
    def n_clients(self) -> int:
        return len(self.clients)

    @property
    def places(self) -> np.ndarray:
        return self.instruments["places"].to_numpy(dtype=np.int64)

    @property
    def codes(self) -> list[str]:
        return self.instruments["instrument"].astype(str).tolist()

    def positive(self) -> np.ndarray:
        """Options with a positive expected net return (the only ones ever assigned)."""
        return self.net_return > 0

    def eligible(self) -> np.ndarray:
        """Positive options whose instrument has places and whose cost alone fits the budget."""
        ok = self.positive() & (self.places[self.option_instrument] > 0)
        if self.budget is not None:
            ok &= self.cost <= self.budget
        return ok


def planning_problem(
    score: ScoreLike, places: pd.DataFrame, catalogue: pd.DataFrame, *, budget: float | None
) -> PlanningProblem:
    """The problem for the clients of ``score`` without a running instrument.

    ``places`` is the checked capacity (:func:`rendement.plan.capacity.check_capacity`):
    one row per instrument of the meter. Options of instruments outside it are
    ignored (they have no places); options with a missing return are left out.
    """
    ranking = score.ranking
    free = ranking[~_filled(ranking["current_instrument"])] if len(ranking) else ranking
    columns = [c for c in (*CLIENT_COLUMNS, *CLIENT_EXTRAS) if c in free.columns]
    clients = free[columns].reset_index(drop=True)
    clients["client_id"] = clients["client_id"].astype(str)

    category = {}
    if "category" in catalogue.columns:
        for code, cat in zip(catalogue["instrument"], catalogue["category"], strict=True):
            category[str(code)] = None if cat is None or pd.isna(cat) else str(cat)
    instruments = pd.DataFrame(
        {
            "instrument": places["instrument"].astype(str).to_numpy(dtype=object),
            "category": [category.get(str(c)) for c in places["instrument"]],
            "places": places["places"].to_numpy(dtype=np.int64),
        }
    )

    returns = score.returns
    ci = pd.Index(clients["client_id"]).get_indexer(returns["client_id"].astype(str))
    ii = pd.Index(instruments["instrument"]).get_indexer(returns["instrument"].astype(str))
    net_col, saved_col = ranked_columns(returns)  # returns_basis: spell or total
    value = pd.to_numeric(returns[net_col], errors="coerce").to_numpy(dtype=float)
    cost = pd.to_numeric(returns["expected_cost_eur"], errors="coerce").to_numpy(dtype=float)
    saved = pd.to_numeric(returns[saved_col], errors="coerce").to_numpy(dtype=float)
    ok = (ci >= 0) & (ii >= 0) & np.isfinite(value) & np.isfinite(cost) & np.isfinite(saved)
    keys = pd.DataFrame({"c": ci[ok], "i": ii[ok]})
    first = ~keys.duplicated().to_numpy()
    rows = np.flatnonzero(ok)[first]
    order = np.lexsort((ii[rows], ci[rows]))
    rows = rows[order]
    return PlanningProblem(
        clients=clients,
        instruments=instruments,
        budget=None if budget is None else float(budget),
        option_client=ci[rows].astype(np.int64),
        option_instrument=ii[rows].astype(np.int64),
        net_return=value[rows],
        cost=cost[rows],
        months_saved=saved[rows],
    )


def _filled(values: pd.Series) -> np.ndarray:
    """True where a text cell holds something (not None, NaN or blank)."""
    text = values.astype(object).where(values.notna(), "")
    return text.astype(str).str.strip().ne("").to_numpy()
