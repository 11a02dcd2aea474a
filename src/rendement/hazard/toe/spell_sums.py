"""Fast per-spell sums and Gram matrices over one equation's sparse design."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from rendement.hazard.toe.rows import EquationRows

#: Most pairs of non-zeros within rows held for the Gram matrix (about 24 bytes each).
MAX_PAIRS = 60_000_000


class SpellSums:
    """Fast sums over the non-zeros of one equation's sparse design.

    * :meth:`per_spell` - ``(S, P)`` per-spell sums of ``x_r * d_r`` (the score of each spell);
    * :meth:`gram` - ``X' diag(d) X``.

    Both are one ``bincount`` over precomputed targets of the non-zeros (and of
    the pairs of non-zeros within a row), much faster than sparse products.
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
        # pairs (a, b) of non-zeros in the same row; too many to hold (an entry hazard per
        # instrument multiplies the rows): the Gram matrix by a sparse product instead
        counts = np.diff(X.indptr).astype(np.int64)
        self.X = X
        self.pairs = int((counts * counts).sum()) <= MAX_PAIRS
        if not self.pairs:
            return
        pair_row = np.repeat(np.arange(X.shape[0]), counts * counts)
        start = np.repeat(X.indptr[:-1].astype(np.int64), counts * counts)
        offset = np.arange(len(pair_row)) - np.repeat(
            np.cumsum(counts * counts) - counts * counts, counts * counts
        )
        c = np.repeat(counts, counts * counts)
        a = start + offset // np.maximum(c, 1)
        b = start + offset % np.maximum(c, 1)
        self.pair_row = pair_row
        self.pair_val = X.data[a] * X.data[b]
        self.pair_target = X.indices[a].astype(np.int64) * P + X.indices[b]

    def per_spell(self, d: np.ndarray) -> np.ndarray:
        w = self.nz_val * d[self.nz_row]
        out = np.bincount(self.spell_target, weights=w, minlength=self.n_spells * self.P)
        return out.reshape(self.n_spells, self.P)

    def gram(self, d: np.ndarray) -> np.ndarray:
        if not self.pairs:
            return np.asarray((self.X.T @ self.X.multiply(d[:, None]).tocsr()).todense())
        w = self.pair_val * d[self.pair_row]
        return np.bincount(self.pair_target, weights=w, minlength=self.P * self.P).reshape(
            self.P, self.P
        )
