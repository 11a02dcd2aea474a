"""The returns of combinations for the caseload of a data folder, with the clients' history.

:func:`score_mix_caseload` is to :func:`rendement.mix.score.score_mix` what
:func:`rendement.scoring.caseload.score_caseload` is to ``score_clients``: it
takes the caseload at the as-of date and, for a timing-of-events model (mass
points), the clients' history in the current spell up to that date, so that
every combination is scored with each client's **posterior type weights** (who
is still on benefit after ``d`` months, and whether and when a trajectory
started), not with the shares at inflow. ``rendement mix`` and ``make demo``
score the mix through it.

With unobserved heterogeneity and caseworkers selecting on it, the default
model's effects are biased (after-effects too small for those who stay long)
and so is the plan over combinations; a timing-of-events model
(``rendement fit --heterogeneity npmle``) removes most of it (README, *The
optimal mix*; ``tests/test_mix_truth.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.mix.score import MixScore, score_mix
from rendement.model.hazard_model import HazardModel


def has_mass_points(model: HazardModel) -> bool:
    """Does the model carry more than one type (a timing-of-events model that found them)?"""
    het = model.heterogeneity
    return het is not None and len(het.locations) > 1


def score_mix_caseload(
    data: DataFolder,
    model: HazardModel,
    as_of: dt.date | pd.Timestamp,
    meters: list[str],
    *,
    interval: float | None = None,
    interactions: Mapping[str, float] | None = None,
    max_size: int | None = None,
) -> MixScore:
    """Returns of every combination of ``meters``' instruments for the clients on benefit at
    ``as_of`` (``returns_mix.csv``), with posterior type weights for a model with mass points."""
    from rendement.panel import build_panel, caseload_state

    when = pd.Timestamp(as_of)
    frame = caseload_state(data, when)
    history = None
    if has_mass_points(model):
        codes = list(model.spec.instruments) or None
        history = build_panel(data, until=when.date(), instruments=codes)
    return score_mix(
        model,
        frame,
        meters,
        history=history,
        interval=interval,
        as_of=when,
        interactions=interactions,
        max_size=max_size,
    )
