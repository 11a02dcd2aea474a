"""The grouped-time proportional hazards likelihood on collapsed cells.

A cell holds ``trials`` person-months with the same design row ``x`` and
``events`` outflows among them. Under the complementary log-log link the
monthly outflow chance is ``h = 1 - exp(-u)`` with ``u = exp(eta)``,
``eta = x'beta``, and a person-month contributes

* ``log h``  when the client left benefit that month (y = 1);
* ``-u``     (``= log(1 - h)``) when not (y = 0).

Derivatives with respect to ``eta`` per person-month:

* score factor  ``u / (exp(u) - 1)`` for y = 1 and ``-u`` for y = 0;
* second derivative ``a1 * (1 - u / h)`` for y = 1 (``a1`` the y = 1 score factor) and
  ``-u`` for y = 0; both are <= 0, so the log-likelihood is concave in beta.

Everything per cell is the count-weighted sum of the two cases, which is why
collapsing person-months into cells loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Bounds on the linear predictor inside the likelihood (exp(6.5) = 665: h = 1 to double precision).
ETA_BOUNDS = (-700.0, 6.5)


@dataclass(frozen=True)
class CellLikelihood:
    """Log-likelihood and per-cell derivative factors at one linear predictor."""

    loglik: float
    score_event: np.ndarray  # d log h / d eta, per person-month with outflow
    score_stay: np.ndarray  # d log(1 - h) / d eta = -u, per person-month without
    score: np.ndarray  # per cell: events * score_event + stays * score_stay
    weight: np.ndarray  # per cell: minus the second derivative (>= 0), the Newton weight


def cell_likelihood(eta: np.ndarray, events: np.ndarray, trials: np.ndarray) -> CellLikelihood:
    """Log-likelihood pieces of cells with linear predictor ``eta``."""
    u = np.exp(np.clip(eta, *ETA_BOUNDS))
    h = -np.expm1(-u)
    stays = trials - events
    a1 = u / np.expm1(u)
    with np.errstate(divide="ignore"):
        log_h = np.log(h)
    has_events = events > 0
    loglik = float(np.dot(events[has_events], log_h[has_events]) - np.dot(stays, u))
    score = events * a1 - stays * u
    weight = events * a1 * (u / h - 1.0) + stays * u
    return CellLikelihood(loglik, a1, -u, score, weight)
