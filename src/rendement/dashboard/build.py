"""The monthly steering report as one object: :func:`build_report`.

The report (*maandrapportage*) has a part for the whole municipality
(*directie*) and, with ``by``, one part per district (*lijnmanagement*) or
caseworker (*operationeel management*). Each part holds the monthly
indicators over the last ``history_months`` complete months with targets and
traffic lights, trajectories against capacity, the CBS indicators and its share
of the expenditure forecast. The forecast, its backtest and the reference
comparison belong to the whole municipality.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.dashboard.backtest import Backtest, backtest
from rendement.dashboard.cbs import Share, cbs_indicators
from rendement.dashboard.forecast import ExpenditureForecast, PensionExits, forecast_expenditure
from rendement.dashboard.indicators import (
    TRAJECTORY_METERS,
    monthly_indicators,
    trajectories_by_instrument,
)
from rendement.dashboard.months import month_index, month_indices, payments_by_month
from rendement.dashboard.reference import compare_with_reference
from rendement.dashboard.targets import (
    DEFAULT_MARGIN,
    TargetRow,
    monthly_targets,
    traffic_light,
)
from rendement.formatting import month_short
from rendement.model.hazard_model import HazardModel

LAYERS = {None: "directie", "district": "lijnmanagement", "caseworker": "operationeel management"}
DECISION_WORDS = {"granted": "toegekend", "refused": "afgewezen", "withdrawn": "ingetrokken"}


@dataclass(frozen=True)
class ReportPart:
    """The figures of one management layer's unit (the whole municipality, a district, ...)."""

    name: str
    layer: str
    clients: int
    monthly: pd.DataFrame  # index month; Dutch column names
    lights: dict[str, pd.DataFrame]
    by_instrument: pd.DataFrame
    capacity: pd.DataFrame
    cbs: list[Share]
    cbs_per_instrument: pd.DataFrame
    expenditure_year: dict[str, float]


@dataclass(frozen=True)
class SteeringReport:
    """The whole monthly steering report (see module docstring)."""

    as_of: pd.Timestamp
    model_version: str
    model_kind: str
    total: ReportPart
    parts: list[ReportPart]
    by: str | None
    forecast: ExpenditureForecast
    budget: float | None
    backtest: Backtest | None
    reference: pd.DataFrame | None
    notes: list[str] = field(default_factory=list)

    @property
    def period(self) -> str:
        return f"{self.as_of.year:04d}-{self.as_of.month:02d}"

    @property
    def balance(self) -> float | None:
        """Expected budget minus expenditure at year end (positive = surplus)."""
        return None if self.budget is None else self.budget - self.forecast.total


def subset(data: DataFolder, client_ids: set[str], district: str | None = None) -> DataFolder:
    """The folder restricted to some clients (optional tables by their ``district`` column)."""

    def of_clients(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["client_id"].astype(str).isin(client_ids)].reset_index(drop=True)

    def of_district(frame: pd.DataFrame | None) -> pd.DataFrame | None:
        if frame is None or district is None or frame["district"].isna().all():
            return None
        return frame[frame["district"].astype(str) == district].reset_index(drop=True)

    return replace(
        data,
        clients=of_clients(data.clients),
        spells=of_clients(data.spells),
        trajectories=of_clients(data.trajectories),
        applications=of_district(data.applications),
        recoveries=of_district(data.recoveries),
    )


def _optional_monthly(data: DataFolder, months: np.ndarray, as_of: pd.Timestamp) -> pd.DataFrame:
    out = pd.DataFrame(index=pd.Index(months, name="maand"))
    if data.applications is not None:
        apps = data.applications[data.applications["date"] <= as_of]
        m = month_indices(apps["date"])
        for code, word in DECISION_WORDS.items():
            hits = pd.Series(m[(apps["decision"] == code).to_numpy()]).value_counts()
            out[f"aanvragen_{word}"] = hits.reindex(months, fill_value=0).to_numpy()
        decided = out[[f"aanvragen_{w}" for w in DECISION_WORDS.values()]].sum(axis=1)
        out["toekenningspercentage"] = 100 * out["aanvragen_toegekend"] / decided.replace(0, np.nan)
    if data.recoveries is not None:
        rec = data.recoveries[data.recoveries["date"] <= as_of]
        amounts = pd.Series(rec["amount"].to_numpy(float), index=month_indices(rec["date"]))
        out["terugvordering"] = amounts.groupby(level=0).sum().reindex(months, fill_value=0.0)
    return out


