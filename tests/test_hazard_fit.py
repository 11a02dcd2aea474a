"""fit_hazard on person-month panels: results object, model round trip, terms left out, warnings."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hazard_synthetic import EntryRule, SyntheticPanel, default_truth, synthetic_panel
from scipy import stats

from rendement.errors import ModelMismatchError, RendementError
from rendement.hazard import (
    CollinearityWarning,
    ConvergenceWarning,
    DroppedTermsWarning,
    FewObservationsWarning,
    HazardFitError,
    SeparationWarning,
    SparseBaselineWarning,
    fit_cloglog,
    fit_hazard,
    panel_design,
)
from rendement.model.hazard_model import HazardModel
from rendement.model.spec import ModelSpec, SpecificationError, client_design

RULES = {
    "JOBHUNT": EntryRule(0.05, {"education[laag]": 0.5}),
    "HUISBEZ": EntryRule(0.03, {"age_band[18-26]": 0.5}),
}


@pytest.fixture(scope="module")
def truth() -> HazardModel:
    return default_truth(("JOBHUNT", "HUISBEZ"))


@pytest.fixture(scope="module")
def panel(truth: HazardModel) -> SyntheticPanel:
    return synthetic_panel(
        truth, n_spells=1500, seed=3, entry_rules=RULES, first_inflow="2020-01-01"
    )


@pytest.fixture(scope="module")
def res(panel: SyntheticPanel, truth: HazardModel):
    return fit_hazard(panel, truth.spec, instruments_catalogue=truth.instruments)


def with_months(panel: SyntheticPanel, months: pd.DataFrame, codes: tuple[str, ...] | None = None):
    return replace(panel, months=months, instruments=codes or panel.instruments)


# ---- results object -----------------------------------------------------------------


def test_summary_lists_every_term_grouped(res) -> None:
    text = str(res.summary())
    for term in res.params.index:
        assert term in text
    for heading in ("baseline", "client (at inflow)", "instruments", "terms left out"):
        assert f"\n{heading}\n" in text
    assert "in:HUISBEZ: one-off instrument" in text  # a home visit has no months "in"
    assert str(res) == text


def test_counts_and_inference_are_consistent(res, panel: SyntheticPanel) -> None:
    m = panel.months
    assert res.n_person_months == len(m)
    assert res.n_events == int(m["outflow"].sum())
    assert res.n_spells == m["spell_idx"].nunique()
    assert res.n_clients == len(np.unique(panel.client_codes)) == res.n_clusters
    assert res.converged and res.iterations >= 2
    ci = res.conf_int(0.10)
    np.testing.assert_allclose(ci["upper"] - res.params, 1.6448536 * res.bse, rtol=1e-6)
    hr = res.hazard_ratios(0.10)
    np.testing.assert_allclose(hr["hazard_ratio"], np.exp(res.params))
    np.testing.assert_allclose(hr[["lower", "upper"]], np.exp(ci[["lower", "upper"]]))
    p_ref = 2 * (1 - stats.norm.cdf(res.zvalues.abs()))
    np.testing.assert_allclose(res.pvalues, p_ref, rtol=1e-6, atol=1e-12)
    counts = res.instrument_counts
    assert list(counts.index) == ["JOBHUNT", "HUISBEZ"]
    assert counts.loc["JOBHUNT", "person_months_in"] == int(m["in:JOBHUNT"].sum())
    assert counts.loc["HUISBEZ", "events_after"] == int(
        m.loc[m["after:HUISBEZ"] == 1, "outflow"].sum()
    )
    entries = m.loc[(m["in:JOBHUNT"] == 1) | (m["after:JOBHUNT"] == 1), "spell_idx"].nunique()
    assert counts.loc["JOBHUNT", "entries"] == entries


def test_to_model_round_trip(res, truth: HazardModel, panel: SyntheticPanel) -> None:
    model = res.to_model(metadata={"version": "2026-01"})
    assert isinstance(model, HazardModel) and model.kind == "estimated"
    pd.testing.assert_series_equal(model.params, res.params)
    pd.testing.assert_frame_equal(model.cov, res.cov)
    assert model.spec == res.spec and list(model.spec.instruments) == ["JOBHUNT", "HUISBEZ"]
    assert list(model.instruments["instrument"]) == ["JOBHUNT", "HUISBEZ"]
    assert model.metadata["version"] == "2026-01" and model.metadata["n_events"] == res.n_events
    assert model.scorable_instruments() == ["JOBHUNT"]  # HUISBEZ belongs to the handhaving meter
    # the model evaluates the fitted linear predictor: baseline pieces and client terms
    months = np.arange(1, 40)
    expected = res.params[res.spec.baseline_terms()].to_numpy()[res.spec.baseline_piece(months)]
    np.testing.assert_allclose(model.baseline_eta(months), expected)
    design = client_design(res.spec, panel.spells.iloc[:50])
    np.testing.assert_allclose(
        model.client_eta(panel.spells.iloc[:50]),
        design.to_numpy() @ res.params[design.columns].to_numpy(),
    )


def test_generic_fit_cannot_become_a_model(res, panel: SyntheticPanel) -> None:
    x = pd.DataFrame({"a": [1.0, 1.0, 1.0, 1.0], "b": [0.0, 1.0, 0.0, 1.0]})
    generic = fit_cloglog(x, np.array([0, 1, 1, 0]))
    with pytest.raises(ModelMismatchError):
        generic.to_model()


def test_protected_attributes_never_enter(panel: SyntheticPanel, truth: HazardModel) -> None:
    assert "gender" in panel.spells.columns
    with pytest.raises(SpecificationError, match="protected") as err:
        ModelSpec(extra_features=("gender", "Nationality"), instruments=truth.spec.instruments)
    assert "'gender'" in str(err.value) and "'Nationality'" in str(err.value)
    fitted = fit_hazard(
        panel,
        ModelSpec(instruments=truth.spec.instruments),
        instruments_catalogue=truth.instruments,
    )
    assert not [t for t in fitted.params.index if "gender" in t.lower() or "nation" in t.lower()]
    assert "gender" not in str(fitted.summary()).lower()


def test_collapsed_panel_equals_generic_row_fit(res, panel: SyntheticPanel) -> None:
    """The panel collapse (integer codes) and the generic collapse (unique rows) give the same fit."""
    spec = res.spec
    m = panel.months
    client = client_design(spec, panel.spells).to_numpy()[m["spell_idx"].to_numpy()]
    piece = spec.baseline_piece(m["month"].to_numpy())
    cols = {t: (piece == i).astype(float) for i, t in enumerate(spec.baseline_terms())}
    cols.update({t: client[:, j] for j, t in enumerate(spec.client_terms())})
    for c in spec.instruments:
        cols[f"in:{c}"] = m[f"in:{c}"].to_numpy(float)
        cols[f"after:{c}"] = m[f"after:{c}"].to_numpy(float)
        cols[f"after:{c}*education[laag]"] = cols[f"after:{c}"] * cols["education[laag]"]
    x = pd.DataFrame(cols)[list(res.params.index)]
    generic = fit_cloglog(x, m["outflow"].to_numpy(), groups=panel.client_codes)
    np.testing.assert_allclose(generic.params, res.params, atol=1e-9)
    np.testing.assert_allclose(generic.cov, res.cov, rtol=1e-7, atol=1e-14)
    assert generic.n_cells == res.n_cells


# ---- terms left out ------------------------------------------------------------------


def test_unused_instrument_is_dropped_and_not_scorable(
    panel: SyntheticPanel, truth: HazardModel
) -> None:
    m = panel.months.copy()
    m["in:NOOIT"] = np.int8(0)
    m["after:NOOIT"] = np.int8(0)
    catalogue = pd.concat(
        [truth.instruments, truth.instruments.iloc[[0]].assign(instrument="NOOIT")]
    )
    with pytest.warns(DroppedTermsWarning, match="in:NOOIT, after:NOOIT"):
        fitted = fit_hazard(
            with_months(panel, m, ("JOBHUNT", "HUISBEZ", "NOOIT")),
            ModelSpec(),
            instruments_catalogue=catalogue,
        )
    assert not [t for t in fitted.params.index if "NOOIT" in t]
    assert fitted.instrument_counts.loc["NOOIT", "entries"] == 0
    assert "NOOIT" not in fitted.to_model().scorable_instruments()


def test_term_without_outflow_is_left_out_at_its_infinite_limit(panel, truth) -> None:
    """No outflow while in JOBHUNT: the lock-in estimate is -inf. Reference for the other
    terms: the fit without those person-months (where the likelihood has its supremum)."""
    m = panel.months.copy()
    in_job = m["in:JOBHUNT"].to_numpy() == 1
    m.loc[in_job, "outflow"] = 0
    sep_panel = with_months(panel, m)
    with (
        pytest.warns(FewObservationsWarning, match="0 outflows while in it"),
        pytest.warns(SeparationWarning, match="in:JOBHUNT"),
    ):
        fitted = fit_hazard(sep_panel, truth.spec, instruments_catalogue=truth.instruments)
    row = fitted.dropped.set_index("term").loc["in:JOBHUNT"]
    assert row["person_months_excluded"] == in_job.sum()
    assert "in:JOBHUNT" not in fitted.params.index
    reduced = with_months(panel, m.loc[~in_job].reset_index(drop=True))
    reduced = replace(reduced, client_codes=panel.client_codes[~in_job])
    with pytest.warns(DroppedTermsWarning, match="in:JOBHUNT"):
        ref = fit_hazard(reduced, truth.spec, instruments_catalogue=truth.instruments)
    pd.testing.assert_series_equal(fitted.params, ref.params, atol=1e-9, rtol=0)
    pd.testing.assert_frame_equal(fitted.cov, ref.cov, atol=1e-12, rtol=1e-8)


def test_collinear_instrument_is_dropped(panel: SyntheticPanel, truth: HazardModel) -> None:
    m = panel.months.copy()
    m["in:KOPIE"] = m["in:JOBHUNT"]
    m["after:KOPIE"] = m["after:JOBHUNT"]
    catalogue = pd.concat(
        [truth.instruments, truth.instruments.iloc[[0]].assign(instrument="KOPIE")]
    )
    spec = replace(truth.spec, instruments=("JOBHUNT", "HUISBEZ", "KOPIE"))
    with pytest.warns(CollinearityWarning, match="in:KOPIE, after:KOPIE, after:KOPIE"):
        fitted = fit_hazard(with_months(panel, m), spec, instruments_catalogue=catalogue)
    base = fit_hazard(panel, truth.spec, instruments_catalogue=truth.instruments)
    pd.testing.assert_series_equal(fitted.params, base.params, atol=1e-9, rtol=0)


def test_baseline_pieces_follow_the_data(panel: SyntheticPanel, truth: HazardModel) -> None:
    m = panel.months.copy()
    m.loc[m["month"] == 2, "outflow"] = 0  # a piece without outflow
    spec = replace(truth.spec, baseline_cuts=(1, 2, 3, 7, 13, 200))
    with pytest.warns(SparseBaselineWarning, match="baseline:2"):
        fitted = fit_hazard(with_months(panel, m), spec, instruments_catalogue=truth.instruments)
    assert fitted.spec.baseline_terms() == [
        "baseline:1-2",
        "baseline:3-6",
        "baseline:7-12",
        "baseline:13+",
    ]
    reasons = fitted.dropped.set_index("term")["reason"]
    assert "merged" in reasons["baseline:2"] and "open-ended" in reasons["baseline:200+"]
    # the open-ended last piece is what the model uses beyond the data
    model = fitted.to_model()
    assert model.baseline_eta(np.array([250]))[0] == fitted.params["baseline:13+"]


def test_few_observations_warning(truth: HazardModel) -> None:
    rules = {"JOBHUNT": EntryRule(0.002), "HUISBEZ": EntryRule(0.03)}
    small = synthetic_panel(
        truth, n_spells=800, seed=9, entry_rules=rules, first_inflow="2020-01-01"
    )
    with pytest.warns(FewObservationsWarning, match="instrument 'JOBHUNT' has only") as caught:
        warnings.simplefilter("ignore", SeparationWarning)
        fit_hazard(small, truth.spec, instruments_catalogue=truth.instruments)
    assert not [w for w in caught if "HUISBEZ" in str(w.message)]


def test_no_convergence_is_reported(panel: SyntheticPanel, truth: HazardModel) -> None:
    with pytest.warns(ConvergenceWarning):
        fitted = fit_hazard(panel, truth.spec, instruments_catalogue=truth.instruments, maxiter=1)
    assert not fitted.converged and fitted.iterations == 1


def test_user_errors(panel: SyntheticPanel, truth: HazardModel) -> None:
    no_events = with_months(panel, panel.months.assign(outflow=np.int8(0)))
    with pytest.raises(HazardFitError, match="nobody left benefit") as err:
        fit_hazard(no_events, truth.spec, instruments_catalogue=truth.instruments)
    assert isinstance(err.value, RendementError)
    with pytest.raises(HazardFitError, match="lacks column"):
        fit_hazard(
            panel,
            replace(truth.spec, instruments=("ONBEKEND",)),
            instruments_catalogue=truth.instruments,
        )
    with pytest.raises(ModelMismatchError, match="JOBHUNT"):
        fit_hazard(panel, truth.spec, instruments_catalogue=truth.instruments.iloc[1:])


def test_calendar_years_are_resolved_from_the_data() -> None:
    truth = default_truth(("JOBHUNT",), calendar=True)
    panel = synthetic_panel(truth, n_spells=4000, seed=21, entry_rules=RULES)
    spec = replace(truth.spec, calendar_years=())
    fitted = fit_hazard(panel, spec, instruments_catalogue=truth.instruments)
    years = sorted(pd.DatetimeIndex(panel.months["calendar_month"]).year.unique())
    assert fitted.spec.calendar_years == tuple(years)
    assert [t for t in fitted.params.index if t.startswith("calendar:")] == [
        f"calendar:{y}" for y in years[1:]
    ]
    cal = [f"calendar:{y}" for y in years[1:] if f"calendar:{y}" in truth.params.index]
    z = (fitted.params[cal] - truth.params[cal]) / fitted.bse[cal]
    assert z.abs().max() < 3.5


def test_cells_are_exact_counts(panel: SyntheticPanel, truth: HazardModel) -> None:
    design = panel_design(panel, truth.spec)
    cells = design.cells
    assert cells.n_obs == len(panel.months) and cells.n_events == int(panel.months["outflow"].sum())
    assert len(np.unique(cells.exog, axis=0)) == cells.n_cells  # every cell a distinct design row
    clusters = cells.clusters
    assert clusters is not None
    np.testing.assert_allclose(np.asarray(clusters.trials.sum(axis=0)).ravel(), cells.trials)
    np.testing.assert_allclose(np.asarray(clusters.events.sum(axis=0)).ravel(), cells.events)
    per_client = np.bincount(panel.client_codes, minlength=clusters.trials.shape[0])
    np.testing.assert_allclose(np.asarray(clusters.trials.sum(axis=1)).ravel(), per_client)
    assert clusters.n_clusters == np.count_nonzero(per_client)
