"""Reasons in words: active client terms, direction, size, order; the role of the duration."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from rendement.model.hazard_model import HazardModel
from rendement.model.spec import ModelSpec
from rendement.scoring.explain import (
    client_reasons,
    duration_reason,
    percent,
    reason_text,
    reasons_frame,
    reference_client,
    term_label,
)

CATALOGUE = pd.DataFrame(
    [{"instrument": "jobhunt", "label": "Sollicitatietraining", "meter": "reintegratie", "category": "1",
      "price": 1500.0, "duration_months": 3, "waiting_months": 1, "success_share": 0.0, "capacity": 10}]
)  # fmt: skip


def _model(extra: tuple[str, ...] = ()) -> HazardModel:
    spec = ModelSpec(
        baseline_cuts=(1, 4, 13),
        extra_features=extra,
        instruments=("jobhunt",),
        effect_modifiers=("education[laag]",),
    )
    params = {
        "baseline:1-3": math.log(-math.log(1 - 0.10)),  # monthly chance 10% in months 1-3
        "baseline:4-12": math.log(-math.log(1 - 0.05)),
        "baseline:13+": math.log(-math.log(1 - 0.02)),
        "age_band[55+]": math.log(0.5),
        "education[laag]": math.log(0.8),
        "household_type[paar]": math.log(1.3),
        "health_restriction[ja]": math.log(0.95),
        "in:jobhunt": math.log(0.7),
        "after:jobhunt": math.log(1.5),
        "after:jobhunt*education[laag]": math.log(1.2),
    }
    if extra:
        params["extra:score"] = 0.1
    return HazardModel(
        spec, pd.Series(params), None, CATALOGUE, kind="expert", metadata={"version": "t"}
    )


def _clients(**cols: object) -> pd.DataFrame:
    base = {
        "client_id": ["A", "B", "C"],
        "inflow_date": pd.to_datetime(["2025-01-01"] * 3),
        "birth_date": pd.to_datetime(["1965-01-01", "1995-06-01", "1990-06-01"]),
        "household_type": ["paar", "alleenstaand", "alleenstaand"],
        "education": ["laag", "middelbaar", "middelbaar"],
        "dutch_language": pd.array([True, True, True], dtype="boolean"),
        "work_experience_years": [5.0, 5.0, 5.0],
        "health_restriction": pd.array([True, False, False], dtype="boolean"),
    }
    base.update(cols)  # type: ignore[arg-type]
    return pd.DataFrame(base)


def test_reasons_are_the_active_terms_largest_effect_first() -> None:
    a, b, c = client_reasons(_model(), _clients())
    # A: 60 at inflow (55+, x0.5), laag (x0.8), paar (x1.3), health (x0.95)
    assert [r.term for r in a] == [
        "age_band[55+]",
        "household_type[paar]",
        "education[laag]",
        "health_restriction[ja]",
    ]
    assert [r.direction for r in a] == ["kleiner", "groter", "kleiner", "kleiner"]
    assert a[0].text == (
        "Leeftijd 55+ bij instroom: veel kleinere kans op uitstroom "
        "(per maand 50% kleiner dan bij de referentieklant)"
    )
    assert a[1].text.startswith(
        "Paar (gehuwd of samenwonend): grotere kans op uitstroom (per maand 30% groter"
    )
    assert a[3].text.startswith("Gezondheidsbeperking: iets kleinere kans")
    assert a[0].hazard_ratio == pytest.approx(0.5)
    # B is 18-26 at inflow: a level without a coefficient gives no reason; C is the reference
    assert b == [] and c == []


def test_completed_instruments_and_numeric_extras_are_reasons_too() -> None:
    frame = _clients(
        score=[2.0, 0.0, -1.0], **{"after:jobhunt": [1, 0, 1], "in:jobhunt": [0, 0, 0]}
    )
    a, b, c = client_reasons(_model(extra=("score",)), frame)
    hist = next(r for r in a if r.term == "after:jobhunt")
    # after-effect with the modifier for low education: log(1.5) + log(1.2)
    assert hist.log_hazard_ratio == pytest.approx(math.log(1.8))
    assert hist.text.startswith("Eerder gevolgd: Sollicitatietraining: veel grotere kans")
    assert "zonder dit instrument" in hist.text
    extra = next(r for r in a if r.term == "extra:score")
    assert extra.log_hazard_ratio == pytest.approx(0.2) and extra.label == "score = 2"
    assert [abs(r.log_hazard_ratio) for r in a] == sorted(
        (abs(r.log_hazard_ratio) for r in a), reverse=True
    )
    assert b == []
    assert [r.term for r in c] == ["after:jobhunt", "extra:score"]
    assert c[1].direction == "kleiner"


def test_duration_reason_compares_with_the_first_month() -> None:
    m = _model()
    r = duration_reason(m, 14)
    assert r.direction == "kleiner"
    assert r.text == (
        "Duur: na 14 maanden in de uitkering is de kans op uitstroom per maand kleiner dan in de "
        "eerste maand (2,0% tegen 10,0% voor de referentieklant)"
    )
    new = duration_reason(m, 0)
    assert (
        "nieuw in de uitkering" in new.text
        and "10,0%" in new.text
        and "2,0% na een jaar" in new.text
    )
    same = duration_reason(m, 2)  # month 3 is in the first piece
    assert "even groot" in same.text


def test_words_and_tables() -> None:
    assert percent(0.123) == "12%" and percent(0.1234, 1) == "12,3%"
    assert reason_text("X", 0.0).startswith("X: iets grotere kans")
    assert term_label("extra:wijk[Noord]") == "wijk: Noord"
    assert term_label("something[odd]") == "something: odd"
    assert reference_client(_model()).startswith("27-34 jaar bij instroom, alleenstaand")
    table = reasons_frame(_model(), _clients(), top=2)
    assert list(table.columns) == [
        "client_id",
        "rank",
        "term",
        "direction",
        "log_hazard_ratio",
        "hazard_ratio",
        "text",
    ]
    assert table["client_id"].tolist() == ["A", "A"] and table["rank"].tolist() == [1, 2]
    assert np.allclose(table["hazard_ratio"], np.exp(table["log_hazard_ratio"]))
