"""The estimated hazard model as a results object (labelled pandas output).

:class:`HazardResults` holds the estimates, their (clustered) covariance and
the facts of the fit; it turns into a :class:`rendement.model.hazard_model.HazardModel`
(no data) with :meth:`HazardResults.to_model`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rendement.errors import ModelMismatchError
from rendement.hazard.identification import DroppedTerm
from rendement.hazard.inference import TERM_GROUPS, EstimationResults
from rendement.hazard.summary import Summary, SummaryTable, format_p
from rendement.model.hazard_model import HazardModel, ModelKind
from rendement.model.metadata import ModelMetadata
from rendement.model.spec import ModelSpec


@dataclass(frozen=True, eq=False)
class HazardResults(EstimationResults):
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

    def summary(self, alpha: float = 0.05) -> Summary:
        """The fit and the coefficients, grouped: baseline / client / instruments / calendar."""
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
        header_lines = tuple(lines)
        tables: list[SummaryTable] = []
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
            tables.append(SummaryTable(title, part.drop(columns="group")))
            for term, r in part.iterrows():
                lines.append(
                    f"{term!s:<{width}}{r['coef']:>9.4f}{r['se']:>9.4f}{r['z']:>8.2f}{format_p(r['p']):>8}"
                    f"{_g(r['hazard_ratio']):>9}{_g(r['hr_lower']) + ' - ' + _g(r['hr_upper']):>22}"
                )
        if not self.dropped.empty:
            lines += ["", "terms left out", rule]
            for d in self.dropped.itertuples():
                excluded = int(d.person_months_excluded)  # type: ignore[arg-type]
                extra = f" ({excluded:,} person-months excluded)" if excluded else ""
                lines.append(f"{d.term!s}: {d.reason!s}{extra}")
            tables.append(SummaryTable("terms left out", self.dropped))
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
            tables.append(SummaryTable("instruments", self.instrument_counts))
        return Summary("\n".join(lines), header_lines, tuple(tables))

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
        cat = self.model_catalogue(self.catalogue, self.spec.instruments)
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
            metadata=ModelMetadata(facts),
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


def _g(x: float) -> str:
    return f"{x:.3g}" if np.isfinite(x) else "inf"
