"""Posterior type weights of caseload clients given their history.

The simulator keeps, for every client on benefit at the extraction date, the
log-likelihood of the current spell's history under each type and computes the
posterior with its own code. ``posterior_type_weights`` must give the same
weights from the data folder alone (panel + caseload state) when handed the
true model: with selection on observables (only survival counts) and on
unobservables (the entry decisions count too, including the one at the start
of month d + 1).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np
import pytest

import rendement.simulate as simulate_mod
from rendement.contract.folder import DataFolder
from rendement.hazard.toe import posterior_type_weights
from rendement.model.hazard_model import Heterogeneity
from rendement.panel import build_panel, caseload_state


@cache
def _town(selection: str, heterogeneity: bool = True):
    sim = simulate_mod.simulate(
        simulate_mod.SimulationConfig(
            clients=2500, seed=3, heterogeneity=heterogeneity, selection=selection
        )
    )
    data = DataFolder(sim.clients, sim.spells, sim.trajectories, sim.instruments)
    return sim, data, build_panel(data, until=sim.as_of), caseload_state(data, sim.as_of)


@pytest.mark.parametrize("selection", ["observed", "unobserved"])
def test_true_model_gives_the_simulators_posterior(selection: str) -> None:
    sim, _, panel, caseload = _town(selection)
    model = sim.truth_model
    assert model.heterogeneity is not None
    weights = posterior_type_weights(model, panel, caseload)
    truth = sim.truth_caseload.set_index("client_id").loc[caseload["client_id"]]
    cols = [f"posterior_type_{k}" for k in range(len(model.heterogeneity.locations))]
    np.testing.assert_allclose(weights, truth[cols].to_numpy(), rtol=1e-9, atol=1e-12)
    # the history matters: long-term clients are mostly of the slow type
    d = caseload["months_on_benefit"].to_numpy()
    slow = int(np.argmin(model.heterogeneity.locations))
    assert weights[d >= 60, slow].mean() > 0.7 > weights[d <= 3, slow].mean()
    if selection == "unobserved":
        # without the entry history the weights differ: entry is informative about the type
        outflow_only = replace(
            model, heterogeneity=replace(model.heterogeneity, entry_locations=())
        )
        w2 = posterior_type_weights(outflow_only, panel, caseload)
        assert np.abs(w2 - weights).max() > 0.05


def test_weights_without_history_are_the_shares_at_inflow() -> None:
    sim, _, panel, caseload = _town("observed")
    model = sim.truth_model
    prior = np.asarray(model.heterogeneity.probabilities)
    fresh = caseload[caseload["months_on_benefit"] == 0]
    assert len(fresh) > 0
    w = posterior_type_weights(model, panel, fresh)
    np.testing.assert_allclose(w, np.tile(prior, (len(fresh), 1)), atol=1e-12)
    # a client unknown to the panel gets the prior too
    w = posterior_type_weights(model, panel, ["no-such-client"])
    np.testing.assert_allclose(w[0], prior)


def test_client_ids_alone_use_the_running_spell() -> None:
    sim, _, panel, caseload = _town("observed")
    model = sim.truth_model
    by_frame = posterior_type_weights(model, panel, caseload)
    by_ids = posterior_type_weights(model, panel, list(caseload["client_id"]))
    np.testing.assert_allclose(by_ids, by_frame, atol=1e-12)


def test_history_is_cut_at_months_on_benefit() -> None:
    sim, _, panel, caseload = _town("observed")
    model = sim.truth_model
    long = caseload[caseload["months_on_benefit"] >= 24].head(50).copy()
    full = posterior_type_weights(model, panel, long)
    cut = posterior_type_weights(model, panel, long.assign(months_on_benefit=0))
    prior = np.asarray(model.heterogeneity.probabilities)
    np.testing.assert_allclose(cut, np.tile(prior, (len(long), 1)), atol=1e-12)
    assert np.abs(full - cut).max() > 0.1


def test_model_without_heterogeneity_has_one_weight() -> None:
    sim, _, panel, caseload = _town("observed", heterogeneity=False)
    model = replace(sim.truth_model, heterogeneity=None)
    w = posterior_type_weights(model, panel, caseload)
    assert w.shape == (len(caseload), 1) and np.all(w == 1.0)
    one_point = replace(sim.truth_model, heterogeneity=Heterogeneity((0.0,), (1.0,)))
    np.testing.assert_allclose(posterior_type_weights(one_point, panel, caseload), 1.0)
