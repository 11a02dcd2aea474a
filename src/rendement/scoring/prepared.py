"""What scoring derives from a model once, kept per model (*voorbereid model*).

Scoring one client (an advice) costs little arithmetic; most of a call went to
re-deriving the same things from the model every time: the scorable
instruments and their catalogue rows, the coefficient vectors, the covariance
check and the parameter draws. :func:`prepared` computes them once per model
object and keeps them while the model lives (a weak reference; an entry is
dropped when its model is garbage-collected). A :class:`HazardModel` cannot
change after it is made (read-only tables and metadata), so an entry stays valid
for the life of its model: the cache is keyed by the model object alone.
Everything kept is read-only.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field

import numpy as np

from rendement.model.hazard_model import HazardModel
from rendement.scoring.intervals import covariance_problem, draw_parameters
from rendement.scoring.states import Coefficients, Scenario, scenarios

#: Sets of parameter draws kept per model (one per (n_draws, seed) asked for).
MAX_DRAW_SETS = 4


def _read_only(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@dataclass
class PreparedModel:
    """Per-model data scoring needs on every call (see the module docstring)."""

    scorable: list[str]
    meter_codes: list[str]
    scenarios: list[Scenario]
    price: np.ndarray  # (C,) read-only
    success_share: np.ndarray  # (C,) read-only
    coefficients: Coefficients
    covariance_problem: str | None
    _model: weakref.ReferenceType[HazardModel]
    _draws: dict[tuple[int, int], list[Coefficients]] = field(default_factory=dict)
    _models: dict[tuple[int, int], list[HazardModel] | None] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def draw_models(self, n_draws: int, seed: int) -> list[HazardModel] | None:
        """Timing-of-events models drawn with their mixture (:func:`rendement.hazard.toe.draws.
        draw_models`); ``None`` when the model has no joint covariance of its mixture."""
        from rendement.hazard.toe.draws import draw_models

        key = (int(n_draws), int(seed))
        with self._lock:
            if key in self._models:
                return self._models[key]
        model = self._model()
        if model is None:  # pragma: no cover - the caller holds the model
            raise ValueError("the model of this preparation no longer exists")
        got = draw_models(model, n_draws, seed)
        with self._lock:
            if len(self._models) >= MAX_DRAW_SETS:
                self._models.pop(next(iter(self._models)))
            self._models[key] = got
        return got

    def draw_coefficients(self, n_draws: int, seed: int) -> list[Coefficients]:
        """Coefficients of the seeded parameter draws (:func:`rendement.scoring.intervals.draw_parameters`)."""
        key = (int(n_draws), int(seed))
        with self._lock:
            got = self._draws.get(key)
        if got is not None:
            return got
        model = self._model()
        if model is None:  # pragma: no cover - the caller holds the model
            raise ValueError("the model of this preparation no longer exists")
        mixtures = self.draw_models(n_draws, seed)
        if mixtures is not None:  # the coefficients of the joint draws (with their mixture)
            coefs = [Coefficients.from_params(model.spec, m.params) for m in mixtures]
        else:
            draws = draw_parameters(model, n_draws, seed)
            coefs = [Coefficients.from_params(model.spec, draws.params(r)) for r in range(n_draws)]
        for c in coefs:
            _freeze(c)
        with self._lock:
            if len(self._draws) >= MAX_DRAW_SETS:
                self._draws.pop(next(iter(self._draws)))
            self._draws[key] = coefs
        return coefs


def _freeze(c: Coefficients) -> Coefficients:
    for a in (c.baseline, c.client, c.calendar, c.lock_in, c.after, c.after_modifiers):
        a.setflags(write=False)
    return c


_CACHE: dict[int, PreparedModel] = {}
_CACHE_LOCK = threading.Lock()


def _forget(key: int, ref: weakref.ReferenceType[HazardModel]) -> None:
    with _CACHE_LOCK:
        entry = _CACHE.get(key)
        if entry is not None and entry._model is ref:
            del _CACHE[key]


def prepared(model: HazardModel) -> PreparedModel:
    """The model's :class:`PreparedModel`, computed on first use and kept while the model lives."""
    key = id(model)
    with _CACHE_LOCK:
        entry = _CACHE.get(key)
    if entry is not None and entry._model() is model:
        return entry
    entry = _prepare(model)
    with _CACHE_LOCK:
        _CACHE[key] = entry
    weakref.finalize(model, _forget, key, entry._model)
    return entry


def _prepare(model: HazardModel) -> PreparedModel:
    scorable = model.scorable_instruments()
    meter = model.meter_instruments
    catalogue = meter.set_index("instrument").reindex(scorable)
    share = (
        catalogue["success_share"].fillna(0.0).to_numpy(dtype=float)
        if "success_share" in catalogue
        else np.zeros(len(scorable))
    )
    return PreparedModel(
        scorable=scorable,
        meter_codes=[str(c) for c in meter["instrument"]],
        scenarios=scenarios(model, scorable),
        price=_read_only(np.array(catalogue["price"].to_numpy(dtype=float))),
        success_share=_read_only(np.array(share)),
        coefficients=_freeze(Coefficients.from_params(model.spec, model.params)),
        covariance_problem=covariance_problem(model),
        _model=weakref.ref(model),
    )
