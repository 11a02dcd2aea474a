"""The re-inflow model: the monthly chance of coming back to benefit after a spell ended.

A discrete-time proportional hazards model (cloglog, as the outflow model) of
months ``s`` off benefit::

    P(return in month s | off until s - 1) = 1 - exp(-exp(eta)),
    eta = off-piece(s) + client terms + work * end:werk
          + sum_j ended_in:j * [ended during j] + ended_after:j * [ended after j]

``ended_in:j`` / ``ended_after:j`` are the durability effects of instrument ``j``
(a positive value: more returns, less durable outflow). A baseline piece without
any return has chance 0 (``-inf``). :class:`ReinflowModel` is data only (readable
CSV and JSON in the model folder, :mod:`rendement.reinflow.store`); the exit mix
(share of exits that can return, share to work) comes with it, for the chain
(:mod:`rendement.reinflow.chain`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rendement.model.spec import ModelSpec, client_design
from rendement.reinflow.panel import REINFLOW_CUTS, piece_of, piece_terms

WORK_TERM = "end:werk"


def flag_terms(instruments: Sequence[str]) -> list[str]:
    return [f"{p}:{c}" for c in instruments for p in ("ended_in", "ended_after")]


@dataclass(frozen=True)
class ExitMix:
    """Of all spells that ended by outflow (not at the pension date, where every path of
    the chain stops anyway): the share after which a client can return (not moved away or
    died) and, of those, the share that ended in work."""

    returnable_share: float
    work_share: float
    n_exits: int

    def to_dict(self) -> dict[str, float | int]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ReinflowModel:
    """Parameters (log hazard ratios), covariance and what they mean."""

    spec: ModelSpec  # the outflow model's specification: its client terms are used here
    params: pd.Series
    cov: pd.DataFrame | None
    instruments: tuple[str, ...]
    mix: ExitMix
    cuts: tuple[int, ...] = REINFLOW_CUTS
    counts: dict[str, int] = field(default_factory=dict)

    def terms(self) -> list[str]:
        return [
            *piece_terms(self.cuts),
            *self.spec.client_terms(),
            WORK_TERM,
            *flag_terms(self.instruments),
        ]

    def coef(self, term: str) -> float:
        return float(self.params.get(term, 0.0))

    def bse(self) -> pd.Series:
        if self.cov is None:
            return pd.Series(np.nan, index=self.params.index)
        d = np.diag(self.cov.reindex(index=self.params.index, columns=self.params.index))
        return pd.Series(np.sqrt(d), index=self.params.index)

    def table(self) -> pd.DataFrame:
        """term, estimate, std_error, 95% bounds, hazard ratio (for the report)."""
        se = self.bse()
        out = pd.DataFrame({"estimate": self.params, "std_error": se})
        out["lower"] = out["estimate"] - 1.959963984540054 * out["std_error"]
        out["upper"] = out["estimate"] + 1.959963984540054 * out["std_error"]
        out["hazard_ratio"] = np.exp(out["estimate"])
        return out.rename_axis("term")

    def baseline_by_month(self, months: int, params: pd.Series | None = None) -> np.ndarray:
        """``(months,)`` baseline eta of months off ``s = 1..months`` (``-inf``: no return)."""
        p = self.params if params is None else params
        base = np.array([float(p.get(t, -np.inf)) for t in piece_terms(self.cuts)])
        return base[piece_of(np.arange(1, months + 1), self.cuts)]

    def client_eta(self, clients: pd.DataFrame, params: pd.Series | None = None) -> np.ndarray:
        """``(n,)`` the client terms of each client (as in the outflow model's design)."""
        p = self.params if params is None else params
        design = client_design(self.spec, clients).to_numpy(dtype=np.float64)
        beta = np.array([float(p.get(t, 0.0)) for t in self.spec.client_terms()])
        return design @ beta if design.shape[1] else np.zeros(len(clients))

    def flag_effects(self, params: pd.Series | None = None) -> tuple[float, np.ndarray, np.ndarray]:
        """End in work, ended during and ended after each instrument (``(C,)`` each)."""
        p = self.params if params is None else params
        return (
            float(p.get(WORK_TERM, 0.0)),
            np.array([float(p.get(f"ended_in:{c}", 0.0)) for c in self.instruments]),
            np.array([float(p.get(f"ended_after:{c}", 0.0)) for c in self.instruments]),
        )

    def draws(self, n_draws: int, seed: int) -> list[pd.Series]:
        """Parameter draws from the normal approximation (finite terms only)."""
        if self.cov is None:
            return [self.params] * n_draws
        finite = self.params.index[np.isfinite(self.params.to_numpy())]
        cov = self.cov.reindex(index=finite, columns=finite).fillna(0.0).to_numpy()
        rng = np.random.default_rng(seed)
        x = rng.multivariate_normal(self.params[finite].to_numpy(), cov, size=n_draws)
        out = []
        for row in x:
            p = self.params.copy()
            p[finite] = row
            out.append(p)
        return out
