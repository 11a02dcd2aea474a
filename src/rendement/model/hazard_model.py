"""A fitted (or declared) hazard model: specification, parameters and catalogue.

:class:`HazardModel` is what ``rendement fit`` produces, what a model folder
stores (as readable tables, see :mod:`rendement.model.folder`) and what scoring,
planning, the service and the simulator's truth all evaluate. It holds no data.

The pieces of the linear predictor (see :mod:`rendement.model.spec`) are exposed
separately, for the simulator, the posterior type weights, the recalibration of a
borrowed model and the explanations (scoring itself evaluates the same predictor
from :class:`rendement.scoring.states.Coefficients`, parameter vectors it can swap
for parameter draws):

* :meth:`HazardModel.baseline_eta` - baseline per elapsed spell month;
* :meth:`HazardModel.client_eta` - the client terms, one number per client;
* :meth:`HazardModel.lock_in_effects` / :meth:`HazardModel.after_effects` -
  per client and instrument, the log-hazard shift while in / after the instrument.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from rendement.model.metadata import ModelMetadata
from rendement.model.spec import ModelSpec, client_design, modifier_values

ModelKind = Literal["estimated", "expert", "borrowed"]


def _locked(values: np.ndarray) -> np.ndarray:
    out = np.array(values, copy=True)
    out.flags.writeable = False
    return out


def read_only_series(s: pd.Series) -> pd.Series:
    """A copy of a numeric series whose values cannot be written."""
    return pd.Series(_locked(s.to_numpy(dtype=float)), index=s.index.copy(), name=s.name)


def read_only_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose numpy-backed columns cannot be written."""
    columns = {
        c: _locked(col.to_numpy()) if isinstance(col.dtype, np.dtype) else col.array.copy()
        for c, col in frame.items()
    }
    return pd.DataFrame(columns, index=frame.index.copy(), copy=False)


@dataclass(frozen=True)
class Heterogeneity:
    """Discrete unobserved heterogeneity (Heckman-Singer mass points) of the outflow hazard.

    ``locations[k]`` is added to the linear predictor of a client of type ``k``;
    ``probabilities`` are the population shares at inflow. Models with
    heterogeneity score clients with posterior type weights given their history.
    """

    locations: tuple[float, ...]
    probabilities: tuple[float, ...]
    entry_locations: tuple[
        float, ...
    ] = ()  # instrument-entry hazard (timing-of-events), if estimated
    #: Which months are at risk of entering an instrument of the meter (see
    #: :data:`rendement.model.spec.ENTRY_PROCESSES`); ``"all"`` for models of before the choice.
    entry_process: str = "all"
    #: Instruments with an entry hazard of their own (``entry_hazard`` instrument); their
    #: entry parameters are named ``<instrument>|<term>``. Empty: one hazard for the meter.
    entry_channels: tuple[str, ...] = ()
    #: Per channel after the first, the types' offsets to ``entry_locations``.
    channel_offsets: tuple[tuple[float, ...], ...] = ()

    def channel_locations(self) -> dict[str, tuple[float, ...]]:
        """Entry location of every type per channel (instrument)."""
        base = self.entry_locations
        out = {c: base for c in self.entry_channels[:1]}
        for c, off in zip(self.entry_channels[1:], self.channel_offsets, strict=True):
            out[c] = tuple(b + o for b, o in zip(base, off, strict=True))
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "locations": list(self.locations),
            "probabilities": list(self.probabilities),
            "entry_locations": list(self.entry_locations),
            "entry_process": self.entry_process,
        }
        if self.entry_channels:
            out["entry_channels"] = list(self.entry_channels)
            out["channel_offsets"] = [list(o) for o in self.channel_offsets]
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Heterogeneity:
        return cls(
            tuple(float(x) for x in d["locations"]),
            tuple(float(x) for x in d["probabilities"]),
            tuple(float(x) for x in d.get("entry_locations", ())),
            str(d.get("entry_process", "all")),
            tuple(str(c) for c in d.get("entry_channels", ())),
            tuple(tuple(float(x) for x in o) for o in d.get("channel_offsets", ())),
        )


