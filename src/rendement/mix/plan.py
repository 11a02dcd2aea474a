"""The plan over combinations: places of every meter and a budget where the mix returns most.

Maximise ``sum r_ik x_ik`` over binary ``x`` (client ``i``, combination ``k``)
subject to at most one combination per client, for every instrument ``j``
``sum x_ik over combinations holding j <= places_j``, and optionally
``sum c_ik x_ik <= budget``; only combinations with a positive expected net
return whose instruments all have places are variables. A combination uses
one place of each of its instruments.

1. *Dominance* (as :mod:`rendement.plan.optimize`): an option with at least
   ``P`` other options of the same combination that return at least as much
   and cost no more is never needed (``P`` bounds the number of clients any plan
   assigns), so it is dropped before the search.
2. *LP prices and reduced-cost fixing*: the LP relaxation's prices of a place and
   of a euro give an upper bound ``L``; only options that a plan better than a
   greedy incumbent could use are kept (see :func:`rendement.mix.solver.solve_options`).
3. *Branch and bound* with HiGHS (:func:`scipy.optimize.milp`) on those: the result
   is **proven optimal** (within a cent), or within the asked relative ``gap``
   (default 0.01%), or, at the time limit, the best plan found; the proven bound and
   the gap in euros are always stated.

The search is in :mod:`rendement.mix.solver`; the comparison with planning each
meter on its own in :mod:`rendement.mix.separate`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rendement.mix.combos import JOIN
from rendement.mix.score import MixScore
from rendement.mix.solver import solve_options, undominated_options

#: Default time limit (seconds) of the exact search.
TIME_LIMIT = 60.0
#: Default relative gap at which the search stops (0.01% of the plan's value: with a budget,
#: proving the last euros can take HiGHS minutes; the gap in euros is always stated).
GAP = 1e-4


@dataclass(frozen=True)
class MixPlan:
    """An optimal plan over combinations.

    ``assignments``: one row per client without a running instrument:
    ``client_id``, ``instruments`` (codes joined with ``+``; empty: none),
    ``net_return_eur``, ``months_saved``, ``expected_cost_eur`` (0 when none).
    ``summary``: per instrument places, assigned, places left. ``totals``: the
    plan's totals, ``status`` (``optimal`` or ``time_limit``), ``gap_eur``.
    """

    assignments: pd.DataFrame
    summary: pd.DataFrame
    totals: pd.Series
    budget: float | None

    @property
    def optimal(self) -> bool:
        """Proven optimal within a cent."""
        return bool(self.totals["status"] == "optimal")

    @property
    def proven(self) -> bool:
        """Proven optimal or within the asked gap (``gap_eur`` says how far at most)."""
        return bool(self.totals["status"] in ("optimal", "within_gap"))


def plan_mix(
    mix: MixScore,
    capacity: pd.DataFrame,
    *,
    budget: float | None = None,
    time_limit: float = TIME_LIMIT,
    gap: float = GAP,
) -> MixPlan:
    """The optimal plan over the combinations of ``mix`` (see the module docstring).

    ``capacity``: ``instrument``, ``places`` (an instrument not listed has no places).
    ``gap``: the search stops once the plan is proven within this share of the optimum
    (0: proven optimal); ``totals`` states ``status`` (``optimal``: within a cent;
    ``within_gap``; ``time_limit``) and ``gap_eur``, the most the optimum may exceed it.
    """
    start = time.perf_counter()
    places = places_of(capacity)
    r = mix.returns
    clients = mix.clients.loc[~mix.clients["running"].to_numpy(), "client_id"].astype(str)
    client_pos = pd.Index(clients).get_indexer(r["client_id"].astype(str))
    codes = sorted(places)
    combo_codes = pd.Index(sorted(r["instruments"].unique()))
    uses = _uses(combo_codes, codes)
    combo_pos = combo_codes.get_indexer(r["instruments"])
    value = r["net_return_eur"].to_numpy(dtype=float)
    cost = r["expected_cost_eur"].to_numpy(dtype=float)
    cap = np.array([places[c] for c in codes], dtype=np.int64)
    combo_places = np.where(
        np.isnan(uses).any(axis=1),
        0,
        np.array([cap[u > 0].min() if (u > 0).any() else 0 for u in np.nan_to_num(uses)]),
    ).astype(np.int64)
    ok = (value > 0) & np.isfinite(value) & np.isfinite(cost) & (combo_places[combo_pos] > 0)
    if budget is not None:
        ok &= cost <= budget
    variables = np.flatnonzero(ok)
    keep = undominated_options(variables, combo_pos, value, cost, int(cap.sum()), budget)
    chosen, status, bound = solve_options(
        client_pos[keep],
        combo_pos[keep],
        value[keep],
        cost[keep],
        uses,
        cap,
        budget,
        time_limit,
        gap,
    )
    picked = keep[chosen]
    objective = float(value[picked].sum())
    assignments = _assignments(clients, r, client_pos[picked], picked)
    used = uses[combo_pos[picked]].sum(axis=0) if len(picked) else np.zeros(len(codes))
    summary = pd.DataFrame(
        {"instrument": codes, "places": cap, "assigned": used.astype(np.int64)}
    ).assign(places_left=lambda f: f["places"] - f["assigned"])
    totals = pd.Series(
        {
            "clients": len(clients),
            "assigned": len(picked),
            "combinations": int((assignments["instruments"].str.contains(JOIN, regex=False)).sum()),
            "net_return_eur": objective,
            "months_saved": float(assignments["months_saved"].sum()),
            "expected_cost_eur": float(assignments["expected_cost_eur"].sum()),
            "budget_eur": np.nan if budget is None else budget,
            "status": status,
            "bound_eur": max(bound, objective),
            "gap_eur": max(0.0, bound - objective),
            "variables": len(variables),
            "search_variables": len(keep),
            "solve_seconds": time.perf_counter() - start,
        },
        dtype=object,
    )
    return MixPlan(assignments, summary, totals, budget)


def _uses(combo_codes: pd.Index, codes: list[str]) -> np.ndarray:
    """Combinations x instruments: 1 where it holds the instrument; a row of NaN when it
    holds an instrument without places (never assigned)."""
    uses = np.zeros((len(combo_codes), len(codes)))
    for k, combo in enumerate(combo_codes):
        for member in str(combo).split(JOIN):
            if member in codes:
                uses[k, codes.index(member)] = 1.0
            else:
                uses[k, :] = np.nan
                break
    return uses


def _assignments(
    clients: pd.Series, returns: pd.DataFrame, rows: np.ndarray, picked: np.ndarray
) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "client_id": clients.to_numpy(dtype=object),
            "instruments": "",
            "net_return_eur": 0.0,
            "months_saved": 0.0,
            "expected_cost_eur": 0.0,
        }
    )
    out.loc[rows, "instruments"] = returns["instruments"].to_numpy()[picked]
    for column in ("net_return_eur", "months_saved", "expected_cost_eur"):
        out.loc[rows, column] = returns[column].to_numpy(dtype=float)[picked]
    return out


def places_of(capacity: pd.DataFrame) -> dict[str, int]:
    """Places per instrument of the capacity table (``ValueError`` naming bad rows)."""
    places = pd.to_numeric(capacity["places"], errors="coerce")
    if places.isna().any() or (places < 0).any():
        bad = capacity.loc[places.isna() | (places < 0), "instrument"].astype(str).tolist()
        raise ValueError(f"places must be whole numbers >= 0; not for {', '.join(bad)}")
    return dict(zip(capacity["instrument"].astype(str), places.astype(int), strict=True))
