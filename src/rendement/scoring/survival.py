"""From monthly hazards to what a caseworker reads: survival, outflow chances, residual duration.

All functions work on arrays of shape ``(n_clients, H)``: column ``t`` is the
future month ``d + 1 + t`` of a client who has been on benefit ``d`` whole
months (conditioning on ``T > d``). With ``S[:, t] = P(T > d + 1 + t | T > d)``:

* P(leaves within ``m`` months) = ``1 - S[:, m - 1]``
* restricted mean residual duration (*verwachte resterende uitkeringsduur*)
  ``E[min(T - d, H) | T > d] = sum_{t=0}^{H-1} P(T - d > t) = 1 + sum_{t=0}^{H-2} S[:, t]``.
"""

from __future__ import annotations

import numpy as np

_ETA_MIN, _ETA_MAX = -30.0, 4.0


def hazard_from_eta(eta: np.ndarray) -> np.ndarray:
    """Complementary log-log inverse link: ``1 - exp(-exp(eta))``."""
    return -np.expm1(-np.exp(np.clip(eta, _ETA_MIN, _ETA_MAX)))


def survival_from_hazard(hazard: np.ndarray) -> np.ndarray:
    """``S[:, t] = prod_{u <= t} (1 - h[:, u])``: still on benefit after future month ``t``."""
    return np.cumprod(1.0 - hazard, axis=-1)


def survival_from_eta(eta: np.ndarray) -> np.ndarray:
    """Survival path from linear predictors, computed in log space for accuracy."""
    log_surv_step = -np.exp(np.clip(eta, _ETA_MIN, _ETA_MAX))  # log(1 - h) under cloglog
    return np.exp(np.cumsum(log_surv_step, axis=-1))


def restricted_mean_residual(survival: np.ndarray, horizon: int | None = None) -> np.ndarray:
    """``E[min(T - d, H) | T > d]`` from a survival path with at least ``H`` columns."""
    h = survival.shape[-1] if horizon is None else int(horizon)
    if survival.shape[-1] < h:
        raise ValueError(f"survival path has {survival.shape[-1]} months, horizon is {h}")
    return 1.0 + survival[..., : h - 1].sum(axis=-1)


def outflow_probability(survival: np.ndarray, months: int) -> np.ndarray:
    """P(leaves benefit within ``months`` months | on benefit now)."""
    if months < 1:
        return np.zeros(survival.shape[:-1])
    return 1.0 - survival[..., months - 1]


def mixture_survival(eta: np.ndarray, locations: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Survival path averaged over discrete unobserved heterogeneity.

    ``eta`` is ``(n, H)`` without the heterogeneity term, ``locations`` the ``K``
    mass-point locations (added to ``eta``) and ``weights`` ``(n, K)`` or ``(K,)``
    the (posterior) probabilities of each mass point for each client.
    """
    w = np.broadcast_to(np.asarray(weights, dtype=float), (eta.shape[0], len(locations)))
    out = np.zeros_like(eta, dtype=float)
    for k, v in enumerate(np.asarray(locations, dtype=float)):
        out += w[:, k : k + 1] * survival_from_eta(eta + v)
    return out


def outflow_group(
    p6: np.ndarray, p18: np.ndarray, cutoffs: tuple[float, float] = (0.5, 0.5)
) -> np.ndarray:
    """Outflow group (*uitstroomgroep*): 1 leaves within 6 months, 2 within 18, 3 not within 18."""
    c6, c18 = cutoffs
    return np.where(np.asarray(p6) >= c6, 1, np.where(np.asarray(p18) >= c18, 2, 3)).astype(
        np.int64
    )
