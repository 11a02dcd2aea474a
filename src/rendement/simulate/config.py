"""What to simulate: one frozen settings object for the Droomstad simulator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import pandas as pd

from rendement.errors import RendementError

Selection = Literal["observed", "unobserved", "creaming", "hardest_first"]
Reentry = Literal["same", "rarer", "never"]
Types = Literal["three", "two", "lognormal", "gamma"]
EntryTiming = Literal["common", "by_instrument"]

SELECTIONS = ("observed", "unobserved", "creaming", "hardest_first")
REENTRIES = ("same", "rarer", "never")
TYPES = ("three", "two", "lognormal", "gamma")
ENTRY_TIMINGS = ("common", "by_instrument")


class SimulationConfigError(RendementError):
    """A simulation setting that cannot be used, with what to change."""

    code = "invalid_simulation_config"


@dataclass(frozen=True, kw_only=True)
class SimulationConfig:
    """Settings of one simulated municipality (Droomstad) and its history.

    * ``clients`` - number of clients in the export (every one has at least one
      benefit spell starting on or before ``as_of``);
    * ``seed`` - the random seed: the same configuration gives identical tables;
    * ``as_of`` - the extraction date (*peildatum*) of the export;
    * ``heterogeneity`` - unobserved heterogeneity of the outflow hazard (three
      mass points); ``False`` gives one mass point at 0, so the model without
      frailty is exactly right;
    * ``selection`` - ``"observed"``: entry into re-integration trajectories depends
      on observed characteristics and elapsed duration only; ``"unobserved"`` (or
      its synonym ``"creaming"``): also on the same unobserved type as outflow,
      clients with better prospects enter more often (the timing-of-events case);
      ``"hardest_first"``: the same, but clients with worse prospects enter more often;
    * ``reentry`` - after a trajectory in the same spell, a client is at risk of
      another one ``"same"`` as before a first one, ``"rarer"`` (entry hazard times
      about 0.2) or ``"never"`` (at most one trajectory per spell);
    * ``types`` - the distribution of the unobserved term: ``"three"`` mass points,
      ``"two"``, or continuous ``"lognormal"`` (normal location) / ``"gamma"`` frailty;
    * ``entry_timing`` - ``"common"``: the trajectory chosen at entry depends a little
      on elapsed duration; ``"by_instrument"``: strongly (some instruments early in
      the spell, others late);
    * ``district_effects`` - local labour markets: the outflow hazard (and how many
      trajectories are given) differ by district, which the default specification
      does not name (an omitted, persistent characteristic);
    * ``calendar_shock`` - a recession: outflow 40% lower during two years, five to
      seven years before ``as_of`` (no calendar terms in the default specification);
    * ``smooth_baseline`` - the true baseline changes every month (smooth in log
      duration) instead of being constant on the specification's pieces;
    * ``choice_on_type`` - the expensive trajectories (werkstage,
      loonkostensubsidie) go more often to the slow types (instrument choice on
      unobservables; needs ``selection`` other than ``"observed"``);
    * ``types_per_client`` - the unobserved term belongs to the client and is kept
      in every later spell (spell-level when False: a new draw at every inflow); the
      truth then weighs the types with the client's earlier spells too;
    * ``years`` - length of the history: first inflows are spread over the
      ``years`` years before ``as_of``. Long-term clients stay for many years, so
      the caseload needs about 20 years to come near its steady state (with 15 it
      still grows by about 4% a year; with 20 by about 2-3%);
    * ``baseline_shift`` - added to every baseline piece of the true outflow model
      (for two "years" of data with a known shift);
    * ``parameter_overrides`` - true outflow parameters to replace, by term name
      (e.g. ``{"after:werkstage": 0.2}``);
    * ``return_effects`` - durability of each instrument's outflow, by instrument code:
      the log hazard ratio (cloglog) of the monthly return chance after a spell that
      ended during or after the instrument (e.g. ``{"werkdirect": 0.7}``: short jobs,
      about twice as many returns); none by default;
    * ``interactions`` - extra log-hazard terms in the months after *both* instruments
      of a pair, by ``"X&Y"`` (e.g. ``{"jobhunt&werkdirect": -0.5}``): a world where the
      effects of two instruments do not add up (:mod:`rendement.mix.additivity`);
    * ``instruments`` - ``False`` switches every instrument off (no trajectories,
      no Werk Direct, no home visits): pure outflow, for checks of the survival curve.
    """

    clients: int = 5000
    seed: int = 2026
    as_of: str | dt.date = "2026-01-01"
    heterogeneity: bool = True
    selection: Selection = "observed"
    years: int = 20
    baseline_shift: float = 0.0
    parameter_overrides: Mapping[str, float] = field(default_factory=dict)
    interactions: Mapping[str, float] = field(default_factory=dict)
    instruments: bool = True
    return_effects: Mapping[str, float] = field(default_factory=dict)
    reentry: Reentry = "same"
    types: Types = "three"
    entry_timing: EntryTiming = "common"
    district_effects: bool = False
    calendar_shock: bool = False
    smooth_baseline: bool = False
    choice_on_type: bool = False
    types_per_client: bool = False

    def __post_init__(self) -> None:
        try:
            as_of = pd.Timestamp(self.as_of).date()
        except (ValueError, TypeError) as exc:
            raise SimulationConfigError(
                f"as_of must be a date YYYY-MM-DD, got {self.as_of!r}"
            ) from exc
        object.__setattr__(self, "as_of", as_of)
        if int(self.clients) < 1:
            raise SimulationConfigError(f"clients must be at least 1, got {self.clients}")
        if not 1 <= int(self.years) <= 40:
            raise SimulationConfigError(f"years must be between 1 and 40, got {self.years}")
        for name, allowed in (
            ("selection", SELECTIONS),
            ("reentry", REENTRIES),
            ("types", TYPES),
            ("entry_timing", ENTRY_TIMINGS),
        ):
            if getattr(self, name) not in allowed:
                raise SimulationConfigError(
                    f"{name} must be one of {', '.join(allowed)}; got {getattr(self, name)!r}"
                )
        overrides = tuple(
            sorted((str(k), float(v)) for k, v in dict(self.parameter_overrides).items())
        )
        object.__setattr__(self, "parameter_overrides", _FrozenMapping(overrides))
        effects = tuple(sorted((str(k), float(v)) for k, v in dict(self.return_effects).items()))
        object.__setattr__(self, "return_effects", _FrozenMapping(effects))
        pairs = tuple(sorted((str(k), float(v)) for k, v in dict(self.interactions).items()))
        bad = [k for k, _ in pairs if k.count("&") != 1 or "" in k.split("&")]
        if bad:
            raise SimulationConfigError(
                f"interactions are named 'X&Y' (two instrument codes), got {', '.join(bad)}"
            )
        object.__setattr__(self, "interactions", _FrozenMapping(pairs))

    @property
    def selection_on_type(self) -> float:
        """+1 creaming, -1 hardest first, 0 selection on observed characteristics only."""
        return {"observed": 0.0, "hardest_first": -1.0}.get(self.selection, 1.0)

    @property
    def as_of_date(self) -> dt.date:
        """The extraction date as a date."""
        value = self.as_of
        assert isinstance(value, dt.date)
        return value

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["as_of"] = self.as_of_date.isoformat()
        d["parameter_overrides"] = dict(self.parameter_overrides)
        d["return_effects"] = dict(self.return_effects)
        d["interactions"] = dict(self.interactions)
        return d


class _FrozenMapping(Mapping[str, float]):
    """A hashable, read-only mapping (so the frozen config stays hashable)."""

    def __init__(self, items: tuple[tuple[str, float], ...]):
        self._items = items
        self._dict = dict(items)

    def __getitem__(self, key: str) -> float:
        return self._dict[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict)

    def __len__(self) -> int:
        return len(self._dict)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(other) == self._dict

    def __repr__(self) -> str:
        return repr(self._dict)
