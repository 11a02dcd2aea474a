"""Covariance of the estimates: model-based, or clustered by client (sandwich).

Scores of single person-months cannot be summed per client from collapsed
cells, but they need not be: every person-month of cell ``c`` has score
``x_c * s1_c`` (with outflow) or ``x_c * s0_c`` (without). With sparse
``client x cell`` count matrices ``E`` (outflows) and ``N`` (person-months),
the per-client score sums are exactly::

    S = (E diag(s1 - s0) + N diag(s0)) X          (clients x parameters)

and the clustered covariance is :func:`rendement.hazard.inference.crv1_covariance`
(``c * B^-1 (S'S) B^-1``, ``B`` the observed information, ``n`` = person-months).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from rendement.hazard.inference import crv1_covariance, symmetric_inverse
from rendement.hazard.likelihood import CellLikelihood


@dataclass(frozen=True)
class ClusterCounts:
    """Person-months and outflows per (cluster, cell): two sparse ``G x C`` matrices."""

    events: sp.csr_matrix
    trials: sp.csr_matrix

    @property
    def n_clusters(self) -> int:
        """Clusters with at least one person-month."""
        return int(np.count_nonzero(np.diff(self.trials.indptr)))

    def keep_cells(self, cell_mask: np.ndarray) -> ClusterCounts:
        """The same counts restricted to the cells in ``cell_mask`` (renumbered)."""
        cols = np.flatnonzero(cell_mask)
        ev = self.events[:, cols].tocsr()
        tr = self.trials[:, cols].tocsr()
        tr.eliminate_zeros()
        return ClusterCounts(ev, tr)


def cluster_counts(
    cluster: np.ndarray, cell: np.ndarray, outcome: np.ndarray, n_cells: int
) -> ClusterCounts:
    """Count person-months and outflows per (cluster, cell) from one code per person-month.

    ``cluster`` identifies the cluster of each person-month (any values; integer
    codes below ``4 x n`` are used as they are), ``cell`` the cell of each
    person-month, ``outcome`` 0/1. Clusters without person-months are empty rows.
    """
    g = _dense_codes(np.asarray(cluster).ravel())
    c = np.asarray(cell, dtype=np.int64).ravel()
    n_groups = int(g.max()) + 1 if g.size else 0
    shape = (n_groups, int(n_cells))
    # one hash pass over the (cluster, cell) pairs; no sort of the person-months
    pair, pair_keys = pd.factorize(g * int(n_cells) + c)
    pair_keys = np.asarray(pair_keys, dtype=np.int64)
    y = np.asarray(outcome, dtype=np.float64).ravel()
    counts = np.bincount(pair, minlength=len(pair_keys)).astype(np.float64)
    events_per_pair = np.bincount(pair, weights=y, minlength=len(pair_keys))
    rows = pair_keys // int(n_cells)
    cols = pair_keys % int(n_cells)
    trials = sp.csr_matrix((counts, (rows, cols)), shape=shape)
    events = sp.csr_matrix((events_per_pair, (rows, cols)), shape=shape)
    return ClusterCounts(events, trials)


def _dense_codes(cluster: np.ndarray) -> np.ndarray:
    """Cluster codes as small non-negative integers (kept when they already are)."""
    if (
        cluster.dtype.kind in "iu"
        and cluster.size
        and cluster.min() >= 0
        and cluster.max() < 4 * cluster.size
    ):
        return cluster.astype(np.int64)
    return pd.factorize(cluster)[0].astype(np.int64)


def model_covariance(information: np.ndarray) -> np.ndarray:
    """Inverse observed information (no clustering)."""
    return symmetric_inverse(information)


def clustered_covariance(
    exog: np.ndarray, lik: CellLikelihood, counts: ClusterCounts, information: np.ndarray
) -> np.ndarray:
    """Cluster-robust sandwich covariance (CRV1 with statsmodels' small-sample factor)."""
    s1 = lik.score_event
    s0 = lik.score_stay
    m = counts.events @ sp.diags(s1 - s0) + counts.trials @ sp.diags(s0)
    scores = np.asarray(m @ exog)
    bread = symmetric_inverse(information)
    return crv1_covariance(
        bread, scores, n_clusters=counts.n_clusters, n_obs=float(counts.trials.sum())
    )
