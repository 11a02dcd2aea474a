"""Regimes of the simulator: worlds that differ from Droomstad in the ways real data do.

The timing-of-events model must not depend on how closely the data resemble
the simulator it was developed on. Each switch of
:class:`rendement.simulate.SimulationConfig` changes one thing about how the
data are generated (the truth stays exact for every combination):

* **the unobserved term** (:class:`TypeLaw`): three or two mass points, or a
  continuous distribution (normal location, or a gamma frailty on the hazard).
  A continuous term is drawn per spell from its law; the ground truth integrates
  over it on a fine grid (trapezoid rule on the log-hazard scale, accurate far
  below the sampling error; :func:`type_law` says how fine);
* **selection on the unobserved term** into trajectories: none, creaming (faster
  leavers enter more often) or hardest first (slower leavers enter more often);
* **re-entry** after a trajectory in the same spell: as often as a first entry,
  rarer, or never (at most one trajectory per spell);
* **entry timing by instrument**, **local labour markets** (district effects on
  outflow and on how many trajectories are given), a **calendar shock**, a
  **smooth baseline** (a new level every month), and **instrument choice on the
  unobserved term** (expensive trajectories to the slow types).

:data:`BATTERY` names the combinations the tests and ``benchmarks/bench_toe.py``
run; none of them was used to tune the estimator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

#: Mass points of the two-type world: (outflow locations, shares, entry locations for creaming).
TWO_TYPES = ((0.7, -0.8), (0.5, 0.5), (0.7, -0.7))
#: Standard deviation of the normal location (log-normal frailty).
LOGNORMAL_SD = 0.9
#: Shape of the gamma frailty (mean 1, variance 1 / shape).
GAMMA_SHAPE = 1.5
#: Entry location of a continuous type per unit of (centred) outflow location, for creaming.
CONTINUOUS_ENTRY_LOADING = 0.8
#: Points of the integration grid of a continuous unobserved term.
GRID_POINTS = 61

#: Outflow log-hazard shift per district (local labour market) and the entry shift that goes
#: with it (districts with a weak labour market give more trajectories).
DISTRICT_OUTFLOW = {"Centrum": 0.15, "Noord": -0.35, "Oost": 0.0, "Zuid": 0.30, "West": -0.15}
DISTRICT_ENTRY = {"Centrum": 0.0, "Noord": 0.45, "Oost": 0.1, "Zuid": -0.3, "West": 0.25}

#: The recession: outflow log-hazard shift and its window in months before the extraction date.
SHOCK_EFFECT = -0.5
SHOCK_WINDOW = (84, 60)  # from 84 to 61 months before as_of (two years)

#: Entry hazard shift for a client who already had a trajectory in the spell (``reentry="rarer"``).
REENTRY_RARER = math.log(0.2)

#: Extra choice scores by elapsed duration (``entry_timing="by_instrument"``):
#: (``duration:1-12``, ``duration:25+``) per trajectory.
TIMING_BY_INSTRUMENT = {
    "jobhunt": (1.5, -1.5),
    "werkstage": (1.0, -1.0),
    "loonkostensubsidie": (0.0, 0.0),
    "scholing": (-1.2, 1.2),
    "taalparticipatie": (-1.5, 1.5),
}

#: Choice score per unit of *minus* the outflow location (slow types) (``choice_on_type``).
CHOICE_ON_TYPE = {"werkstage": 0.8, "loonkostensubsidie": 1.2}


@dataclass(frozen=True)
class TypeLaw:
    """The unobserved term: where the types are, and how the truth integrates over them.

    ``locations``/``entry_locations``/``weights`` are the mass points (discrete
    laws) or the integration grid (continuous laws, ``continuous`` set). A spell's
    term is drawn by :meth:`draw`: a mass point, or a value from the continuous law
    (its entry location follows the same loading as on the grid).
    """

    locations: np.ndarray
    entry_locations: np.ndarray
    weights: np.ndarray
    continuous: str | None = None
    entry_loading: float = 0.0
    centre: float = 0.0

    def draw(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(grid/type index, outflow location, entry location)`` of ``n`` new spells.

        For a discrete law the index is the type; for a continuous law the nearest
        grid point (for reporting only: the truth integrates over the grid).
        """
        if self.continuous is None:
            idx = rng.choice(len(self.locations), size=n, p=self.weights)
            return idx, self.locations[idx], self.entry_locations[idx]
        if self.continuous == "lognormal":
            v = rng.normal(0.0, LOGNORMAL_SD, size=n)
        else:
            v = np.log(rng.gamma(GAMMA_SHAPE, 1.0 / GAMMA_SHAPE, size=n))
        idx = np.clip(np.searchsorted(self.locations, v), 0, len(self.locations) - 1)
        return idx, v, self.entry_loading * (v - self.centre)


