"""A model folder is readable data, loads in a fresh process, and refuses alterations."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rendement.errors import ModelFolderError
from rendement.model.folder import load_model, save_model
from rendement.model.hazard_model import HazardModel, Heterogeneity
from rendement.model.spec import ModelSpec


def _catalogue() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "instrument": ["jobhunt", "taal", "huisbezoek"],
            "label": ["Sollicitatietraining", "Taaltraject", "Huisbezoek"],
            "meter": ["reintegratie", "reintegratie", "handhaving"],
            "category": ["1", "3", None],
            "price": [1500.0, 3000.0, 250.0],
            "duration_months": [3, 9, 0],
            "waiting_months": [1, 2, 0],
            "success_share": [0.0, 0.3, 0.0],
            "capacity": [100, 40, 500],
        }
    )


def _model() -> HazardModel:
    spec = ModelSpec(instruments=("jobhunt", "taal", "huisbezoek"))
    terms = spec.terms()
    rng = np.random.default_rng(3)
    params = pd.Series(rng.normal(0, 0.3, len(terms)), index=terms)
    a = rng.normal(size=(len(terms), len(terms)))
    cov = pd.DataFrame(a @ a.T / 1000 + np.eye(len(terms)) * 1e-3, index=terms, columns=terms)
    return HazardModel(
        spec,
        params,
        cov,
        _catalogue(),
        kind="estimated",
        heterogeneity=Heterogeneity((-0.5, 0.7), (0.6, 0.4)),
        metadata={"version": "2026-01", "metrics": {"events": 10}},
    )


def test_round_trip_is_exact_and_small(tmp_path: Path) -> None:
    m = _model()
    save_model(m, tmp_path / "m")
    back = load_model(tmp_path / "m")
    pd.testing.assert_series_equal(back.params, m.params, check_names=False)
    assert back.cov is not None and m.cov is not None
    np.testing.assert_array_equal(back.cov.to_numpy(), m.cov.to_numpy())
    assert back.spec == m.spec
    assert back.heterogeneity == m.heterogeneity
    assert back.kind == "estimated"
    assert back.metadata["version"] == "2026-01"
    assert list(back.instruments["instrument"]) == ["jobhunt", "taal", "huisbezoek"]
    assert back.instruments["category"].iloc[2] is None
    size = sum(f.stat().st_size for f in (tmp_path / "m").iterdir())
    assert size < 1_000_000
    assert not any(f.suffix in {".pkl", ".pickle", ".joblib"} for f in (tmp_path / "m").iterdir())


def test_loads_in_a_fresh_process(tmp_path: Path) -> None:
    save_model(_model(), tmp_path / "m")
    code = (
        "from rendement.model.folder import load_model; m = load_model(r'%s'); "
        "print(len(m.params), m.kind)" % (tmp_path / "m")
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(len(_model().params)), "estimated"]


def test_altered_parameter_file_is_refused(tmp_path: Path) -> None:
    save_model(_model(), tmp_path / "m")
    p = tmp_path / "m" / "parameters.csv"
    p.write_text(p.read_text().replace("after:jobhunt,", "after:jobhunt,9", 1))
    with pytest.raises(ModelFolderError, match="parameters.csv was altered"):
        load_model(tmp_path / "m")


def test_altered_manifest_is_refused(tmp_path: Path) -> None:
    save_model(_model(), tmp_path / "m")
    mf = tmp_path / "m" / "manifest.json"
    doc = json.loads(mf.read_text())
    doc["kind"] = "expert"
    mf.write_text(json.dumps(doc))
    with pytest.raises(ModelFolderError, match="manifest.json was altered"):
        load_model(tmp_path / "m")


def test_missing_and_incompatible_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelFolderError, match="does not exist"):
        load_model(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelFolderError, match="manifest.json is missing"):
        load_model(tmp_path / "empty")
    save_model(_model(), tmp_path / "m")
    mf = tmp_path / "m" / "manifest.json"
    doc = json.loads(mf.read_text())
    doc["format_version"] = 99
    mf.write_text(json.dumps(doc))
    with pytest.raises(ModelFolderError, match="incompatible model format"):
        load_model(tmp_path / "m")
