"""Uncertainty intervals by simulating parameter vectors (*onzekerheidsmarge*).

Parameter vectors are drawn from ``N(params, cov)`` (the estimate and its
clustered covariance); every draw is scored like the estimate and the
interval is the central quantile range of the draws. Terms without a
covariance row (e.g. declared expert values) stay at their value; mass-point
locations of heterogeneity models are held fixed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rendement.model.hazard_model import HazardModel


@dataclass(frozen=True)
class ParameterDraws:
    """``n_draws`` parameter vectors (rows), terms as columns (the model's ``params`` index)."""

    draws: pd.DataFrame

    def __len__(self) -> int:
        return len(self.draws)

    def params(self, r: int) -> pd.Series:
        return self.draws.iloc[r]


def covariance_problem(model: HazardModel) -> str | None:
    """Why the model's covariance cannot give intervals (``None`` when it can)."""
    if model.cov is None:
        return "the model has no covariance matrix (declared or borrowed parameters)"
    terms = [t for t in model.params.index if t in model.cov.index and t in model.cov.columns]
    if not terms:
        return "the covariance matrix names none of the model's terms"
    cov = model.cov.loc[terms, terms].to_numpy(dtype=float)
    if not np.isfinite(cov).all():
        return "the covariance matrix has missing or infinite entries"
    return None


def draw_parameters(model: HazardModel, n_draws: int, seed: int) -> ParameterDraws:
    """Seeded draws from ``N(params, cov)``; a covariance that is not positive definite is
    repaired by clipping negative eigenvalues to 0."""
    if n_draws < 2:
        raise ValueError(f"n_draws must be at least 2, got {n_draws}")
    problem = covariance_problem(model)
    if problem is not None or model.cov is None:
        raise ValueError(problem or "no covariance matrix")
    params = model.params.astype(float)
    terms = [t for t in params.index if t in model.cov.index and t in model.cov.columns]
    cov = model.cov.loc[terms, terms].to_numpy(dtype=float)
    out = np.tile(params.to_numpy(), (n_draws, 1))
    cols = params.index.get_indexer(pd.Index(terms))
    out[:, cols] += normal_deviations(cov, n_draws, seed)
    return ParameterDraws(pd.DataFrame(out, columns=params.index))


def normal_deviations(cov: np.ndarray, n_draws: int, seed: int) -> np.ndarray:
    """``(n_draws, P)`` seeded draws from ``N(0, cov)``; a covariance that is not positive
    definite is repaired by clipping negative eigenvalues to 0."""
    cov = (np.asarray(cov, dtype=float) + np.asarray(cov, dtype=float).T) / 2.0
    try:
        root = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        vals, vecs = np.linalg.eigh(cov)
        root = vecs * np.sqrt(np.clip(vals, 0.0, None))[None, :]
    rng = np.random.default_rng(seed)
    return np.asarray(rng.standard_normal((n_draws, cov.shape[0])) @ root.T)


def quantile_bounds(values: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bound of the central ``level`` interval over the last axis."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"the interval level must be between 0 and 1, got {level}")
    lo, hi = np.quantile(values, [(1.0 - level) / 2.0, (1.0 + level) / 2.0], axis=-1)
    return lo, hi
