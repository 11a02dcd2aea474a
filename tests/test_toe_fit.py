"""``fit_timing_of_events`` on person-month panels: parity with the default model, the model it
becomes, and its model folder.

* With one mass point the outflow equation is the default model: the same
  estimates (to Newton precision), the same log-likelihood from the
  within-spell collapsed rows, and the same clustered standard errors up to the
  small-sample factor.
* ``to_model()`` carries the mixture and the entry equation, and survives a
  model folder round trip.
* On a small simulated town with selection on unobservables the search finds
  heterogeneity and the summary says what it found.
"""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
import pandas as pd
import pytest
from hazard_synthetic import default_catalogue, default_truth, synthetic_panel

from rendement.hazard import HazardWarning, fit_cloglog, fit_hazard
from rendement.hazard.toe import TimingOfEventsResults, fit_timing_of_events
from rendement.hazard.toe.design import NO_ENTRY, entry_risk
from rendement.model.folder import load_model, save_model
from rendement.model.spec import client_design


@cache
def _synthetic():
    truth = default_truth()
    panel = synthetic_panel(truth, n_spells=4000, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HazardWarning)
        default = fit_hazard(panel, truth.spec, instruments_catalogue=default_catalogue())
        one = fit_timing_of_events(
            panel,
            truth.spec,
            instruments_catalogue=default_catalogue(),
            max_points=1,
            default=default,
        )
    return panel, default, one


def test_one_point_is_the_default_model() -> None:
    _, default, one = _synthetic()
    assert isinstance(one, TimingOfEventsResults)
    assert one.n_points == 1 and one.converged
    assert list(one.params.index) == list(default.params.index)
    # equal to Newton precision: differences below a thousandth of a standard error
    assert ((one.params - default.params).abs() < 1e-3 * default.bse).all()
    # same person-months, outflows and log-likelihood of the outflow part
    assert one.n_person_months == default.n_person_months
    assert one.n_events == default.n_events
    entry_part = one.loglik - default.loglik
    assert entry_part < 0
    # clustered standard errors agree up to the small-sample factor (n-1)/(n-k)
    np.testing.assert_allclose(one.bse, default.bse, rtol=2e-3)
    assert "one mass point" in " ".join(one.diagnostics)


def test_one_point_loglik_is_default_plus_an_entry_cloglog() -> None:
    """The one-point log-likelihood is the default model's plus that of a cloglog model of
    entry fitted on uncollapsed person-months at risk (fit_cloglog of the default estimator)."""
    panel, default, one = _synthetic()
    spec = default.spec
    months = panel.months
    codes = list(spec.instruments)
    meter = np.array([c in one.meter_codes for c in codes])
    spell = months["spell_idx"].to_numpy().astype(np.int64)
    month = months["month"].to_numpy().astype(np.int64)
    fin = np.column_stack([months[f"in:{c}"].to_numpy() for c in codes])
    fafter = np.column_stack([months[f"after:{c}"].to_numpy() for c in codes])
    at_risk, event, reentry = entry_risk(
        spell, month, fin, fafter, meter, False, None, spec.entry_process
    )
    piece = spec.baseline_piece(month[at_risk])
    exog = pd.DataFrame(np.eye(len(spec.baseline_cuts))[piece], columns=spec.baseline_terms())
    clients = client_design(spec, panel.spells).to_numpy()[spell[at_risk]]
    exog[spec.client_terms()] = clients
    if spec.entry_process == "separate":  # re-entries have a level of their own
        exog["reentry"] = reentry[at_risk].astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HazardWarning)
        entry = fit_cloglog(exog, event[at_risk].astype(float))
    assert one.n_entries == int(event.sum())
    assert one.loglik == pytest.approx(default.loglik + entry.loglik, rel=1e-9)
    common = entry.params.index.intersection(one.entry_params.index)
    assert len(common) == len(one.entry_params)
    diff = (one.entry_params[common] - entry.params[common]).abs()
    assert (diff < 1e-3 * entry.bse[common]).all()


def test_to_model_carries_mixture_and_entry_and_survives_a_model_folder(tmp_path) -> None:
    _, _, one = _synthetic()
    model = one.to_model(metadata={"version": "test"})
    assert model.heterogeneity is not None
    assert model.heterogeneity.locations == (0.0,) and model.heterogeneity.probabilities == (1.0,)
    assert len(model.heterogeneity.entry_locations) == 1
    assert model.entry_params is not None and "baseline:1" in model.entry_params.index
    assert model.metadata["heterogeneity"] == "npmle" and model.metadata["mass_points"] == 1
    assert model.metadata["version"] == "test"
    assert set(model.metadata["default_effects"]) == {
        t for t in one.params.index if t.startswith(("in:", "after:"))
    }
    for term in one.entry_no_entry:
        assert model.entry_params[term] == NO_ENTRY
    save_model(model, tmp_path / "toe")
    back = load_model(tmp_path / "toe")
    assert back.heterogeneity == model.heterogeneity
    assert back.entry_params is not None
    np.testing.assert_allclose(
        back.entry_params.reindex(model.entry_params.index), model.entry_params
    )
    np.testing.assert_allclose(back.params.reindex(model.params.index), model.params)
    assert back.metadata["mass_points"] == 1


def test_no_entry_equation_when_the_meter_has_no_instruments_in_the_data() -> None:
    panel, default, _ = _synthetic()
    cat = default_catalogue()
    cat.loc[:, "meter"] = "handhaving"  # every instrument of another meter than the spec's
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HazardWarning)
        res = fit_timing_of_events(
            panel, default.spec, instruments_catalogue=cat, max_points=1, default=default
        )
    assert not res.has_entry and res.n_entries == 0
    assert any("no entry equation" in d for d in res.diagnostics)
    assert res.to_model().entry_params is None
    assert ((res.params - default.params).abs() < 1e-3 * default.bse).all()


@pytest.mark.parametrize("selection", ["unobserved"])
def test_small_town_with_selection_on_unobservables(selection: str) -> None:
    from rendement.contract.folder import DataFolder
    from rendement.model.spec import ModelSpec
    from rendement.panel import build_panel
    from rendement.simulate import SimulationConfig, simulate

    sim = simulate(SimulationConfig(clients=4000, seed=9, heterogeneity=True, selection=selection))
    data = DataFolder(sim.clients, sim.spells, sim.trajectories, sim.instruments)
    panel = build_panel(data, until=sim.as_of)
    spec = ModelSpec().resolve(data.clients, instruments=list(panel.instruments))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HazardWarning)
        res = fit_timing_of_events(
            panel, spec, instruments_catalogue=data.instruments, max_points=3
        )
    assert res.n_points >= 2 and res.identified
    assert res.mass_points["probability"].sum() == pytest.approx(1.0)
    assert res.selection_test is not None and res.selection_test["p"] < 0.05
    text = str(res.summary())
    for piece in (
        "mass points",
        "search over the number of mass points",
        "entry into an instrument",
    ):
        assert piece in text
    cmp = res.compare_default()
    assert {"default", "toe", "difference"} <= set(cmp.columns)
    model = res.to_model()
    assert len(model.heterogeneity.locations) == res.n_points
    assert len(model.heterogeneity.entry_locations) == res.n_points
