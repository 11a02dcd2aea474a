"""A model cannot change after it is made: read-only tables, read-only typed metadata."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scoring_builders import JOBHUNT, catalogue

from rendement.model.hazard_model import HazardModel
from rendement.model.metadata import ModelMetadata
from rendement.model.spec import ModelSpec

META = {
    "version": "2026-01",
    "training_window": {"first_inflow": "2011-01-11", "until": "2026-01-01"},
    "metrics": {"clients": 10, "loglik": -5.5},
    "dropped_terms": [{"term": "in:x", "reason": "one-off"}, "not a mapping"],
}


def _model() -> HazardModel:
    spec = ModelSpec(instruments=("jobhunt",))
    terms = spec.terms()
    params = pd.Series(np.linspace(-3, -1, len(terms)), index=terms)
    cov = pd.DataFrame(np.eye(len(terms)) * 0.01, index=terms, columns=terms)
    return HazardModel(spec, params, cov, catalogue([JOBHUNT]), metadata=META)


def test_metadata_is_read_only_all_the_way_down() -> None:
    meta = _model().metadata
    assert isinstance(meta, ModelMetadata)
    with pytest.raises(TypeError):
        meta["version"] = "x"  # type: ignore[index]
    with pytest.raises(TypeError):
        meta["metrics"]["clients"] = 11
    with pytest.raises(AttributeError):
        meta.version = "x"  # type: ignore[misc]
    assert isinstance(meta["dropped_terms"], tuple)


def test_typed_accessors_and_a_plain_copy() -> None:
    meta = _model().metadata
    assert meta.version == "2026-01" and meta.heterogeneity == "none"
    assert meta.training_window["until"] == "2026-01-01" and meta.metrics["clients"] == 10
    assert meta.evaluation is None and meta.created is None
    assert [d["term"] for d in meta.dropped_terms] == ["in:x"]
    plain = meta.to_dict()
    assert plain == META and json.loads(json.dumps(plain)) == META
    plain["metrics"]["clients"] = 99  # a copy: the model's metadata is untouched
    assert meta.metrics["clients"] == 10
    assert meta.merged({"version": "2027-01"}).version == "2027-01" and meta.version == "2026-01"


def test_the_model_owns_read_only_copies_of_its_tables() -> None:
    params = _model().params.copy()
    model = replace(_model(), params=params)
    params.iloc[0] = 99.0  # the caller's series: not the model's
    assert model.params.iloc[0] == -3.0
    writes = (
        lambda: model.params.iloc.__setitem__(0, 1.0),
        lambda: model.cov.iloc.__setitem__((0, 0), 1.0),  # type: ignore[union-attr]
        lambda: model.instruments.loc.__setitem__((0, "price"), 1.0),
        lambda: model.params.to_numpy().__setitem__(0, 1.0),
    )
    for write in writes:
        with pytest.raises(ValueError, match="read-only"):
            write()
    assert model.params.copy().to_numpy().flags.writeable  # a copy can be changed
