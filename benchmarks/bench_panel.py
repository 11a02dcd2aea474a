"""Time ``build_panel`` and ``caseload_state`` on synthetic tables of ~1M and ~4M person-months.

Run: ``.venv/bin/python benchmarks/bench_panel.py [--sizes 1 4] [--repeat 3]``.
The tables are random but seeded (they only need realistic shapes: several
spells per client, about 0.6 trajectories per spell, six instruments).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from rendement.contract.folder import DataFolder
from rendement.panel import build_panel, caseload_state

EXTRACTION = pd.Timestamp("2025-01-01")
CODES = ("TRA", "WERK", "TAAL", "SOL", "LKS", "HB")
DURATIONS = (6, 3, 12, 9, 12, 0)


def synthetic_folder(n_clients: int, seed: int = 1) -> DataFolder:
    """About 30 person-months per client: 1-3 spells per client, trajectories inside spells."""
    rng = np.random.default_rng(seed)
    n_spells_per = rng.integers(1, 4, n_clients)
    n_spells = int(n_spells_per.sum())
    client_of = np.repeat(np.arange(n_clients), n_spells_per)
    # A client's spells follow each other: start = first inflow + earlier spells + gaps.
    length_days = rng.geometric(1 / 600, n_spells).astype("timedelta64[D]")
    step = length_days.astype(np.int64) + rng.integers(30, 700, n_spells)
    before = np.cumsum(step) - step
    first_of_client = np.repeat(np.cumsum(n_spells_per) - n_spells_per, n_spells_per)
    elapsed = before - before[first_of_client]
    first_day = np.datetime64("2008-01-01")
    span = int((np.datetime64(EXTRACTION.date()) - first_day).astype(int))
    inflow = rng.integers(0, span, n_clients)[client_of]
    start = first_day + (inflow + elapsed).astype("timedelta64[D]")
    end = start + length_days
    end_ns = end.astype("datetime64[ns]")
    end_ns[end > np.datetime64(EXTRACTION.date())] = np.datetime64("NaT")
    ids = np.array([f"K{i:07d}" for i in range(n_clients)], dtype=object)
    clients = pd.DataFrame(
        {
            "client_id": ids,
            "birth_date": (
                np.datetime64("1960-01-01")
                + rng.integers(0, 15000, n_clients).astype("timedelta64[D]")
            ).astype("datetime64[ns]"),
            "gender": rng.choice(np.array(["M", "V"], dtype=object), n_clients),
            "household_type": rng.choice(
                np.array(["alleenstaand", "paar"], dtype=object), n_clients
            ),
            "education": rng.choice(
                np.array(["laag", "middelbaar", "hoog"], dtype=object), n_clients
            ),
            "dutch_language": pd.array(rng.random(n_clients) < 0.7, dtype="boolean"),
            "work_experience_years": rng.integers(0, 20, n_clients).astype("float64"),
            "health_restriction": pd.array(rng.random(n_clients) < 0.2, dtype="boolean"),
            "district": rng.choice(np.array(["Noord", "Zuid"], dtype=object), n_clients),
            "caseworker_id": rng.choice(np.array(["KM1", "KM2", "KM3"], dtype=object), n_clients),
        }
    )
    spells = pd.DataFrame(
        {
            "spell_id": np.array([f"S{i:08d}" for i in range(n_spells)], dtype=object),
            "client_id": ids[client_of],
            "start_date": start.astype("datetime64[ns]"),
            "end_date": end_ns,
            "end_reason": np.where(np.isnat(end_ns), None, "werk").astype(object),
            "monthly_benefit": np.full(n_spells, 1369.0),
        }
    )
    has_traj = rng.random(n_spells) < 0.6
    traj_spell = np.flatnonzero(has_traj)
    n_traj = len(traj_spell)
    offset = (rng.random(n_traj) * length_days[traj_spell].astype(np.int64)).astype(np.int64)
    t_start = start[traj_spell] + offset.astype("timedelta64[D]")
    code = rng.integers(0, len(CODES), n_traj)
    t_len = (np.asarray(DURATIONS)[code] * 30).astype("timedelta64[D]")
    t_end = (t_start + t_len).astype("datetime64[ns]")
    t_end[rng.random(n_traj) < 0.1] = np.datetime64("NaT")
    # Spells and trajectories not yet started at the extraction date are not in an export.
    keep = t_start <= np.datetime64(EXTRACTION.date())
    trajectories = pd.DataFrame(
        {
            "trajectory_id": np.array([f"T{i:08d}" for i in range(n_traj)], dtype=object),
            "client_id": ids[client_of[traj_spell]],
            "instrument": np.asarray(CODES, dtype=object)[code],
            "start_date": t_start.astype("datetime64[ns]"),
            "end_date": t_end,
            "cost": np.full(n_traj, np.nan),
            "provider": np.full(n_traj, None, dtype=object),
            "result": np.full(n_traj, None, dtype=object),
        }
    ).loc[keep]
    instruments = pd.DataFrame(
        {
            "instrument": np.asarray(CODES, dtype=object),
            "label": np.asarray(CODES, dtype=object),
            "meter": np.array(["reintegratie"] * 5 + ["handhaving"], dtype=object),
            "category": np.full(len(CODES), None, dtype=object),
            "price": np.full(len(CODES), 3000.0),
            "duration_months": np.asarray(DURATIONS, dtype=np.int64),
            "waiting_months": np.ones(len(CODES), dtype=np.int64),
            "success_share": np.zeros(len(CODES)),
            "capacity": pd.array([None] * len(CODES), dtype="Int64"),
        }
    )
    spells = spells.loc[spells["start_date"] <= EXTRACTION].reset_index(drop=True)
    return DataFolder(clients, spells, trajectories.reset_index(drop=True), instruments)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sizes",
        type=float,
        nargs="+",
        default=[1.0, 4.0],
        help="target person-months in millions",
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    per_client = build_panel(synthetic_folder(2000), until=EXTRACTION).n_person_months / 2000
    for millions in args.sizes:
        n_clients = int(millions * 1e6 / per_client)
        data = synthetic_folder(n_clients)
        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            panel = build_panel(data, until=EXTRACTION)
            best = min(best, time.perf_counter() - t0)
        t0 = time.perf_counter()
        state = caseload_state(data, EXTRACTION)
        t_case = time.perf_counter() - t0
        rows = panel.n_person_months
        print(
            f"build_panel: {rows:>10,d} person-months, {len(data.spells):,d} spells, "
            f"{len(data.trajectories):,d} trajectories: {best:6.2f} s "
            f"(best of {args.repeat}), {rows / best:,.0f} rows/s; "
            f"caseload_state: {len(state):,d} clients in {t_case:.2f} s"
        )


if __name__ == "__main__":
    main()
