"""What a path is computed from: the clients' states, the coefficients, the instruments to start.

* :class:`ClientStates` - per client the design of the client terms, the months on
  benefit and the current instrument states (built once per chunk of clients);
* :class:`Coefficients` - the model's parameters as vectors (one set per parameter
  draw, so draws reuse the states unchanged);
* :class:`Scenario` / :func:`scenarios` - an instrument to start: waiting and duration.

:mod:`rendement.scoring.counterfactual` turns these into paths without and with
each instrument.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rendement.errors import ModelMismatchError
from rendement.model.hazard_model import HazardModel
from rendement.model.spec import ModelSpec, client_design, modifier_values

#: Columns a frame of clients to score must have (besides the client terms' source columns).
REQUIRED_COLUMNS = ("client_id", "months_on_benefit", "monthly_benefit", "inflow_date")


@dataclass(frozen=True)
class Coefficients:
    """The parameters of one model (or one parameter draw) arranged for broadcasting.

    ``codes`` are the instruments whose states are in the model (``spec.instruments``).

    *Per client* (:meth:`stack`), every array has a leading axis of clients: column
    ``i`` of a path is scored with row ``i`` of each array. That scores a few
    clients under many parameter draws in one vectorised pass (the clients
    repeated once per draw), instead of one pass per draw.
    """

    baseline: np.ndarray  # (n_pieces,)                    per client: (n, n_pieces)
    client: np.ndarray  # (n_client_terms,)                 per client: (n, n_client_terms)
    calendar: np.ndarray  # (n_years,), first year = 0 (reference); empty without calendar
    lock_in: np.ndarray  # (C,)                             per client: (n, C)
    after: np.ndarray  # (C,)                               per client: (n, C)
    after_modifiers: np.ndarray  # (C, n_modifiers)         per client: (n, C, n_modifiers)

    @property
    def per_client(self) -> bool:
        return self.baseline.ndim == 2

    def chunk(self, rows: slice | np.ndarray) -> Coefficients:
        """The coefficients of some clients (all of them when shared by all clients)."""
        if not self.per_client:
            return self
        return Coefficients(
            self.baseline[rows],
            self.client[rows],
            self.calendar[rows],
            self.lock_in[rows],
            self.after[rows],
            self.after_modifiers[rows],
        )

    @classmethod
    def stack(cls, draws: Sequence[Coefficients], n_clients: int) -> Coefficients:
        """Per-client coefficients for ``n_clients`` clients repeated once per draw.

        Column ``r * n_clients + i`` is client ``i`` under ``draws[r]`` (draw-major),
        matching ``ClientStates.chunk(np.tile(rows, len(draws)))``.
        """
        if any(c.per_client for c in draws):
            raise ValueError("stack takes coefficients shared by all clients")

        def rep(name: str) -> np.ndarray:
            return np.repeat(np.stack([getattr(c, name) for c in draws]), n_clients, axis=0)

        return cls(
            baseline=rep("baseline"),
            client=rep("client"),
            calendar=rep("calendar"),
            lock_in=rep("lock_in"),
            after=rep("after"),
            after_modifiers=rep("after_modifiers"),
        )

    @classmethod
    def from_params(cls, spec: ModelSpec, params: pd.Series) -> Coefficients:
        """Terms absent from ``params`` count as 0 (as in :meth:`HazardModel.coef`)."""
        get = params.to_dict()

        def vec(names: Sequence[str]) -> np.ndarray:
            return np.array([float(get.get(t, 0.0)) for t in names], dtype=np.float64)

        codes = list(spec.instruments)
        mods = list(spec.effect_modifiers)
        calendar = (
            np.concatenate([[0.0], vec(spec.calendar_terms())])
            if spec.calendar and spec.calendar_years
            else np.zeros(0)
        )
        return cls(
            baseline=vec(spec.baseline_terms()),
            client=vec(spec.client_terms()),
            calendar=calendar,
            lock_in=vec([f"in:{c}" for c in codes]),
            after=vec([f"after:{c}" for c in codes]),
            after_modifiers=np.array(
                [[float(get.get(f"after:{c}*{m}", 0.0)) for m in mods] for c in codes],
                dtype=np.float64,
            ).reshape(len(codes), len(mods)),
        )


@dataclass(frozen=True)
class ClientStates:
    """Clients to score as arrays: design, elapsed months and current instrument state.

    ``in_now``/``after_now`` are the ``in:CODE``/``after:CODE`` flags for month
    ``d + 1`` of every model instrument (columns in ``spec.instruments`` order);
    ``remaining`` is how many months (from ``d + 1`` on) a running instrument
    still lasts. Missing flag columns count as 0 (no instrument in the spell).
    """

    months_on_benefit: np.ndarray  # (n,) int64, d
    design: np.ndarray  # (n, n_client_terms) float64
    modifiers: np.ndarray  # (n, n_modifiers) float64
    in_now: np.ndarray  # (n, C) bool
    after_now: np.ndarray  # (n, C) bool
    remaining: np.ndarray  # (n,) int64
    first_calendar_month: np.ndarray  # (n,) int64: year * 12 + month - 1 of spell month d + 1

    @property
    def n(self) -> int:
        return len(self.months_on_benefit)

    @property
    def running(self) -> np.ndarray:
        """Clients in an instrument of the model now (month ``d + 1``)."""
        return np.asarray(self.in_now.any(axis=1), dtype=bool)

    def chunk(self, rows: slice | np.ndarray) -> ClientStates:
        return ClientStates(
            self.months_on_benefit[rows],
            self.design[rows],
            self.modifiers[rows],
            self.in_now[rows],
            self.after_now[rows],
            self.remaining[rows],
            self.first_calendar_month[rows],
        )

    @classmethod
    def from_frame(cls, spec: ModelSpec, clients: pd.DataFrame) -> ClientStates:
        missing = [c for c in REQUIRED_COLUMNS if c not in clients.columns]
        if missing:
            raise ModelMismatchError(
                f"the clients to score lack the column(s) {missing}; build them with "
                "rendement.panel.caseload_state or give at least client_id, months_on_benefit, "
                "monthly_benefit, inflow_date and the clients-table columns"
            )
        d = pd.to_numeric(clients["months_on_benefit"], errors="coerce").to_numpy(dtype=float)
        if len(d) and (np.isnan(d).any() or (d < 0).any()):
            raise ModelMismatchError(
                "months_on_benefit must be a whole number >= 0 for every client"
            )
        design = client_design(spec, clients)
        codes = list(spec.instruments)
        n = len(clients)

        def flags(prefix: str) -> np.ndarray:
            out = np.zeros((n, len(codes)), dtype=bool)
            for j, c in enumerate(codes):
                col = f"{prefix}:{c}"
                if col not in clients.columns:
                    continue
                values = clients[col]
                if isinstance(values.dtype, np.dtype) and values.dtype.kind in "biuf":
                    out[:, j] = values.to_numpy() > 0  # NaN > 0 is False: missing counts as 0
                else:
                    out[:, j] = pd.to_numeric(values).fillna(0).to_numpy() > 0
            return out

        remaining = (
            pd.to_numeric(clients["remaining_in_months"]).fillna(0).to_numpy(dtype=np.int64)
            if "remaining_in_months" in clients.columns
            else np.zeros(n, dtype=np.int64)
        )
        inflow = pd.DatetimeIndex(clients["inflow_date"])
        first_cal = inflow.year.to_numpy(np.int64) * 12 + inflow.month.to_numpy(np.int64) - 1
        d_int = d.astype(np.int64)
        return cls(
            months_on_benefit=d_int,
            design=design.to_numpy(dtype=np.float64),
            modifiers=modifier_values(spec, design),
            in_now=flags("in"),
            after_now=flags("after"),
            remaining=np.maximum(remaining, 0),
            first_calendar_month=first_cal + d_int,
        )


@dataclass(frozen=True)
class Scenario:
    """An instrument to start: its column among the model instruments, waiting and duration."""

    code: str
    column: int
    waiting_months: int
    duration_months: int

    @property
    def planned_end(self) -> int:
        """Months from now (``d``) to the planned end of the instrument: ``W + D``."""
        return self.waiting_months + self.duration_months


def scenarios(model: HazardModel, codes: Sequence[str]) -> list[Scenario]:
    """Catalogue waiting and duration of ``codes`` (instruments of the model)."""
    cols = {c: j for j, c in enumerate(model.spec.instruments)}
    out = []
    for code in codes:
        if code not in cols:
            raise ModelMismatchError(f"instrument {code!r} has no states in the model")
        row = model.catalogue_row(code)
        out.append(
            Scenario(code, cols[code], int(row["waiting_months"]), int(row["duration_months"]))
        )
    return out
