"""The estimated timing-of-events model as a results object (labelled pandas output).

:class:`TimingOfEventsResults` shares the results base of :class:`rendement.hazard.HazardResults`
(:class:`rendement.hazard.inference.EstimationResults`: ``params``, ``cov``, ``bse``,
``zvalues``, ``pvalues``, ``conf_int()``, ``hazard_ratios()``, ``table()``,
``summary()``) for the outflow equation, and adds the entry equation, the mass points of
the mixing distribution, the search path over the number of points, plain
diagnostics, and the default model's estimates for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, cast

import numpy as np
import pandas as pd

from rendement.hazard.inference import (
    EstimationResults,
    coefficient_table,
    standard_errors,
    term_group,
    wald_interval,
)
from rendement.hazard.results import HazardResults
from rendement.hazard.summary import Summary, SummaryTable, format_p
from rendement.model.hazard_model import HazardModel, Heterogeneity, ModelKind
from rendement.model.metadata import ModelMetadata
from rendement.model.spec import ModelSpec


@dataclass(frozen=True, eq=False)
class TimingOfEventsResults(EstimationResults):
    """Estimates of the timing-of-events model with a discrete mixing distribution (NPMLE).

    ``params``/``cov``: outflow equation, by term (as in the default model);
    ``entry_params``/``entry_cov``: entry equation (terms without any entry are
    listed in ``entry_no_entry`` and stored in the model at a hazard of 0);
    ``all_params``/``all_cov``: every estimated parameter, including the mass-point
    parameters (``mixture:v_outflow[k]``, ``mixture:v_entry[k]``, ``mixture:logit[k]``);
    ``mass_points``: one row per point (location in both equations, probability, se).
    ``identified`` is False when a diagnostic says the mixture is not identified.
    """

    params: pd.Series
    cov: pd.DataFrame
    entry_params: pd.Series
    entry_cov: pd.DataFrame
    all_params: pd.Series
    all_cov: pd.DataFrame
    mass_points: pd.DataFrame
    cov_type: str
    loglik: float
    converged: bool
    iterations: int
    criterion: str
    search: pd.DataFrame
    stop_reason: str
    diagnostics: tuple[str, ...]
    identified: bool
    n_person_months: int
    n_events: int
    n_entries: int
    n_spells: int
    n_clients: int
    n_clusters: int
    spec: ModelSpec
    catalogue: pd.DataFrame
    meter_codes: tuple[str, ...]
    entry_no_entry: tuple[str, ...] = ()
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    default: HazardResults | None = None
    fit_seconds: float = float("nan")
    settings: dict[str, Any] = field(default_factory=dict)
    selection_test: dict[str, float] | None = None  # Wald test of v_entry = 0 (chi2, df, p)
    #: Instruments with an entry hazard of their own (empty: one entry hazard for the meter).
    entry_channels: tuple[str, ...] = ()

    # ---- inference -----------------------------------------------------------
    @property
    def n_points(self) -> int:
        return len(self.mass_points)

    @property
    def has_entry(self) -> bool:
        return len(self.entry_params) > 0

    @cached_property
    def entry_bse(self) -> pd.Series:
        """Standard errors of the entry terms."""
        return standard_errors(self.entry_params, self.entry_cov)

    def table(self, alpha: float = 0.05) -> pd.DataFrame:
        """Both equations: one row per (equation, term) with the columns of the default model's table."""
        parts = [
            coefficient_table(coef, se, alpha).rename_axis("term")
            for coef, se in ((self.params, self.bse), (self.entry_params, self.entry_bse))
        ]
        return pd.concat(parts, keys=["outflow", "entry"], names=["equation", "term"])

    def compare_default(self, alpha: float = 0.05) -> pd.DataFrame:
        """Instrument effects of the default model (no heterogeneity) next to these.

        Columns ``default``, ``default_se``, ``toe``, ``toe_se``, ``difference``
        (toe - default) and the timing-of-events interval; rows are the
        ``in:``/``after:`` terms.
        """
        terms = [t for t in self.params.index if term_group(t) == "instruments"]
        out = pd.DataFrame(index=pd.Index(terms, name="term"))
        if self.default is not None:
            out["default"] = self.default.params.reindex(terms)
            out["default_se"] = self.default.bse.reindex(terms)
        else:
            out["default"] = np.nan
            out["default_se"] = np.nan
        out["toe"] = self.params.reindex(terms)
        out["toe_se"] = self.bse.reindex(terms)
        out["difference"] = out["toe"] - out["default"]
        ci = wald_interval(out["toe"], out["toe_se"], alpha)
        out["toe_lower"] = ci["lower"]
        out["toe_upper"] = ci["upper"]
        return out

    # ---- text ------------------------------------------------------------------
    def summary(self, alpha: float = 0.05) -> Summary:
        """Readable summary: the mixture, the search path, diagnostics, both equations."""
        level = f"{100 * (1 - alpha):g}%"
        conv = "yes" if self.converged else "NO"
        lines = [
            "Timing-of-events model (Abbring-Van den Berg): outflow and instrument entry with",
            "discrete unobserved heterogeneity (Heckman-Singer NPMLE, spell-level types)",
            f"person-months: {self.n_person_months:,}   outflows: {self.n_events:,}   "
            f"entries: {self.n_entries:,}   spells: {self.n_spells:,}   clients: {self.n_clients:,}",
            f"log-likelihood: {self.loglik:,.3f}   mass points: {self.n_points} "
            f"(chosen by {self.criterion.upper()})   converged: {conv} ({self.iterations} iterations)",
            f"covariance: {self.cov_type} ({self.n_clusters:,} clusters)   "
            f"entry equation: {'first start of ' + ', '.join(self.meter_codes) if self.has_entry else 'none'}",
        ]
        header_lines = tuple(lines)
        lines += ["", "mass points (type 1 is the reference: location 0 in both equations)"]
        mp = self.mass_points
        lines.append(
            f"{'point':>6}{'v_outflow':>12}{'se':>9}{'v_entry':>12}{'se':>9}{'probability':>14}{'se':>9}"
        )
        for k, r in mp.iterrows():
            lines.append(
                f"{k:>6}{r['v_outflow']:>12.4f}{_f(r['v_outflow_se']):>9}{r['v_entry']:>12.4f}"
                f"{_f(r['v_entry_se']):>9}{r['probability']:>14.4f}{_f(r['probability_se']):>9}"
            )
        if self.selection_test is not None:
            t = self.selection_test
            lines.append(
                f"selection on unobservables (all v_entry = 0): chi2({t['df']:.0f}) = {t['chi2']:.2f}, "
                f"p = {format_p(t['p'])}"
            )
        lines += ["", "search over the number of mass points"]
        lines.append(f"{'points':>6}{'loglik':>16}{'params':>8}{'AIC':>16}{'BIC':>16}  notes")
        for st in self.search.itertuples():
            lines.append(
                f"{st.n_points:>6}{st.loglik:>16.3f}{st.n_params:>8}{st.aic:>16.2f}{st.bic:>16.2f}  {st.problems}"
            )
        lines.append(f"stopped: {self.stop_reason}")
        lines += ["", "diagnostics"]
        lines += [f"- {d}" for d in self.diagnostics] or ["- none: the mixture is identified"]
        tables = self._summary_tables(lines[len(header_lines) + 1 :])
        tab = self.table(alpha)
        cmp = self.compare_default(alpha)
        for eq, title in (
            ("outflow", "outflow (uitstroom)"),
            ("entry", "entry into an instrument of the meter"),
        ):
            if eq not in tab.index.get_level_values(0):
                continue
            part = cast(pd.DataFrame, tab.loc[eq])
            width = max([len("term")] + [len(t) for t in part.index]) + 2
            header = f"{'term':<{width}}{'coef':>9}{'se':>9}{'z':>8}{'p':>8}{f'{level} CI':>20}"
            extra = "   default model" if eq == "outflow" and self.default is not None else ""
            rule = "-" * (len(header) + len(extra))
            lines += ["", title, rule, header + extra, rule]
            tables.append(SummaryTable(title, part.drop(columns="group")))
            for term, r in part.iterrows():
                line = (
                    f"{term!s:<{width}}{r['coef']:>9.4f}{r['se']:>9.4f}{r['z']:>8.2f}{format_p(r['p']):>8}"
                    f"{f'{r.lower:.3f} - {r.upper:.3f}':>20}"
                )
                if extra and term in cmp.index:
                    line += f"   {float(cmp['default'].get(term, np.nan)):>9.4f}"
                lines.append(line)
        if self.entry_no_entry:
            note = "entry terms without any entry (entry hazard 0): " + ", ".join(
                self.entry_no_entry
            )
            lines += ["", note]
            tables.append(SummaryTable("entry", lines=(note,)))
        if not self.dropped.empty:
            lines += ["", "terms left out"]
            for dr in self.dropped.itertuples():
                lines.append(f"{dr.equation}: {dr.term}: {dr.reason}")
            tables.append(SummaryTable("terms left out", self.dropped))
        return Summary("\n".join(lines), header_lines, tuple(tables))

    def _summary_tables(self, mixture_lines: list[str]) -> list[SummaryTable]:
        """The mixture, the search and the diagnostics as tables (for the HTML summary)."""
        selection = [line for line in mixture_lines if line.startswith("selection on")]
        diagnostics = [f"{d}" for d in self.diagnostics] or ["none: the mixture is identified"]
        return [
            SummaryTable("mass points", self.mass_points, tuple(selection)),
            SummaryTable(
                "search over the number of mass points",
                self.search,
                (f"stopped: {self.stop_reason}",),
            ),
            SummaryTable("diagnostics", lines=tuple(diagnostics)),
        ]

    # ---- model -------------------------------------------------------------------
    def heterogeneity(self) -> Heterogeneity:
        mp = self.mass_points
        return Heterogeneity(
            tuple(float(x) for x in mp["v_outflow"]),
            tuple(float(x) for x in mp["probability"]),
            tuple(float(x) for x in mp["v_entry"]) if self.has_entry else (),
            self.spec.entry_process if self.spec is not None else "first",
            tuple(self.entry_channels) if self.has_entry else (),
            tuple(tuple(float(x) for x in mp[f"offset:{c}"]) for c in self.entry_channels[1:])
            if self.has_entry
            else (),
        )

    def to_model(
        self, kind: ModelKind = "estimated", metadata: dict[str, Any] | None = None
    ) -> HazardModel:
        """The fitted model without data: outflow params and covariance, mixture, entry params.

        ``metadata`` is merged over the fit facts. The entry parameters include
        terms without any entry at :data:`rendement.hazard.toe.design.NO_ENTRY`.

        Long: the model's facts are listed one by one, as the manifest stores them.
        """
        from rendement.hazard.toe.design import NO_ENTRY

        cat = self.model_catalogue(self.catalogue, self.spec.instruments)
        entry = pd.concat(
            [self.entry_params, pd.Series(NO_ENTRY, index=list(self.entry_no_entry), dtype=float)]
        )
        mp = self.mass_points
        facts: dict[str, Any] = {
            "heterogeneity": "npmle",
            "mass_points": int(self.n_points),
            "criterion": self.criterion,
            "identified": bool(self.identified),
            "diagnostics": list(self.diagnostics),
            "n_person_months": int(self.n_person_months),
            "n_spells": int(self.n_spells),
            "n_clients": int(self.n_clients),
            "n_events": int(self.n_events),
            "n_entries": int(self.n_entries),
            "loglik": float(self.loglik),
            "converged": bool(self.converged),
            "iterations": int(self.iterations),
            "cov_type": self.cov_type,
            "n_clusters": int(self.n_clusters),
            "entry_equation": {
                "instruments": list(self.meter_codes),
                "at_risk": {
                    "first": "from month 1 up to the first start of any instrument of the meter "
                    "in the spell",
                    "separate": "every month not in an instrument; re-entries after a first "
                    "start with a level of their own (term reentry)",
                    "all": "every month not in an instrument, re-entries at the same hazard",
                }[self.spec.entry_process],
                "entry_process": self.spec.entry_process,
                "entry_hazard": "instrument" if self.entry_channels else "meter",
                "channels": list(self.entry_channels),
                "terms_without_entry": list(self.entry_no_entry),
                "no_entry_value": NO_ENTRY,
            },
            "mass_point_table": {c: [float(x) for x in mp[c]] for c in mp.columns},
            "search": [
                {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
                for row in self.search.to_dict(orient="records")
            ],
            "fit_seconds": float(self.fit_seconds),
            "settings": dict(self.settings),
        }
        if self.default is not None:
            cmp = self.compare_default()
            facts["default_effects"] = {
                str(t): {"coef": float(r["default"]), "se": float(r["default_se"])}
                for t, r in cmp.iterrows()
                if np.isfinite(r["default"])
            }
            facts["default_loglik"] = float(self.default.loglik)
        mix = [t for t in self.all_params.index if str(t).startswith("mixture:")]
        facts["mixture_parameters"] = {
            "terms": mix,
            "estimate": [float(x) for x in self.all_params[mix]],
            "covariance": self.all_cov.loc[mix, mix].to_numpy().tolist(),
            # every estimated parameter, for interval draws that vary the mixture too
            "joint": {
                "terms": [str(t) for t in self.all_params.index],
                "covariance": self.all_cov.to_numpy().tolist(),
            },
        }
        facts["selection_test"] = self.selection_test
        facts = _json_safe(facts)
        facts.update(metadata or {})
        if not self.identified and self.default is not None:
            return self._fallback(kind, facts)
        return HazardModel(
            spec=self.spec,
            params=self.params.copy(),
            cov=self.cov.copy(),
            instruments=cat,
            kind=kind,
            heterogeneity=self.heterogeneity(),
            entry_params=entry if self.has_entry else None,
            metadata=ModelMetadata(facts),
        )

    def _fallback(self, kind: ModelKind, facts: dict[str, Any]) -> HazardModel:
        """The default model's effects, saying why: the data cannot separate selection from
        effect, so the mixture's effects would be a guess (never used silently)."""
        assert self.default is not None
        reasons = [d.removeprefix("NOT IDENTIFIED: ") for d in self.diagnostics]
        reasons = [r for r, d in zip(reasons, self.diagnostics, strict=True) if d != r]
        facts["fallback"] = {
            "model": "default",
            "reason": "; ".join(reasons),
            "text": "het model met selectie op onwaargenomen kenmerken (timing-of-events) kon "
            "op deze gegevens selectie en effect niet scheiden; dit advies gebruikt de "
            "effecten van het standaardmodel, die vertekend kunnen zijn door wie een traject "
            "krijgt.",
        }
        model = self.default.to_model(kind=kind)
        return HazardModel(
            spec=model.spec,
            params=model.params,
            cov=model.cov,
            instruments=model.instruments,
            kind=kind,
            heterogeneity=None,
            entry_params=None,
            metadata=ModelMetadata(facts),
        )


def _json_safe(value: Any) -> Any:
    """``value`` with NaN/infinite floats as ``None`` (strict JSON for the model manifest)."""
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _f(x: float) -> str:
    return f"{x:.4f}" if np.isfinite(x) else "-"
