"""Newton-Raphson for the cloglog binomial likelihood on cells.

The log-likelihood is concave in beta (see :mod:`rendement.hazard.likelihood`),
so Newton steps with the observed information and step halving converge from
any start. The start is a weighted least-squares fit of the empirical
cloglog rates, as in the first IRLS step of a GLM.

Convergence: the Newton decrement ``g' I^-1 g / 2`` (the predicted gain in
log-likelihood of the next step) falls below ``tol * (|loglik| + 1)``; the
step is then taken and the iteration stops.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from rendement.hazard.likelihood import CellLikelihood, cell_likelihood

_CHUNK = 65536


@dataclass(frozen=True)
class NewtonFit:
    params: np.ndarray
    loglik: float
    converged: bool
    iterations: int
    information: np.ndarray  # observed information at params
    likelihood: CellLikelihood


def weighted_gram(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``x' diag(w) x`` in chunks of rows (bounded temporary memory)."""
    out = np.zeros((x.shape[1], x.shape[1]))
    for i in range(0, x.shape[0], _CHUNK):
        xc = x[i : i + _CHUNK]
        out += (xc * w[i : i + _CHUNK, None]).T @ xc
    return (out + out.T) / 2.0


def start_values(x: np.ndarray, events: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """Weighted least squares of smoothed empirical cloglog rates on the design."""
    rate = (events + 0.5) / (trials + 1.0)
    z = np.log(-np.log1p(-rate))
    gram = weighted_gram(x, trials)
    rhs = x.T @ (trials * z)
    beta, *_ = np.linalg.lstsq(gram, rhs, rcond=None)
    return np.asarray(beta, dtype=np.float64)


def newton_cloglog(
    x: np.ndarray,
    events: np.ndarray,
    trials: np.ndarray,
    *,
    start: np.ndarray | None = None,
    maxiter: int = 100,
    tol: float = 1e-10,
) -> NewtonFit:
    """Maximum-likelihood estimate of the cloglog binomial model on cells."""
    beta = start_values(x, events, trials) if start is None else np.asarray(start, dtype=np.float64)
    lik = cell_likelihood(x @ beta, events, trials)
    converged = False
    iterations = 0
    for iterations in range(1, maxiter + 1):  # noqa: B007 - the count is reported
        grad = x.T @ lik.score
        info = weighted_gram(x, lik.weight)
        step = _solve(info, grad)
        decrement = float(grad @ step) / 2.0
        t = 1.0
        while True:
            trial = beta + t * step
            new = cell_likelihood(x @ trial, events, trials)
            if new.loglik >= lik.loglik - 1e-12 * (abs(lik.loglik) + 1.0) or t < 1e-8:
                break
            t /= 2.0
        beta, lik = trial, new
        if decrement <= tol * (abs(lik.loglik) + 1.0):
            converged = True
            break
    info = weighted_gram(x, lik.weight)
    return NewtonFit(beta, lik.loglik, converged, iterations, info, lik)


def _solve(info: np.ndarray, grad: np.ndarray) -> np.ndarray:
    try:
        factor = scipy.linalg.cho_factor(info, check_finite=False)
        return np.asarray(scipy.linalg.cho_solve(factor, grad, check_finite=False))
    except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):
        sol, *_ = np.linalg.lstsq(info, grad, rcond=None)
        return np.asarray(sol)
