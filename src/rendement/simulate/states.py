"""Instrument states along a client's future months (the paths of ``docs/architecture.md``).

A path is the client's state in spell month ``m``: the after-states already
reached (kept for the rest of the spell) plus one instrument ``code`` that is in
its lock-in for months ``in_first .. in_last`` and an after-state from
``in_last + 1`` on. Flags of several trajectories combine with "or".

* without an instrument: the running instrument (if any) to its planned end, then after;
* with instrument X at ``d`` months: waiting ``W`` months, in X for ``D`` months, then after X.

The simulator's forward runs and the ground truth both take their states from
:func:`state_in_month`, and their linear predictor from
:func:`rendement.simulate.terms.month_eta`, so they agree by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CaseloadState:
    """Spells on benefit at the extraction date, in the state of spell month ``d + 1``.

    ``loglik[:, k]``: log-likelihood of the observed history of the spell (survival in
    months ``1..d`` under its actual states, and the entry decisions in months
    ``1..d + 1``) if its type were ``k``. ``running``/``planned_end``: the instrument in
    its lock-in in month ``d + 1`` (-1: none) and its planned last spell month. With a
    continuous unobserved term, ``type`` is the nearest point of the integration grid
    and ``loglik`` is evaluated on that grid.
    """

    spell: np.ndarray
    client: np.ndarray
    months: np.ndarray
    type: np.ndarray
    client_eta: np.ndarray
    lock_in: np.ndarray
    after_effects: np.ndarray
    after: np.ndarray
    running: np.ndarray
    planned_end: np.ndarray
    loglik: np.ndarray
    location: np.ndarray  # the spell's true outflow location (its type's, or a continuous draw)


def state_in_month(
    after: np.ndarray,
    code: np.ndarray,
    in_first: np.ndarray,
    in_last: np.ndarray,
    month: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """``(running, after_flags)`` in spell ``month`` (arrays per client; ``code`` -1 = none)."""
    has = code >= 0
    running = np.where(has & (in_first <= month) & (month <= in_last), code, -1)
    flags = after.copy()
    over = np.flatnonzero(has & (month > in_last))
    flags[over, code[over]] = True
    return running, flags
