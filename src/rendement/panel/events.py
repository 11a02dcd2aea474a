"""Which end of a spell is outflow (the event) and which censors it (*uitstroom of censurering*).

A spell that ends does not always leave benefit *because* the client found a
way off it: reaching the state pension age (``aow``) or death (``overleden``)
end the benefit without saying anything about the chance of outflow. The
model specification (:attr:`rendement.spec.ModelSpec.censor_reasons` and
:attr:`~rendement.spec.ModelSpec.outcome`) says:

* ``censor_reasons``: end reasons that censor the spell at its own end date
  (default ``aow`` and ``overleden``);
* ``outcome``: ``None`` (every other end is outflow) or one end reason such as
  ``werk`` (outflow to that destination only: every other end censors).

A censored end is treated like a cut-off at the end date ``E``: the spell
survived ``d = months_between(S, E)`` whole months and contributes person-months
``1..d`` without outflow (``docs/architecture.md``, "Time"). An ended spell
without an end reason counts as outflow unless an ``outcome`` is named.

Both estimators (the proportional hazards model and the timing-of-events
model) read the event from the person-month panel's ``outflow`` column, which
:func:`rendement.panel.build_panel` fills from :func:`spell_events`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from rendement.contract.schema import END_REASONS

#: End reasons that censor a spell unless the specification says otherwise.
DEFAULT_CENSOR_REASONS: tuple[str, ...] = ("aow", "overleden")


class EventDefinitionError(ValueError):
    """An event definition naming end reasons the contract does not know."""


@dataclass(frozen=True)
class EventDefinition:
    """Outflow or censoring per end reason (see the module docstring)."""

    censor_reasons: tuple[str, ...] = DEFAULT_CENSOR_REASONS
    outcome: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "censor_reasons", tuple(str(r) for r in self.censor_reasons))
        unknown = [r for r in self.censor_reasons if r not in END_REASONS]
        if self.outcome is not None and self.outcome not in END_REASONS:
            unknown.append(self.outcome)
        if unknown:
            raise EventDefinitionError(
                f"unknown end reason(s) {unknown}; the data contract knows {list(END_REASONS)}"
            )
        if self.outcome is not None and self.outcome in self.censor_reasons:
            raise EventDefinitionError(
                f"outcome {self.outcome!r} is also listed as censoring; drop it from censor_reasons"
            )

    @classmethod
    def of(cls, censor_reasons: Iterable[str] | None, outcome: str | None) -> EventDefinition:
        reasons = DEFAULT_CENSOR_REASONS if censor_reasons is None else tuple(censor_reasons)
        return cls(reasons, outcome or None)

    def outflow_reasons(self) -> tuple[str, ...]:
        """End reasons that count as outflow."""
        if self.outcome is not None:
            return (self.outcome,)
        return tuple(r for r in END_REASONS if r not in self.censor_reasons)

    def is_event(self, end_reason: np.ndarray, ended: np.ndarray) -> np.ndarray:
        """Per spell: ended, and its end reason counts as outflow (bool array)."""
        reason = np.asarray(end_reason, dtype=object)
        ended = np.asarray(ended, dtype=bool)
        if self.outcome is not None:
            return ended & (reason == self.outcome)
        censoring = np.isin(reason.astype(str), list(self.censor_reasons))
        return ended & ~censoring


@dataclass(frozen=True)
class SpellEvents:
    """Per spell (positional): outflow event, censored at its own end, and months at risk."""

    event: np.ndarray  # bool
    censored_at_end: np.ndarray  # bool: ended with a reason that censors
    duration: np.ndarray  # int64: months in the panel


def spell_events(
    definition: EventDefinition,
    end_reason: np.ndarray,
    ended: np.ndarray,
    duration: np.ndarray,
    months_to_end: np.ndarray,
) -> SpellEvents:
    """The event and the months at risk of each spell.

    ``ended``: the spell ended on or before the cut-off; ``duration``: the
    months of the spell as an outflow (``T = max(1, months_between(S, E))``) or
    the months survived at the cut-off; ``months_to_end``: ``months_between(S, E)``
    (used for spells censored at their own end date).
    """
    ended = np.asarray(ended, dtype=bool)
    event = definition.is_event(end_reason, ended)
    at_end = ended & ~event
    months = np.where(at_end, np.maximum(np.asarray(months_to_end), 0), duration)
    return SpellEvents(event=event, censored_at_end=at_end, duration=months.astype(np.int64))
