"""Out-of-time calibration on simulated data: a correct model passes, a wrong one fails.

Droomstad without unobserved heterogeneity, so the default model is the true
model. The specification is re-fitted on the data up to the cut-off
(extraction - 12 months) and the caseload at the cut-off followed for 12
months. The check: per risk decile |observed - predicted| <= 2.5 standard
errors + 0.02, and the chi-square test over the deciles not rejected at 1%.
The same check on the same clients with the baseline shifted (a model that
predicts too much outflow) must fail.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from simcache import get_simulation

from rendement.contract import read_data_folder
from rendement.model.fitting import fit_model
from rendement.model.hazard_model import HazardModel
from rendement.report import Calibration, calibration, holdout_sample


def within_sampling_error(cal: Calibration) -> bool:
    d = cal.by_decile
    per_decile = bool(((d["observed"] - d["predicted"]).abs() <= 2.5 * d["se"] + 0.02).all())
    return per_decile and bool((cal.decile_test["p_value"] >= 0.01).all())


def _shifted(model: HazardModel, shift: float) -> HazardModel:
    params = model.params.copy()
    for term in model.spec.baseline_terms():
        params[term] += shift
    return replace(model, params=params)


def _check(config: dict[str, object], shift: float) -> None:
    data = read_data_folder(get_simulation(**config).data_dir)
    model, _ = fit_model(data)
    sample = holdout_sample(model, data, holdout_months=12)
    assert sample.refitted and sample.n > 700
    good = calibration(sample.clients, sample.window_months)
    assert good.horizons == (6, 12) and len(good.by_decile) == 20
    assert within_sampling_error(good), good.by_decile
    wrong = holdout_sample(_shifted(sample.model, shift), data, refit=False)
    assert (wrong.clients["client_id"] == sample.clients["client_id"]).all()
    bad = calibration(wrong.clients, wrong.window_months)
    assert not within_sampling_error(bad)
    assert (bad.decile_test["p_value"] < 0.01).any()
    # The shifted model predicts more outflow than observed in (nearly) every decile
    d = bad.by_decile[bad.by_decile["horizon"] == 12]
    assert (d["predicted"] > d["observed"]).mean() >= 0.8


def test_calibration_within_sampling_error_and_a_wrong_model_fails() -> None:
    _check({"clients": 3000, "seed": 7, "heterogeneity": False}, shift=0.8)


@pytest.mark.slow
def test_calibration_on_a_larger_town_detects_a_half_log_point_shift() -> None:
    _check({"clients": 8000, "seed": 5, "heterogeneity": False, "selection": "observed"}, shift=0.5)
