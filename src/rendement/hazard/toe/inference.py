"""Standard errors of the timing-of-events estimates and whether they can be trusted.

The covariance is the cluster-robust sandwich of the default estimator
(:func:`rendement.hazard.inference.crv1_covariance`, ``c * B^-1 (S'S) B^-1``) with
``B`` minus the exact Hessian of the mixture log-likelihood and ``S`` the
scores summed per client (spells of one client are dependent). The model-based ``B^-1`` is kept too.

A singular or indefinite information matrix is the plainest sign that the
mixture is not identified (flat likelihood in some direction); it is reported
by :func:`information_problems` rather than hidden by a pseudo-inverse.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rendement.hazard.inference import crv1_covariance
from rendement.hazard.toe.likelihood import Evaluation

#: Smallest eigenvalue of the information, relative to the largest, that still counts as regular.
CONDITION_LIMIT = 1e-12


@dataclass(frozen=True)
class Covariance:
    clustered: np.ndarray
    model: np.ndarray
    n_clusters: int
    min_eigenvalue: float
    max_eigenvalue: float


def covariance(
    evaluation: Evaluation,
    cluster: np.ndarray,
    *,
    n_obs: int,
    fixed: np.ndarray | None = None,
) -> Covariance:
    """Clustered and model-based covariance at a maximum (``evaluation`` with order 2).

    ``fixed`` marks parameters held at a bound (the location of a type that never
    leaves): they carry no information and get variance 0; the rest is computed
    without them.
    """
    H = evaluation.hessian
    scores = evaluation.spell_scores
    if H is None or scores is None:
        raise ValueError("the covariance needs an evaluation with the Hessian and spell scores")
    if fixed is not None and np.any(fixed):
        free = ~np.asarray(fixed, dtype=bool)
        sub = Evaluation(
            evaluation.loglik,
            evaluation.spell_loglik,
            evaluation.posterior,
            None,
            H[np.ix_(free, free)],
            scores[:, free],
        )
        part = covariance(sub, cluster, n_obs=n_obs)
        P = len(free)
        out = []
        for m in (part.clustered, part.model):
            full = np.zeros((P, P))
            full[np.ix_(free, free)] = m
            out.append(full)
        return Covariance(out[0], out[1], part.n_clusters, part.min_eigenvalue, part.max_eigenvalue)
    info = -H
    vals = np.linalg.eigvalsh(info)
    P = info.shape[0]
    try:
        bread = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        bread = np.full((P, P), np.nan)
    bread = (bread + bread.T) / 2.0
    codes = np.asarray(cluster, dtype=np.int64)
    G = int(codes.max()) + 1 if len(codes) else 0
    per_client = np.zeros((G, P))
    np.add.at(per_client, codes, scores)
    n_clusters = int(np.count_nonzero(np.any(per_client != 0, axis=1)))
    clustered = crv1_covariance(bread, per_client, n_clusters=n_clusters, n_obs=n_obs)
    return Covariance(clustered, bread, n_clusters, float(vals.min()), float(vals.max()))


def information_problems(cov: Covariance) -> list[str]:
    """Plain-language problems with the information matrix (empty when regular)."""
    if not np.isfinite(cov.min_eigenvalue) or cov.min_eigenvalue <= 0:
        return [
            "the information matrix is not positive definite: the likelihood is flat or curved the "
            "wrong way in some direction, so the mixture (or some term) is not identified and the "
            "standard errors cannot be trusted"
        ]
    if cov.min_eigenvalue < CONDITION_LIMIT * cov.max_eigenvalue:
        return [
            "the information matrix is nearly singular (condition number "
            f"{cov.max_eigenvalue / cov.min_eigenvalue:.2g}): the likelihood is almost flat in some "
            "direction, so the standard errors are unreliable"
        ]
    return []
