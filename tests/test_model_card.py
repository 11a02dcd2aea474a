"""The model card: every Algoritmeregister field, declared models named, in every model folder."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scoring_builders import JOBHUNT, catalogue

from rendement.errors import ModelFolderError
from rendement.model.card import CARD_SECTIONS, render_model_card
from rendement.model.expert import model_from_spec_file
from rendement.model.folder import load_model, save_model
from rendement.model.hazard_model import HazardModel
from rendement.model.spec import ModelSpec

EXPERT = """
kind: expert
meter: reintegratie
version: 2026-expert
author: Team Werk en Inkomen
rationale: Sessions with caseworkers.
baseline_outflow: {"1-3": 0.08, "4-12": 0.05, "13+": 0.02}
instruments:
  - {instrument: jobhunt, label: Sollicitatietraining, category: "1", price: 1500,
     duration_months: 3, waiting_months: 1, lock_in_hazard_ratio: 0.8, after_hazard_ratio: 1.3}
"""

EVALUATION = {
    "holdout": {
        "cutoff": "2025-01-01",
        "extraction": "2026-01-01",
        "window_months": 12,
        "clients": 1727,
    },
    "calibration": {
        "12": {
            "predicted": 0.251,
            "observed": 0.236,
            "decile_chi2": 12.0,
            "decile_df": 10,
            "decile_p_value": 0.287,
        }
    },
    "c_index": 0.693,
    "auc": {"6": 0.708, "18": None},
    "group_accuracy": {
        "overall": None,
        "overall_at_least": 0.03,
        "overall_at_most": 0.79,
        "boundary_6m": 0.866,
    },
    "fairness": {
        "gender": {
            "groups": {
                "V": {
                    "clients": 400,
                    "share_group_3": 0.8,
                    "ratio_group3_share": 1.01,
                    "calibration": 0.9,
                    "ratio_calibration": 0.97,
                    "false_group3_rate": 0.31,
                    "ratio_false_group3": 2.6,
                }
            }
        }
    },
    "fairness_threshold": 1.25,
    "fairness_warnings": ["gender V: false group-3 rate is 2.60x the overall value"],
}


def _estimated() -> HazardModel:
    spec = ModelSpec(instruments=("jobhunt",))
    terms = spec.terms()
    params = pd.Series(np.linspace(-3, -1, len(terms)), index=terms)
    cov = pd.DataFrame(np.eye(len(terms)) * 0.01, index=terms, columns=terms)
    cat = catalogue([JOBHUNT])
    meta = {
        "version": "2026-01",
        "training_window": {"first_inflow": "2011-01-11", "until": "2026-01-01"},
        "metrics": {"clients": 2500, "spells": 3284, "person_months": 85779, "events": 2535},
        "dropped_terms": [
            {
                "term": "in:huisbezoek",
                "reason": "one-off instrument (duration 0): no months in it, only after it",
            }
        ],
    }
    return HazardModel(spec, params, cov, cat, metadata=meta)


def _headings(card: str) -> list[str]:
    return re.findall(r"^## (.+)$", card, flags=re.MULTILINE)


def test_card_has_every_register_field_in_order() -> None:
    card = render_model_card(_estimated())
    assert _headings(card) == list(CARD_SECTIONS)
    for field in (
        "Doel en impact",
        "Menselijke tussenkomst",
        "Proportionaliteit",
        "Rechtsgrond",
        "Gebruikte data",
        "Prestaties",
        "Beperkingen",
        "Eerlijkheid en bias-toets",
        "Risicobeheer",
        "Contact",
    ):
        body = card.split(f"## {field}\n", 1)[1].split("\n## ", 1)[0]
        assert body.strip(), field
    assert "advies en geen opdracht" in card
    # counts the Dutch way, with thousands dots
    assert "2.500 cliënten, 3.284 uitkeringsperioden, 85.779 persoonsmaanden" in card
    assert "2011-01-11" in card and "(geschat model)" in card
    assert "Niet geschat: in:huisbezoek (eenmalig instrument (duur 0)" in card  # in Dutch
    assert "geslacht" in card.lower()


def test_card_without_evaluation_says_how_to_make_one() -> None:
    card = render_model_card(_estimated())
    prestaties = card.split("## Prestaties\n", 1)[1].split("\n## ", 1)[0]
    assert "nog geen validatie" in prestaties and "rendement report" in prestaties
    assert "Nog niet getoetst" in card


def test_card_with_evaluation_shows_performance_and_fairness() -> None:
    card = render_model_card(_estimated(), EVALUATION)
    assert "| concordantie (Harrell's C) | 0,693 |" in card
    assert "| tijdsafhankelijke AUC na 18 maanden | volgperiode te kort |" in card
    assert "tussen 3,0% en 79,0%" in card
    assert "| geslacht | V | 400 |" in card and "| 2,60 |" in card
    assert "1.727 cliënten in de uitkering" in card
    assert "2.60x the overall value" in card
    # stored evaluation in the metadata is used when none is given
    m = _estimated()
    m = replace(m, metadata=m.metadata.merged({"evaluation": EVALUATION}))
    assert render_model_card(m) == card


def test_declared_models_say_expert_or_borrowed(tmp_path: Path) -> None:
    spec = tmp_path / "expert.yaml"
    spec.write_text(EXPERT)
    expert = model_from_spec_file(spec)
    card = render_model_card(expert)
    assert "EXPERTMODEL (expert)" in card and "Team Werk en Inkomen" in card
    assert _headings(card) == list(CARD_SECTIONS)
    save_model(expert, tmp_path / "expert")
    borrowed_spec = tmp_path / "borrowed.yaml"
    borrowed_spec.write_text(
        "kind: borrowed\nmeter: reintegratie\nversion: 2026-leen\nsource: Gemeente Voorbeeldstad\n"
        f"borrowed_from: {tmp_path / 'expert'}\n"
    )
    borrowed = model_from_spec_file(borrowed_spec)
    card = render_model_card(borrowed)
    assert "GELEEND MODEL (borrowed)" in card and "Gemeente Voorbeeldstad" in card
    assert "geen standaardfouten" in card


def test_every_saved_model_carries_a_checksummed_card(tmp_path: Path) -> None:
    save_model(_estimated(), tmp_path / "m")
    card = (tmp_path / "m" / "model_card.md").read_text(encoding="utf-8")
    assert card == render_model_card(load_model(tmp_path / "m"))
    assert "versie 2026-01" in card
    (tmp_path / "m" / "model_card.md").write_text(card.replace("advies", "opdracht"))
    with pytest.raises(ModelFolderError, match="model_card.md was altered"):
        load_model(tmp_path / "m")


def test_a_given_card_is_kept(tmp_path: Path) -> None:
    save_model(_estimated(), tmp_path / "m", extra_files={"model_card.md": "# Eigen kaart\n"})
    assert (tmp_path / "m" / "model_card.md").read_text() == "# Eigen kaart\n"
    load_model(tmp_path / "m")