def capacity_table(
    data: DataFolder, capacity: pd.DataFrame | None, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Per trajectory instrument: places per year, trajectories started in the complete months
    of the year before ``as_of``'s month, the pro-rata target (places x those months / 12) and a
    traffic light (at least the target). In January the whole previous year is shown."""
    cat = data.instruments[data.instruments["meter"].isin(TRAJECTORY_METERS)]
    if capacity is not None:
        places = capacity.set_index("instrument")["places"].astype(float)
    else:
        places = cat.set_index("instrument")["capacity"].astype("Float64").astype(float)
    m_a = month_index(as_of)
    first = 12 * as_of.year if m_a > 12 * as_of.year else 12 * (as_of.year - 1)
    elapsed = m_a - first
    traj = data.trajectories
    month = month_indices(traj["start_date"])
    counted = traj[(month >= first) & (month < m_a)]
    started = counted["instrument"].astype(str).value_counts()
    rows = []
    for code, label in zip(cat["instrument"].astype(str), cat["label"].astype(str), strict=True):
        p = float(places.get(code, np.nan))
        target = p * elapsed / 12.0
        n = int(started.get(code, 0))
        rows.append(
            {
                "instrument": code,
                "omschrijving": label,
                "plaatsen_per_jaar": p,
                "periode": f"{month_short(first)} t/m {month_short(m_a - 1)}",
                "gestart": n,
                "doel_naar_rato": target,
                "stoplicht": traffic_light(float(n), target, "at_least", DEFAULT_MARGIN),
            }
        )
    return pd.DataFrame(rows)


def build_part(
    data: DataFolder,
    name: str,
    layer: str,
    as_of: pd.Timestamp,
    months: np.ndarray,
    *,
    targets: list[TargetRow],
    budget: dict[int, float] | None,
    capacity: pd.DataFrame | None,
    forecast: ExpenditureForecast,
    inflow_share: float,
) -> ReportPart:
    """The figures of one unit (see :class:`ReportPart`)."""
    monthly = monthly_indicators(data, months, as_of).join(_optional_monthly(data, months, as_of))
    cbs, per_instrument = cbs_indicators(data, as_of)
    ids = data.clients["client_id"].astype(str)
    year_months = forecast.months
    known = data.spells[data.spells["start_date"] <= as_of]
    realised = payments_by_month(known, as_of, year_months)
    caseload = float(forecast.caseload_by_client.reindex(ids).fillna(0.0).sum())
    expenditure = {
        "gerealiseerd": float(realised.sum()),
        "prognose_bestand": caseload,
        "prognose_instroom": float(forecast.inflow.sum() * inflow_share),
    }
    expenditure["totaal"] = sum(expenditure.values())
    return ReportPart(
        name=name,
        layer=layer,
        clients=int(monthly["bestand"].iloc[-1]) if len(monthly) else 0,
        monthly=monthly,
        lights=monthly_targets(monthly, targets, budget=budget if layer == "directie" else None),
        by_instrument=trajectories_by_instrument(data, months, as_of),
        capacity=capacity_table(data, capacity, as_of),
        cbs=cbs,
        cbs_per_instrument=per_instrument,
        expenditure_year=expenditure,
    )


def build_report(
    data: DataFolder,
    model: HazardModel,
    as_of: pd.Timestamp | str,
    *,
    targets: list[TargetRow] | None = None,
    budget: dict[int, float] | None = None,
    capacity: pd.DataFrame | None = None,
    reference: pd.DataFrame | None = None,
    by: str | None = None,
    history_months: int = 24,
    pension_exits: PensionExits | None = None,
    n_draws: int = 30,
    with_backtest: bool = True,
) -> SteeringReport:
    """Build the steering report of ``as_of``: monthly figures over the ``history_months``
    complete months before ``as_of``'s month; the forecast for ``as_of``'s year."""
    from rendement.model.folder import model_version

    when = pd.Timestamp(as_of)
    m_a = month_index(when)
    months = np.arange(m_a - history_months, m_a)
    fc = forecast_expenditure(data, model, when, n_draws=n_draws, pension_exits=pension_exits)
    rows = targets or []
    total = build_part(
        data, "totaal", LAYERS[None], when, months,
        targets=rows, budget=budget, capacity=capacity, forecast=fc, inflow_share=1.0,
    )  # fmt: skip
    parts: list[ReportPart] = []
    if by is not None:
        column = "district" if by == "district" else "caseworker_id"
        keys = data.clients[column].astype(object).where(data.clients[column].notna(), None)
        since = when - pd.DateOffset(months=12)
        recent = data.spells[
            (data.spells["start_date"] > since) & (data.spells["start_date"] <= when)
        ]
        of_client = dict(zip(data.clients["client_id"].astype(str), keys, strict=True))
        recent_keys = recent["client_id"].astype(str).map(of_client)
        for key in sorted({k for k in keys if k is not None}, key=str):
            ids = set(data.clients.loc[(keys == key).to_numpy(), "client_id"].astype(str))
            share = float((recent_keys == key).mean()) if len(recent_keys) else 0.0
            parts.append(
                build_part(
                    subset(data, ids, str(key) if by == "district" else None),
                    str(key),
                    LAYERS[by],
                    when,
                    months,
                    targets=[],
                    budget=None,
                    capacity=None,
                    forecast=fc,
                    inflow_share=share,
                )  # fmt: skip
            )
    bt = None
    notes = list(fc.notes)
    if with_backtest:
        cutoff = when - pd.DateOffset(months=12)
        if cutoff > data.spells["start_date"].min() + pd.DateOffset(months=24):
            bt = backtest(data, model, cutoff, observed_until=when, n_draws=n_draws)
            notes.append(
                "terugtoets: hetzelfde model (geschat op alle gegevens) vanaf "
                f"{cutoff.date()}, vergeleken met wat daarna werd uitbetaald"
            )
    year_budget = None if not budget else budget.get(int(when.year))
    return SteeringReport(
        as_of=when,
        model_version=model_version(model),
        model_kind=str(model.kind),
        total=total,
        parts=parts,
        by=by,
        forecast=fc,
        budget=year_budget,
        backtest=bt,
        reference=None if reference is None else compare_with_reference(data, when, reference),
        notes=notes,
    )


def read_capacity_file(path: Path | str, data: DataFolder) -> pd.DataFrame:
    """``CAPACITY.csv`` (instrument, places) for the trajectory instruments (checked as in
    ``rendement plan``)."""
    from rendement.plan.capacity import read_capacity

    cat = data.instruments[data.instruments["meter"].isin(TRAJECTORY_METERS)]
    return read_capacity(path, cat.assign(meter="trajecten"), meter="trajecten")
