"""An entry hazard per instrument (``entry_hazard: instrument``): design, fit, scoring agree.

When caseworkers choose the *kind* of trajectory on what they see in the client
(the simulator's ``choice_on_type``: the expensive trajectories for the slow
leavers), one entry hazard for the meter cannot see it. With ``entry_hazard``
``instrument`` every instrument of the meter has its own entry hazard and its own
type offset. Checked here on a small town of that world:

* the design splits the entries over the instruments exactly;
* the fitted model's posterior type weights of every spell, computed by the
  scoring code from the data folder (:class:`~rendement.hazard.toe.posterior.SpellHistories`),
  are the likelihood's own posterior weights: scoring uses the same entry
  definition as the fit;
* the model survives its model folder, scores a caseload, and carries the channels;
* the channel offsets are found where the choice depends on the type (Wald test).

The battery (``make battery``) measures the bias on the ``keuze-op-type`` regime at
25,000 clients.
"""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
import pandas as pd
from scipy.special import logsumexp

from rendement.contract.folder import DataFolder
from rendement.hazard import HazardWarning, fit_hazard
from rendement.hazard.toe import fit_timing_of_events
from rendement.hazard.toe.design import timing_design
from rendement.hazard.toe.likelihood import MixtureLikelihood
from rendement.hazard.toe.posterior import SpellHistories
from rendement.model.folder import load_model, save_model
from rendement.model.spec import ModelSpec
from rendement.panel import build_panel
from rendement.scoring.caseload import score_caseload
from rendement.simulate import SimulationConfig, simulate


@cache
def _world():
    sim = simulate(
        SimulationConfig(
            clients=4000,
            seed=11,
            selection="hardest_first",
            choice_on_type=True,
            reentry="never",
        )
    )
    data = DataFolder(sim.clients, sim.spells, sim.trajectories, sim.instruments)
    panel = build_panel(data, until=sim.as_of)
    spec = ModelSpec(entry_hazard="instrument").resolve(
        data.clients, instruments=list(panel.instruments)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HazardWarning)
        default = fit_hazard(panel, spec, instruments_catalogue=data.instruments)
        toe = fit_timing_of_events(
            panel,
            spec,
            instruments_catalogue=data.instruments,
            default=default,
            seed=11,
            max_points=3,
            calendar="none",
        )
    return sim, data, panel, default, toe


def _design(panel, default, data, hazard: str):
    cat = data.instruments
    meter = [str(c) for c in cat.loc[cat["meter"] == default.spec.meter, "instrument"]]
    spec = default.spec.__class__.from_dict({**default.spec.to_dict(), "entry_hazard": hazard})
    return timing_design(
        panel,
        spec,
        outflow_terms=list(default.params.index),
        meter_codes=meter,
        one_off_codes=[],
    )


def test_design_splits_the_entries_over_the_instruments() -> None:
    _, data, panel, default, _ = _world()
    per = _design(panel, default, data, "instrument")
    one = _design(panel, default, data, "meter")
    assert one.entry_channels == () and one.data.entry.channel is None
    assert len(per.entry_channels) >= 2
    entry = per.data.entry
    assert entry.n_events == one.data.entry.n_events == per.n_entries
    # every channel's columns are its own, and its rows use only them
    for c, code in enumerate(per.entry_channels):
        rows = entry.channel == c
        cols = [j for j, n in enumerate(entry.columns) if n.startswith(f"{code}|")]
        other = np.setdiff1d(np.arange(entry.n_terms), cols)
        assert entry.exog[rows][:, other].nnz == 0
        assert entry.exog[rows][:, cols].nnz > 0
    # the months at risk per channel are those of the meter's single equation, less the
    # pieces in which nobody entered that instrument (hazard 0, stored as such)
    for c in range(len(per.entry_channels)):
        months = entry.events[entry.channel == c].sum() + entry.stays[entry.channel == c].sum()
        assert months <= one.data.entry.n_months
    assert any(t.split("|")[0] in per.entry_channels for t in per.entry_terms_no_entry) or (
        entry.n_months == one.data.entry.n_months * len(per.entry_channels)
    )


def test_scoring_weights_are_the_likelihoods_weights() -> None:
    _, data, panel, default, toe = _world()
    model = toe.to_model()
    het = model.heterogeneity
    assert het is not None and het.entry_channels == toe.entry_channels
    assert len(het.channel_offsets) == len(het.entry_channels) - 1
    design = _design(panel, default, data, "instrument")
    lik = MixtureLikelihood(design.data, toe.n_points)
    theta = toe.all_params[lik.param_names()].to_numpy()
    expected = lik.evaluate(theta, order=0).posterior
    spells = panel.spells.iloc[design.spell_rows].reset_index(drop=True)
    histories = SpellHistories(model, panel, design.spell_rows, spells)
    ll = histories.loglik(model) + np.log(np.asarray(het.probabilities))[None, :]
    got = np.exp(ll - logsumexp(ll, axis=1, keepdims=True))
    np.testing.assert_allclose(got, expected, atol=1e-6)


def test_the_model_keeps_its_channels_and_scores(tmp_path) -> None:
    sim, data, _, _, toe = _world()
    model = toe.to_model()
    save_model(model, tmp_path / "m")
    back = load_model(tmp_path / "m")
    assert back.heterogeneity == model.heterogeneity
    assert model.metadata["entry_equation"]["entry_hazard"] == "instrument"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HazardWarning)
        score = score_caseload(data, back, sim.as_of, interval=0.9, n_draws=20)
    r = score.returns
    assert len(r) and np.isfinite(r["months_saved"]).all()
    assert (r["months_saved_lower"] <= r["months_saved_upper"]).all()
    assert isinstance(r, pd.DataFrame)


def test_the_choice_on_the_type_is_seen() -> None:
    """The world gives werkstage and loonkostensubsidie to the slow types: the selection
    test (entry locations and channel offsets all 0) rejects."""
    _, _, _, _, toe = _world()
    assert toe.n_points >= 2
    assert toe.selection_test is not None and toe.selection_test["p"] < 0.01
    offsets = [c for c in toe.mass_points.columns if c.startswith("offset:") and "_se" not in c]
    assert offsets
