"""Droomstad in one call: :func:`simulate` returns the data tables, the truth and the true model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rendement.model.hazard_model import HazardModel
from rendement.pension import caseload_months_to_pension
from rendement.simulate.config import SimulationConfig
from rendement.simulate.parameters import TrueProcess, true_process
from rendement.simulate.process import simulate_history
from rendement.simulate.states import CaseloadState
from rendement.simulate.tables import instruments_table, spells_table, trajectories_table
from rendement.simulate.truth import ground_truth
from rendement.simulate.truth_returns import FutureClients, add_benefit_months


@dataclass(frozen=True)
class SimulationSummary:
    """Magnitudes of a simulated municipality, to compare with ``docs/domain.md``."""

    clients: int
    spells: int
    trajectories: int
    caseload: int
    share_over_2_years: float
    share_under_6_months: float
    yearly_outflow_share: float
    outflow_to_work_share: float
    return_within_year_share: float

    def to_dict(self) -> dict[str, float | int]:
        return dict(self.__dict__)

    def lines(self) -> list[str]:
        return [
            f"clients: {self.clients:,}; spells: {self.spells:,}; trajectories: {self.trajectories:,}",
            f"caseload at the extraction date: {self.caseload:,} "
            f"({self.share_over_2_years:.0%} on benefit 2 years or more, "
            f"{self.share_under_6_months:.0%} less than 6 months)",
            f"outflow in the last year: {self.yearly_outflow_share:.0%} of the caseload "
            f"({self.outflow_to_work_share:.0%} to work); "
            f"{self.return_within_year_share:.0%} of leavers returned within a year",
        ]


@dataclass(frozen=True)
class Simulation:
    """A simulated municipality: the four data tables, the ground truth and the true model.

    ``clients``/``spells``/``trajectories``/``instruments`` have the data-contract
    columns (dates as ``datetime64``, booleans as nullable ``boolean``).
    ``truth_caseload``/``truth_returns`` are the exact truth (:mod:`.truth`),
    ``process`` the true model with its selection rules, ``caseload_state`` the
    internal state of the caseload (for continuing it forward, :mod:`.forward`).
    """

    config: SimulationConfig
    clients: pd.DataFrame
    spells: pd.DataFrame
    trajectories: pd.DataFrame
    instruments: pd.DataFrame
    truth_caseload: pd.DataFrame
    truth_returns: pd.DataFrame
    process: TrueProcess
    caseload_state: CaseloadState
    caseload_future: FutureClients | None = None  # what the return rules need (caseload order)

    @property
    def truth_model(self) -> HazardModel:
        """The true outflow model (kind ``expert``, meter ``reintegratie``, with heterogeneity)."""
        return self.process.model

    @property
    def as_of(self) -> pd.Timestamp:
        return pd.Timestamp(self.config.as_of_date)

    def write(self, data_dir: Path | str, truth_dir: Path | str) -> None:
        """Write the data folder (four CSV tables) and the truth folder."""
        from rendement.simulate.writer import write_data_folder, write_truth_folder

        write_data_folder(self, Path(data_dir))
        write_truth_folder(self, Path(truth_dir))

    def summary(self) -> SimulationSummary:
        as_of = self.as_of
        year_ago = as_of - pd.DateOffset(years=1)
        sp = self.spells
        start, end = sp["start_date"], sp["end_date"]

        def stock(at: pd.Timestamp) -> int:
            return int(((start <= at) & (end.isna() | (end > at))).sum())

        months = self.truth_caseload["months_on_benefit"].to_numpy()
        outflow = sp["end_reason"] != "aow"  # reaching the pension age is no outflow
        left = sp[(end > year_ago) & (end <= as_of) & outflow]
        # Return within a year, for those who left between two years and one year ago.
        earlier = sp[(end > as_of - pd.DateOffset(years=2)) & (end <= year_ago) & outflow]
        nxt = sp[["client_id", "start_date"]].rename(columns={"start_date": "next_start"})
        pairs = earlier[["client_id", "end_date"]].reset_index().merge(nxt, on="client_id")
        pairs = pairs[pairs["next_start"] > pairs["end_date"]]
        back = pairs[pairs["next_start"] <= pairs["end_date"] + pd.DateOffset(years=1)]
        average_stock = (stock(year_ago) + stock(as_of)) / 2.0
        return SimulationSummary(
            clients=len(self.clients),
            spells=len(sp),
            trajectories=len(self.trajectories),
            caseload=len(months),
            share_over_2_years=float(np.mean(months >= 24)) if len(months) else 0.0,
            share_under_6_months=float(np.mean(months < 6)) if len(months) else 0.0,
            yearly_outflow_share=len(left) / average_stock if average_stock else 0.0,
            outflow_to_work_share=float(np.mean(left["end_reason"] == "werk"))
            if len(left)
            else 0.0,
            return_within_year_share=back["index"].nunique() / len(earlier)
            if len(earlier)
            else 0.0,
        )


def simulate(config: SimulationConfig | None = None) -> Simulation:
    """Simulate Droomstad for ``config`` (default: 5,000 clients, extraction date 2026-01-01)."""
    cfg = config or SimulationConfig()
    process = true_process(cfg)
    history = simulate_history(cfg, process)
    spells = spells_table(history, process)
    trajectories = trajectories_table(history, process, spells, cfg)
    instruments = instruments_table(process, trajectories, pd.Timestamp(cfg.as_of_date))

    state = history.caseload
    row_of = pd.Series(np.arange(len(spells)), index=spells["_row"].to_numpy())
    rows = row_of[state.spell].to_numpy()
    pension_months, _ = caseload_months_to_pension(  # the scoring's rule (month d + 1 counts)
        history.clients["birth_date"].to_numpy()[state.client],
        spells["start_date"].to_numpy()[rows],
        state.months,
    )
    truth = ground_truth(
        process,
        state,
        client_id=spells["client_id"].to_numpy(dtype=object)[rows],
        spell_id=spells["spell_id"].to_numpy(dtype=object)[rows],
        monthly_benefit=spells["monthly_benefit"].to_numpy(dtype=float)[rows],
        pension_months=pension_months,
    )
    # months on benefit counting returns and new spells (the re-inflow model's truth)
    future = FutureClients.of(
        process, history.clients, state, history.spells["start_month"][state.spell]
    )
    truth = add_benefit_months(truth, process, state, future, pension_months)
    order = np.argsort(truth.caseload["client_id"].to_numpy(dtype=str), kind="stable")
    caseload = truth.caseload.iloc[order].reset_index(drop=True)
    state = CaseloadState(**{f: getattr(state, f)[order] for f in state.__dataclass_fields__})
    future = future.subset(order)
    rank = pd.Series(np.arange(len(order)), index=truth.caseload["client_id"].to_numpy()[order])
    returns = truth.returns.assign(_r=rank[truth.returns["client_id"]].to_numpy())
    returns = returns.sort_values("_r", kind="stable").drop(columns="_r").reset_index(drop=True)
    return Simulation(
        config=cfg,
        clients=history.clients.sort_values("client_id").reset_index(drop=True),
        spells=spells.drop(columns="_row"),
        trajectories=trajectories,
        instruments=instruments,
        truth_caseload=caseload,
        truth_returns=returns,
        process=process,
        caseload_state=state,
        caseload_future=future,
    )
