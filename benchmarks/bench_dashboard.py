"""Benchmark: the steering report's expenditure forecast against the simulated truth, and its speed.

**Accuracy** (``--seeds``): for each seed, simulate Droomstad (``--clients``) up
to 2027-01-01, cut the data at ``--cutoff`` (2026-07-01: what the municipality
knew then), fit the model on the cut data, forecast the expenditure of 2026 and
compare with what the simulator actually paid after the cut-off. Printed per
seed and on average: the error of the existing caseload's expenditure (target:
within 2% of the truth on average over seeds), the error of the year total, and
whether the 90% interval of the total covers the outcome (target: about 90% of
seeds, i.e. not far below and not 100% with a uselessly wide interval).

**Speed** (``--rotterdam``): a town with a caseload of about 35,000 on the
report date (Rotterdam), written to disk as a data folder with a fitted model;
the whole ``rendement dashboard`` command (read and validate the folder, build
the report with a part per district and the backtest, write the page and the
workbook) is timed. Target: at most 30 s on 2 cores.

Run: ``.venv/bin/python benchmarks/bench_dashboard.py [--seeds 30] [--clients 5000]
[--rotterdam 35000]`` (``--rotterdam 0`` skips the timing, ``--seeds 0`` the accuracy).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from rendement.cli.main import main
from rendement.contract import read_data_folder
from rendement.contract.folder import DataFolder
from rendement.dashboard.backtest import backtest, cut_at
from rendement.hazard.warnings import FewObservationsWarning
from rendement.model.fitting import fit_model
from rendement.model.folder import save_model
from rendement.simulate import SimulationConfig, simulate

TARGET_SECONDS = 30.0
CASELOAD_SHARE = 0.30  # caseload on the report date per simulated client (Droomstad, measured)


def accuracy(seeds: list[int], clients: int, cutoff: pd.Timestamp) -> None:
    print(f"Forecast of 2026 from {cutoff.date()}, {clients:,} simulated clients per town")
    print(" seed | caseload err | total err | 90% interval of the total       | truth      | in")
    rows = []
    for seed in seeds:
        sim = simulate(SimulationConfig(clients=clients, seed=seed, as_of="2027-01-01"))
        full = DataFolder(sim.clients, sim.spells, sim.trajectories, sim.instruments)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FewObservationsWarning)
            model, _ = fit_model(cut_at(full, cutoff), until=cutoff)
        bt = backtest(full, model, cutoff, observed_until=pd.Timestamp("2026-12-31"))
        fc = bt.forecast
        rows.append((bt.caseload_error, bt.error, bt.covered, (fc.upper - fc.lower) / fc.total))
        print(
            f" {seed:4d} | {bt.caseload_error:+11.2%} | {bt.error:+8.2%} | "
            f"{fc.lower:14,.0f} - {fc.upper:14,.0f} | {bt.actual.sum():10,.0f} | "
            f"{'yes' if bt.covered else 'NO'}"
        )
    a = np.array([r[:2] for r in rows], dtype=float)
    covered = np.mean([r[2] for r in rows])
    width = np.mean([r[3] for r in rows])
    print(
        f"caseload expenditure: mean error {a[:, 0].mean():+.2%}, mean absolute error "
        f"{np.abs(a[:, 0]).mean():.2%}, worst {np.abs(a[:, 0]).max():.2%} (target: within 2%)"
    )
    print(
        f"year total: mean error {a[:, 1].mean():+.2%}, mean absolute error "
        f"{np.abs(a[:, 1]).mean():.2%}; 90% interval covers {covered:.0%} of {len(rows)} seeds "
        f"(mean width {width:.2%} of the total)"
    )


def speed(caseload: int, seed: int) -> None:
    clients = int(caseload / CASELOAD_SHARE)
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        sim = simulate(SimulationConfig(clients=clients, seed=seed, as_of="2026-07-01"))
        sim.write(root / "data", root / "truth")
        data = read_data_folder(root / "data")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FewObservationsWarning)
            model, _ = fit_model(data)
        save_model(model, root / "model")
        (root / "budget.csv").write_text("year,amount\n2026,600000000\n")
        on = data.spells["end_date"].isna().sum()
        print(
            f"\nRotterdam-sized town: {clients:,} clients, {len(data.spells):,} spells, "
            f"{len(data.trajectories):,} trajectories, caseload {on:,} "
            f"(prepared in {time.perf_counter() - t0:.0f} s, not timed)"
        )
        argv = [
            "dashboard", str(root / "data"), "--model", str(root / "model"),
            "--as-of", "2026-07-01", "--out", str(root / "out"), "--by", "district",
            "--budget", str(root / "budget.csv"), "--quiet",
        ]  # fmt: skip
        t1 = time.perf_counter()
        code = main(argv)
        seconds = time.perf_counter() - t1
        assert code == 0, code
        size = sum(p.stat().st_size for p in (root / "out").iterdir()) / 1e6
        print(
            f"rendement dashboard (read + validate, report with districts and backtest, write): "
            f"{seconds:.1f} s wall (target {TARGET_SECONDS:.0f} s); files {size:.1f} MB"
        )


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=30)
    parser.add_argument("--first-seed", type=int, default=101)
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--cutoff", default="2026-07-01")
    parser.add_argument("--rotterdam", type=int, default=35_000, help="caseload to time (0: skip)")
    args = parser.parse_args()
    if args.seeds:
        seeds = list(range(args.first_seed, args.first_seed + args.seeds))
        accuracy(seeds, args.clients, pd.Timestamp(args.cutoff))
    if args.rotterdam:
        speed(args.rotterdam, seed=7)


if __name__ == "__main__":
    main_()
