"""fit_hazard on the real person-month panel (rendement.panel.build_panel).

A synthetic history drawn month by month is written out as the four tables of
the data contract (clients, spells, trajectories, catalogue); build_panel must
give back the same person-months, outflows and instrument states, and the fit
on it the same estimates. This ties the synthetic panels used in the other
hazard tests to the project's time and instrument-state conventions.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from hazard_synthetic import EntryRule, SyntheticPanel, default_truth, synthetic_panel
from simcache import get_simulation

import rendement.panel as panel_module
from rendement.contract.folder import DataFolder
from rendement.hazard import fit_hazard
from rendement.model.spec import ModelSpec
from rendement.timeutil import months_between_arrays


def date_at_month(start: np.ndarray, months: np.ndarray) -> np.ndarray:
    """A date D with months_between(start, D) == months: same day ``months`` later, or the
    first day of the next month when that day does not exist (31 January + 1 month)."""
    s = start.astype("datetime64[D]")
    target = s.astype("datetime64[M]") + months.astype(np.int64)
    day = (s - s.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    same_day = target.astype("datetime64[D]") + day
    return np.where(day < length, same_day, (target + 1).astype("datetime64[D]"))


def as_data_folder(panel: SyntheticPanel, catalogue: pd.DataFrame) -> DataFolder:
    spells = panel.spells
    m = panel.months
    last = m.groupby("spell_idx")["month"].max().reindex(range(len(spells))).to_numpy()
    left = (
        m.groupby("spell_idx")["outflow"].max().reindex(range(len(spells))).fillna(0).to_numpy()
        == 1
    )
    start = spells["inflow_date"].to_numpy().astype("datetime64[D]")
    end = np.where(
        left, date_at_month(start, np.nan_to_num(last).astype(np.int64)), np.datetime64("NaT")
    )
    clients = spells[
        [
            "client_id",
            "birth_date",
            "gender",
            "household_type",
            "education",
            "dutch_language",
            "work_experience_years",
            "health_restriction",
        ]
    ].assign(district=None, caseworker_id=None)
    contract_spells = pd.DataFrame(
        {
            "spell_id": spells["spell_id"],
            "client_id": spells["client_id"],
            "start_date": pd.to_datetime(start),
            "end_date": pd.to_datetime(end),
            "end_reason": np.where(left, "werk", None),
            "monthly_benefit": spells["monthly_benefit"],
        }
    )
    rows = []
    durations = dict(zip(catalogue["instrument"], catalogue["duration_months"], strict=True))
    for code in panel.instruments:
        flag = m[[f"in:{code}", f"after:{code}"]].to_numpy().any(axis=1)
        first = m.loc[flag].groupby("spell_idx")["month"].min()
        idx = first.index.to_numpy()
        s = first.to_numpy()
        a = date_at_month(start[idx], s - 1)
        b = date_at_month(start[idx], s - 1 + durations[code])
        rows.append(
            pd.DataFrame(
                {
                    "client_id": spells["client_id"].to_numpy()[idx],
                    "instrument": code,
                    "start_date": pd.to_datetime(a),
                    "end_date": pd.to_datetime(b),
                }
            )
        )
    traj = pd.concat(rows, ignore_index=True)
    traj.insert(0, "trajectory_id", [f"T{i:06d}" for i in range(len(traj))])
    traj = traj.assign(cost=np.nan, provider=None, result=None)
    return DataFolder(clients.reset_index(drop=True), contract_spells, traj, catalogue)


def test_fit_on_build_panel_equals_fit_on_the_drawn_panel() -> None:
    truth = default_truth(("JOBHUNT", "HUISBEZ"))
    rules = {"JOBHUNT": EntryRule(0.05, {"education[laag]": 0.5}), "HUISBEZ": EntryRule(0.03)}
    drawn = synthetic_panel(
        truth,
        n_spells=1200,
        seed=17,
        entry_rules=rules,
        spells_per_client=1.0,
        first_inflow="2019-01-01",
    )
    data = as_data_folder(drawn, truth.instruments)
    check = months_between_arrays(data.spells["start_date"], data.spells["end_date"])
    assert (check[data.spells["end_date"].notna().to_numpy()] >= 1).all()

    built = panel_module.build_panel(data, until=drawn.until.date(), instruments=drawn.instruments)
    cols = [
        "spell_idx",
        "month",
        "outflow",
        "in:JOBHUNT",
        "after:JOBHUNT",
        "in:HUISBEZ",
        "after:HUISBEZ",
    ]
    for c in cols:
        np.testing.assert_array_equal(
            built.months[c].to_numpy(), drawn.months[c].to_numpy(), err_msg=c
        )

    a = fit_hazard(built, truth.spec, instruments_catalogue=data.instruments)
    b = fit_hazard(drawn, truth.spec, instruments_catalogue=truth.instruments)
    pd.testing.assert_series_equal(a.params, b.params, rtol=0, atol=1e-10)
    pd.testing.assert_frame_equal(a.cov, b.cov, rtol=1e-8, atol=1e-14)
    with_months = drawn.months["spell_idx"].nunique()  # spells starting in the last month have none
    assert a.n_clients == b.n_clients == a.n_spells == b.n_spells == with_months


def test_recovers_the_truth_of_the_project_simulator() -> None:
    """Droomstad (rendement.simulate) without unobserved heterogeneity and with selection
    into instruments on observables only: the model is correctly specified, so every
    estimate must lie within 3.5 clustered standard errors of the simulator's truth
    (``truth/parameters.json``)."""
    town = get_simulation(clients=8000, seed=5, heterogeneity=False, selection="observed")
    from rendement.contract import read_data_folder

    data = read_data_folder(town.data_dir)
    built = panel_module.build_panel(data)
    spec = ModelSpec().resolve(data.clients, instruments=list(built.instruments))
    res = fit_hazard(built, spec, instruments_catalogue=data.instruments)
    truth = json.loads((town.truth_dir / "parameters.json").read_text())["model"]["params"]
    true = pd.Series(truth, dtype=float).reindex(res.params.index)
    assert not true.isna().any()
    z = (res.params - true) / res.bse
    assert z.abs().max() < 3.5, z.abs().sort_values().tail()
    assert len([t for t in res.params.index if t.startswith("after:")]) >= 10
