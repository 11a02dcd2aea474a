"""Inference shared by both estimators: Wald statistics, CRV1 covariance, one BLAS thread.

* :class:`EstimationResults` - the results base of :class:`rendement.hazard.HazardResults`
  and :class:`rendement.hazard.toe.TimingOfEventsResults`: labelled ``bse``,
  ``zvalues``, ``pvalues``, ``conf_int()``, ``hazard_ratios()``, ``table()`` and a
  :class:`~rendement.hazard.summary.Summary` that prints as text and renders as HTML;
* :func:`coefficient_table` - the one coefficient table (group, coef, se, z, p,
  interval, hazard ratio and its interval);
* :func:`crv1_covariance` - the cluster-robust sandwich ``c * B^-1 (S'S) B^-1`` with
  the small-sample factor ``c = G/(G-1) * (n-1)/(n-k)`` of statsmodels' and Stata's
  ``cluster`` option (``G`` clusters, ``n`` observations, ``k`` parameters);
* :func:`one_blas_thread` - dense algebra on one BLAS thread (see its docstring).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

if TYPE_CHECKING:
    from rendement.hazard.summary import Summary

TERM_GROUPS = ("baseline", "client", "instruments", "calendar")

#: Columns of :func:`coefficient_table`, in order.
COEFFICIENT_COLUMNS = (
    "group",
    "coef",
    "se",
    "z",
    "p",
    "lower",
    "upper",
    "hazard_ratio",
    "hr_lower",
    "hr_upper",
)


def term_group(term: str) -> str:
    """``baseline``, ``instruments``, ``calendar`` or ``client`` (any other covariate)."""
    if term.startswith("baseline:"):
        return "baseline"
    if term.startswith(("in:", "after:")):
        return "instruments"
    if term.startswith("calendar:"):
        return "calendar"
    return "client"


def standard_errors(params: pd.Series, cov: pd.DataFrame) -> pd.Series:
    """Square roots of the covariance's diagonal, labelled like ``params`` (name ``se``)."""
    return pd.Series(np.sqrt(np.diag(cov.to_numpy())), index=params.index, name="se")


def wald_interval(params: pd.Series, bse: pd.Series, alpha: float) -> pd.DataFrame:
    """Wald confidence intervals (columns ``lower``, ``upper``)."""
    q = stats.norm.ppf(1.0 - alpha / 2.0)
    return pd.DataFrame(
        {"lower": params - q * bse, "upper": params + q * bse},
        index=params.index,
    )


def two_sided_p(z: pd.Series) -> pd.Series:
    """Two-sided p-values of z statistics (normal approximation), name ``p``."""
    return pd.Series(2.0 * stats.norm.sf(np.abs(z.to_numpy())), index=z.index, name="p")


def coefficient_table(params: pd.Series, bse: pd.Series, alpha: float = 0.05) -> pd.DataFrame:
    """One row per term with the columns :data:`COEFFICIENT_COLUMNS`.

    ``hazard_ratio`` is ``exp(coef)``; its interval is the exponentiated Wald interval.
    """
    z = (params / bse).rename("z")
    ci = wald_interval(params, bse, alpha)
    hr = np.exp(ci)
    return pd.DataFrame(
        {
            "group": [term_group(t) for t in params.index],
            "coef": params,
            "se": bse,
            "z": z,
            "p": two_sided_p(z),
            "lower": ci["lower"],
            "upper": ci["upper"],
            "hazard_ratio": np.exp(params),
            "hr_lower": hr["lower"],
            "hr_upper": hr["upper"],
        },
        index=params.index,
    )


class EstimationResults:
    """Inference on the coefficients ``params`` with covariance ``cov`` (both labelled by term).

    Subclasses are frozen dataclasses with the fields ``params`` and ``cov`` and
    a method :meth:`summary`; the statistics here are computed once and cached.
    """

    params: pd.Series
    cov: pd.DataFrame

    @cached_property
    def bse(self) -> pd.Series:
        """Standard errors."""
        return standard_errors(self.params, self.cov)

    @cached_property
    def zvalues(self) -> pd.Series:
        """Wald statistics ``coef / se``."""
        return (self.params / self.bse).rename("z")

    @cached_property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values (normal approximation)."""
        return two_sided_p(self.zvalues)

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Wald confidence intervals of the coefficients (columns ``lower``, ``upper``)."""
        return wald_interval(self.params, self.bse, alpha)

    def hazard_ratios(self, alpha: float = 0.05) -> pd.DataFrame:
        """``exp(coef)`` with its confidence interval (columns ``hazard_ratio``, ``lower``, ``upper``).

        For baseline pieces this is the monthly cumulative hazard ``-log(1 - h)``
        of the reference client, not a ratio.
        """
        ci = np.exp(self.conf_int(alpha))
        return pd.DataFrame(
            {"hazard_ratio": np.exp(self.params), "lower": ci["lower"], "upper": ci["upper"]},
            index=self.params.index,
        )

    def table(self, alpha: float = 0.05) -> pd.DataFrame:
        """One row per term: the columns :data:`COEFFICIENT_COLUMNS`."""
        return coefficient_table(self.params, self.bse, alpha)

    def summary(self, alpha: float = 0.05) -> Summary:
        raise NotImplementedError

    @staticmethod
    def model_catalogue(catalogue: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
        """The catalogue rows of the instruments ``codes`` whose states are in the model."""
        keep = catalogue["instrument"].astype(str).isin(list(codes))
        return catalogue[keep].reset_index(drop=True)

    def __str__(self) -> str:
        return str(self.summary())

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()


def crv1_covariance(
    bread: np.ndarray, cluster_scores: np.ndarray, *, n_clusters: int, n_obs: float
) -> np.ndarray:
    """Cluster-robust (CRV1) covariance ``c * bread (S'S) bread``, symmetrised.

    ``cluster_scores`` are the scores summed per cluster (``G x k``), ``bread``
    the inverse information. All NaN when there are fewer than two clusters or
    no more observations than parameters.
    """
    meat = cluster_scores.T @ cluster_scores
    k = bread.shape[0]
    if n_clusters < 2 or n_obs <= k:
        return np.full_like(meat, np.nan)
    factor = n_clusters / (n_clusters - 1.0) * (n_obs - 1.0) / (n_obs - k)
    cov = factor * bread @ meat @ bread
    return (cov + cov.T) / 2.0


def symmetric_inverse(information: np.ndarray) -> np.ndarray:
    """The inverse of a symmetric matrix, symmetrised against rounding."""
    inv = np.linalg.inv(information)
    return (inv + inv.T) / 2.0


def one_blas_thread() -> contextlib.AbstractContextManager[object]:
    """Limit BLAS to one thread for the ``with`` block.

    The estimators' dense algebra is on matrices of tens to hundreds of columns:
    on a busy machine, spin-waiting BLAS threads cost several times the work,
    and one thread gives results that do not depend on the thread count.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")
