"""Do the baseline pieces hide a spike? (*basisstukken controleren*)

The baseline of the hazard is constant within each piece of elapsed months
(``ModelSpec.baseline_cuts``). When outflow jumps in one month (say at month 6,
when a contract or a benefit review ends) a wide piece averages the spike
away. :func:`check_baseline_pieces` compares, on the person-month panel, the
log-likelihood of the baseline-only model with the specification's pieces to
one with a piece per month (both in closed form: hazard = outflows / months
at risk per piece), and proposes cuts around the months that gain most. It
returns a warning in words with the log-likelihood gain of the proposal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rendement.model.spec import ModelSpec

#: Months looked at one by one (later months are sparse and stay in their pieces).
MAX_MONTH = 60
#: A month is proposed as a piece of its own when it alone gains this much log-likelihood.
MIN_MONTH_GAIN = 10.0


@dataclass(frozen=True)
class BaselineAdvice:
    """The proposal: cuts, their log-likelihood gain, and the warning text (None: no advice)."""

    suggested_cuts: tuple[int, ...]
    gain: float
    spike_months: tuple[int, ...]
    warning: str | None


def _loglik(events: np.ndarray, at_risk: np.ndarray, piece: np.ndarray) -> float:
    e = np.bincount(piece, weights=events)
    n = np.bincount(piece, weights=at_risk)
    keep = n > 0
    e, n = e[keep], n[keep]
    h = np.clip(e / n, 1e-12, 1 - 1e-12)
    return float(np.sum(e * np.log(h) + (n - e) * np.log1p(-h)))


def check_baseline_pieces(spec: ModelSpec, months: pd.DataFrame) -> BaselineAdvice:
    """Compare the specification's pieces with one piece per month on ``months`` (panel records)."""
    k = months["month"].to_numpy(dtype=np.int64)
    y = months["outflow"].to_numpy(dtype=np.float64)
    top = int(min(MAX_MONTH, k.max())) if len(k) else 0
    if top < 2:
        return BaselineAdvice(tuple(spec.baseline_cuts), 0.0, (), None)
    at_risk = np.bincount(np.minimum(k, top + 1), minlength=top + 2).astype(float)
    events = np.bincount(np.minimum(k, top + 1), weights=y, minlength=top + 2)
    month = np.arange(top + 2)
    cuts = tuple(spec.baseline_cuts)
    piece = spec.baseline_piece(np.maximum(month, 1))
    # months beyond `top` pooled into one cell so both models treat them alike
    own = np.where(month <= top, month, top + 1)
    base = _loglik(events, at_risk, piece)
    full = _loglik(events, at_risk, own)
    gains = []
    for m in range(1, top + 1):
        alone = np.where(month == m, len(cuts) + 1, piece)
        gains.append(_loglik(events, at_risk, alone) - base)
    spikes = tuple(m for m, g in zip(range(1, top + 1), gains, strict=True) if g >= MIN_MONTH_GAIN)
    if not spikes:
        return BaselineAdvice(cuts, full - base, (), None)
    proposal = sorted(set(cuts) | set(spikes) | {m + 1 for m in spikes})
    gain = (
        _loglik(
            events,
            at_risk,
            ModelSpec(baseline_cuts=tuple(proposal)).baseline_piece(np.maximum(month, 1)),
        )
        - base
    )
    listed = ", ".join(str(m) for m in spikes)
    text = (
        f"the baseline pieces {list(cuts)} hide a spike in outflow at month(s) {listed}: "
        f"baseline_cuts {proposal} raise the log-likelihood by {gain:,.1f} "
        f"(one piece per month up to month {top}: +{full - base:,.1f}). "
        "Put these cuts in the specification file (baseline_cuts) and fit again."
    )
    return BaselineAdvice(tuple(proposal), gain, spikes, text)