def type_law(
    types: str,
    selection_on_type: float,
    three: tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]],
    points: int = GRID_POINTS,
) -> TypeLaw:
    """The law of the unobserved term for ``types`` and a selection direction (+1, 0, -1)."""
    if types in ("three", "two"):
        loc, prob, entry = three if types == "three" else TWO_TYPES
        return TypeLaw(
            np.asarray(loc, float),
            selection_on_type * np.asarray(entry, float),
            np.asarray(prob, float),
        )
    if types == "lognormal":
        grid = np.linspace(-6.0 * LOGNORMAL_SD, 6.0 * LOGNORMAL_SD, points)
        density = stats.norm.pdf(grid, scale=LOGNORMAL_SD)
        centre = 0.0
    elif types == "gamma":
        # v = log Z with Z ~ Gamma(a, 1/a): density a^a / Gamma(a) exp(a v - a e^v)
        a = GAMMA_SHAPE
        grid = np.linspace(-9.0, 2.2, points)
        density = np.exp(a * math.log(a) - math.lgamma(a) + a * grid - a * np.exp(grid))
        centre = float(stats.gamma(a, scale=1.0 / a).expect(np.log))
    else:
        raise ValueError(f"unknown law of the unobserved term {types!r}")
    weights = density / density.sum()  # trapezoid rule on an equally spaced grid (tails ~ 0)
    loading = CONTINUOUS_ENTRY_LOADING * selection_on_type
    return TypeLaw(grid, loading * (grid - centre), weights, types, loading, centre)


def smooth_curve(months: np.ndarray, piece_values: np.ndarray, cuts: tuple[int, ...]) -> np.ndarray:
    """A curve through the pieces' levels, linear in log duration between piece midpoints."""
    lows = np.asarray(cuts, dtype=float)
    highs = np.r_[lows[1:] - 1.0, lows[-1] + 24.0]
    mids = np.log((lows + highs) / 2.0)
    return np.interp(np.log(np.asarray(months, dtype=float)), mids, piece_values)


#: The robustness battery: regime name -> settings of :class:`SimulationConfig` (besides
#: clients and seed). ``geen-heterogeniteit`` is the do-no-harm check.
BATTERY: dict[str, dict[str, Any]] = {
    "droomstad": {"selection": "unobserved"},
    "geen-selectie": {"selection": "observed"},
    "afroming-eenmalig": {"selection": "creaming", "types": "two", "reentry": "never"},
    "moeilijkste-eerst-eenmalig": {
        "selection": "hardest_first",
        "types": "two",
        "reentry": "never",
    },
    "moeilijkste-eerst-herinstroom-zeldzaam": {"selection": "hardest_first", "reentry": "rarer"},
    "lognormaal": {"selection": "creaming", "types": "lognormal", "reentry": "never"},
    "gamma": {"selection": "hardest_first", "types": "gamma", "reentry": "rarer"},
    "timing-per-instrument": {"selection": "creaming", "entry_timing": "by_instrument"},
    "wijken": {"selection": "hardest_first", "district_effects": True, "reentry": "never"},
    "conjunctuurschok": {"selection": "creaming", "calendar_shock": True},
    "gladde-baseline": {"selection": "hardest_first", "smooth_baseline": True, "types": "two"},
    "keuze-op-type": {"selection": "hardest_first", "choice_on_type": True, "reentry": "never"},
    "type-per-client": {"selection": "hardest_first", "types": "two", "types_per_client": True},
    "geen-heterogeniteit": {"heterogeneity": False, "selection": "observed"},
}
