"""The estimated hazard model as a results object (labelled pandas output).

:class:`HazardResults` holds the estimates, their (clustered) covariance and
the facts of the fit; it turns into a :class:`rendement.model.hazard_model.HazardModel`
(no data) with :meth:`HazardResults.to_model`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from rendement.errors import ModelMismatchError
from rendement.hazard.identification import DroppedTerm
from rendement.model.hazard_model import HazardModel, ModelKind
from rendement.model.spec import ModelSpec

TERM_GROUPS = ("baseline", "client", "instruments", "calendar")


def term_group(term: str) -> str:
    """``baseline``, ``instruments``, ``calendar`` or ``client`` (any other covariate)."""
    if term.startswith("baseline:"):
        return "baseline"
    if term.startswith(("in:", "after:")):
        return "instruments"
    if term.startswith("calendar:"):
        return "calendar"
    return "client"


@dataclass(frozen=True, eq=False)
class HazardResults:
    """Estimates of the discrete-time proportional hazards (cloglog) model.

    ``params`` and ``cov`` are indexed by term name; ``cov_type`` is
    ``"cluster:client"``, ``"cluster:spell"``, ``"cluster:<groups>"`` or
    ``"model"`` (inverse observed information). ``dropped`` lists terms left
    out and why. ``spec`` is the resolved specification (``None`` for a fit
    on a generic design).
    """

    params: pd.Series
    cov: pd.DataFrame
    cov_type: str
    loglik: float
    converged: bool
    iterations: int
    n_person_months: int
    n_events: int
    n_cells: int
    n_clusters: int | None
    dropped: pd.DataFrame
    n_spells: int | None = None
    n_clients: int | None = None
    instrument_counts: pd.DataFrame = field(default_factory=pd.DataFrame)
    spec: ModelSpec | None = None
    catalogue: pd.DataFrame | None = None

    # ---- inference -----------------------------------------------------------
    @cached_property
    def bse(self) -> pd.Series:
        """Standard errors."""
        return pd.Series(np.sqrt(np.diag(self.cov.to_numpy())), index=self.params.index, name="se")

    @cached_property
    def zvalues(self) -> pd.Series:
        return (self.params / self.bse).rename("z")

    @cached_property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values (normal approximation)."""
        return pd.Series(
            2.0 * stats.norm.sf(np.abs(self.zvalues.to_numpy())), index=self.params.index, name="p"
        )

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Wald confidence intervals of the coefficients (columns ``lower``, ``upper``)."""
        q = stats.norm.ppf(1.0 - alpha / 2.0)
        return pd.DataFrame(
            {"lower": self.params - q * self.bse, "upper": self.params + q * self.bse},
            index=self.params.index,
        )

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
        """One row per term: group, coef, se, z, p, hazard ratio and its interval."""
        hr = self.hazard_ratios(alpha)
        return pd.DataFrame(
            {
                "group": [term_group(t) for t in self.params.index],
                "coef": self.params,
                "se": self.bse,
                "z": self.zvalues,
                "p": self.pvalues,
                "hazard_ratio": hr["hazard_ratio"],
                "hr_lower": hr["lower"],
                "hr_upper": hr["upper"],
            },
            index=self.params.index,
        )

    def summary(self, alpha: float = 0.05) -> str:
        """A readable text table, grouped: baseline / client / instruments / calendar."""
        level = f"{100 * (1 - alpha):g}%"
        lines = [
            "Discrete-time proportional hazards model of leaving benefit (cloglog, grouped time)",
            f"person-months: {self.n_person_months:,}   outflows: {self.n_events:,}   "
            f"cells: {self.n_cells:,}",
        ]
        if self.n_spells is not None:
            lines.append(f"spells: {self.n_spells:,}   clients: {self.n_clients or 0:,}")
        conv = "yes" if self.converged else "NO"
        clusters = f" ({self.n_clusters:,} clusters)" if self.n_clusters else ""
        lines.append(
            f"log-likelihood: {self.loglik:,.3f}   converged: {conv} ({self.iterations} iterations)   "
            f"covariance: {self.cov_type}{clusters}"
        )
        tab = self.table(alpha)
        width = max([len("term")] + [len(t) for t in tab.index]) + 2
        header = (
            f"{'term':<{width}}{'coef':>9}{'se':>9}{'z':>8}{'p':>8}{'HR':>9}"
            f"{f'{level} CI (HR)':>22}"
        )
        rule = "-" * len(header)
        for group in TERM_GROUPS:
            part = tab[tab["group"] == group]
            if part.empty:
                continue
            title = {"client": "client (at inflow)" if self.spec is not None else "covariates"}.get(
                group, group
            )
            lines += ["", title, rule, header, rule]
            for term, r in part.iterrows():
                lines.append(
                    f"{term!s:<{width}}{r['coef']:>9.4f}{r['se']:>9.4f}{r['z']:>8.2f}{_p(r['p']):>8}"
                    f"{_g(r['hazard_ratio']):>9}{_g(r['hr_lower']) + ' - ' + _g(r['hr_upper']):>22}"
                )
        if not self.dropped.empty:
            lines += ["", "terms left out", rule]
            for d in self.dropped.itertuples():
                excluded = int(d.person_months_excluded)  # type: ignore[arg-type]
                extra = f" ({excluded:,} person-months excluded)" if excluded else ""
                lines.append(f"{d.term!s}: {d.reason!s}{extra}")
        if not self.instrument_counts.empty:
            lines += [
                "",
                "instruments (person-months in / after, entries, outflows in / after)",
                rule,
            ]
            for code, r in self.instrument_counts.iterrows():
                lines.append(
                    f"{code!s:<{width}}{r['person_months_in']:>10,}{r['person_months_after']:>12,}"
                    f"{r['entries']:>9,}{r['events_in']:>8,}{r['events_after']:>8,}"
                )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    # ---- model -------------------------------------------------------------
    def to_model(
        self, kind: ModelKind = "estimated", metadata: dict[str, Any] | None = None
    ) -> HazardModel:
        """The fitted model without data: spec, params, covariance, catalogue and fit facts.

        ``metadata`` is merged over the fit facts (``n_person_months``, ``loglik``, ...).
        """
        if self.spec is None or self.catalogue is None:
            raise ModelMismatchError(
                "this fit was made on a generic design without a model specification and instrument "
                "catalogue; only fit_hazard(panel, spec, instruments_catalogue=...) results become models"
            )
        codes = list(self.spec.instruments)
        cat = self.catalogue[self.catalogue["instrument"].astype(str).isin(codes)].reset_index(
            drop=True
        )
        facts: dict[str, Any] = {
            "n_person_months": int(self.n_person_months),
            "n_spells": int(self.n_spells or 0),
            "n_clients": int(self.n_clients or 0),
            "n_events": int(self.n_events),
            "n_cells": int(self.n_cells),
            "loglik": float(self.loglik),
            "converged": bool(self.converged),
            "iterations": int(self.iterations),
            "cov_type": self.cov_type,
            "n_clusters": None if self.n_clusters is None else int(self.n_clusters),
            "dropped_terms": [
                {
                    "term": str(r.term),
                    "reason": str(r.reason),
                    "person_months_excluded": int(r.person_months_excluded),  # type: ignore[arg-type]
                }
                for r in self.dropped.itertuples()
            ],
        }
        facts.update(metadata or {})
        return HazardModel(
            spec=self.spec,
            params=self.params.copy(),
            cov=self.cov.copy(),
            instruments=cat,
            kind=kind,
            metadata=facts,
        )


def dropped_frame(dropped: list[DroppedTerm]) -> pd.DataFrame:
    """The dropped terms as a table (columns ``term``, ``reason``, ``person_months_excluded``)."""
    return pd.DataFrame(
        {
            "term": [d.term for d in dropped],
            "reason": [d.reason for d in dropped],
            "person_months_excluded": np.asarray(
                [d.person_months_excluded for d in dropped], dtype=np.int64
            ),
        }
    )


def _p(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _g(x: float) -> str:
    return f"{x:.3g}" if np.isfinite(x) else "inf"
