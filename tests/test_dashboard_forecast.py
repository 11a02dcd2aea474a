"""The expenditure forecast: exact on a constant hazard, and checked against the simulator's truth."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from dashboard_builders import constant_hazard_model, folder

from rendement.contract.folder import DataFolder
from rendement.dashboard.backtest import backtest, cut_at
from rendement.dashboard.forecast import _months_variance, forecast_expenditure
from rendement.dashboard.inflow_model import forecast_inflow
from rendement.hazard.warnings import FewObservationsWarning
from rendement.model.fitting import fit_model
from rendement.simulate import SimulationConfig, simulate

JAN = 12 * 2026


def test_caseload_part_is_benefit_times_survival_in_the_right_calendar_month(
    tmp_path: Path,
) -> None:
    h = 0.1
    model = constant_hazard_model(tmp_path, h)
    data = folder(
        clients=[{"client_id": c} for c in "ABC"],
        spells=[
            # d = 3 on 07-01; spell months 1-4 paid (Mar-Jun), month 5 starts 07-15 (July)
            ("A", "A", "2026-03-15", None, 1000),
            # d = 6 on 07-01; month 7 started on 07-01 (paid, realised); month 8 in August
            ("B", "B", "2026-01-01", None, 2000),
            ("C", "C", "2025-06-10", "2026-02-10", 500),  # ended: Jan paid; nothing later
        ],
    )
    fc = forecast_expenditure(data, model, pd.Timestamp("2026-07-01"), n_draws=0)
    survive = (1 - h) ** np.arange(1, 7)
    expected = np.zeros(12)
    expected[6:12] += 1000 * survive  # A: July .. December, j = 1..6
    expected[7:12] += 2000 * survive[:5]  # B: August .. December, j = 1..5
    np.testing.assert_allclose(fc.caseload, expected, rtol=1e-6)
    realised = np.zeros(12)
    realised[0] = 2000 + 500  # B and C in January
    realised[1:6] = 2000  # B
    realised[2:6] += 1000  # A from March
    realised[6] = 2000  # B's month 7 started on the report date
    np.testing.assert_allclose(fc.realised, realised)
    assert fc.caseload_by_client["A"] == pytest.approx(1000 * survive.sum())
    assert fc.caseload_lower < fc.caseload.sum() < fc.caseload_upper
    assert "AOW-leeftijd meegenomen" in " ".join(fc.notes)  # born 1980: far from it


def test_pension_hook_stops_payments(tmp_path: Path) -> None:
    model = constant_hazard_model(tmp_path, 0.1)
    data = folder(clients=[{"client_id": "A"}], spells=[("A", "A", "2026-03-15", None, 1000)])

    def two_more_months(caseload: pd.DataFrame, as_of: pd.Timestamp) -> np.ndarray:
        return np.full(len(caseload), 2)

    fc = forecast_expenditure(
        data, model, pd.Timestamp("2026-07-01"), n_draws=0, pension_exits=two_more_months
    )
    np.testing.assert_allclose(fc.caseload[6:8], 1000 * 0.9 ** np.arange(1, 3))
    assert fc.caseload[8:].sum() == 0.0


def test_variance_of_months_paid_matches_simulation() -> None:
    rng = np.random.default_rng(1)
    h = np.array([0.05, 0.2, 0.1, 0.3, 0.02, 0.15])
    s = np.cumprod(1 - h)[None, :]
    leaves = rng.random((400_000, len(h))) < h
    alive = np.cumprod(~leaves, axis=1)  # still on benefit after month j
    months = alive.sum(axis=1)
    assert _months_variance(s)[0] == pytest.approx(months.var(), rel=0.02)
    assert s.sum() == pytest.approx(months.mean(), rel=0.01)


def test_inflow_model_forecasts_the_level_and_its_spread() -> None:
    rng = np.random.default_rng(7)
    months = np.arange(JAN - 48, JAN)
    season = np.where(months % 12 == 0, 15.0, 0.0)  # a January peak
    counts = pd.Series(rng.poisson(40 + season), index=months)
    flow = forecast_inflow(counts, 12, seed=1)
    assert "(1,0,0)12" in flow.model  # 48 months: with the seasonal term
    assert flow.mean[0] > flow.mean[1:].mean() + 5  # the January peak is carried forward
    assert abs(flow.mean[1:].mean() - 40) < 4
    lo, hi = flow.interval(0.9)
    assert (lo < flow.mean).all() and (flow.mean < hi).all()
    short = forecast_inflow(counts.iloc[-24:], 6, seed=1)
    assert "(1,0,0)12" not in short.model  # 24 months: no seasonal term


def test_forecast_against_the_simulated_truth() -> None:
    """Simulate Droomstad to the end of 2026, cut it on 2026-07-01, fit, forecast the rest of
    the year, and compare with what the simulator paid after the cut-off."""
    sim = simulate(SimulationConfig(clients=2500, seed=11, as_of="2027-01-01"))
    full = DataFolder(sim.clients, sim.spells, sim.trajectories, sim.instruments)
    cutoff = pd.Timestamp("2026-07-01")
    known = cut_at(full, cutoff)
    assert known.spells["start_date"].max() <= cutoff
    assert (known.spells["end_date"].dropna() <= cutoff).all()
    with warnings.catch_warnings():  # a small town has thin instruments
        warnings.simplefilter("ignore", FewObservationsWarning)
        model, _ = fit_model(known, until=cutoff)
    bt = backtest(full, model, cutoff, observed_until=pd.Timestamp("2026-12-31"), n_draws=50)
    fc = bt.forecast
    # realised months are exact
    np.testing.assert_allclose(fc.realised[:6], bt.actual[:6])
    assert abs(bt.caseload_error) < 0.03
    assert abs(bt.error) < 0.02
    # the interval is not degenerate: wider than the realised half is certain about
    assert 0 < fc.upper - fc.lower < 0.1 * fc.total


def test_report_parts_add_up_to_the_whole(tmp_path: Path) -> None:
    from rendement.dashboard import build_report

    model = constant_hazard_model(tmp_path, 0.05)
    rng = np.random.default_rng(5)
    n = 60
    starts = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 1200, n), unit="D")
    ends = [s + pd.DateOffset(months=int(m)) if rng.random() < 0.5 else None
            for s, m in zip(starts, rng.integers(1, 30, n), strict=True)]  # fmt: skip
    data = folder(
        clients=[{"client_id": f"K{i}", "caseworker_id": f"KM{i % 3}"} for i in range(n)],
        spells=[
            (f"S{i}", f"K{i}", str(s.date()), None if e is None or e > pd.Timestamp("2026-07-01")
             else str(e.date()), 900 + 10 * i)
            for i, (s, e) in enumerate(zip(starts, ends, strict=True))
        ],
    )  # fmt: skip
    report = build_report(data, model, "2026-07-01", by="caseworker", n_draws=0)
    assert [p.name for p in report.parts] == ["KM0", "KM1", "KM2"]
    assert [p.layer for p in report.parts] == ["operationeel management"] * 3
    for key in ("gerealiseerd", "prognose_bestand", "prognose_instroom"):
        parts = sum(p.expenditure_year[key] for p in report.parts)
        assert parts == pytest.approx(report.total.expenditure_year[key], rel=1e-9), key
    assert report.total.expenditure_year["totaal"] == pytest.approx(report.forecast.total)
    months = report.total.monthly
    assert (sum(p.monthly["bestand"] for p in report.parts) == months["bestand"]).all()
    assert report.backtest is not None and report.backtest.complete


def test_forecast_with_the_true_model_and_its_unobserved_types() -> None:
    """The simulator's own model (three unobserved types): the caseload is weighted by each
    spell's posterior types, as in scoring; the forecast then matches what was paid."""
    sim = simulate(SimulationConfig(clients=2500, seed=11, as_of="2027-01-01"))
    full = DataFolder(sim.clients, sim.spells, sim.trajectories, sim.instruments)
    assert sim.truth_model.heterogeneity is not None
    bt = backtest(
        full, sim.truth_model, pd.Timestamp("2026-07-01"),
        observed_until=pd.Timestamp("2026-12-31"), n_draws=0,
    )  # fmt: skip
    assert abs(bt.caseload_error) < 0.02


def test_report_of_a_municipality_without_trajectories(tmp_path: Path) -> None:
    from rendement.dashboard import build_report, write_report

    model = constant_hazard_model(tmp_path, 0.05)
    data = folder(
        clients=[{"client_id": f"K{i}"} for i in range(30)],
        spells=[(f"S{i}", f"K{i}", f"2023-{i % 12 + 1:02d}-01", None, 1000) for i in range(30)],
    )
    report = build_report(data, model, "2026-07-01", n_draws=0)
    assert report.total.by_instrument.empty or report.total.by_instrument.to_numpy().sum() == 0
    assert (report.total.monthly["trajecten_gestart"] == 0).all()
    assert report.total.cbs[3].denominator == 0  # no trajectory: the share is unknown, not 0
    html, xlsx = write_report(report, tmp_path / "out")
    assert "nog in bijstand 12 maanden na start traject" in html.read_text(encoding="utf-8")
    assert xlsx.exists()
