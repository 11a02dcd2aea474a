"""Do the effects of two instruments add up? A test of their interaction on the data.

The returns of a combination (:mod:`rendement.mix.score`) assume that the
after-effects of its instruments **add on the log-hazard scale** (multiply the
monthly outflow rate). Where clients received both instruments of a pair, the
data can say whether that holds: the outflow model is fitted twice on the same
collapsed person-months (:mod:`rendement.hazard.design`), without and with the
interaction term ``after:X&after:Y`` (1 in the months after both ``X`` and
``Y``; cells are distinct instrument states, so the product of the two flags is
exact per cell), and

* the likelihood-ratio statistic ``2 (ll_with - ll_without)`` against chi-square(1);
* the Wald test of the interaction's coefficient with the client-clustered
  standard error (the estimator's CRV1 covariance);

give a verdict per pair at ``level`` (default 1%): ``additive`` (no evidence
against adding the effects), ``interaction`` (the additive model is rejected:
the combination's returns should not be trusted until the specification names
the interaction), or ``too_few`` (fewer than ``min_outflows`` outflows in the
months after both: the data do not allow the check, the assumption stands
untested).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import stats

from rendement.contract.folder import DataFolder
from rendement.hazard.cells import CellDesign
from rendement.hazard.design import panel_design
from rendement.hazard.estimate import _without_one_off_lock_in, fit_cells
from rendement.mix.combos import scorable_by_meter
from rendement.model.hazard_model import HazardModel

#: Fewest outflows in the months after both instruments for a pair to be tested.
MIN_OUTFLOWS = 20

#: Columns of the check's table.
CHECK_COLUMNS = (
    "pair",
    "person_months_both",
    "outflows_both",
    "estimate",
    "std_error",
    "p_wald",
    "lr_statistic",
    "p_lr",
    "verdict",
    "in_model",
)


@dataclass(frozen=True)
class AdditivityCheck:
    """The test per pair of instruments of different meters (:data:`CHECK_COLUMNS`)."""

    table: pd.DataFrame
    level: float
    #: estimated log-hazard term of each rejected pair (``"X&Y"``), from the refit with all of them
    interactions: dict[str, float] = field(default_factory=dict)
    #: the refit's parameters (main effects next to the interactions); ``None`` without any
    refit: pd.Series | None = None

    @property
    def rejected(self) -> list[str]:
        """Pairs whose interaction the data support (the additive model is rejected)."""
        return self.table.loc[self.table["verdict"] == "interaction", "pair"].tolist()

    def verdict(self) -> str:
        """One plain sentence (English, for the analyst's log; the report says it in Dutch)."""
        tested = int((self.table["verdict"] != "too_few").sum())
        if not tested:
            return (
                "additive effects assumed, untested: no pair of instruments has enough "
                "clients who received both"
            )
        if self.rejected:
            return (
                f"additive effects rejected at {self.level:.0%} for {', '.join(self.rejected)}: "
                "the returns of these combinations are not reliable"
            )
        return f"additive effects assumed; not rejected for any of {tested} tested pair(s)"


def check_additivity(
    data: DataFolder,
    model: HazardModel,
    meters: list[str],
    *,
    level: float = 0.01,
    min_outflows: int = MIN_OUTFLOWS,
    named: Sequence[str] = (),
) -> AdditivityCheck:
    """Test the interaction of every pair of instruments of different meters (module docstring).

    ``named``: pairs ``"X&Y"`` the analyst puts in the model whatever their test says
    (when the data identify them: not ``too_few``); the other pairs are tested beside them.
    ``in_model`` says which interactions the refit (and so the mix) uses: none for a
    timing-of-events model (mass points), whose combinations stay additive.

    Forward selection: an interaction left out biases the main effects of its two
    instruments, and through them the tests of their other pairs; so the pair with the
    largest significant likelihood-ratio statistic is taken into the model and the
    remaining pairs are tested again, until none is significant. A pair's row is its
    test when it was taken in, or its test in the last round.
    """
    from rendement.panel import build_panel

    spec = model.spec
    panel = build_panel(data, until=data.extraction_date.date(), events=spec.events)
    design = panel_design(panel, spec, cluster="client")
    cells, _ = _without_one_off_lock_in(design, model.instruments)
    by_meter = scorable_by_meter(model, meters)
    pairs = [
        (x, y)
        for (_, codes1), (_, codes2) in itertools.combinations(by_meter.items(), 2)
        for x, y in itertools.product(codes1, codes2)
    ]
    chosen: dict[str, dict[str, object]] = {}
    for pair in _named_pairs(named, pairs):
        row = _one_pair(cells, fit_cells(cells).loglik, *pair, level, min_outflows)
        if row["verdict"] != "too_few":
            chosen[str(row["pair"])] = row
            cells = _with_interaction(cells, *pair)
    while True:
        base = fit_cells(cells)
        loglik = base.loglik
        rows = {
            f"{x}&{y}": _one_pair(cells, loglik, x, y, level, min_outflows)
            for x, y in pairs
            if f"{x}&{y}" not in chosen
        }
        significant = [r for r in rows.values() if r["verdict"] == "interaction"]
        if not significant:
            break
        top = max(significant, key=lambda r: float(r["lr_statistic"]))  # type: ignore[arg-type]
        chosen[str(top["pair"])] = top
        cells = _with_interaction(cells, *str(top["pair"]).split("&"))
    toe = model.heterogeneity is not None and len(model.heterogeneity.locations) > 1
    ordered = [  # a model with mass points keeps additive effects (model_with_interactions)
        {
            **(chosen.get(f"{x}&{y}") or rows[f"{x}&{y}"]),
            "in_model": f"{x}&{y}" in chosen and not toe,
        }
        for x, y in pairs
    ]
    table = pd.DataFrame(ordered, columns=list(CHECK_COLUMNS))
    if not chosen:
        return AdditivityCheck(table, level)
    estimates = {
        pair: float(base.params.get(f"after:{pair.split('&')[0]}&after:{pair.split('&')[1]}", 0.0))
        for pair in chosen
    }
    return AdditivityCheck(table, level, estimates, base.params)


def _named_pairs(named: Sequence[str], pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``named`` (``X&Y`` in either order) as pairs of ``pairs``; ``ValueError`` names the rest."""
    out, unknown = [], []
    for name in named:
        parts = tuple(p.strip() for p in str(name).split("&"))
        match = [p for p in pairs if len(parts) == 2 and set(p) == set(parts)]
        if match:
            out.append(match[0])
        else:
            unknown.append(str(name))
    if unknown:
        raise ValueError(
            f"interaction(s) {', '.join(unknown)} are not pairs of instruments of different "
            f"meters with estimated effects; choose from {', '.join('&'.join(p) for p in pairs)}"
        )
    return out


def model_with_interactions(
    model: HazardModel, check: AdditivityCheck
) -> tuple[HazardModel, dict[str, float]]:
    """The model refitted with the interactions the data support, and those interactions.

    Without any, ``model`` itself and ``{}``. With some, the main effects change too (an
    interaction left out biases them), so the refit's parameters replace the model's;
    the refit has no covariance for scoring here, so returns computed with it have no
    intervals. Pass both to :func:`rendement.mix.score.score_mix`. A model with mass points
    (timing-of-events) is returned unchanged: the refit has none.
    """
    if not check.interactions or check.refit is None:
        return model, {}
    het = model.heterogeneity
    if het is not None and len(het.locations) > 1:
        return model, {}  # the refit has no mass points: it cannot stand in for this model
    terms = [t for t in model.spec.terms() if t in check.refit.index]
    refit = replace(model, params=check.refit[terms], cov=None)
    return refit, dict(check.interactions)


def _both(cells: CellDesign, x: str, y: str) -> np.ndarray:
    """1 in the cells after both ``x`` and ``y`` (0 when either has no after term)."""
    columns = list(cells.columns)
    if f"after:{x}" not in columns or f"after:{y}" not in columns:
        return np.zeros(cells.n_cells)
    return cells.exog[:, columns.index(f"after:{x}")] * cells.exog[:, columns.index(f"after:{y}")]


def _with_interaction(cells: CellDesign, x: str, y: str) -> CellDesign:
    return CellDesign(
        np.column_stack([cells.exog, _both(cells, x, y)]),
        (*cells.columns, f"after:{x}&after:{y}"),
        cells.events,
        cells.trials,
        cells.clusters,
    )


def _one_pair(
    cells: CellDesign, loglik: float, x: str, y: str, level: float, min_outflows: int
) -> dict[str, object]:
    pair = f"{x}&{y}"
    both = _both(cells, x, y)
    months = float(cells.trials[both > 0].sum())
    outflows = float(cells.events[both > 0].sum())
    row: dict[str, object] = {
        "pair": pair,
        "person_months_both": int(round(months)),
        "outflows_both": int(round(outflows)),
        "estimate": np.nan,
        "std_error": np.nan,
        "p_wald": np.nan,
        "lr_statistic": np.nan,
        "p_lr": np.nan,
        "verdict": "too_few",
        "in_model": False,
    }
    if outflows < min_outflows or (months - outflows) < min_outflows:
        return row
    term = f"after:{x}&after:{y}"
    fit = fit_cells(_with_interaction(cells, x, y))
    if term not in fit.params.index:
        return row
    estimate = float(fit.params[term])
    k = list(fit.cov.columns).index(term)
    se = float(np.sqrt(fit.cov.to_numpy()[k, k]))
    lr = max(0.0, 2.0 * (fit.loglik - loglik))
    p_lr = float(stats.chi2.sf(lr, 1))
    p_wald = float(2.0 * stats.norm.sf(abs(estimate / se))) if se > 0 else np.nan
    row.update(
        estimate=estimate,
        std_error=se,
        p_wald=p_wald,
        lr_statistic=lr,
        p_lr=p_lr,
        verdict="interaction" if p_lr < level else "additive",
    )
    return row
