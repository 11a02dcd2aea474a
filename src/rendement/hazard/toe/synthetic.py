"""Small synthetic timing-of-events data with known mass points (for checking the estimator).

One binary client characteristic, three baseline pieces, one instrument with a
lock-in and an after-effect, an entry hazard, and a discrete type per spell
with known outflow and entry locations. Used by the unit tests of
:mod:`rendement.hazard.toe` (recovery of known mass points, collapse to one
point without heterogeneity); the municipal simulator (:mod:`rendement.simulate`)
is what the acceptance tests use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from rendement.hazard.toe.rows import EquationRows, TimingData, collapse_runs, group_rows

OUTFLOW_TERMS = ("baseline:1-3", "baseline:4-12", "baseline:13+", "x", "in:T", "after:T")
ENTRY_TERMS = ("baseline:1-3", "baseline:4-12", "baseline:13+", "x")
_CUTS = np.array([1, 4, 13])


@dataclass(frozen=True)
class SyntheticTruth:
    """The parameters the synthetic spells were drawn from (type 1 at location 0)."""

    beta: dict[str, float] = field(
        default_factory=lambda: {
            "baseline:1-3": -2.0,
            "baseline:4-12": -2.3,
            "baseline:13+": -2.7,
            "x": 0.5,
            "in:T": -0.7,
            "after:T": 0.4,
        }
    )
    gamma: dict[str, float] = field(
        default_factory=lambda: {
            "baseline:1-3": -3.2,
            "baseline:4-12": -2.6,
            "baseline:13+": -3.0,
            "x": -0.3,
        }
    )
    v_outflow: tuple[float, ...] = (0.0, -1.5)
    v_entry: tuple[float, ...] = (0.0, 0.8)
    probabilities: tuple[float, ...] = (0.6, 0.4)
    duration: int = 4  # months in the instrument
    max_months: int = 48  # censoring


def simulate_timing_data(
    n_spells: int,
    truth: SyntheticTruth | None = None,
    *,
    seed: int = 0,
    spells_per_client: int = 1,
    with_entry: bool = True,
) -> TimingData:
    """Draw ``n_spells`` spells month by month and return them as :class:`TimingData`."""
    t = truth or SyntheticTruth()
    rng = np.random.default_rng(seed)
    n = int(n_spells)
    x = rng.integers(0, 2, n).astype(np.float64)
    k = rng.choice(len(t.probabilities), size=n, p=np.asarray(t.probabilities))
    v_o = np.asarray(t.v_outflow)[k]
    v_e = np.asarray(t.v_entry)[k]
    b = t.beta
    g = t.gamma
    base_o = np.array([b["baseline:1-3"], b["baseline:4-12"], b["baseline:13+"]])
    base_e = np.array([g["baseline:1-3"], g["baseline:4-12"], g["baseline:13+"]])

    alive = np.ones(n, dtype=bool)
    start = np.zeros(n, dtype=np.int64)  # entry month, 0 = not (yet) entered
    recs: list[tuple[np.ndarray, ...]] = []
    for m in range(1, t.max_months + 1):
        pc = int(np.searchsorted(_CUTS, m, side="right") - 1)
        idx = np.flatnonzero(alive)
        if idx.size == 0:
            break
        at_risk = (start[idx] == 0) if with_entry else np.zeros(idx.size, dtype=bool)
        eta_e = base_e[pc] + g["x"] * x[idx] + v_e[idx]
        enter = at_risk & (rng.random(idx.size) < -np.expm1(-np.exp(eta_e)))
        start[idx[enter]] = m
        s = start[idx]
        in_t = (s > 0) & (m >= s) & (m < s + t.duration)
        after_t = (s > 0) & (m >= s + t.duration)
        eta_o = base_o[pc] + b["x"] * x[idx] + b["in:T"] * in_t + b["after:T"] * after_t + v_o[idx]
        out = rng.random(idx.size) < -np.expm1(-np.exp(eta_o))
        recs.append((idx, np.full(idx.size, m), out, in_t, after_t, at_risk, enter))
        alive[idx[out]] = False

    spell = np.concatenate([r[0] for r in recs])
    month = np.concatenate([r[1] for r in recs])
    order = np.lexsort((month, spell))
    spell, month = spell[order], month[order]
    outflow, in_t, after_t, at_risk, enter = (
        np.concatenate([r[i] for r in recs])[order] for i in range(2, 7)
    )
    piece = np.searchsorted(_CUTS, month, side="right") - 1
    cluster = np.arange(n) // max(1, int(spells_per_client))

    grp = collapse_runs(spell, np.column_stack([piece, in_t, after_t]))
    first, ev, st = group_rows(grp, outflow)
    xo = np.column_stack(
        [
            piece[first] == 0,
            piece[first] == 1,
            piece[first] == 2,
            x[spell[first]],
            in_t[first],
            after_t[first],
        ]
    ).astype(np.float64)
    outflow_rows = EquationRows(sp.csr_matrix(xo), OUTFLOW_TERMS, ev, st, spell[first])

    entry_rows = None
    if with_entry and enter.any():
        r = at_risk
        grp_e = collapse_runs(spell[r], piece[r][:, None])
        first_e, ev_e, st_e = group_rows(grp_e, enter[r])
        sp_e, pc_e = spell[r][first_e], piece[r][first_e]
        xe = np.column_stack([pc_e == 0, pc_e == 1, pc_e == 2, x[sp_e]]).astype(np.float64)
        entry_rows = EquationRows(sp.csr_matrix(xe), ENTRY_TERMS, ev_e, st_e, sp_e)
    return TimingData(outflow_rows, entry_rows, n, cluster)
