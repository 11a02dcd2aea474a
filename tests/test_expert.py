"""Declared models: expert judgement from YAML, refused clearly when a field is missing or invalid."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from rendement.cli.main import main
from rendement.model.expert import SpecFileError, model_from_spec_file
from rendement.model.folder import load_model

EXPERT = """
kind: expert
meter: reintegratie
version: 2026-expert
author: Team Werk en Inkomen
rationale: Sessions with caseworkers, APE 2007 effects.
baseline_outflow:
  "1-3": 0.08
  "4-12": 0.05
  "13-24": 0.03
  "25+": 0.012
client_effects:
  "education[laag]": 0.75
  "age_band[55+]": 0.5
instruments:
  - instrument: jobhunt
    label: Sollicitatietraining
    category: "1"
    price: 1500
    duration_months: 3
    waiting_months: 1
    lock_in_hazard_ratio: 0.7
    after_hazard_ratio: 1.4
    after_hazard_ratio_by: {"education[laag]": 1.2}
  - instrument: taal
    label: Taaltraject
    category: "3"
    price: 3000
    duration_months: 9
    waiting_months: 2
    success_share: 0.3
    lock_in_hazard_ratio: 0.8
    after_hazard_ratio: 1.1
"""


def test_expert_model_has_the_declared_hazards(tmp_path: Path) -> None:
    f = tmp_path / "expert.yaml"
    f.write_text(EXPERT)
    m = model_from_spec_file(f)
    assert m.kind == "expert"
    assert m.spec.baseline_terms() == [
        "baseline:1-3",
        "baseline:4-12",
        "baseline:13-24",
        "baseline:25+",
    ]
    # cloglog: hazard = 1 - exp(-exp(eta)) reproduces the declared monthly chance
    assert 1 - math.exp(-math.exp(m.coef("baseline:4-12"))) == pytest.approx(0.05)
    assert math.exp(m.coef("education[laag]")) == pytest.approx(0.75)
    assert math.exp(m.coef("after:jobhunt*education[laag]")) == pytest.approx(1.2)
    assert m.scorable_instruments() == ["jobhunt", "taal"]


def test_cli_writes_an_expert_model_folder(tmp_path: Path) -> None:
    f = tmp_path / "expert.yaml"
    f.write_text(EXPERT)
    assert main(["fit", "--from-spec", str(f), "--out", str(tmp_path / "m")]) == 0
    m = load_model(tmp_path / "m")
    assert m.kind == "expert" and m.metadata["version"] == "2026-expert"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("kind: expert", "kind: guess"), "kind: found 'guess'"),
        (("meter: reintegratie", "meter: fraude"), "meter: found 'fraude'"),
        (('  "4-12": 0.05', '  "5-12": 0.05'), "range '5-12' should start at month 4"),
        (('  "13-24": 0.03', '  "13-24": 1.5'), "baseline_outflow[13-24]: found 1.5"),
        (('  "age_band[55+]": 0.5', '  "age_band[99+]": 0.5'), "unknown term 'age_band[99+]'"),
        (("    price: 1500\n", ""), "instruments[1].price: missing"),
        (
            ("    after_hazard_ratio: 1.1", "    after_hazard_ratio: -1"),
            "instruments[2].after_hazard_ratio",
        ),
        (("    success_share: 0.3", "    success_share: 3"), "instruments[2].success_share"),
    ],
)
def test_invalid_fields_are_refused_with_where_and_what(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    f = tmp_path / "bad.yaml"
    assert edit[0] in EXPERT
    f.write_text(EXPERT.replace(edit[0], edit[1], 1))
    with pytest.raises(SpecFileError) as err:
        model_from_spec_file(f)
    assert message in str(err.value)


def test_missing_sections_are_all_reported_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("kind: expert\nmeter: reintegratie\nversion: x\n")
    with pytest.raises(SpecFileError) as err:
        model_from_spec_file(f)
    assert len(err.value.problems) == 2
    assert main(["fit", "--from-spec", str(f), "--out", str(tmp_path / "m")]) == 2
    assert "baseline_outflow: missing" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()
