"""Who is at risk of entering an instrument, and when they enter (hand-built histories).

The entry equation of the timing-of-events model reads the instrument states
of the person-month panel: a month is at risk unless the client is in an
instrument (other than one of the meter starting that month); a start is the
month an ``in`` flag turns on, a new episode right after another of the same
instrument, or the after-state of a one-off action.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rendement.hazard.toe.design import entry_risk, episode_starts
from rendement.hazard.toe.rows import collapse_runs, group_rows

CODES = ["A", "B", "W", "H"]  # A, B, H: instruments of the meter; W: another meter's instrument
METER = np.array([True, True, False, True])


def _flags(
    n: int, spans: dict[str, tuple[int, int]], after: dict[str, int]
) -> tuple[np.ndarray, np.ndarray]:
    """(in, after) flags for months 1..n: ``spans`` code -> (first, last) month inside,
    ``after`` code -> first month after."""
    fin = np.zeros((n, len(CODES)), dtype=np.int8)
    fafter = np.zeros((n, len(CODES)), dtype=np.int8)
    for code, (lo, hi) in spans.items():
        fin[lo - 1 : hi, CODES.index(code)] = 1
    for code, first in after.items():
        fafter[first - 1 :, CODES.index(code)] = 1
    return fin, fafter


def _risk(fin, fafter, *, one_off_only=False, restart=None, spell=None, process="all"):
    n = len(fin)
    month = np.arange(1, n + 1)
    spell = np.zeros(n, dtype=np.int64) if spell is None else spell
    at_risk, event, _ = entry_risk(spell, month, fin, fafter, METER, one_off_only, restart, process)
    return [int(m) for m in month[at_risk]], [int(m) for m in month[event]]


def test_at_risk_until_the_start_and_again_after_the_end() -> None:
    fin, fafter = _flags(8, {"A": (3, 5)}, {"A": 6})
    at_risk, events = _risk(fin, fafter)
    assert events == [3]
    assert at_risk == [1, 2, 3, 6, 7, 8]


def test_first_entry_only_ends_the_risk_at_the_first_start() -> None:
    """The default: months after a first trajectory are not at risk of a new entry (a
    municipality that gives one trajectory per spell would otherwise pull the types'
    entry hazards together)."""
    fin, fafter = _flags(12, {"A": (3, 5), "B": (8, 9)}, {"A": 6, "B": 10})
    assert _risk(fin, fafter, process="first") == ([1, 2, 3], [3])
    assert _risk(fin, fafter, process="all") == ([1, 2, 3, 6, 7, 8, 10, 11, 12], [3, 8])


def test_reentries_are_marked_for_their_own_level() -> None:
    fin, fafter = _flags(12, {"A": (3, 5), "B": (8, 9)}, {"A": 6, "B": 10})
    month = np.arange(1, 13)
    spell = np.zeros(12, dtype=np.int64)
    at_risk, event, reentry = entry_risk(spell, month, fin, fafter, METER, False, None, "separate")
    assert [int(m) for m in month[at_risk & reentry]] == [6, 7, 8, 10, 11, 12]
    assert [int(m) for m in month[event & reentry]] == [8]


def test_another_meters_instrument_takes_the_client_out_of_the_risk_set() -> None:
    fin, fafter = _flags(5, {"W": (1, 2)}, {"W": 3})
    at_risk, events = _risk(fin, fafter)
    assert events == []
    assert at_risk == [3, 4, 5]


def test_a_trajectory_right_after_one_of_the_same_instrument_is_a_new_start() -> None:
    fin, fafter = _flags(8, {"A": (2, 5)}, {"A": 6})  # two episodes: months 2-3 and 4-5
    restart = np.zeros_like(fin, dtype=bool)
    restart[[1, 3], CODES.index("A")] = True
    at_risk, events = _risk(fin, fafter, restart=restart)
    assert events == [2, 4]
    assert at_risk == [1, 2, 4, 6, 7, 8]
    # without the panel's episode information the second start cannot be seen
    assert _risk(fin, fafter)[1] == [2]


def test_one_off_actions_start_with_their_after_state() -> None:
    fin, fafter = _flags(6, {}, {"H": 4})
    at_risk, events = _risk(fin, fafter)
    assert events == [4]
    assert at_risk == [1, 2, 3, 4, 5, 6]
    # a meter of one-off actions only: at risk up to the first one
    at_risk, events = _risk(fin, fafter, one_off_only=True)
    assert events == [4] and at_risk == [1, 2, 3, 4]


def test_states_do_not_carry_over_to_the_next_spell() -> None:
    fin1, fafter1 = _flags(4, {"A": (2, 4)}, {})
    fin2, fafter2 = _flags(3, {"A": (1, 3)}, {})
    fin = np.vstack([fin1, fin2])
    fafter = np.vstack([fafter1, fafter2])
    spell = np.r_[np.zeros(4, dtype=np.int64), np.ones(3, dtype=np.int64)]
    month = np.r_[np.arange(1, 5), np.arange(1, 4)]
    at_risk, event, _ = entry_risk(spell, month, fin, fafter, METER, False, None, "all")
    assert list(np.flatnonzero(event)) == [1, 4]  # month 2 of spell 1, month 1 of spell 2
    assert list(np.flatnonzero(at_risk)) == [0, 1, 4]


def test_episode_starts_from_the_panel_columns() -> None:
    months = pd.DataFrame(
        {
            "current_instrument": pd.Categorical(["", "A", "A", "A", "B"]),
            "months_in_instrument": [0, 1, 2, 1, 1],
        }
    )
    starts = episode_starts(months, ["A", "B"])
    assert starts is not None
    assert starts[:, 0].tolist() == [False, True, False, True, False]
    assert starts[:, 1].tolist() == [False, False, False, False, True]
    assert episode_starts(months.drop(columns="months_in_instrument"), ["A"]) is None


def test_collapse_within_spells_keeps_events_and_months() -> None:
    spell = np.array([0, 0, 0, 0, 1, 1, 1])
    keys = np.array([[1, 0], [1, 0], [2, 0], [2, 1], [1, 0], [1, 0], [1, 0]])
    event = np.array([0, 0, 0, 1, 0, 0, 1])
    group = collapse_runs(spell, keys)
    assert group.tolist() == [0, 0, 1, 2, 3, 3, 3]
    first, events, stays = group_rows(group, event)
    assert first.tolist() == [0, 2, 3, 4]
    assert events.tolist() == [0, 0, 1, 1]
    assert stays.tolist() == [2, 1, 0, 2]
