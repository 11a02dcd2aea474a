"""Combinations of instruments across meters (*de optimale mix*): which, and in what order.

A combination holds at most one instrument of each meter (say a home visit,
Werk Direct at the door and a trajectory). Its members are scheduled as a
caseworker would: in order of their waiting time (then the catalogue's order),
an instrument with months inside (``duration_months > 0``) starts after its
own waiting time and not before the planned end of the previous member with
months inside, so two trajectories never run at once; a one-off action (a home
visit, duration 0) happens at its own waiting time.

Combinations are evaluated with the one outflow model's own terms of every
member (``in:X`` during its months, ``after:X`` from its planned end on):
their effects **add on the log-hazard scale** (:mod:`rendement.mix.score`);
whether the data support that is checked by :mod:`rendement.mix.additivity`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from rendement.model.hazard_model import HazardModel
from rendement.scoring.states import Scenario, scenarios

#: Separator of the codes of a combination (``huisbezoek+jobhunt``).
JOIN = "+"


@dataclass(frozen=True)
class Combination:
    """Members in schedule order, each a :class:`Scenario` with its scheduled start."""

    members: tuple[Scenario, ...]
    meters: tuple[str, ...]

    @property
    def code(self) -> str:
        """The codes joined with ``+`` in catalogue order (stable, for machines)."""
        return JOIN.join(sorted(s.code for s in self.members))

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.members)

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def last_end(self) -> int:
        """Months from now to the latest planned end of a member."""
        return max(s.planned_end for s in self.members)


def scorable_by_meter(model: HazardModel, meters: list[str]) -> dict[str, list[str]]:
    """Per meter, its instruments whose effects the model estimated (or declared)."""
    from dataclasses import replace

    out: dict[str, list[str]] = {}
    for meter in meters:
        view = replace(model, spec=replace(model.spec, meter=meter))
        out[meter] = view.scorable_instruments()
    return out


def schedule(members: list[Scenario], order: dict[str, int]) -> tuple[Scenario, ...]:
    """Members with their starts (see the module docstring), in schedule order."""
    ranked = sorted(members, key=lambda s: (s.waiting_months, order.get(s.code, 0)))
    out = []
    free_from = 0  # the first month no member with months inside occupies
    for s in ranked:
        start = s.waiting_months
        if s.duration_months > 0:
            start = max(start, free_from)
            free_from = start + s.duration_months
        out.append(Scenario(s.code, s.column, start, s.duration_months))
    return tuple(out)


def combinations(
    model: HazardModel, meters: list[str], *, max_size: int | None = None
) -> list[Combination]:
    """Every combination of at most one scorable instrument per meter (singles first).

    ``max_size`` limits the number of members (1 = single instruments only).
    """
    by_meter = scorable_by_meter(model, meters)
    codes = [c for m in meters for c in by_meter[m]]
    base = {s.code: s for s in scenarios(model, codes)}
    catalogue = model.instruments["instrument"].astype(str).tolist()
    order = {c: k for k, c in enumerate(catalogue)}
    choices = [[None, *by_meter[m]] for m in meters]
    out: list[Combination] = []
    for pick in itertools.product(*choices):
        chosen = [(m, c) for m, c in zip(meters, pick, strict=True) if c is not None]
        if not chosen or (max_size is not None and len(chosen) > max_size):
            continue
        members = schedule([base[c] for _, c in chosen], order)
        out.append(Combination(members, tuple(m for m, _ in chosen)))
    out.sort(key=lambda c: (c.size, sorted(order.get(x, 0) for x in c.codes)))
    return out
