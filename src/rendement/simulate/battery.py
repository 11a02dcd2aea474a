"""Run an estimator on a regime of the simulator and compare it with the exact truth.

:func:`run_regime` simulates one municipality of a :data:`~.regimes.BATTERY`
regime, fits the default model and the timing-of-events model on its history,
scores the caseload at the extraction date and returns, per model, the errors
that matter to a municipality:

* lock-in and after-effects of the meter's instruments against the true terms
  (estimate, standard error);
* months saved per instrument of the meter against the truth: bias (mean
  estimated minus mean true months saved) and mean absolute error over clients,
  and (with ``interval``) how often the client's interval covers the truth.

Used by ``tests/test_toe_battery.py`` and ``benchmarks/bench_toe.py``.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rendement.simulate.regimes import BATTERY


@dataclass(frozen=True)
class RegimeRun:
    """What one regime, one seed gave: effects, months saved, and facts about the fit."""

    regime: str
    seed: int
    effects: pd.DataFrame  # model, term, truth, estimate, se
    saved: pd.DataFrame  # model, instrument, bias, mae, true_mean, coverage
    facts: dict[str, Any] = field(default_factory=dict)

    def saved_bias(self, model: str) -> pd.Series:
        """Bias of months saved per instrument of the meter for ``model``."""
        s = self.saved[self.saved["model"] == model]
        return s.set_index("instrument")["bias"]

    def mean_abs_bias(self, model: str) -> float:
        """Mean over the meter's instruments of |bias of months saved|."""
        return float(self.saved_bias(model).abs().mean())


def run_regime(
    regime: str,
    *,
    clients: int = 25_000,
    seed: int = 101,
    interval: float | None = None,
    draws: int = 100,
    models: tuple[str, ...] = ("default", "toe"),
    fit_options: dict[str, Any] | None = None,
    spec_options: dict[str, Any] | None = None,
) -> RegimeRun:
    """Simulate ``regime`` and measure the models against its truth (module docstring).

    ``spec_options`` are settings of :class:`rendement.model.spec.ModelSpec` (default: its
    defaults), ``fit_options`` of :func:`rendement.hazard.toe.fit_timing_of_events`.

    Long: simulate, fit both models, score and compare, in the order a reader checks them.
    """
    from rendement.contract.folder import DataFolder
    from rendement.hazard import HazardWarning, fit_hazard
    from rendement.hazard.toe import fit_timing_of_events
    from rendement.model.spec import ModelSpec
    from rendement.panel import build_panel
    from rendement.scoring.caseload import score_caseload
    from rendement.simulate import SimulationConfig, simulate

    sim = simulate(SimulationConfig(clients=clients, seed=seed, **BATTERY[regime]))
    data = DataFolder(sim.clients, sim.spells, sim.trajectories, sim.instruments)
    panel = build_panel(data, until=sim.as_of)
    options = dict(spec_options or {})
    years = None
    if options.get("calendar"):
        years = sorted(
            int(y) for y in pd.DatetimeIndex(panel.months["calendar_month"]).year.unique()
        )
    spec = ModelSpec(**options).resolve(
        data.clients, instruments=list(panel.instruments), calendar_years=years
    )
    fitted: dict[str, Any] = {}
    facts: dict[str, Any] = {"regime": regime, "seed": seed, "clients": clients}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HazardWarning)
        t0 = time.perf_counter()
        default = fit_hazard(panel, spec, instruments_catalogue=data.instruments)
        facts["default_seconds"] = time.perf_counter() - t0
        fitted["default"] = default
        if "toe" in models:
            t0 = time.perf_counter()
            toe = fit_timing_of_events(
                panel,
                spec,
                instruments_catalogue=data.instruments,
                default=default,
                seed=seed,
                **(fit_options or {}),
            )
            facts["toe_seconds"] = time.perf_counter() - t0
            facts["mass_points"] = toe.n_points
            facts["identified"] = toe.identified
            fitted["toe"] = toe
    truth = sim.truth_model.params
    meter = set(sim.instruments.loc[sim.instruments["meter"] == spec.meter, "instrument"])
    effect_rows = []
    for name, res in fitted.items():
        se = np.sqrt(np.diag(res.cov.to_numpy()))
        se_of = pd.Series(se, index=res.cov.index)
        for term in res.params.index:
            code = term.split(":", 1)[-1].split("*")[0]
            if term.split(":")[0] in ("in", "after") and code in meter and term in truth.index:
                effect_rows.append(
                    {
                        "model": name,
                        "term": term,
                        "truth": float(truth[term]),
                        "estimate": float(res.params[term]),
                        "se": float(se_of[term]),
                    }
                )
    true_r = sim.truth_returns[sim.truth_returns["instrument"].isin(meter)]
    saved_rows = []
    for name, res in fitted.items():
        model = res.to_model()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", HazardWarning)
            score = score_caseload(data, model, sim.as_of, interval=interval, n_draws=draws)
        r = true_r.merge(score.returns, on=["client_id", "instrument"], suffixes=("", "_est"))
        err = r["months_saved_est"] - r["months_saved"]
        for code, e in err.groupby(r["instrument"]):
            row = {
                "model": name,
                "instrument": code,
                "bias": float(e.mean()),
                "mae": float(e.abs().mean()),
                "true_mean": float(r.loc[e.index, "months_saved"].mean()),
                "clients": len(e),
            }
            if interval is not None and "months_saved_lower" in r.columns:
                part = r.loc[e.index]
                row["coverage"] = float(
                    (
                        (part["months_saved_lower"] <= part["months_saved"])
                        & (part["months_saved"] <= part["months_saved_upper"])
                    ).mean()
                )
            saved_rows.append(row)
    return RegimeRun(regime, seed, pd.DataFrame(effect_rows), pd.DataFrame(saved_rows), facts)
