"""Parity of the collapsed cloglog fit with reference software on the same person-months.

* statsmodels ``GLM(Binomial(CLogLog()))`` on the uncollapsed person-month rows:
  same maximum-likelihood problem, so estimates agree to optimiser precision and
  the clustered covariance to rounding (same CRV1 estimator and small-sample factor);
* lifelines ``CoxTimeVaryingFitter`` and statsmodels ``PHReg`` (Efron ties) on the
  same person-months in counting-process form ``(k - 1, k]``: with one baseline
  piece per month the grouped-time model and the Cox model estimate the same
  coefficients; they differ only through the handling of ties within a month.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hazard_synthetic import EntryRule, SyntheticPanel, default_truth, synthetic_panel
from lifelines import CoxTimeVaryingFitter
from statsmodels.stats.sandwich_covariance import cov_cluster
from threadpoolctl import threadpool_limits

from rendement.hazard import fit_hazard
from rendement.model.hazard_model import HazardModel
from rendement.model.spec import ModelSpec, client_design

RULES = {
    "JOBHUNT": EntryRule(0.05, {"education[laag]": 0.5, "age_band[55+]": -0.5}),
    "HUISBEZ": EntryRule(0.03, {"age_band[18-26]": 0.5}),
}


def row_design(panel: SyntheticPanel, spec: ModelSpec, terms: list[str]) -> pd.DataFrame:
    """The uncollapsed design: one row per person-month, built term by term from the panel."""
    m = panel.months
    client = client_design(spec, panel.spells).to_numpy()[m["spell_idx"].to_numpy()]
    cols: dict[str, np.ndarray] = {}
    piece = spec.baseline_piece(m["month"].to_numpy())
    for i, t in enumerate(spec.baseline_terms()):
        cols[t] = (piece == i).astype(float)
    for j, t in enumerate(spec.client_terms()):
        cols[t] = client[:, j]
    for c in spec.instruments:
        cols[f"in:{c}"] = m[f"in:{c}"].to_numpy(dtype=float)
        cols[f"after:{c}"] = m[f"after:{c}"].to_numpy(dtype=float)
        for mod in spec.effect_modifiers:
            cols[f"after:{c}*{mod}"] = (
                cols[f"after:{c}"] * client[:, spec.client_terms().index(mod)]
            )
    return pd.DataFrame(cols)[terms]


@pytest.fixture(scope="module")
def small() -> tuple[HazardModel, SyntheticPanel]:
    truth = default_truth(("JOBHUNT", "HUISBEZ"))
    panel = synthetic_panel(
        truth,
        n_spells=900,
        seed=11,
        entry_rules=RULES,
        first_inflow="2021-01-01",
        until="2025-01-01",
    )
    return truth, panel


@pytest.fixture(scope="module")
def reference(small):
    """statsmodels GLM cloglog on the uncollapsed person-month rows (one fit, several covariances)."""
    truth, panel = small
    res = fit_hazard(panel, truth.spec, instruments_catalogue=truth.instruments)
    terms = list(res.params.index)
    x = row_design(panel, res.spec, terms)
    y = panel.months["outflow"].to_numpy(dtype=float)
    glm = sm.GLM(y, x, family=sm.families.Binomial(link=sm.families.links.CLogLog()))
    with threadpool_limits(limits=1, user_api="blas"):  # several times faster on a busy machine
        ref = glm.fit(
            tol=1e-13, maxiter=200, cov_type="cluster", cov_kwds={"groups": panel.client_codes}
        )
    return res, glm, ref


def test_collapsed_fit_equals_uncollapsed_statsmodels_glm_with_client_clusters(
    small, reference
) -> None:
    """Reference: statsmodels 0.14/0.15, on the person-month rows::

        sm.GLM(outflow, X, family=sm.families.Binomial(link=sm.families.links.CLogLog()))
          .fit(cov_type="cluster", cov_kwds={"groups": client_codes}, tol=1e-13)

    (CRV1 sandwich with factor G/(G-1) (n-1)/(n-k)); R: ``glm(outflow ~ 0 + X, family =
    binomial(link = "cloglog"))`` with ``sandwich::vcovCL(fit, cluster = ~client)``.
    """
    _, panel = small
    res, glm, ref = reference
    assert res.n_cells < res.n_person_months / 2  # the collapse really collapses
    terms = list(res.params.index)
    np.testing.assert_allclose(res.params.to_numpy(), ref.params.to_numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(res.loglik, ref.llf, rtol=1e-10)
    cov_ref = ref.cov_params().loc[terms, terms].to_numpy()
    scale = np.abs(cov_ref).max()
    np.testing.assert_allclose(
        res.cov.loc[terms, terms].to_numpy(), cov_ref, rtol=0, atol=1e-6 * scale
    )
    np.testing.assert_allclose(res.bse.to_numpy(), ref.bse.to_numpy(), rtol=1e-6)
    assert res.n_clusters == len(np.unique(panel.client_codes))
    # clustering matters here (several spells per client): not just the model-based errors
    model_based = np.sqrt(
        np.diag(np.linalg.inv(-glm.hessian(ref.params.to_numpy(), observed=True)))
    )
    assert np.abs(res.bse.to_numpy() / model_based - 1).max() > 0.01


def test_spell_clusters_and_model_based_covariance_match_statsmodels(small, reference) -> None:
    """Reference: ``statsmodels.stats.sandwich_covariance.cov_cluster(fit, spell_idx)`` (what
    ``cov_type="cluster"`` computes) for ``cluster="spell"``, and the inverse
    observed information ``-inv(glm.hessian(params, observed=True))`` for ``cluster="none"``.
    """
    truth, panel = small
    _, glm, ref = reference
    by_spell = fit_hazard(
        panel, truth.spec, instruments_catalogue=truth.instruments, cluster="spell"
    )
    model = fit_hazard(panel, truth.spec, instruments_catalogue=truth.instruments, cluster="none")
    cov_ref = cov_cluster(ref, panel.months["spell_idx"].to_numpy())
    np.testing.assert_allclose(by_spell.bse.to_numpy(), np.sqrt(np.diag(cov_ref)), rtol=1e-6)
    inv_info = np.linalg.inv(-glm.hessian(ref.params.to_numpy(), observed=True))
    np.testing.assert_allclose(model.cov.to_numpy(), inv_info, rtol=1e-6, atol=1e-12)
    assert model.cov_type == "model" and model.n_clusters is None
    pd.testing.assert_series_equal(model.params, by_spell.params)


@pytest.fixture(scope="module")
def monthly() -> tuple[SyntheticPanel, ModelSpec]:
    truth = default_truth(("JOBHUNT", "HUISBEZ"))
    # inflow within one month and 2.5 years of follow-up: every spell month has outflow
    panel = synthetic_panel(
        truth,
        n_spells=2000,
        seed=7,
        entry_rules=RULES,
        first_inflow="2022-01-01",
        last_inflow="2022-02-01",
        until="2024-07-01",
    )
    max_month = int(panel.months["month"].max())
    spec = replace(truth.spec, baseline_cuts=tuple(range(1, max_month + 1)))
    return panel, spec


def _counting_process(panel: SyntheticPanel, spec: ModelSpec, terms: list[str]) -> pd.DataFrame:
    m = panel.months
    df = row_design(panel, spec, terms)
    df["start"] = m["month"].to_numpy(dtype=float) - 1.0
    df["stop"] = m["month"].to_numpy(dtype=float)
    df["event"] = m["outflow"].to_numpy()
    df["id"] = m["spell_idx"].to_numpy()
    return df


def test_fine_baseline_agrees_with_cox_time_varying(monthly) -> None:
    """Reference: lifelines ``CoxTimeVaryingFitter().fit(df, event_col="event",
    start_col="start", stop_col="stop", id_col="id")`` (Efron ties) and statsmodels
    ``PHReg(stop, X, status=event, entry=start + 1e-6, ties="efron")``; R:
    ``coxph(Surv(start, stop, event) ~ X, ties = "efron")``. statsmodels counts
    ``entry == t`` as at risk at ``t`` (Stata convention, see its source), R and
    lifelines do not, hence the tiny shift of ``entry``.

    Tolerance: both models estimate the same coefficients of a proportional hazards
    model observed in whole months; they differ only in how ties within a month are
    handled (exact grouped-time likelihood vs Efron's approximation). Observed here:
    at most 0.001 absolute, 0.01 SE. We allow 0.005 absolute and 0.03 SE; a logit
    link instead of cloglog on the same rows misses by 0.013 / 0.12 SE, and a wrong
    month of an instrument state or a wrong sign by far more.
    """
    panel, spec = monthly
    res = fit_hazard(panel, spec, instruments_catalogue=default_truth().instruments, cluster="none")
    assert not any(t.startswith("baseline") for t in res.dropped["term"])  # one piece per month
    terms = [t for t in res.params.index if not t.startswith("baseline:")]
    assert {"in:JOBHUNT", "after:JOBHUNT", "after:HUISBEZ", "education[laag]"} <= set(terms)
    df = _counting_process(panel, res.spec, terms)
    with threadpool_limits(limits=1, user_api="blas"):
        ctv = CoxTimeVaryingFitter().fit(
            df[[*terms, "start", "stop", "event", "id"]],
            event_col="event",
            start_col="start",
            stop_col="stop",
            id_col="id",
        )
        ph = sm.PHReg(
            df["stop"].to_numpy(),
            df[terms].to_numpy(),
            status=df["event"].to_numpy(),
            entry=df["start"].to_numpy() + 1e-6,
            ties="efron",
        ).fit()
    se = res.bse[terms].to_numpy()
    for name, ref in (
        ("lifelines", ctv.params_[terms].to_numpy()),
        ("PHReg", np.asarray(ph.params)),
    ):
        diff = np.abs(res.params[terms].to_numpy() - ref)
        assert diff.max() < 0.005, (name, dict(zip(terms, diff, strict=True)))
        assert (diff / se).max() < 0.03, name
    # model-based standard errors of the two likelihoods agree closely as well
    np.testing.assert_allclose(se, ctv.standard_errors_[terms].to_numpy(), rtol=0.05)