@dataclass(frozen=True)
class HazardModel:
    """Specification + parameters (+ covariance) + instrument catalogue of one meter.

    The model cannot change after it is made: ``params``, ``cov``, ``instruments``
    and ``entry_params`` are the model's own copies with read-only arrays (a write
    raises ``ValueError``; catalogue columns of a pandas extension type, such as
    ``string``, are copied but not locked), ``metadata`` is a read-only
    :class:`~rendement.model.metadata.ModelMetadata`. A changed model is a new one
    (``dataclasses.replace``), so whatever is derived from a model object (the
    scoring cache, :mod:`rendement.scoring.prepared`) stays valid while it lives.

    ``params`` is indexed by term name (a subset of ``spec.terms()``: terms that
    could not be estimated are absent and count as 0, e.g. a level never seen in
    training). ``instruments`` is the catalogue (data-contract columns) of every
    instrument whose states are in the model; ``spec.meter`` says which of them
    are scored.
    """

    spec: ModelSpec
    params: pd.Series
    cov: pd.DataFrame | None
    instruments: pd.DataFrame
    kind: ModelKind = "estimated"
    heterogeneity: Heterogeneity | None = None
    entry_params: pd.Series | None = None  # instrument-entry hazard of a timing-of-events model
    metadata: ModelMetadata = field(default_factory=ModelMetadata)
    # re-inflow model (rendement.reinflow.ReinflowModel): returns to benefit after a spell
    reinflow: Any = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # Immutable in fact: private read-only copies of the tables, read-only metadata.
        # A mapping is accepted for ``metadata`` and made a ModelMetadata.
        set_ = object.__setattr__
        set_(self, "params", read_only_series(self.params))
        set_(self, "cov", None if self.cov is None else read_only_frame(self.cov))
        set_(self, "instruments", read_only_frame(self.instruments))
        if self.entry_params is not None:
            set_(self, "entry_params", read_only_series(self.entry_params))
        if not isinstance(self.metadata, ModelMetadata):
            set_(self, "metadata", ModelMetadata(self.metadata))

    # ---- parameters --------------------------------------------------------
    def coef(self, term: str) -> float:
        return float(self.params.get(term, 0.0))

    def has_term(self, term: str) -> bool:
        return term in self.params.index

    @property
    def meter_instruments(self) -> pd.DataFrame:
        """Catalogue rows of the instruments this model scores (those of its meter)."""
        cat = self.instruments
        return cat[cat["meter"] == self.spec.meter].reset_index(drop=True)

    def scorable_instruments(self) -> list[str]:
        """Instruments of the meter whose effects were estimated (or declared)."""
        out = []
        for row in self.meter_instruments.itertuples():
            needs_in = int(str(row.duration_months)) > 0
            if self.has_term(f"after:{row.instrument}") and (
                not needs_in or self.has_term(f"in:{row.instrument}")
            ):
                out.append(str(row.instrument))
        return out

    # ---- pieces of the linear predictor -------------------------------------
    def baseline_eta(self, months: np.ndarray) -> np.ndarray:
        """Baseline log-hazard for elapsed spell months (1-based), any shape."""
        values = np.array([self.coef(t) for t in self.spec.baseline_terms()])
        return values[self.spec.baseline_piece(months)]

    def client_eta(self, frame: pd.DataFrame) -> np.ndarray:
        """Sum of the client terms for each row (clients-table columns plus ``inflow_date``)."""
        design = client_design(self.spec, frame)
        beta = np.array([self.coef(t) for t in design.columns])
        return design.to_numpy() @ beta

    def client_design(self, frame: pd.DataFrame) -> pd.DataFrame:
        return client_design(self.spec, frame)

    def lock_in_effects(self, frame_or_design: pd.DataFrame, codes: list[str]) -> np.ndarray:
        """``(n, len(codes))`` log-hazard shift while in each instrument."""
        n = len(frame_or_design)
        return np.tile(np.array([self.coef(f"in:{c}") for c in codes]), (n, 1))

    def after_effects(self, design: pd.DataFrame, codes: list[str]) -> np.ndarray:
        """``(n, len(codes))`` log-hazard shift after each instrument, with effect modifiers.

        ``design`` is the client design (:meth:`client_design`).
        """
        mods = modifier_values(self.spec, design)
        out = np.empty((len(design), len(codes)))
        for j, c in enumerate(codes):
            base = self.coef(f"after:{c}")
            delta = np.array([self.coef(f"after:{c}*{m}") for m in self.spec.effect_modifiers])
            out[:, j] = base + (mods @ delta if len(delta) else 0.0)
        return out

    def calendar_eta(self, years: np.ndarray) -> np.ndarray:
        if not self.spec.calendar or not self.spec.calendar_years:
            return np.zeros(np.shape(years))
        values = np.array([0.0] + [self.coef(t) for t in self.spec.calendar_terms()])
        return values[self.spec.calendar_index(years)]

    def catalogue_row(self, code: str) -> pd.Series:
        rows = self.instruments[self.instruments["instrument"] == code]
        if rows.empty:
            raise KeyError(code)
        return rows.iloc[0]

    @property
    def label(self) -> str:
        """How outputs must name the model's origin ('estimated', 'expert', 'borrowed')."""
        return self.kind
