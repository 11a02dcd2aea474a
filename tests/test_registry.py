"""The model registry: versions per meter, activation, comparison of two models."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scoring_builders import JOBHUNT, catalogue

from rendement.cli.main import main
from rendement.errors import ModelFolderError
from rendement.model.compare import compare_models
from rendement.model.folder import save_model
from rendement.model.hazard_model import HazardModel
from rendement.model.registry import Registry, RegistryError
from rendement.model.spec import ModelSpec


def _model(version: str, shift: float = 0.0, seed: int = 1) -> HazardModel:
    spec = ModelSpec(instruments=("jobhunt",))
    terms = spec.terms()
    rng = np.random.default_rng(seed)
    params = pd.Series(rng.normal(-2, 0.1, len(terms)), index=terms)
    params["after:jobhunt"] += shift
    cov = pd.DataFrame(np.eye(len(terms)) * 0.01, index=terms, columns=terms)
    cat = catalogue([JOBHUNT])
    return HazardModel(spec, params, cov, cat, metadata={"version": version})


def test_register_list_activate_round_trip(tmp_path: Path) -> None:
    reg = Registry.at(tmp_path / "models")
    reg.register(_model("2025-01"))
    reg.register(_model("2026-01"))
    assert reg.versions("reintegratie") == ["2025-01", "2026-01"]
    assert reg.active("reintegratie") is None
    with pytest.raises(RegistryError, match="no active reintegratie model"):
        reg.active_path("reintegratie")
    reg.activate("reintegratie", "2025-01")
    assert reg.load_active("reintegratie").metadata["version"] == "2025-01"
    reg.activate("reintegratie", "2026-01")
    assert reg.resolve(None) == tmp_path / "models" / "reintegratie" / "2026-01"
    assert reg.resolve("reintegratie/2025-01") == tmp_path / "models" / "reintegratie" / "2025-01"
    table = reg.listing()
    assert list(table.loc[table["active"] == "*", "version"]) == ["2026-01"]
    with pytest.raises(RegistryError, match="already exists"):
        reg.register(_model("2026-01"))


def test_activating_an_altered_model_is_refused(tmp_path: Path) -> None:
    reg = Registry.at(tmp_path)
    where = reg.register(_model("2026-01"))
    (where / "parameters.csv").write_text("term,estimate,std_error\nbaseline:1,0,0\n")
    with pytest.raises(ModelFolderError, match="altered"):
        reg.activate("reintegratie", "2026-01")
    assert reg.active("reintegratie") is None


def test_cli_list_activate_compare(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "models"
    Registry.at(root).register(_model("2025-01"))
    Registry.at(root).register(_model("2026-01", shift=0.8))
    assert main(["models", "--registry", str(root), "activate", "reintegratie", "2026-01"]) == 0
    assert main(["models", "--registry", str(root), "list"]) == 0
    out = capsys.readouterr().out
    assert "2025-01" in out and "2026-01" in out
    assert (
        main(
            [
                "models",
                "--registry",
                str(root),
                "compare",
                "reintegratie/2025-01",
                "reintegratie/2026-01",
                "--out",
                str(tmp_path / "cmp"),
            ]
        )
        == 0
    )
    eff = pd.read_csv(tmp_path / "cmp" / "effects.csv")
    row = eff[eff["term"] == "after:jobhunt"].iloc[0]
    assert row["change"] == pytest.approx(0.8, abs=1e-9)
    assert main(["models", "--registry", str(root), "activate", "reintegratie", "2099-01"]) == 2


def test_compare_finds_the_known_shift_and_only_it() -> None:
    a = _model("2025-01", seed=5)
    shifted = a.params.copy()
    shifted["after:jobhunt"] += 0.5  # a known parameter shift, 5 standard errors of the change
    b = replace(a, params=shifted, metadata={"version": "2026-01"})
    cmp = compare_models(a, b)
    shifted = cmp.shifted()
    assert list(shifted["term"]) == ["after:jobhunt"]
    row = cmp.coefficients.set_index("term").loc["after:jobhunt"]
    assert row["lower"] < 0.5 < row["upper"]
    assert row["se_change"] == pytest.approx(np.sqrt(0.02))


def test_save_then_registry_listing_reads_metrics(tmp_path: Path) -> None:
    m = _model("2026-01")
    m = replace(
        m,
        metadata={
            "version": "2026-01",
            "metrics": {"spells": 10, "events": 4},
            "training_window": {"until": "2026-01-01"},
        },
    )
    save_model(m, tmp_path / "reintegratie" / "2026-01")
    row = Registry.at(tmp_path).listing().iloc[0]
    assert row["events"] == 4 and row["trained_until"] == "2026-01-01"
