"""The timing-of-events model on the robustness battery: every regime, 25,000 clients, one seed.

Each regime of :data:`rendement.simulate.regimes.BATTERY` is a world the model
was not tuned to (selection in both directions, one trajectory per spell or
rare re-entry, two / three / continuous unobserved terms, entry timing by
instrument, local labour markets, a calendar shock, a smooth baseline,
instrument choice on the type, a type kept over a client's spells). Per regime:

* months saved of the meter's instruments are within 0.5 months of the exact
  truth on average over the instruments and within 1.0 for each;
* where selection on unobservables biases the default model, it is shown biased
  (more than 1 month on average), so the check can fail;
* without unobserved heterogeneity the timing-of-events model does no harm: the
  same months saved as the default model within 0.1.

The 90% intervals of months saved (draws that vary the mixture too) must cover
the truth for 85-95% of clients pooled over the regimes; in one regime every
client shares the same estimation error, so a single seed's coverage swings
widely (one instrument's clients are all covered or all missed) and is only
required to be no disaster (at least 70% of the regime's clients). Coverage of
the effects' 95% intervals over seeds is what ``benchmarks/bench_toe.py`` reports.

Known failures on this seed are marked (not strict, so a fix shows as XPASS):
instrument choice on the unobserved type is outside the model (one entry hazard
for every instrument of the meter), and two regimes miss the per-instrument bound
for one instrument.

Run with ``make battery`` (about 25 minutes on 2 cores); not part of ``make test``.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from rendement.simulate.battery import RegimeRun, run_regime
from rendement.simulate.regimes import BATTERY

pytestmark = pytest.mark.battery

CLIENTS = 25_000
SEED = 101
#: Regimes whose selection on unobservables biases the default model measurably.
SELECTIVE = [r for r, kw in BATTERY.items() if kw.get("selection") not in (None, "observed")]
#: Regimes where the acceptance is not met on seed 101, and why (issue 11 stays open).
KNOWN = {
    "keuze-op-type": "the kind of trajectory is chosen on the unobserved type: one entry hazard "
    "for every instrument cannot see it, and the entry hazard per instrument (entry_hazard: "
    "instrument, not the default) still leaves Jobhunt 3.5 months off: its mass points "
    "describe entry patterns, not outflow types",
    "afroming-eenmalig": "loonkostensubsidie off by 1.02 months (bound 1.0) on seed 101; over 10 "
    "seeds at 10,000 clients +0.41 with a standard deviation of 1.18 (a rarely used instrument)",
    "timing-per-instrument": "loonkostensubsidie off by 1.6 months on seed 101; over 10 seeds "
    "at 10,000 clients -0.35 with a standard deviation of 1.21 (a rarely used instrument)",
}


def _regimes() -> list[object]:
    out: list[object] = []
    for r in BATTERY:
        if r == "geen-heterogeniteit":
            continue
        marks = [pytest.mark.xfail(reason=KNOWN[r], strict=False)] if r in KNOWN else []
        out.append(pytest.param(r, marks=marks))
    return out


@functools.cache
def _run(regime: str) -> RegimeRun:
    return run_regime(regime, clients=CLIENTS, seed=SEED, interval=0.9, draws=100)


def _report(regime: str, run: RegimeRun, capsys: pytest.CaptureFixture[str]) -> None:
    """One line of figures for the README's table, written straight to the terminal so that
    the known failures (xfail, whose captured output pytest does not show) print theirs too."""
    toe = run.saved[run.saved["model"] == "toe"]
    covered = float((toe["coverage"] * toe["clients"]).sum() / toe["clients"].sum())
    worst = run.saved_bias("toe").abs().idxmax()
    with capsys.disabled():
        print(
            f"\n{regime}: mean |bias| default {run.mean_abs_bias('default'):.2f}, "
            f"timing-of-events {run.mean_abs_bias('toe'):.2f}; worst {worst} "
            f"{run.saved_bias('toe')[worst]:+.2f}; 90% intervals cover {covered:.0%}; "
            f"{run.facts.get('mass_points')} mass points; fit {run.facts.get('toe_seconds', 0):.0f} s"
        )


@pytest.mark.parametrize("regime", _regimes())
def test_months_saved_are_right_in_every_regime(
    regime: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _run(regime)
    _report(regime, run, capsys)
    if regime in SELECTIVE:  # the check can fail: the default model is biased here
        assert run.mean_abs_bias("default") > 1.0, run.saved_bias("default").round(2).to_dict()
    toe = run.saved[run.saved["model"] == "toe"]
    covered = float((toe["coverage"] * toe["clients"]).sum() / toe["clients"].sum())
    assert covered >= 0.7, toe.set_index("instrument")["coverage"].round(2).to_dict()
    bias = run.saved_bias("toe")
    assert run.facts["identified"], run.facts
    assert bias.abs().mean() < 0.5, bias.round(2).to_dict()
    assert (bias.abs() < 1.0).all(), bias.round(2).to_dict()


def test_no_harm_without_unobserved_heterogeneity(capsys: pytest.CaptureFixture[str]) -> None:
    run = _run("geen-heterogeniteit")
    _report("geen-heterogeniteit", run, capsys)
    toe, default = run.saved_bias("toe"), run.saved_bias("default")
    assert (toe - default).abs().max() < 0.1, (toe - default).round(3).to_dict()


def test_interval_coverage_pooled_over_regimes() -> None:
    """Pooled over the regimes the model is built for (not keuze-op-type: biased, so its
    intervals miss; that regime fails above)."""
    parts = [_run(r).saved for r in BATTERY if r != "keuze-op-type"]
    toe = [p[p["model"] == "toe"] for p in parts]
    covered = sum(float((t["coverage"] * t["clients"]).sum()) for t in toe)
    clients = sum(float(t["clients"].sum()) for t in toe)
    assert 0.85 <= covered / clients <= 0.95, covered / clients
    assert np.isfinite(covered)
