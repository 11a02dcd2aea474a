"""Maximising the mixture likelihood: Newton-Raphson with the exact Hessian.

With one mass point the log-likelihood is concave and Newton converges in a
handful of steps, exactly as in the default estimator. With several points it
is not concave, so each step uses the *absolute* eigenvalues of the Hessian
(saddle-free Newton: an ascent direction whatever the curvature), a cap on the
step length and a backtracking line search. Mass-point parameters are kept in
bounds (locations within +/-``LOCATION_BOUND``, logits within
+/-``LOGIT_BOUND``): a location at the bound is a type that (almost) never
leaves benefit or never enters, a logit at the lower bound a point without
mass; the diagnostics report both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rendement.hazard.toe.likelihood import Evaluation, MixtureLikelihood

LOCATION_BOUND = 12.0
LOGIT_BOUND = 20.0
MAX_STEP = 3.0


@dataclass(frozen=True)
class Maximum:
    """Where the maximisation stopped."""

    theta: np.ndarray
    evaluation: Evaluation  # at theta, with gradient and Hessian
    converged: bool
    iterations: int
    message: str

    @property
    def loglik(self) -> float:
        return self.evaluation.loglik

    @property
    def newton_decrement(self) -> float:
        """``g' (-H)^-1 g``, the expected gain of one more Newton step (nan when -H is not PD)."""
        ev = self.evaluation
        assert ev.gradient is not None and ev.hessian is not None
        try:
            return float(ev.gradient @ np.linalg.solve(-ev.hessian, ev.gradient))
        except np.linalg.LinAlgError:
            return float("nan")


def bounds(lik: MixtureLikelihood) -> np.ndarray:
    """Upper bound on ``|theta_j|`` (infinite for the coefficients)."""
    n_fixed = lik.n_beta + lik.n_gamma
    n_loc = lik.n_locations
    out = np.full(lik.n_params, np.inf)
    out[n_fixed : n_fixed + n_loc] = LOCATION_BOUND
    out[n_fixed + n_loc :] = LOGIT_BOUND
    return out


def _clip(lik: MixtureLikelihood, theta: np.ndarray) -> np.ndarray:
    b = bounds(lik)
    return np.clip(theta, -b, b)


def at_bound(lik: MixtureLikelihood, theta: np.ndarray) -> np.ndarray:
    """Boolean mask of the mass-point parameters sitting at their bound."""
    return np.abs(theta) >= bounds(lik) - 1e-9


def _direction(gradient: np.ndarray, hessian: np.ndarray, free: np.ndarray) -> np.ndarray:
    d = np.zeros_like(gradient)
    if not free.any():
        return d
    g = gradient[free]
    vals, vecs = np.linalg.eigh(-hessian[np.ix_(free, free)])
    scale = max(float(np.abs(vals).max()), 1.0)
    mod = np.maximum(np.abs(vals), 1e-8 * scale)
    d[free] = vecs @ ((vecs.T @ g) / mod)
    big = float(np.abs(d).max())
    if big > MAX_STEP:
        d *= MAX_STEP / big
    return d


def maximise(
    lik: MixtureLikelihood,
    theta0: np.ndarray,
    *,
    max_iter: int = 100,
    tol: float = 1e-9,
    mixture_only: bool = False,
) -> Maximum:
    """Maximise ``lik`` from ``theta0``.

    Converged when the Newton decrement per spell falls below ``tol``
    (relative to the size of the data, so the same criterion serves a few
    hundred and a hundred thousand spells) or the line search can gain nothing more.
    With ``mixture_only`` only the mass-point parameters move (the coefficients
    stay at ``theta0``); each step is then much cheaper.
    """
    theta = _clip(lik, np.asarray(theta0, dtype=np.float64))
    movable = np.ones(lik.n_params, dtype=bool)
    if mixture_only:
        movable[: lik.n_beta + lik.n_gamma] = False
    ev = lik.evaluate(theta, order=2, mixture_only=mixture_only)
    n = max(lik.data.n_spells, 1)
    for it in range(1, max_iter + 1):
        assert ev.gradient is not None and ev.hessian is not None
        # Parameters at a bound whose gradient pushes outward stay there this step.
        stuck = at_bound(lik, theta) & (np.sign(ev.gradient) == np.sign(theta))
        d = _direction(ev.gradient, ev.hessian, movable & ~stuck)
        slope = float(ev.gradient @ d)
        if slope / n < tol:
            return Maximum(theta, ev, True, it - 1, "converged: Newton decrement below tolerance")
        step = 1.0
        accepted = False
        for _ in range(40):
            cand = _clip(lik, theta + step * d)
            ll = lik.loglik(cand)
            if np.isfinite(ll) and ll >= ev.loglik + 1e-4 * step * slope:
                accepted = True
                break
            step *= 0.5
        if not accepted:
            gain = abs(slope) / n
            ok = gain < 1e3 * tol
            msg = (
                "converged: no further gain along the Newton direction"
                if ok
                else (
                    "stopped: the line search found no increase (flat or ill-conditioned likelihood)"
                )
            )
            return Maximum(theta, ev, ok, it - 1, msg)
        theta = cand
        ev = lik.evaluate(theta, order=2, mixture_only=mixture_only)
    return Maximum(theta, ev, False, max_iter, f"not converged after {max_iter} Newton steps")
