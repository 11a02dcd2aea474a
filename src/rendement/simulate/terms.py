"""The true linear predictors: what the true model says about a spell in a given month.

The simulator, its ground truth and the forward runs all evaluate the outflow
hazard through :func:`month_eta`, which uses the methods of
:class:`rendement.model.hazard_model.HazardModel` (``baseline_eta``, ``client_eta``,
``lock_in_effects``, ``after_effects``) and the link of :mod:`rendement.scoring.survival`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rendement.model.spec import AGE_BAND_EDGES
from rendement.scoring.survival import hazard_from_eta
from rendement.simulate.calendar import to_dates
from rendement.simulate.parameters import TrueProcess


@dataclass(frozen=True)
class SpellTerms:
    """What the true model says about spells at inflow (one row per spell).

    ``client_eta`` (outflow client terms), ``after_effects`` ``(n, J)`` and
    ``lock_in`` ``(n, J)`` per instrument of the catalogue (from the model's own
    methods), ``entry_eta`` (client terms of the entry hazard), ``choice`` ``(n, R)``
    logit scores of the re-integration trajectories without the duration part,
    ``werk_direct`` (chance at inflow) and ``home_visit`` (monthly chance).
    """

    client_eta: np.ndarray
    after_effects: np.ndarray
    lock_in: np.ndarray
    entry_eta: np.ndarray
    choice: np.ndarray
    werk_direct: np.ndarray
    home_visit: np.ndarray


def spell_terms(process: TrueProcess, frame: pd.DataFrame) -> SpellTerms:
    """Evaluate the true model for spells (clients-table columns plus ``inflow_date``)."""
    model = process.model
    codes = list(process.codes)
    design = model.client_design(frame)
    with_constant = design.assign(constant=1.0)

    def linear(coefs: pd.Series) -> np.ndarray:
        cols = [c for c in coefs.index if c in with_constant.columns]
        return with_constant[cols].to_numpy() @ coefs[cols].to_numpy()

    entry_client = process.entry_params.reindex(design.columns).fillna(0.0)
    choice_static = process.choice[[c for c in process.choice.columns if c in with_constant]]
    client_eta = model.client_eta(frame)
    entry_eta = design.to_numpy() @ entry_client.to_numpy()
    if process.district_outflow is not None and process.district_entry is not None:
        district = frame["district"].astype(object)
        client_eta = client_eta + district.map(process.district_outflow).fillna(0.0).to_numpy()
        entry_eta = entry_eta + district.map(process.district_entry).fillna(0.0).to_numpy()
    return SpellTerms(
        client_eta=client_eta,
        after_effects=model.after_effects(design, codes),
        lock_in=model.lock_in_effects(design, codes),
        entry_eta=entry_eta,
        choice=with_constant[list(choice_static.columns)].to_numpy() @ choice_static.to_numpy().T,
        werk_direct=1.0 / (1.0 + np.exp(-linear(process.werk_direct))),
        home_visit=np.exp(linear(process.home_visit)),
    )


class BandTerms:
    """The true model's spell terms of every client, for each age band at inflow.

    Client terms depend on the inflow date only through the age band at inflow
    (:func:`rendement.model.spec.client_levels`), so they are evaluated once per band
    for all clients (with the model's own methods) instead of once per month.
    """

    def __init__(self, process: TrueProcess, clients: pd.DataFrame):
        birth = pd.DatetimeIndex(clients["birth_date"])
        self.birth_month = birth.year.to_numpy() * 12 + birth.month.to_numpy() - 1
        self.birth_day = birth.day.to_numpy()
        self.bands: list[SpellTerms] = []
        for edge in AGE_BAND_EDGES:
            # Inflow exactly ``edge`` years after birth: age at inflow ``edge``.
            inflow = to_dates(self.birth_month + 12 * edge, self.birth_day)
            self.bands.append(spell_terms(process, clients.assign(inflow_date=inflow)))

    def band(self, who: np.ndarray, month: int | np.ndarray, day: np.ndarray) -> np.ndarray:
        """Index of the age band at an inflow in calendar ``month`` on ``day``."""
        months = np.asarray(month) - self.birth_month[who] - (day < self.birth_day[who])
        edges = np.asarray(AGE_BAND_EDGES)
        return np.clip(np.searchsorted(edges, months // 12, side="right") - 1, 0, len(edges) - 1)

    def at_inflow(self, who: np.ndarray, month: int | np.ndarray, day: np.ndarray) -> SpellTerms:
        """The spell terms of clients ``who`` starting a spell in ``month`` on ``day``."""
        band = self.band(who, month, day)
        parts = {}
        for name in SpellTerms.__dataclass_fields__:
            stacked = [getattr(b, name) for b in self.bands]
            first = stacked[0]
            out = np.empty((len(who),) + first.shape[1:], dtype=first.dtype)
            for b, values in enumerate(stacked):
                sel = band == b
                out[sel] = values[who[sel]]
            parts[name] = out
        return SpellTerms(**parts)


def month_eta(
    process: TrueProcess,
    months: np.ndarray,
    client_eta: np.ndarray,
    lock_in: np.ndarray,
    after_effects: np.ndarray,
    running: np.ndarray,
    after: np.ndarray,
) -> np.ndarray:
    """Outflow linear predictor (without the type's location) in spell ``months``.

    ``running`` is the instrument code index in its lock-in months (-1: none),
    ``after`` the ``(n, J)`` after-states (flags of several trajectories combine with "or").
    """
    rows = np.arange(len(running))
    lock = np.where(running >= 0, lock_in[rows, np.maximum(running, 0)], 0.0)
    eta = (
        process.model.baseline_eta(months) + client_eta + lock + (after * after_effects).sum(axis=1)
    )
    for x, y, value in process.interactions:  # effects that do not add up (config.interactions)
        eta = eta + value * (after[:, x] * after[:, y])
    return eta


def entry_baseline(process: TrueProcess, months: np.ndarray) -> np.ndarray:
    """Baseline of the re-integration entry hazard in spell ``months``."""
    spec = process.model.spec
    values = process.entry_params.reindex(spec.baseline_terms()).to_numpy()
    return values[spec.baseline_piece(months)]


def log_stay(eta: np.ndarray) -> np.ndarray:
    """log(1 - h) of the cloglog hazard, accurate for small hazards."""
    with np.errstate(divide="ignore"):  # a hazard of 1 (far out on a continuous type's grid)
        return np.log1p(-hazard_from_eta(eta))
