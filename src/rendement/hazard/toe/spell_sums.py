"""Fast per-spell sums and Gram matrices over one equation's sparse design.

The Gram matrix ``X' diag(d) X`` is the costly part of every Newton step: a row
with ``m`` non-zeros adds ``m * m`` products, and an equation's rows carry the
client's terms (a dozen or more non-zeros) in every row of the spell. Those
columns are the same in every row of a spell, so their part of the sum is taken
once per spell instead of once per row::

    X = [C | T]   C: columns constant within every spell, T: the others
    X' D X = [ C_s' diag(sum_s d) C_s    C_s' (sum over the spell's rows of d T) ]
             [        (transpose)        T' D T                                 ]

with ``C_s`` one row per spell. ``T`` has a few non-zeros per row (baseline piece,
instrument states, calendar year), so ``T' D T`` is cheap; the client block costs
one row per spell instead of one per month. The result is exact (tested against
the direct product).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from rendement.hazard.toe.rows import EquationRows

#: Most pairs of non-zeros within rows held for one Gram matrix (about 24 bytes each).
MAX_PAIRS = 60_000_000


class _RowGram:
    """``A' diag(w) A`` of one sparse matrix, for any row weights ``w``.

    By one ``bincount`` over the precomputed pairs of non-zeros within each row
    when they fit in :data:`MAX_PAIRS`, else by a sparse product.
    """

    def __init__(self, A: sp.csr_matrix):
        self.A = A
        self.P = A.shape[1]
        counts = np.diff(A.indptr).astype(np.int64)
        self.pairs = int((counts * counts).sum()) <= MAX_PAIRS
        if not self.pairs:
            return
        sq = counts * counts
        pair_row = np.repeat(np.arange(A.shape[0]), sq)
        start = np.repeat(A.indptr[:-1].astype(np.int64), sq)
        offset = np.arange(len(pair_row)) - np.repeat(np.cumsum(sq) - sq, sq)
        c = np.repeat(counts, sq)
        a = start + offset // np.maximum(c, 1)
        b = start + offset % np.maximum(c, 1)
        self.pair_row = pair_row
        self.pair_val = A.data[a] * A.data[b]
        self.pair_target = A.indices[a].astype(np.int64) * self.P + A.indices[b]

    def gram(self, w: np.ndarray) -> np.ndarray:
        if not self.pairs:
            A = self.A
            return np.asarray((A.T @ A.multiply(w[:, None]).tocsr()).todense())
        return np.bincount(
            self.pair_target, weights=self.pair_val * w[self.pair_row], minlength=self.P * self.P
        ).reshape(self.P, self.P)


def spell_constant_columns(X: sp.csr_matrix, spell: np.ndarray) -> np.ndarray:
    """Boolean mask of the columns of ``X`` whose value is the same in every row of a spell."""
    _, first = np.unique(spell, return_index=True)
    position = np.searchsorted(spell[first], spell)
    per_spell = X[first]
    diff = (X - per_spell[position]).tocsc()
    diff.eliminate_zeros()
    return np.diff(diff.indptr) == 0


class SpellSums:
    """Fast sums over the non-zeros of one equation's sparse design.

    * :meth:`per_spell` - ``(S, P)`` per-spell sums of ``x_r * d_r`` (the score of each spell);
    * :meth:`gram` - ``X' diag(d) X``, split into the spell-constant and the
      varying columns (module docstring).
    """

    def __init__(self, rows: EquationRows, n_spells: int):
        X = sp.csr_matrix(rows.exog)
        X.sum_duplicates()
        P = X.shape[1]
        self.P = P
        self.n_spells = n_spells
        nz_row = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        self.nz_row = nz_row
        self.nz_val = X.data.astype(np.float64)
        self.spell_target = rows.spell[nz_row].astype(np.int64) * P + X.indices
        self.spell = np.asarray(rows.spell, dtype=np.int64)

        constant = spell_constant_columns(X, self.spell)
        self.const = np.flatnonzero(constant)
        self.vary = np.flatnonzero(~constant)
        _, first = np.unique(self.spell, return_index=True)
        self.spell_ids = self.spell[first]  # the spells that have rows here
        self._const = _RowGram(sp.csr_matrix(X[first][:, self.const]))
        T = sp.csr_matrix(X[:, self.vary])
        self._vary = _RowGram(T)
        t_row = np.repeat(np.arange(T.shape[0]), np.diff(T.indptr))
        self._t_row = t_row
        self._t_val = T.data.astype(np.float64)
        # (spell position, varying column) target of every non-zero of T
        position = np.searchsorted(self.spell_ids, self.spell)
        self._position = position
        self._t_spell = position[t_row]
        self._t_col = T.indices

    @property
    def pairs(self) -> bool:
        """Whether both blocks use held pairs (else a sparse product for one of them)."""
        return self._const.pairs and self._vary.pairs

    def per_spell(self, d: np.ndarray) -> np.ndarray:
        w = self.nz_val * d[self.nz_row]
        out = np.bincount(self.spell_target, weights=w, minlength=self.n_spells * self.P)
        return out.reshape(self.n_spells, self.P)

    def gram(self, d: np.ndarray) -> np.ndarray:
        n_s, n_v = len(self.spell_ids), len(self.vary)
        d_spell = np.bincount(self._position, weights=d, minlength=n_s)
        G = np.zeros((self.P, self.P))
        c, v = self.const, self.vary
        if len(c):
            G[np.ix_(c, c)] = self._const.gram(d_spell)
        if n_v:
            G[np.ix_(v, v)] = self._vary.gram(d)
        if len(c) and n_v:
            # per spell, the sum over its rows of d * T (sparse: one entry per spell and
            # varying column that occurs in it)
            dt = sp.csr_matrix(
                (self._t_val * d[self._t_row], (self._t_spell, self._t_col)), shape=(n_s, n_v)
            )
            cross = (self._const.A.T @ dt).toarray()
            G[np.ix_(c, v)] = cross
            G[np.ix_(v, c)] = cross.T
        return G
