"""Benchmark: simulating Droomstad and reading + checking its data folder at municipal scale.

Simulates a municipality of ``--clients`` clients (default 50,000: a large Dutch
city), writes its data folder, then times ``read_data_folder`` (read, validate,
relations) on it. Targets: simulation within a minute, reading within seconds on
one core. Prints figures; asserts nothing (timings belong here, not in tests).

    python benchmarks/bench_read.py [--clients 50000] [--seed 61] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from rendement.contract import read_data_folder
from rendement.simulate import SimulationConfig, simulate


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--clients", type=int, default=50_000)
    p.add_argument("--seed", type=int, default=61)
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    started = time.perf_counter()
    sim = simulate(SimulationConfig(clients=a.clients, seed=a.seed))
    seconds = time.perf_counter() - started
    print(f"simulate({a.clients:,} clients): {seconds:.1f} s, caseload {len(sim.truth_caseload):,}")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        sim.write(data_dir, Path(tmp) / "truth")
        times = []
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            data = read_data_folder(data_dir)
            times.append(time.perf_counter() - t0)
        print(
            f"read_data_folder: {len(data.clients):,} clients, {len(data.spells):,} spells, "
            f"{len(data.trajectories):,} trajectories: best {min(times):.2f} s of {a.repeat} "
            f"(all: {', '.join(f'{t:.2f}' for t in times)})"
        )


if __name__ == "__main__":
    main()
