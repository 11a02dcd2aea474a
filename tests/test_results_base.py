"""One results base for both estimators: labelled inference, one CRV1 covariance, one summary.

The cluster-robust covariance is checked against statsmodels' OLS with
``cov_type="cluster"`` (the same small-sample factor) on a regression where the
scores are ``x * residual``; the timing-of-events results are checked to carry
the same labelled statistics as the default model's, computed the same way.
"""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hazard_synthetic import default_catalogue, default_truth, synthetic_panel
from simcache import get_simulation

from rendement.contract import read_data_folder
from rendement.hazard import HazardResults, HazardWarning, fit_hazard
from rendement.hazard.inference import (
    COEFFICIENT_COLUMNS,
    EstimationResults,
    crv1_covariance,
    symmetric_inverse,
)
from rendement.hazard.summary import Summary
from rendement.hazard.toe import TimingOfEventsResults, fit_timing_of_events
from rendement.model.fitting import FittedModel, fit_model
from rendement.model.hazard_model import HazardModel


def test_crv1_is_statsmodels_cluster_covariance() -> None:
    rng = np.random.default_rng(5)
    n, groups = 400, 37
    g = rng.integers(0, groups, n)
    x = np.column_stack([np.ones(n), rng.normal(size=n), rng.normal(size=n)])
    y = x @ [1.0, 0.5, -0.2] + rng.normal(size=groups)[g] + rng.normal(size=n)
    ref = sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": g})
    resid = y - x @ ref.params
    per_cluster = np.zeros((groups, 3))
    np.add.at(per_cluster, g, x * resid[:, None])
    bread = symmetric_inverse(x.T @ x)
    cov = crv1_covariance(bread, per_cluster, n_clusters=len(np.unique(g)), n_obs=n)
    np.testing.assert_allclose(cov, ref.cov_params(), rtol=1e-10)
    # without the small-sample factor it would differ by G/(G-1)*(n-1)/(n-k) > 1.03
    assert np.all(np.isnan(crv1_covariance(bread, per_cluster[:1], n_clusters=1, n_obs=n)))


@cache
def _fits() -> tuple[HazardResults, TimingOfEventsResults]:
    truth = default_truth()
    panel = synthetic_panel(truth, n_spells=1500, seed=11)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HazardWarning)
        default = fit_hazard(panel, truth.spec, instruments_catalogue=default_catalogue())
        toe = fit_timing_of_events(
            panel, truth.spec, instruments_catalogue=default_catalogue(), max_points=1
        )
    return default, toe


def test_both_estimators_share_the_labelled_statistics() -> None:
    default, toe = _fits()
    for res in (default, toe):
        assert isinstance(res, EstimationResults)
        pd.testing.assert_series_equal(res.zvalues, (res.params / res.bse).rename("z"))
        assert list(res.pvalues.index) == list(res.params.index)
        assert ((res.pvalues > 0) & (res.pvalues <= 1)).all()
        hr = res.hazard_ratios(0.1)
        np.testing.assert_allclose(hr["hazard_ratio"], np.exp(res.params))
        np.testing.assert_allclose(hr["upper"], np.exp(res.conf_int(0.1)["upper"]))
    assert tuple(default.table().columns) == COEFFICIENT_COLUMNS
    toe_table = toe.table()
    assert tuple(toe_table.columns) == COEFFICIENT_COLUMNS
    assert list(toe_table.index.names) == ["equation", "term"]
    outflow = toe_table.loc["outflow"]
    pd.testing.assert_series_equal(outflow["p"], toe.pvalues, check_names=False)
    # one mass point: the timing-of-events outflow equation is the default model
    np.testing.assert_allclose(outflow["z"], default.table()["z"], rtol=5e-3)


@pytest.mark.parametrize("which", [0, 1])
def test_summary_prints_as_text_and_renders_as_html(which: int) -> None:
    res = _fits()[which]
    summary = res.summary()
    assert isinstance(summary, Summary)
    assert str(res) == str(summary) == summary.as_text()
    page = summary._repr_html_()
    assert page == res._repr_html_()
    assert page.count("<table") >= 2
    for term in res.params.index:
        assert term in str(summary) and term in page
    assert summary.header[0] in page


def test_fit_model_returns_a_typed_result() -> None:
    town = get_simulation(clients=600, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HazardWarning)  # a small town: thin instruments
        fitted = fit_model(read_data_folder(town.data_dir), meter="reintegratie")
    assert isinstance(fitted, FittedModel)
    assert isinstance(fitted.model, HazardModel) and isinstance(fitted.results, HazardResults)
    model, results = fitted
    assert model is fitted.model and results is fitted.results
    assert model.metadata["metrics"]["loglik"] == results.loglik
