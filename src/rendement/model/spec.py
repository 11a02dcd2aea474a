"""Model specification and the encoding of clients into model terms.

One linear predictor serves estimation, scoring and the simulator's truth::

    eta(client, month k, state) = baseline[piece(k)]
                                  + sum_j beta_j * client_term_j
                                  + sum_X  in_X   * gamma_X
                                  + sum_X  after_X * (delta_X + sum_m delta_X,m * modifier_m)
                                  (+ calendar[year])

    hazard = 1 - exp(-exp(eta))      (complementary log-log link)

Term names are stable strings, used as the index of every parameter table:

* ``baseline:1``, ``baseline:4-6``, ``baseline:121+`` - one per duration piece (no intercept);
* ``age_band[45-54]``, ``household_type[paar]``, ... - client characteristics at inflow,
  one 0/1 column per non-reference level (reference levels have no term);
* ``extra:NAME`` (numeric extra column) or ``extra:NAME[LEVEL]`` (text extra column);
* ``in:CODE`` (lock-in, while in the instrument), ``after:CODE`` (after it ended),
  ``after:CODE*MODIFIER`` (after-effect difference for clients with ``MODIFIER == 1``,
  where ``MODIFIER`` is a client term such as ``education[laag]``);
* ``calendar:YEAR`` - optional calendar-year effects (reference: the first year).

Protected attributes (gender, origin, nationality, religion, ... recognised by
meaning, see :mod:`rendement.protected`, and columns declared ``protected``)
are never features: a specification that names them is refused with a
:class:`SpecificationError`.

``censor_reasons`` and ``outcome`` say which end reasons are outflow
(:mod:`rendement.panel.events`). ``interactions`` name pairs ``X&Y`` of instruments
of different meters whose after x after interaction ``rendement mix`` estimates
(:mod:`rendement.model.interactions`; not a term of the fitted outflow model itself).

Long: the specification, its terms and the encoding of clients into them are one idea.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from rendement.model.interactions import form_problems
from rendement.panel.events import DEFAULT_CENSOR_REASONS, EventDefinition
from rendement.protected import protected_reason
from rendement.timeutil import months_between_arrays


class ProtectedAttributeWarning(UserWarning):
    """Kept for compatibility: protected attributes are now refused (SpecificationError)."""


class SpecificationError(ValueError):
    """A model specification that cannot be used, with what to change."""


#: Lower bounds (in months, 1-based) of the baseline pieces of elapsed duration.
DEFAULT_BASELINE_CUTS: tuple[int, ...] = (1, 2, 3, 4, 7, 10, 13, 19, 25, 37, 49, 73, 97, 121)

#: Client characteristics at inflow and their levels; the first level is the reference.
FEATURE_LEVELS: dict[str, tuple[str, ...]] = {
    "age_band": ("27-34", "18-26", "35-44", "45-54", "55+"),
    "household_type": ("alleenstaand", "alleenstaande_ouder", "paar"),
    "education": ("middelbaar", "laag", "hoog", "onbekend"),
    "dutch_language": ("ja", "nee", "onbekend"),
    "work_experience_band": ("3-9", "0", "1-2", "10+", "onbekend"),
    "health_restriction": ("nee", "ja", "onbekend"),
}

DEFAULT_FEATURES: tuple[str, ...] = tuple(FEATURE_LEVELS)

AGE_BAND_EDGES = (18, 27, 35, 45, 55)
AGE_BAND_LABELS = ("18-26", "27-34", "35-44", "45-54", "55+")
EXPERIENCE_EDGES = (0.0, 1.0, 3.0, 10.0)
EXPERIENCE_LABELS = ("0", "1-2", "3-9", "10+")


#: How the timing-of-events model treats entry into an instrument of the meter:
#: ``separate`` (the default) - first entries and re-entries after a first trajectory in the
#: spell, re-entries with a level of their own (term ``reentry``) and the same type: nests
#: the other two (a municipality that never re-assigns gives ``reentry`` a hazard of 0, one
#: that re-assigns as often a ``reentry`` of 0); ``first`` - only the first entry of a spell
#: (later trajectories are part of the history, not of the entry equation: right only when
#: re-assignment does not depend on the unobserved type); ``all`` - re-entries at the same
#: hazard as a first entry (right only when caseworkers really re-assign at that rate).
ENTRY_PROCESSES: tuple[str, ...] = ("first", "separate", "all")

#: The entry hazard of the timing-of-events model: ``meter`` (the default) - one hazard of
#: entering any instrument of the meter (right when the kind of trajectory, given entry,
#: does not depend on the unobserved type); ``instrument`` - one entry hazard per
#: instrument of the meter, each with its own baseline, client terms and type offset (the
#: kind of trajectory may depend on the type: the expensive ones for the slow leavers).
#: ``instrument`` multiplies the entry rows by the number of instruments: slower (about
#: 3-4 times the fit time) and more memory, so it is the analyst's choice, not the default.
ENTRY_HAZARDS: tuple[str, ...] = ("meter", "instrument")

#: Which return ranks (best instrument, lists, plan, advice): the months of the current spell
#: only ("spell", the contract's meaning of net_return_eur) or all months on benefit over the
#: horizon, returns to benefit included ("total", net_return_total_eur; rendement.reinflow).
RETURNS_BASES = ("spell", "total")


@dataclass(frozen=True)
class ModelSpec:
    """What the hazard model contains. Readable, serialisable, no data in it.

    ``extra_features`` name extra columns of the clients table; ``extra_levels``
    holds the levels of text extra columns (first = reference), filled in at fit
    time by :meth:`resolve`.
    """

    meter: str = "reintegratie"
    baseline_cuts: tuple[int, ...] = DEFAULT_BASELINE_CUTS
    features: tuple[str, ...] = DEFAULT_FEATURES
    extra_features: tuple[str, ...] = ()
    extra_levels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    effect_modifiers: tuple[str, ...] = ("education[laag]",)
    instruments: tuple[str, ...] = ()
    calendar: bool = False
    calendar_years: tuple[int, ...] = ()
    horizon: int = 60
    group_cutoffs: tuple[float, float] = (0.5, 0.5)
    entry_process: str = "separate"
    entry_hazard: str = "meter"
    censor_reasons: tuple[str, ...] = DEFAULT_CENSOR_REASONS
    outcome: str | None = None
    protected: tuple[str, ...] = ()
    returns_basis: str = "spell"  # which return ranks: "spell" (current spell) or "total"
    interactions: tuple[str, ...] = ()  # "X&Y": estimated by rendement mix (after x after)

    def __post_init__(self) -> None:
        _refuse_protected((*self.features, *self.extra_features), self.protected)
        _ = self.events  # validates censor_reasons and outcome
        unknown = [f for f in self.features if f not in FEATURE_LEVELS]
        if unknown:
            raise SpecificationError(
                f"unknown feature(s) {unknown}; known features are {list(FEATURE_LEVELS)}. "
                "Name extra columns of the clients table under extra_features instead."
            )
        cuts = tuple(int(c) for c in self.baseline_cuts)
        if not cuts or cuts[0] != 1 or any(b <= a for a, b in zip(cuts, cuts[1:], strict=False)):
            raise SpecificationError(
                f"baseline_cuts must start at 1 and increase strictly, got {list(self.baseline_cuts)}"
            )
        object.__setattr__(self, "baseline_cuts", cuts)
        if self.entry_process not in ENTRY_PROCESSES:
            raise SpecificationError(
                f"entry_process must be one of {list(ENTRY_PROCESSES)}, got {self.entry_process!r}"
            )
        if self.entry_hazard not in ENTRY_HAZARDS:
            raise SpecificationError(
                f"entry_hazard must be one of {list(ENTRY_HAZARDS)}, got {self.entry_hazard!r}"
            )
        if self.horizon < 1:
            raise SpecificationError(f"horizon must be at least 1 month, got {self.horizon}")
        if self.returns_basis not in RETURNS_BASES:
            raise SpecificationError(
                f"returns_basis must be one of {list(RETURNS_BASES)}, got {self.returns_basis!r}"
            )
        form = form_problems(self.interactions)
        if form:
            raise SpecificationError("; ".join(text for _, text in form))
        known_terms = set(self.client_terms())
        bad = [m for m in self.effect_modifiers if m not in known_terms]
        if bad:
            raise SpecificationError(
                f"effect modifier(s) {bad} are not client terms of this specification; "
                f"choose from {sorted(known_terms)}"
            )

    @property
    def events(self) -> EventDefinition:
        """Which end reasons are outflow (:mod:`rendement.panel.events`)."""
        return EventDefinition.of(self.censor_reasons, self.outcome)

    # ---- terms -------------------------------------------------------------
    def baseline_terms(self) -> list[str]:
        names = []
        cuts = self.baseline_cuts
        for i, lo in enumerate(cuts):
            if i + 1 < len(cuts):
                hi = cuts[i + 1] - 1
                names.append(f"baseline:{lo}" if hi == lo else f"baseline:{lo}-{hi}")
            else:
                names.append(f"baseline:{lo}+")
        return names

    def client_terms(self) -> list[str]:
        names = []
        for f in self.features:
            names += [f"{f}[{lvl}]" for lvl in FEATURE_LEVELS[f][1:]]
        for f in self.extra_features:
            levels = self.extra_levels.get(f)
            if levels:
                names += [f"extra:{f}[{lvl}]" for lvl in levels[1:]]
            else:
                names.append(f"extra:{f}")
        return names

    def instrument_terms(self, codes: Iterable[str] | None = None) -> list[str]:
        names = []
        for code in self.instruments if codes is None else codes:
            names += [f"in:{code}", f"after:{code}"]
            names += [f"after:{code}*{m}" for m in self.effect_modifiers]
        return names

    def calendar_terms(self) -> list[str]:
        if not self.calendar:
            return []
        return [f"calendar:{y}" for y in self.calendar_years[1:]]

    def terms(self) -> list[str]:
        """All terms in parameter order."""
        return (
            self.baseline_terms()
            + self.client_terms()
            + self.instrument_terms()
            + self.calendar_terms()
        )

    # ---- pieces --------------------------------------------------------------
    def baseline_piece(self, month: np.ndarray | Sequence[int] | int) -> np.ndarray:
        """Index (0-based) of the baseline piece of each elapsed spell month (1-based)."""
        m = np.maximum(np.asarray(month), 1)
        return np.searchsorted(np.asarray(self.baseline_cuts), m, side="right") - 1

    def calendar_index(self, years: np.ndarray) -> np.ndarray:
        """Index into calendar_years (years after the last one use the last year's effect)."""
        ys = np.asarray(self.calendar_years)
        idx = np.searchsorted(ys, np.asarray(years), side="right") - 1
        return np.clip(idx, 0, len(ys) - 1)

    # ---- (de)serialisation ---------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k, v in d.items():
            if isinstance(v, tuple):
                d[k] = list(v)
        d["extra_levels"] = {k: list(v) for k, v in self.extra_levels.items()}
        if not self.interactions:
            del d["interactions"]  # models without any read as before (older readers too)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelSpec:
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(d) - known
        if unknown:
            raise SpecificationError(
                f"unknown specification field(s) {sorted(unknown)}; known: {sorted(known)}"
            )
        kw: dict[str, Any] = {}
        for k, v in d.items():
            if k == "extra_levels":
                kw[k] = {str(a): tuple(str(x) for x in b) for a, b in (v or {}).items()}
            elif isinstance(v, list):
                kw[k] = tuple(v)
            else:
                kw[k] = v
        return cls(**kw)

    def with_instruments(self, codes: Iterable[str]) -> ModelSpec:
        return replace(self, instruments=tuple(codes))

    def resolve(
        self,
        clients: pd.DataFrame,
        *,
        instruments: Iterable[str] | None = None,
        calendar_years: Iterable[int] | None = None,
    ) -> ModelSpec:
        """Fill in data-dependent parts: levels of text extra columns, instruments, calendar years."""
        missing = [f for f in self.extra_features if f not in clients.columns]
        if missing:
            raise SpecificationError(
                f"extra feature column(s) {missing} are not in the clients table; "
                f"available columns: {list(clients.columns)}"
            )
        levels = dict(self.extra_levels)
        for f in self.extra_features:
            col = clients[f]
            if f in levels:
                continue
            if not pd.api.types.is_numeric_dtype(col):
                vals = col.dropna().astype(str)
                levels[f] = tuple(
                    vals.value_counts()
                    .sort_index()
                    .sort_values(ascending=False, kind="stable")
                    .index
                )
        kw: dict[str, Any] = {"extra_levels": levels}
        if instruments is not None:
            kw["instruments"] = tuple(instruments)
        if calendar_years is not None:
            kw["calendar_years"] = tuple(sorted(int(y) for y in calendar_years))
        return replace(self, **kw)


def _refuse_protected(features: Iterable[str], declared: Iterable[str]) -> None:
    found = [(f, protected_reason(f, declared)) for f in features]
    bad = [f"'{f}' ({why})" for f, why in found if why]
    if bad:
        raise SpecificationError(
            "protected attributes are never model features: "
            + ", ".join(bad)
            + ". Remove them from features/extra_features; they remain available for the "
            "fairness section of the report."
        )


# ---- encoding of clients -------------------------------------------------------


def age_band(age_years: np.ndarray) -> np.ndarray:
    """Age band label of completed years of age (below 18 counts as 18-26)."""
    idx = np.searchsorted(np.asarray(AGE_BAND_EDGES), np.asarray(age_years), side="right") - 1
    return np.asarray(AGE_BAND_LABELS, dtype=object)[np.clip(idx, 0, len(AGE_BAND_LABELS) - 1)]


def experience_band(years: np.ndarray) -> np.ndarray:
    """Work experience band; NaN gives ``onbekend``."""
    y = np.asarray(years, dtype=float)
    idx = np.searchsorted(np.asarray(EXPERIENCE_EDGES), np.nan_to_num(y, nan=0.0), side="right") - 1
    out = np.asarray(EXPERIENCE_LABELS, dtype=object)[np.clip(idx, 0, len(EXPERIENCE_LABELS) - 1)]
    out[np.isnan(y)] = "onbekend"
    return out


def _bool_level(col: pd.Series, true: str, false: str) -> np.ndarray:
    """``true``/``false``/``onbekend`` per value of a yes/no column (missing: ``onbekend``)."""
    if col.dtype == bool:
        values, missing = col.to_numpy(dtype=bool), np.zeros(len(col), dtype=bool)
    else:
        b = col.astype("boolean")
        values = b.fillna(False).to_numpy(dtype=bool)
        missing = b.isna().to_numpy()
    out = np.where(values, true, false).astype(object)
    out[missing] = "onbekend"
    return out


def _level_arrays(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The levels of every feature in :data:`FEATURE_LEVELS`, one object array each."""
    n = len(frame)
    unknown = np.full(n, "onbekend", dtype=object)
    age = months_between_arrays(frame["birth_date"], frame["inflow_date"]) // 12
    return {
        "age_band": age_band(age),
        "household_type": frame["household_type"].to_numpy(dtype=object),
        "education": frame["education"].to_numpy(dtype=object),
        "dutch_language": (
            _bool_level(frame["dutch_language"], "ja", "nee")
            if "dutch_language" in frame
            else unknown
        ),
        "work_experience_band": (
            experience_band(frame["work_experience_years"].to_numpy(dtype=float))
            if "work_experience_years" in frame
            else unknown
        ),
        "health_restriction": (
            _bool_level(frame["health_restriction"], "ja", "nee")
            if "health_restriction" in frame
            else unknown
        ),
    }


def client_levels(frame: pd.DataFrame) -> pd.DataFrame:
    """Client characteristics at inflow as feature levels.

    ``frame`` has one row per spell (or per client scored) with the clients-table
    columns and ``inflow_date`` (the spell's start date). Age is the age at inflow,
    not today.
    """
    return pd.DataFrame(_level_arrays(frame), index=frame.index)


def client_design(spec: ModelSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """The client terms of ``spec`` (0/1 or numeric columns) for each row of ``frame``.

    Columns are exactly ``spec.client_terms()`` in that order. A level that the
    specification does not know gives all zeros (the reference) for that feature.
    """
    levels = _level_arrays(frame)
    terms = spec.client_terms()
    design = np.zeros((len(frame), len(terms)), dtype=np.float64)
    k = 0
    for f in spec.features:
        v = levels[f]
        for lvl in FEATURE_LEVELS[f][1:]:
            design[:, k] = v == lvl
            k += 1
    for f in spec.extra_features:
        if f not in frame.columns:
            raise SpecificationError(
                f"the model uses extra column '{f}', which is not in the clients data"
            )
        lv = spec.extra_levels.get(f)
        if lv:
            v = frame[f].astype("string").fillna("").to_numpy(dtype=object)
            for lvl in lv[1:]:
                design[:, k] = v == lvl
                k += 1
        else:
            design[:, k] = pd.to_numeric(frame[f], errors="coerce").fillna(0.0).to_numpy(float)
            k += 1
    return pd.DataFrame(design, index=frame.index, columns=terms)


def modifier_values(spec: ModelSpec, design: pd.DataFrame) -> np.ndarray:
    """``(n, n_modifiers)`` array of the effect-modifier columns of a client design."""
    if not spec.effect_modifiers:
        return np.zeros((len(design), 0))
    return design[list(spec.effect_modifiers)].to_numpy(dtype=np.float64)
