"""The per-model cache of scoring (rendement.scoring.prepared) and the fast cumulation for few clients.

Cached scoring must give the very numbers of a fresh model; a model changed in
place must be prepared again; an entry must go when its model goes.
"""

from __future__ import annotations

import gc
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scoring_builders import TOWN_INSTRUMENTS, caseload, town_model

from rendement.scoring import prepared as prep_mod
from rendement.scoring.caseload import score_clients
from rendement.scoring.counterfactual import CUMSUM_MAX_CLIENTS, cumulate

CODES = [r["instrument"] for r in TOWN_INSTRUMENTS]


def _score(model: object, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    s = score_clients(model, frame, n_draws=25, seed=7)  # type: ignore[arg-type]
    return s.ranking, s.returns


def test_cached_scores_equal_a_fresh_models_to_the_bit() -> None:
    frame = caseload(3, months=[2, 14, 30], codes=CODES)
    model = town_model(cov_scale=0.05)
    first = _score(model, frame)
    again = _score(model, frame)  # from the cache (coefficients and draws)
    fresh = _score(town_model(cov_scale=0.05), frame)  # a new model object: prepared anew
    for a, b, c in zip(first, again, fresh, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        pd.testing.assert_frame_equal(a, c, check_exact=True)


def test_a_model_cannot_change_in_place_and_a_changed_copy_is_prepared_anew() -> None:
    frame = caseload(2, months=[5, 20], codes=CODES)
    model = town_model(cov_scale=0.05)
    before = _score(model, frame)[0]
    with pytest.raises(ValueError, match="read-only"):
        model.params.iloc[0] += 0.5
    with pytest.raises(ValueError, match="read-only"):
        model.cov.iloc[0, 0] = 1.0  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="read-only"):
        model.instruments.loc[0, "price"] = 0.0
    with pytest.raises(TypeError):
        model.metadata["version"] = "other"  # type: ignore[index]
    pd.testing.assert_frame_equal(_score(model, frame)[0], before, check_exact=True)
    params = model.params.copy()
    params.iloc[0] += 0.5  # a higher baseline: more outflow
    changed = replace(model, params=params)
    after = _score(changed, frame)[0]
    assert (after["p_outflow_6m"].to_numpy() > before["p_outflow_6m"].to_numpy()).all()
    assert prep_mod.prepared(changed) is not prep_mod.prepared(model)


def test_the_entry_goes_with_its_model() -> None:
    model = town_model(cov_scale=0.05)
    prep_mod.prepared(model)
    key = id(model)
    assert key in prep_mod._CACHE
    del model
    gc.collect()
    assert key not in prep_mod._CACHE


def test_cached_arrays_are_read_only() -> None:
    p = prep_mod.prepared(town_model(cov_scale=0.05))
    assert not p.price.flags.writeable
    assert not p.coefficients.baseline.flags.writeable


def test_cumulate_for_few_clients_equals_the_row_loop() -> None:
    rng = np.random.default_rng(3)
    for n in (1, 5, CUMSUM_MAX_CLIENTS):
        for start in (0, 1, 4):
            q = rng.exponential(0.05, size=(40, n))
            loop = q.copy()
            for t in range(max(start, 1), loop.shape[0]):
                loop[t] = loop[t - 1] + loop[t]
            assert np.array_equal(cumulate(q.copy(), start=start), loop)
