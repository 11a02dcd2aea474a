"""Expected months on benefit over the horizon, counting returns: a small Markov chain.

States: on benefit in month ``k`` of a spell, off benefit in month ``s`` since
leaving. From the current spell (survival path of the outflow model, with or
without an instrument) a client leaves, may come back (re-inflow model), starts
a new spell (the outflow model from month 1, no instrument), may leave and come
back again, and so on, until the horizon ``H`` or the pension date. All arrays
are client-major ``(n, H + 1)`` and every step is vectorised over the clients;
there is no loop per client.

For a new spell, with ``G[k] = P(spell lasts more than k months)``,
``g[k] = G[k-1] - G[k]`` and ``rho[s]`` the chance to come back in month ``s``
off benefit (``R[s-1] * q[s]``)::

    W[m] = sum_{k<m} G[k] + sum_{1<=k<m} g[k] V[m-k]     (months on benefit in m months
                                                          from the start of a new spell)
    V[m] = sum_{1<=s<=m} rho[s] W[m-s+1]                  (in m months from leaving)

and for the current spell with exit chances ``f[u]`` (end of future month ``u``)
and capped horizon ``h = min(H, months to pension)``::

    E = sum_{u<h} S[u] + sum_{1<=u<h} f[u] V_u[h-u]

where ``V_u`` uses the re-inflow chance of a spell that ended in month ``u``: before
an instrument started, during it (``ended_in``) or after it (``ended_after``).

Discounted (a month ``t`` months from now counts ``delta ** t``), the same recursions
hold with ``G[k]``, ``g[k]`` times ``delta ** k``, ``rho[s]`` times ``delta ** (s - 1)``,
``f[u]`` times ``delta ** u`` and the current spell's discounted months for ``sum S``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def return_chances(eta: np.ndarray, horizon: int) -> np.ndarray:
    """``(n, H + 1)`` chance to come back in month ``s`` off benefit (column ``s``; column 0 is 0)
    from the cloglog linear predictor ``eta`` ``(n, H)`` of months ``s = 1..H``."""
    q = -np.expm1(-np.exp(np.clip(eta, -700.0, 30.0)))
    stay = np.cumprod(1.0 - q, axis=1)
    rho = np.zeros((eta.shape[0], horizon + 1))
    rho[:, 1] = q[:, 0]
    rho[:, 2:] = stay[:, :-1] * q[:, 1:]
    return rho


def mixed_return_chances(
    base_eta: np.ndarray, shift: np.ndarray, work: float, work_share: float, returnable: float
) -> np.ndarray:
    """:func:`return_chances` averaged over the end reason (work or not) and times the share of
    exits after which a client can return; ``base_eta`` ``(n, H)``, ``shift`` ``(n,)``."""
    h = base_eta.shape[1]
    eta = base_eta + shift[:, None]
    rho = (1.0 - work_share) * return_chances(eta, h)
    if work_share > 0.0:
        rho += work_share * return_chances(eta + work, h)
    return returnable * rho


@dataclass(frozen=True)
class NewSpells:
    """``W`` and ``V`` of the clients (``(n, H + 1)`` each) for spells that start anew."""

    W: np.ndarray
    V: np.ndarray

    @property
    def horizon(self) -> int:
        return self.W.shape[1] - 1


def new_spells(G: np.ndarray, rho: np.ndarray, delta: float = 1.0) -> NewSpells:
    """The recursion of the module docstring. ``G`` ``(n, H + 1)`` (``G[:, 0] = 1``),
    ``rho`` ``(n, H + 1)`` the return chances after a new spell (no instrument).

    ``delta`` < 1 discounts: a month ``t`` months after the start counts ``delta ** t``
    (monthly factor). The recursion is the same with ``G[k]``, ``g[k]`` times ``delta ** k``
    and ``rho[s]`` times ``delta ** (s - 1)`` (:func:`discounted_returns`)."""
    n, width = G.shape
    h = width - 1
    g = np.zeros_like(G)
    g[:, 1:] = G[:, :-1] - G[:, 1:]
    if delta != 1.0:
        powers = delta ** np.arange(width)
        G, g, rho = G * powers, g * powers, discounted_returns(rho, delta)
    cum_g = np.cumsum(G, axis=1)  # cum_g[m-1] = sum_{k<m} G[k]
    W = np.zeros((n, width))
    V = np.zeros((n, width))
    for m in range(1, h + 1):
        w = cum_g[:, m - 1].copy()
        if m > 1:
            w += np.einsum("ij,ij->i", g[:, 1:m], V[:, m - 1 : 0 : -1])
        W[:, m] = w
        V[:, m] = np.einsum("ij,ij->i", rho[:, 1 : m + 1], W[:, m:0:-1])
    return NewSpells(W, V)


def discounted_returns(rho: np.ndarray, delta: float) -> np.ndarray:
    """Return chances ``rho[s]`` times ``delta ** (s - 1)``: a new spell that starts in month
    ``s`` off benefit counts from ``s - 1`` months after the first month off."""
    if delta == 1.0:
        return rho
    return rho * np.concatenate([[0.0], delta ** np.arange(rho.shape[-1] - 1)])


def fft_size(horizon: int) -> int:
    """Length of the transforms: a power of two of at least ``2 H`` (no wrap-around)."""
    return 1 << int(np.ceil(np.log2(2 * max(horizon, 1))))


def rho_transform(rho: np.ndarray) -> np.ndarray:
    """The transform :class:`AfterExit` needs of return chances ``rho`` ``(n, H + 1)``."""
    h = rho.shape[1] - 1
    return np.fft.rfft(rho[:, 1:], n=fft_size(h), axis=1)


class AfterExit:
    """``V[m]`` for exits with any return chances ``rho``, after the new spells of ``spells``:
    the convolution ``sum_s rho[s] W[m - s + 1]`` for all ``m`` at once (FFT over the
    months; the transform of ``W`` is taken once and reused for every ``rho``)."""

    def __init__(self, spells: NewSpells):
        self.h = spells.horizon
        self.size = fft_size(self.h)
        self.w_hat = np.fft.rfft(spells.W[:, 1:], n=self.size, axis=1)

    def __call__(self, rho: np.ndarray) -> np.ndarray:
        return self.of_transform(rho_transform(rho))

    def of_transform(self, rho_hat: np.ndarray) -> np.ndarray:
        """As calling it, from :func:`rho_transform` of the return chances."""
        conv = np.fft.irfft(rho_hat * self.w_hat, n=self.size, axis=1)[:, : self.h]
        out = np.zeros((conv.shape[0], self.h + 1))
        np.maximum(conv, 0.0, out=out[:, 1:])
        return out


def after_exit(rho: np.ndarray, spells: NewSpells) -> np.ndarray:
    """:class:`AfterExit` for one ``rho``."""
    return AfterExit(spells)(rho)


def exit_chances(survival: np.ndarray) -> np.ndarray:
    """``(n, H + 1)`` chance to leave at the end of future month ``u`` (column ``u``) from a
    time-major survival path ``(H, n)`` (``survival[t] = P(T - d > t + 1)``)."""
    h, n = survival.shape
    f = np.empty((h + 1, n))
    f[0] = 0.0
    f[1] = 1.0 - survival[0]
    np.subtract(survival[:-1], survival[1:], out=f[2:])
    return np.ascontiguousarray(f.T)


def expected_benefit_months(
    remaining: np.ndarray,
    f: np.ndarray,
    regimes: list[tuple[np.ndarray, np.ndarray]],
    months: np.ndarray,
) -> np.ndarray:
    """``E`` of the module docstring.

    ``remaining`` ``(n,)`` months of the current spell (already capped at ``months``),
    ``f`` ``(n, H + 1)`` exit chances, ``regimes`` pairs of a mask ``(n, H + 1)`` (which
    exit months ``u`` the regime covers) and its ``V`` ``(n, H + 1)``; ``months`` ``(n,)``
    the capped horizon ``min(H, months to pension)``.
    """
    n, width = f.shape
    u = np.arange(width)[None, :]
    left = months[:, None] - u  # months of the horizon after an exit at the end of month u
    fv = np.where((u >= 1) & (left >= 1), f, 0.0)
    full = months == width - 1  # not capped by the pension: V[h - u] is V reversed
    capped = np.flatnonzero(~full)
    idx = np.clip(left[capped], 0, width - 1)
    extra = np.zeros(n)
    for mask, V in regimes:
        fm = np.where(mask, fv, 0.0)
        extra += np.einsum("ij,ij->i", fm, V[:, ::-1])  # V[h - u] for h = H (a view)
        if capped.size:  # near the pension: V[h - u] for their own h instead
            sub = fm[capped]
            extra[capped] += np.einsum(
                "ij,ij->i", sub, np.take_along_axis(V[capped], idx, axis=1) - V[capped, ::-1]
            )
    return remaining + extra
