"""The joint log-likelihood of the timing-of-events model, with analytic derivatives.

Discrete time, spell ``i`` of type ``k`` (Abbring and Van den Berg 2003)::

    outflow  h_o = 1 - exp(-exp(x' beta  + v_o[k]))   every month on benefit
    entry    h_e = 1 - exp(-exp(z' gamma + v_e[k]))   every month at risk of entering

    L_i = sum_k p_k * prod_{outflow months} f_o,k * prod_{entry months} f_e,k
    log L = sum_i logsumexp_k (log p_k + log L_ik)

with ``f = h`` in a month with the event and ``1 - h`` without. The type is
drawn once per spell (spell-level heterogeneity). Type 1 is the reference:
``v_o[0] = v_e[0] = 0`` (the baseline pieces carry the level), and
``p = softmax(0, a_2, ..., a_K)``.

With an entry hazard per instrument (``entry_channels``, rows of the entry
equation carry a channel ``c``), channel ``c >= 1`` of type ``k`` has location
``v_e[k] + d[c, k]`` (``d[c, 0] = 0``): the kind of trajectory may depend on the
type too (caseworkers who give the expensive trajectories to the slow leavers).

Parameter vector ``theta = (beta, gamma, v_o[1:], v_e[1:], d[1:, 1:], a[1:])``. The
gradient and the Hessian are exact: with posterior weights
``w_ik = p_k L_ik / L_i`` and per-type spell scores ``g_ik``::

    grad    = sum_i sum_k w_ik g_ik
    Hessian = sum_i sum_k w_ik (H_ik + g_ik g_ik') - gbar_i gbar_i'

where ``H_ik`` is the second derivative of ``log p_k + log L_ik``. The
per-row pieces use the same cloglog factors as the default estimator
(:mod:`rendement.hazard.likelihood`).

Long: the likelihood, its gradient and its exact Hessian change together (a new parameter block touches all three); split over modules they would drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from rendement.hazard.toe.rows import EquationRows, TimingData
from rendement.hazard.toe.spell_sums import SpellSums as _SpellSums

#: Bounds on the linear predictor inside the likelihood, as in the default estimator.
ETA_BOUNDS = (-700.0, 6.5)


@dataclass(frozen=True)
class MixtureParams:
    """The parameters of a K-point timing-of-events model, unpacked."""

    beta: np.ndarray  # outflow coefficients
    gamma: np.ndarray  # entry coefficients (empty without entry equation)
    v_outflow: np.ndarray  # (K,) with v_outflow[0] = 0
    v_entry: np.ndarray  # (K,) with v_entry[0] = 0 (zeros without entry equation)
    logits: np.ndarray  # (K,) with logits[0] = 0
    #: ``(C - 1, K)`` offsets of entry channels ``1..C-1`` (column 0 is 0); ``(0, K)`` for one.
    v_channel: np.ndarray | None = None

    @property
    def channel_offsets(self) -> np.ndarray:
        """``(C - 1, K)`` offsets of the entry channels after the first (empty for one channel)."""
        if self.v_channel is None:
            return np.zeros((0, len(self.v_outflow)))
        return np.asarray(self.v_channel, dtype=np.float64).reshape(-1, len(self.v_outflow))

    def entry_by_channel(self) -> np.ndarray:
        """``(C, K)``: the entry location of every type in every channel."""
        return self.v_entry[None, :] + np.vstack(
            [np.zeros((1, self.n_points)), self.channel_offsets]
        )

    @property
    def probabilities(self) -> np.ndarray:
        a = self.logits - self.logits.max()
        e = np.exp(a)
        return e / e.sum()

    @property
    def n_points(self) -> int:
        return len(self.v_outflow)


@dataclass(frozen=True)
class Evaluation:
    """Log-likelihood (and optionally gradient, Hessian, per-spell scores) at one ``theta``."""

    loglik: float
    spell_loglik: np.ndarray  # (S,)
    posterior: np.ndarray  # (S, K) posterior type weights per spell
    gradient: np.ndarray | None = None
    hessian: np.ndarray | None = None
    spell_scores: np.ndarray | None = None  # (S, P): gbar_i


@dataclass(frozen=True)
class _RowPieces:
    loglik: np.ndarray  # (R, K) log f per row and type
    d1: np.ndarray | None  # (R, K) d log f / d eta
    d2: np.ndarray | None  # (R, K) d2 log f / d eta2


def _row_pieces(rows: EquationRows, coef: np.ndarray, v: np.ndarray, order: int) -> _RowPieces:
    """Per row and type: log f, and its first and second derivatives in eta.

    Every row contributes ``-stays * u`` (``u = exp(eta)``); only the rows with the
    event add ``log h`` and its derivatives (``h = 1 - exp(-u)``), so those are
    computed on the event rows alone (a minority: at most one per spell and equation).
    """
    eta = np.asarray(rows.exog @ coef).ravel()
    e = np.clip(eta[:, None] + (v[None, :] if v.ndim == 1 else v), *ETA_BOUNDS)
    u = np.exp(e)
    su = rows.stays[:, None] * u
    hit = rows.event_rows
    ev = rows.events[hit, None]
    u_e = u[hit]
    h_e = -np.expm1(-u_e)
    with np.errstate(divide="ignore"):
        ll = -su
        ll[hit] += ev * np.log(h_e)
    if order < 1:
        return _RowPieces(ll, None, None)
    with np.errstate(invalid="ignore", divide="ignore"):
        a1 = np.where(u_e > 0, u_e / np.expm1(u_e), 1.0)
    d1 = -su
    d1[hit] += ev * a1
    d2 = None
    if order >= 2:
        d2 = -su
        d2[hit] -= ev * a1 * (u_e / h_e - 1.0)
    return _RowPieces(ll, d1, d2)


class MixtureLikelihood:
    """Log-likelihood, gradient and Hessian of the K-point model on ``data``."""

    def __init__(self, data: TimingData, n_points: int):
        if n_points < 1:
            raise ValueError("the mixture needs at least one mass point")
        self.data = data
        self.n_points = int(n_points)
        self.has_entry = data.entry is not None
        self.n_beta = data.outflow.n_terms
        self.n_gamma = data.entry.n_terms if data.entry is not None else 0
        self.n_channels = max(len(data.entry_channels), 1) if data.entry is not None else 1
        channel = data.entry.channel if data.entry is not None else None
        self._channel = (
            np.zeros(data.entry.n_rows, dtype=np.int64)
            if data.entry is not None and channel is None
            else channel
        )
        self._agg_o = data.outflow.aggregator(data.n_spells)
        self._agg_e = data.entry.aggregator(data.n_spells) if data.entry is not None else None
        self._sums_o = _SpellSums(data.outflow, data.n_spells)
        self._sums_e = _SpellSums(data.entry, data.n_spells) if data.entry is not None else None

    # ---- parameter vector ---------------------------------------------------
    @property
    def n_locations(self) -> int:
        """Number of mass-point location parameters (outflow, entry, channel offsets)."""
        k1 = self.n_points - 1
        return k1 * (1 + (self.n_channels + 1 if self.has_entry else 0)) - (
            k1 if self.has_entry else 0
        )

    @property
    def n_params(self) -> int:
        return self.n_beta + self.n_gamma + self.n_locations + self.n_points - 1

    def param_names(self) -> list[str]:
        """Names of the entries of ``theta``: outflow terms, ``entry:``-terms, mixture terms."""
        names = list(self.data.outflow.columns)
        if self.data.entry is not None:
            names += [f"entry:{c}" for c in self.data.entry.columns]
        ks = range(2, self.n_points + 1)
        names += [f"mixture:v_outflow[{k}]" for k in ks]
        if self.has_entry:
            names += [f"mixture:v_entry[{k}]" for k in ks]
            for c in self.data.entry_channels[1:]:
                names += [f"mixture:v_entry:{c}[{k}]" for k in ks]
        names += [f"mixture:logit[{k}]" for k in ks]
        return names

    def unpack(self, theta: np.ndarray) -> MixtureParams:
        theta = np.asarray(theta, dtype=np.float64)
        if theta.shape != (self.n_params,):
            raise ValueError(f"theta has shape {theta.shape}, expected ({self.n_params},)")
        k1 = self.n_points - 1
        i = 0
        beta = theta[i : i + self.n_beta]
        i += self.n_beta
        gamma = theta[i : i + self.n_gamma]
        i += self.n_gamma
        v_o = np.r_[0.0, theta[i : i + k1]]
        i += k1
        n_off = self.n_channels - 1
        if self.has_entry:
            v_e = np.r_[0.0, theta[i : i + k1]]
            i += k1
            off = theta[i : i + n_off * k1].reshape(n_off, k1)
            i += n_off * k1
        else:
            v_e = np.zeros(self.n_points)
            off = np.zeros((0, k1))
        v_ch = np.hstack([np.zeros((off.shape[0], 1)), off])
        logits = np.r_[0.0, theta[i : i + k1]]
        return MixtureParams(beta, gamma, v_o, v_e, logits, v_ch)

    def pack(self, params: MixtureParams) -> np.ndarray:
        parts = [params.beta, params.gamma, params.v_outflow[1:] - params.v_outflow[0]]
        if self.has_entry:
            parts.append(params.v_entry[1:] - params.v_entry[0])
            off = params.channel_offsets
            if off.shape[0] != self.n_channels - 1:
                off = np.zeros((self.n_channels - 1, self.n_points))
            parts.append((off[:, 1:] - off[:, :1]).ravel())
        parts.append(params.logits[1:] - params.logits[0])
        return np.concatenate([np.asarray(p, dtype=np.float64) for p in parts])

    # ---- evaluation ------------------------------------------------------------
    def loglik(self, theta: np.ndarray) -> float:
        return self.evaluate(theta, order=0).loglik

    def evaluate(
        self, theta: np.ndarray, order: int = 1, *, mixture_only: bool = False
    ) -> Evaluation:
        """Log-likelihood at ``theta``; with ``order`` 1 the gradient, with 2 also the
        Hessian and the per-spell scores.

        With ``mixture_only`` the Hessian and scores are computed for the mass-point
        parameters only (the coefficient blocks are left at 0): cheap, for optimising
        the mixture with the coefficients held fixed.
        """
        p = self.unpack(theta)
        data = self.data
        K = self.n_points
        log_p = p.logits - logsumexp(p.logits)
        out = _row_pieces(data.outflow, p.beta, p.v_outflow, order)
        spell_ll = np.asarray(self._agg_o @ out.loglik)
        ent = None
        if data.entry is not None and self._agg_e is not None:
            ent = _row_pieces(data.entry, p.gamma, self._entry_locations(p), order)
            spell_ll = spell_ll + np.asarray(self._agg_e @ ent.loglik)
        joint = spell_ll + log_p[None, :]
        ll_i = logsumexp(joint, axis=1)
        w = np.exp(joint - ll_i[:, None])
        total = float(ll_i.sum())
        if order < 1:
            return Evaluation(total, ll_i, w)

        probs = np.exp(log_p)
        w_o = w[data.outflow.spell]
        assert out.d1 is not None
        r_o = (w_o * out.d1).sum(axis=1)
        grad_parts = [np.asarray(data.outflow.exog.T @ r_o).ravel()]
        gv_o = (w_o * out.d1).sum(axis=0)
        gv_e = np.zeros(K)
        w_e = None
        if ent is not None and data.entry is not None:
            assert ent.d1 is not None
            w_e = w[data.entry.spell]
            r_e = (w_e * ent.d1).sum(axis=1)
            grad_parts.append(np.asarray(data.entry.exog.T @ r_e).ravel())
            gv_e = (w_e * ent.d1).sum(axis=0)
        grad_parts.append(gv_o[1:])
        if self.has_entry:
            grad_parts.append(gv_e[1:])
            if ent is not None and self.n_channels > 1:
                assert w_e is not None and ent.d1 is not None and self._channel is not None
                wd = w_e * ent.d1
                per = np.column_stack(
                    [np.bincount(self._channel, wd[:, k], self.n_channels) for k in range(K)]
                )
                grad_parts.append(per[1:, 1:].ravel())
        grad_parts.append(w.sum(axis=0)[1:] - data.n_spells * probs[1:])
        gradient = np.concatenate(grad_parts)
        if order < 2:
            return Evaluation(total, ll_i, w, gradient)

        hessian, scores = self._hessian(out, ent, w, w_o, w_e, probs, mixture_only)
        return Evaluation(total, ll_i, w, gradient, hessian, scores)

    def _entry_locations(self, p: MixtureParams) -> np.ndarray:
        """Per entry row and type the location: ``(K,)`` for one channel, else ``(R, K)``."""
        if self.n_channels == 1:
            return p.v_entry
        return p.entry_by_channel()[self._channel]

    def type_loglik(
        self, theta: np.ndarray, v_outflow: np.ndarray, v_entry: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per-spell log-likelihood of a type at each location, with the coefficients of ``theta``.

        Returns ``(S, len(v_outflow))`` for the outflow equation and
        ``(S, len(v_entry))`` for the entry equation (zeros without entry equation);
        a type at ``(v_o, v_e)`` has spell log-likelihood ``Lo[:, i] + Le[:, j]``.
        Used to rank candidate new mass points cheaply.
        """
        p = self.unpack(theta)
        vo = np.asarray(v_outflow, dtype=np.float64)
        ve = np.asarray(v_entry, dtype=np.float64)
        lo = np.asarray(self._agg_o @ _row_pieces(self.data.outflow, p.beta, vo, 0).loglik)
        if self.data.entry is not None and self._agg_e is not None:
            le = np.asarray(self._agg_e @ _row_pieces(self.data.entry, p.gamma, ve, 0).loglik)
        else:
            le = np.zeros((self.data.n_spells, len(ve)))
        return lo, le

    # ---- second derivatives ------------------------------------------------------
    def _offsets(self) -> dict[str, slice]:
        k1 = self.n_points - 1
        i = 0
        sl = {}
        for name, size in (
            ("beta", self.n_beta),
            ("gamma", self.n_gamma),
            ("v_o", k1),
            ("v_e", k1 if self.has_entry else 0),
            ("v_c", k1 * (self.n_channels - 1) if self.has_entry else 0),
            ("a", k1),
        ):
            sl[name] = slice(i, i + size)
            i += size
        return sl

    def _entry_location_rows(self, sl: dict[str, slice]) -> list[tuple[int, int, np.ndarray]]:
        """The entry location parameters: (index in theta, type, 0/1 weight of each entry row).

        ``v_e[k]`` moves every entry row of type ``k``, the offset ``d[c, k]`` the rows
        of channel ``c``.
        """
        K = self.n_points
        assert self._channel is not None
        ones = np.ones(len(self._channel))
        out = [(sl["v_e"].start + k - 1, k, ones) for k in range(1, K)]
        for c in range(1, self.n_channels):
            m = (self._channel == c).astype(np.float64)
            for k in range(1, K):
                out.append((sl["v_c"].start + (c - 1) * (K - 1) + k - 1, k, m))
        return out

    def _hessian(
        self,
        out: _RowPieces,
        ent: _RowPieces | None,
        w: np.ndarray,
        w_o: np.ndarray,
        w_e: np.ndarray | None,
        probs: np.ndarray,
        mixture_only: bool = False,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Long: the two blocks of the exact Hessian share the per-row derivatives; kept together so they stay consistent."""
        data = self.data
        full = not mixture_only
        K = self.n_points
        S = data.n_spells
        P = self.n_params
        sl = self._offsets()
        assert out.d1 is not None and out.d2 is not None

        # A: sum_i sum_k w_ik H_ik (within-type second derivatives).
        A = np.zeros((P, P))
        X = data.outflow.exog
        wd2_o = w_o * out.d2
        if full:
            A[sl["beta"], sl["beta"]] = self._sums_o.gram(wd2_o.sum(axis=1))
        for k in range(1, K):
            j = sl["v_o"].start + k - 1
            if full:
                col = np.asarray(X.T @ wd2_o[:, k]).ravel()
                A[sl["beta"], j] = col
                A[j, sl["beta"]] = col
            A[j, j] = wd2_o[:, k].sum()
        if ent is not None and data.entry is not None and w_e is not None:
            assert ent.d2 is not None
            Z = data.entry.exog
            wd2_e = w_e * ent.d2
            assert self._sums_e is not None
            if full:
                A[sl["gamma"], sl["gamma"]] = self._sums_e.gram(wd2_e.sum(axis=1))
            locs = self._entry_location_rows(sl)
            for j, k, m in locs:
                if full:
                    col = np.asarray(Z.T @ (wd2_e[:, k] * m)).ravel()
                    A[sl["gamma"], j] = col
                    A[j, sl["gamma"]] = col
                for j2, k2, m2 in locs:
                    if k2 == k:
                        A[j, j2] = float((wd2_e[:, k] * m * m2).sum())
        pa = probs[1:]
        A[sl["a"], sl["a"]] = -S * (np.diag(pa) - np.outer(pa, pa))

        # B: sum_i [sum_k w_ik g_ik g_ik' - gbar_i gbar_i'] (between-type spread of the scores).
        # Columns of G: every parameter, or (mixture_only) the mass-point parameters only.
        first = 0 if full else sl["v_o"].start
        width = P - first
        gbar = np.zeros((S, width))
        Bsub = np.zeros((width, width))
        agg_o = self._agg_o

        def at(name: str) -> slice:
            return slice(sl[name].start - first, sl[name].stop - first)

        for k in range(K):
            G = np.zeros((S, width))
            if full:
                G[:, at("beta")] = self._sums_o.per_spell(out.d1[:, k])
            if k >= 1:
                G[:, at("v_o").start + k - 1] = agg_o @ out.d1[:, k]
            if ent is not None and self._sums_e is not None and self._agg_e is not None:
                assert ent.d1 is not None
                if full:
                    G[:, at("gamma")] = self._sums_e.per_spell(ent.d1[:, k])
                for j, kk, m in self._entry_location_rows(sl):
                    if kk == k:
                        G[:, j - first] = self._agg_e @ (ent.d1[:, k] * m)
            da = -pa.copy()
            if k >= 1:
                da[k - 1] += 1.0
            G[:, at("a")] = da[None, :]
            wk = w[:, k : k + 1]
            Bsub += G.T @ (wk * G)
            gbar += wk * G
        Bsub -= gbar.T @ gbar
        B = np.zeros((P, P))
        B[first:, first:] = Bsub
        if not full:
            gbar = np.hstack([np.zeros((S, first)), gbar])
        H = A + B
        return (H + H.T) / 2.0, gbar
