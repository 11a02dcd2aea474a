"""Collapsed person-periods: one cell per distinct design row.

The binomial likelihood needs only the number of person-months and of
outflows per distinct row of the design, so millions of person-months
(*persoonsmaanden*) reduce to the cells ``baseline piece x client pattern x
instrument state [x calendar year]``. :class:`CellDesign` is what the
estimator works on; :func:`collapse_rows` builds one from any row-level
design (used for reference data sets such as Rossi), while
:mod:`rendement.hazard.design` builds one from a person-month panel without
ever forming the row-level design.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from rendement.hazard.covariance import ClusterCounts, cluster_counts


@dataclass(frozen=True)
class CellDesign:
    """Design rows of the cells, their outflows and person-months, and cluster counts.

    ``exog`` is ``(n_cells, n_terms)`` with columns ``columns``; ``clusters``
    is ``None`` when no clustering is asked for (model-based covariance).
    """

    exog: np.ndarray
    columns: tuple[str, ...]
    events: np.ndarray
    trials: np.ndarray
    clusters: ClusterCounts | None = None

    def __post_init__(self) -> None:
        if self.exog.shape != (len(self.events), len(self.columns)):
            raise ValueError(
                f"exog has shape {self.exog.shape}, expected ({len(self.events)}, {len(self.columns)})"
            )

    @property
    def n_cells(self) -> int:
        return int(self.exog.shape[0])

    @property
    def n_obs(self) -> int:
        """Person-periods in the cells."""
        return int(round(float(self.trials.sum())))

    @property
    def n_events(self) -> int:
        return int(round(float(self.events.sum())))

    def frame(self) -> pd.DataFrame:
        """The cells as a labelled table (design columns, ``events``, ``trials``)."""
        out = pd.DataFrame(self.exog, columns=list(self.columns))
        out["events"] = self.events
        out["trials"] = self.trials
        return out

    def subset(
        self, *, cells: np.ndarray | None = None, columns: Sequence[str] | None = None
    ) -> CellDesign:
        """The design restricted to some cells (boolean mask) and/or columns (names, in order)."""
        exog, events, trials, clusters = self.exog, self.events, self.trials, self.clusters
        if cells is not None:
            mask = np.asarray(cells, dtype=bool)
            exog, events, trials = exog[mask], events[mask], trials[mask]
            clusters = clusters.keep_cells(mask) if clusters is not None else None
        names = self.columns
        if columns is not None:
            idx = [self.columns.index(c) for c in columns]
            exog = exog[:, idx]
            names = tuple(columns)
        return replace(
            self,
            exog=np.ascontiguousarray(exog),
            columns=names,
            events=events,
            trials=trials,
            clusters=clusters,
        )


def collapse_rows(
    exog: pd.DataFrame,
    outcome: np.ndarray | pd.Series,
    *,
    groups: np.ndarray | pd.Series | None = None,
) -> CellDesign:
    """Collapse a row-level person-period design into cells (exact; any numeric columns).

    ``outcome`` is 0/1 per row (1 = the event, here leaving benefit, happened in
    that period); ``groups`` (optional) the cluster of each row for clustered
    standard errors, e.g. the person.
    """
    x = exog.to_numpy(dtype=np.float64)
    y = np.asarray(outcome, dtype=np.float64).ravel()
    if len(y) != len(x):
        raise ValueError(f"outcome has {len(y)} rows, exog has {len(x)}")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("outcome must be 0 or 1 in every row")
    if not np.isfinite(x).all():
        raise ValueError("exog has missing or infinite values")
    inverse, first = distinct_rows(x)
    cells = x[first]
    events = np.bincount(inverse, weights=y, minlength=len(cells))
    trials = np.bincount(inverse, minlength=len(cells)).astype(np.float64)
    clusters = None
    if groups is not None:
        codes = pd.factorize(pd.Series(np.asarray(groups)), sort=True)[0]
        if len(codes) != len(y) or (codes < 0).any():
            raise ValueError("groups must give one non-missing cluster per row")
        clusters = cluster_counts(codes, inverse, y, len(cells))
    return CellDesign(
        np.ascontiguousarray(cells), tuple(str(c) for c in exog.columns), events, trials, clusters
    )


def distinct_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cell code of every row (cells numbered in order of first appearance) and each cell's first row.

    Exact: columns are factorised one at a time and combined with the running
    code (re-factorised after each column, so keys never overflow).
    """
    n = x.shape[0]
    code = np.zeros(n, dtype=np.int64)
    n_codes = 1
    for j in range(x.shape[1]):
        col, uniq = pd.factorize(x[:, j])
        code, uniq_codes = pd.factorize(code * len(uniq) + col)
        n_codes = len(uniq_codes)
    if x.shape[1] == 0:
        code = np.zeros(n, dtype=np.int64)
        n_codes = 1 if n else 0
    first = np.full(n_codes, n, dtype=np.int64)
    np.minimum.at(first, code, np.arange(n, dtype=np.int64))
    return code.astype(np.int64), first
