"""Interaction terms of two instruments named in a specification (``interactions: [X&Y]``).

A combination of instruments of several meters (:mod:`rendement.mix`) adds their
effects on the log-hazard scale unless the specification names an interaction
``X&Y``: then ``rendement mix`` estimates the term ``after:X&after:Y`` (1 in the
months after both) beside the main effects and computes the combinations with it
(:mod:`rendement.mix.additivity`). Only the after x after interaction exists.

Two checks: :func:`form_problems` needs only the text (two different codes joined
with ``&``, no pair twice); :func:`catalogue_problems` needs the instrument
catalogue of the data (both codes known, of different meters: a combination
holds at most one instrument per meter, so a pair within one meter never occurs).
Both return ``(position in the list, message)`` so that the specification file
can put each problem on its line.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

#: Separator of the two codes of an interaction.
PAIR_JOIN = "&"


def split_pair(name: str) -> tuple[str, ...]:
    """The codes of ``"X&Y"`` (stripped); any other number of parts is returned as found."""
    return tuple(p.strip() for p in str(name).split(PAIR_JOIN))


def form_problems(pairs: Sequence[str]) -> list[tuple[int, str]]:
    """Problems of the pairs' form: two different non-empty codes, each pair once."""
    out: list[tuple[int, str]] = []
    seen: dict[frozenset[str], str] = {}
    for k, name in enumerate(pairs):
        parts = split_pair(name)
        if len(parts) != 2 or not all(parts):
            out.append(
                (
                    k,
                    f"interactions: '{name}' is not two instrument codes joined with '&' "
                    "(such as jobhunt&werkdirect)",
                )
            )
            continue
        if parts[0] == parts[1]:
            out.append((k, f"interactions: '{name}' names the same instrument twice"))
            continue
        key = frozenset(parts)
        if key in seen:
            out.append(
                (k, f"interactions: '{name}' is the same pair as '{seen[key]}' (given twice)")
            )
            continue
        seen[key] = str(name)
    return out


def catalogue_problems(pairs: Sequence[str], catalogue: pd.DataFrame) -> list[tuple[int, str]]:
    """Problems against the instrument catalogue (``instrument``, ``meter``): unknown codes,
    and pairs within one meter (a combination holds at most one instrument per meter)."""
    meter_of = dict(
        zip(catalogue["instrument"].astype(str), catalogue["meter"].astype(str), strict=True)
    )
    known = ", ".join(sorted(meter_of))
    out: list[tuple[int, str]] = []
    for k, name in enumerate(pairs):
        parts = split_pair(name)
        if len(parts) != 2:
            continue  # a form problem, reported by form_problems
        unknown = [p for p in parts if p not in meter_of]
        if unknown:
            out.append(
                (
                    k,
                    f"interactions: '{name}': unknown instrument(s) {', '.join(unknown)}; "
                    f"the instrument catalogue knows {known}",
                )
            )
        elif meter_of[parts[0]] == meter_of[parts[1]]:
            out.append(
                (
                    k,
                    f"interactions: '{name}': both are instruments of meter "
                    f"{meter_of[parts[0]]}; a combination holds at most one instrument per meter, "
                    "so only pairs of different meters can interact",
                )
            )
    return out
