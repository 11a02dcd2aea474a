"""The total return in a caseload score: what :func:`rendement.scoring.caseload.score_clients`
asks of the re-inflow chain, in one object (point, intervals, which return ranks, columns)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rendement.reinflow.columns import add_total_columns
from rendement.reinflow.model import ReinflowModel
from rendement.reinflow.scoring import TotalScores, total_bounds, total_scores
from rendement.scoring.paths import PointScores, ScoringTask, point_scores
from rendement.scoring.prepared import prepared

#: Joint parameter draws (outflow and re-inflow) for the intervals of the total columns; each
#: costs a chain evaluation of the caseload (several times a spell-only draw).
TOTAL_DRAWS = 40


@dataclass(frozen=True)
class TotalReturns:
    """Months and net return counting returns, and the basis that ranks (``spell``/``total``)."""

    basis: str
    scores: TotalScores | None = None
    point: PointScores | None = None  # the spell-only point scores of the same pass
    net: np.ndarray | None = None
    bounds: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        task: ScoringTask,
        reinflow: ReinflowModel | None,
        frame: pd.DataFrame,
        interval: float | None,
        n_draws: int,
        seed: int,
        warnings_out: list[str],
    ) -> TotalReturns:
        wanted = task.model.spec.returns_basis
        if reinflow is None:
            if wanted == "total":
                warnings_out.append(
                    "returns_basis 'total' asked, but the model has no re-inflow model: "
                    "ranked on the return over the current spell (spell)"
                )
            return cls("spell")
        scores, point = total_scores(task, reinflow, frame)
        net = scores.net(task, point.p_success)
        bounds: dict[str, np.ndarray] = {}
        if interval is not None and task.n and prepared(task.model).covariance_problem is None:
            draws = max(2, min(n_draws, TOTAL_DRAWS))
            bounds = total_bounds(task, reinflow, frame, interval, draws, seed)
        return cls(wanted, scores, point, net, bounds)

    def point_scores(self, task: ScoringTask, keep_paths: bool) -> PointScores:
        """The spell-only point scores: from the chain's pass, or evaluated (paths kept)."""
        if self.point is not None and not keep_paths:
            return self.point
        return point_scores(task, keep_paths=keep_paths)

    def ranked_net(self, spell_net: np.ndarray) -> np.ndarray:
        """The net return that chooses the best instrument."""
        return self.net if self.basis == "total" and self.net is not None else spell_net

    def ranked_bounds(self, bounds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Interval bounds of the ranking's best net return (the ranked basis)."""
        if self.basis != "total" or not bounds or not self.bounds:
            return bounds
        return {
            **bounds,
            "net_lower": self.bounds["net_lower"],
            "net_upper": self.bounds["net_upper"],
        }

    def add_columns(
        self, ranking: pd.DataFrame, returns: pd.DataFrame, frame: pd.DataFrame, codes: list[str]
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        ids = frame["client_id"].astype(str).to_numpy(dtype=object)
        return add_total_columns(
            ranking, returns, ids, codes, self.scores, self.net, self.bounds, self.basis
        )
