"""Intervals for a few clients: all parameter draws in one pass equal one pass per draw.

For an advice, :func:`rendement.scoring.paths.interval_bounds` repeats the clients
once per draw and scores them with per-client coefficients
(:meth:`rendement.scoring.states.Coefficients.stack`). The model here has
everything the linear predictor can hold (baseline pieces, client terms,
effect modifiers, calendar years, mass points, success share, discounting) and
the clients everything a state can be (waiting, running an instrument, after
one), so every branch of the per-client arithmetic is compared with the
shared-coefficient one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scoring_builders import caseload, catalogue

from rendement.model.hazard_model import HazardModel, Heterogeneity
from rendement.model.spec import ModelSpec
from rendement.scoring import paths as score_paths
from rendement.scoring.caseload import score_clients
from rendement.scoring.states import Coefficients

INSTRUMENTS = [
    {"instrument": "A", "price": 2500.0, "duration_months": 4, "waiting_months": 1},
    {"instrument": "B", "price": 6000.0, "duration_months": 9, "waiting_months": 2},
    {"instrument": "C", "price": 900.0, "duration_months": 3, "waiting_months": 0},
]
CODES = [r["instrument"] for r in INSTRUMENTS]


def _model(heterogeneity: bool) -> HazardModel:
    spec = ModelSpec(
        baseline_cuts=(1, 4, 13, 37),
        instruments=tuple(CODES),
        calendar=True,
        calendar_years=(2023, 2024, 2025, 2026),
    )
    rng = np.random.default_rng(5)
    terms = spec.terms()
    params = pd.Series(rng.normal(0.0, 0.3, len(terms)), index=terms)
    for i, t in enumerate(spec.baseline_terms()):
        params[t] = -2.0 - 0.2 * i
    a = rng.normal(size=(len(terms), len(terms)))
    cov = pd.DataFrame(a @ a.T / len(terms) * 0.01, index=terms, columns=terms)
    cat = catalogue(INSTRUMENTS)
    cat.loc[cat["instrument"] == "B", "success_share"] = 0.4
    het = Heterogeneity((0.0, -1.1), (0.6, 0.4)) if heterogeneity else None
    return HazardModel(spec, params, cov, cat, heterogeneity=het, metadata={"version": "t"})


def _clients() -> pd.DataFrame:
    frame = caseload(
        6,
        months=[0, 3, 14, 40, 7, 25],
        benefit=[1300.0, 1500.0, 1100.0, 1956.0, 1369.0, 1400.0],
        codes=CODES,
        education=["laag", "middelbaar", "laag", "hoog", "onbekend", "laag"],
        inflow_date=pd.to_datetime(["2025-11-01", "2023-03-01", "2024-06-01"] * 2),
    )
    frame.loc[1, ["in:A", "remaining_in_months", "current_instrument"]] = [1, 2, "A"]
    frame.loc[2, "after:B"] = 1
    frame.loc[3, ["in:C", "remaining_in_months", "current_instrument"]] = [1, 1, "C"]
    frame.loc[3, "after:A"] = 1
    return frame


@pytest.mark.parametrize("heterogeneity", [False, True])
@pytest.mark.parametrize("discount_rate", [0.0, 0.03])
def test_stacked_draws_equal_draw_by_draw(
    heterogeneity: bool, discount_rate: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    model, frame = _model(heterogeneity), _clients()
    weights = np.array([[0.7, 0.3], [0.5, 0.5], [0.2, 0.8], [0.9, 0.1], [0.6, 0.4], [0.3, 0.7]])
    kw = {
        "n_draws": 40,
        "seed": 3,
        "discount_rate": discount_rate,
        "type_weights": weights if heterogeneity else None,
    }
    calls = {"stacked": 0}
    stacked_fn = score_paths._draws_stacked

    def counting(*a: object, **k: object) -> object:
        calls["stacked"] += 1
        return stacked_fn(*a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(score_paths, "_draws_stacked", counting)
    stacked = score_clients(model, frame, **kw)  # type: ignore[arg-type]
    assert calls["stacked"] == 1
    monkeypatch.setattr(score_paths, "CELLS_PER_CHUNK", 1)  # too small to stack 6 clients
    one_by_one = score_clients(model, frame, **kw)  # type: ignore[arg-type]
    assert calls["stacked"] == 1

    bounds = [c for c in stacked.returns.columns if c.endswith(("_lower", "_upper"))]
    assert len(bounds) >= 4
    assert stacked.returns[bounds].notna().to_numpy().all()
    pd.testing.assert_frame_equal(stacked.returns, one_by_one.returns, rtol=1e-12, atol=1e-9)
    pd.testing.assert_frame_equal(stacked.ranking, one_by_one.ranking, rtol=1e-12, atol=1e-9)


def test_stack_repeats_each_draw_for_every_client() -> None:
    model = _model(False)
    from rendement.scoring.prepared import prepared

    draws = prepared(model).draw_coefficients(3, seed=1)
    s = Coefficients.stack(draws, 2)
    assert s.per_client and not draws[0].per_client
    assert s.baseline.shape == (6, len(draws[0].baseline))
    np.testing.assert_array_equal(s.lock_in[2], draws[1].lock_in)
    np.testing.assert_array_equal(s.lock_in[3], draws[1].lock_in)
    np.testing.assert_array_equal(s.after_modifiers[5], draws[2].after_modifiers)
    with pytest.raises(ValueError, match="shared"):
        Coefficients.stack([s], 1)
