"""Compare two models of one meter: last year's and this year's (*herschatting*).

Coefficient and instrument-effect changes with intervals, and, on one caseload,
how many clients change outflow group or best instrument.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from rendement.model.hazard_model import HazardModel


@dataclass(frozen=True)
class ModelComparison:
    """Labelled comparison of model ``a`` (old) and ``b`` (new)."""

    version_a: str
    version_b: str
    coefficients: pd.DataFrame  # term, a, se_a, b, se_b, change, se_change, lower, upper, z
    effects: pd.DataFrame  # instrument, effect (lock-in/after), a, b, change, lower, upper
    changes: pd.DataFrame | None  # client-level changes on a caseload (None without data)
    specification: pd.DataFrame | None = None  # field, a, b: specification fields that differ

    def shifted(self, alpha: float = 0.05) -> pd.DataFrame:
        """Terms whose change is significant at level ``alpha`` (two-sided, models treated as independent)."""
        z = stats.norm.ppf(1 - alpha / 2)
        return self.coefficients[self.coefficients["z"].abs() > z]

    def summary(self) -> str:
        lines = [f"Model comparison: {self.version_a} -> {self.version_b}", ""]
        if self.specification is not None and len(self.specification):
            lines.append("Specification differences (spec.yaml):")
            lines.append(self.specification.to_string(index=False))
            lines.append("")
        elif self.specification is not None:
            lines += ["Same specification (spec.yaml).", ""]
        lines.append("Coefficients (log hazard ratio; change with 95% interval):")
        lines.append(self.coefficients.to_string(index=False, float_format=lambda x: f"{x:8.3f}"))
        lines += ["", "Instrument effects:"]
        lines.append(self.effects.to_string(index=False, float_format=lambda x: f"{x:8.3f}"))
        if self.changes is not None:
            lines += ["", "On the same caseload:"]
            lines.append(self.changes.to_string(index=False))
        return "\n".join(lines)


def _se(model: HazardModel, terms: list[str]) -> np.ndarray:
    if model.cov is None:
        return np.full(len(terms), np.nan)
    diag = pd.Series(np.diag(model.cov.to_numpy()), index=model.cov.index)
    return np.sqrt(diag.reindex(terms).to_numpy(dtype=float))


def compare_models(
    a: HazardModel, b: HazardModel, *, alpha: float = 0.05, caseload: pd.DataFrame | None = None
) -> ModelComparison:
    """Compare ``a`` and ``b``; with ``caseload`` (caseload_state rows) also the client-level changes.

    The interval of a change treats the two estimates as independent (they are
    fitted on different years); terms missing in one model are shown with NaN.
    """
    terms = list(dict.fromkeys(list(a.params.index) + list(b.params.index)))
    pa = a.params.reindex(terms).to_numpy(dtype=float)
    pb = b.params.reindex(terms).to_numpy(dtype=float)
    sa, sb = _se(a, terms), _se(b, terms)
    change = pb - pa
    se = np.sqrt(sa**2 + sb**2)
    z = stats.norm.ppf(1 - alpha / 2)
    coef = pd.DataFrame(
        {
            "term": terms,
            "a": pa,
            "se_a": sa,
            "b": pb,
            "se_b": sb,
            "change": change,
            "se_change": se,
            "lower": change - z * se,
            "upper": change + z * se,
            "z": change / se,
        }
    )
    eff = coef[coef["term"].str.startswith(("in:", "after:"))].copy()
    eff.insert(0, "instrument", eff["term"].str.split(":").str[1].str.split("*").str[0])
    eff.insert(1, "effect", np.where(eff["term"].str.startswith("in:"), "lock-in", "after"))
    eff = eff[["instrument", "effect", "term", "a", "b", "change", "lower", "upper"]].reset_index(
        drop=True
    )
    changes = None
    if caseload is not None and len(caseload):
        changes = _client_changes(a, b, caseload)
    from rendement.specfile import spec_differences

    spec_diff = pd.DataFrame(spec_differences(a.spec, b.spec), columns=["field", "a", "b"])
    return ModelComparison(
        a.metadata.version or "a",
        b.metadata.version or "b",
        coef,
        eff,
        changes,
        spec_diff,
    )


def _client_changes(a: HazardModel, b: HazardModel, caseload: pd.DataFrame) -> pd.DataFrame:
    from rendement.scoring.caseload import score_clients

    sa = score_clients(a, caseload, interval=None).ranking.set_index("client_id")
    sb = score_clients(b, caseload, interval=None).ranking.set_index("client_id").reindex(sa.index)
    n = len(sa)
    group_changed = int((sa["outflow_group"] != sb["outflow_group"]).sum())
    best_changed = int((sa["best_instrument"].fillna("") != sb["best_instrument"].fillna("")).sum())
    cross = pd.crosstab(sa["outflow_group"], sb["outflow_group"])
    rows = [
        {"measure": "clients scored", "count": n, "share": 1.0},
        {"measure": "outflow group changed", "count": group_changed, "share": group_changed / n},
        {"measure": "best instrument changed", "count": best_changed, "share": best_changed / n},
    ]
    for ga in cross.index:
        for gb in cross.columns:
            if ga != gb and cross.loc[ga, gb]:
                c = int(cross.loc[ga, gb])
                rows.append({"measure": f"group {ga} -> {gb}", "count": c, "share": c / n})
    return pd.DataFrame(rows)
