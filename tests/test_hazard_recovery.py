"""Recovery of a known truth: person-months drawn from cloglog hazards with one
instrument (lock-in while in it, an after-effect that differs by education) and
dynamic selection into it on observables (education, work experience, elapsed
duration). Conditional on the observables in the model there is no selection
bias, so the estimates must be centred on the truth and the 95% intervals must
cover it about 95% of the time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hazard_synthetic import EntryRule, default_truth, synthetic_panel

from rendement.hazard import fit_hazard

RULES = {
    "TRAINING": EntryRule(
        0.03, {"education[laag]": 0.8, "work_experience_band[0]": 0.5, "age_band[55+]": -0.7}, -0.02
    )
}


def _truth_for(res_terms: pd.Index, truth_params: pd.Series, fitted_cuts: list[str]) -> pd.Series:
    """True values by fitted term; an open-ended last baseline piece takes the truth of its first piece."""
    out = truth_params.reindex(res_terms)
    for t in fitted_cuts:
        if t.endswith("+") and np.isnan(out[t]):
            lo = t.removeprefix("baseline:").removesuffix("+")
            match = [u for u in truth_params.index if u.startswith(f"baseline:{lo}-")]
            out[t] = truth_params[match[0]]
    return out


def test_estimates_recover_the_truth() -> None:
    truth = default_truth(("TRAINING",))
    panel = synthetic_panel(truth, n_spells=12000, seed=2024, entry_rules=RULES)
    res = fit_hazard(panel, truth.spec, instruments_catalogue=truth.instruments)
    assert res.converged
    true = _truth_for(res.params.index, truth.params, res.spec.baseline_terms())
    z = (res.params - true) / res.bse
    assert not z.isna().any()
    assert z.abs().max() < 3.5, z.abs().sort_values().tail()
    instrument = [t for t in z.index if t.startswith(("in:", "after:"))]
    assert instrument == ["in:TRAINING", "after:TRAINING", "after:TRAINING*education[laag]"]
    assert z[instrument].abs().max() < 3.0

    # the selection is real: entrants are more often low-educated than the caseload
    m = panel.months
    entrants = m.loc[m["in:TRAINING"] == 1, "spell_idx"].unique()
    laag = panel.spells["education"].to_numpy() == "laag"
    assert laag[entrants].mean() > laag.mean() + 0.1
    # and ignoring it would bias a naive comparison: after-months differ in composition
    after = m["after:TRAINING"].to_numpy() == 1
    assert (
        laag[m["spell_idx"].to_numpy()[after]].mean()
        > laag[m["spell_idx"].to_numpy()].mean() + 0.05
    )


@pytest.mark.parametrize("alpha", [0.05])
def test_confidence_intervals_cover_the_truth(alpha: float) -> None:
    truth = default_truth(("TRAINING",))
    covered, total = 0, 0
    instrument_cover = []
    for seed in range(10):
        panel = synthetic_panel(truth, n_spells=3000, seed=500 + seed, entry_rules=RULES)
        res = fit_hazard(panel, truth.spec, instruments_catalogue=truth.instruments)
        true = _truth_for(res.params.index, truth.params, res.spec.baseline_terms())
        ci = res.conf_int(alpha)
        inside = (ci["lower"] <= true) & (true <= ci["upper"])
        covered += int(inside.sum())
        total += len(inside)
        instrument_cover += list(
            inside[[t for t in inside.index if ":" in t and not t.startswith("baseline")]]
        )
    coverage = covered / total
    # ~360 intervals: binomial sd about 1.2 points around 95%
    assert 0.91 <= coverage <= 0.985, coverage
    assert np.mean(instrument_cover) >= 0.8
