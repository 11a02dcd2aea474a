"""When the data cannot separate selection from effect, the model says so and falls back.

Too few entries into an instrument of the meter (or none spread over time) leave
the entry equation and the mass points to chance. The fit then says so in words
(diagnostics starting ``NOT IDENTIFIED``, a :class:`MixtureIdentificationWarning`),
``to_model()`` carries the default model's effects with the reason, scoring adds a
warning, and the advice shows it to the caseworker - never silently.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from hazard_synthetic import (
    EntryRule,
    default_catalogue,
    default_truth,
    synthetic_panel,
)
from rendement_api.services.served_model import model_warning
from scoring_builders import caseload

from rendement.hazard.toe import MixtureIdentificationWarning, fit_timing_of_events
from rendement.hazard.toe.fit import MIN_ENTRIES
from rendement.scoring.caseload import score_clients


def _fit(entry_base: float, n_spells: int = 1500):  # type: ignore[no-untyped-def]
    truth = default_truth()
    rules = {c: EntryRule(entry_base) for c in truth.spec.instruments}
    panel = synthetic_panel(truth, n_spells=n_spells, seed=5, entry_rules=rules)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = fit_timing_of_events(
            panel, truth.spec, instruments_catalogue=default_catalogue(), max_points=2
        )
    return truth, res, caught


def test_too_few_entries_fall_back_to_the_default_models_effects_with_a_warning() -> None:
    truth, res, caught = _fit(0.0003)
    assert 0 < res.n_entries < MIN_ENTRIES
    assert not res.identified
    said = " ".join(res.diagnostics)
    assert f"only {res.n_entries} entries" in said and "selection" in said
    assert any(issubclass(w.category, MixtureIdentificationWarning) for w in caught)

    model = res.to_model()
    assert res.default is not None
    assert model.heterogeneity is None
    pd.testing.assert_series_equal(model.params, res.default.params, check_names=False)
    assert model.metadata["fallback"]["model"] == "default"
    assert "standaardmodel" in model.metadata["fallback"]["text"]

    frame = caseload(3, months=[2, 20, 60], codes=list(truth.spec.instruments))
    score = score_clients(model, frame, interval=None)
    assert any("not identified" in w and "default model" in w for w in score.warnings)
    text = model_warning(model)
    assert text is not None and "standaardmodel" in text


def test_enough_entries_keep_the_timing_of_events_model() -> None:
    """The check can fail: with entries spread over the spell nothing falls back."""
    _, res, _ = _fit(0.02)
    assert res.n_entries >= MIN_ENTRIES and res.identified
    model = res.to_model()
    assert "fallback" not in model.metadata
    assert model.heterogeneity is not None
    assert model_warning(model) is None
    assert np.isfinite(res.loglik)
