"""Peak memory of ``rendement validate`` (text and ``--json``) on a huge invalid data folder.

Run: ``.venv/bin/python benchmarks/bench_validate_memory.py [--rows 3000000] [--keep DIR]``.

Writes a folder whose ``spells.csv`` has ``--rows`` rows, every one of them
invalid (a date that is not a date, a negative or non-numeric benefit, an
unknown end reason, a client that is not in ``clients.csv``), with a
``clients.csv`` of half as many rows (a quarter of them invalid). It then runs
``rendement validate`` in a child process for each output mode and prints the
child's peak resident memory (``ru_maxrss``), its wall time, its exit status
and whether it printed a traceback. Issue 13 asks for at most 2 GB at 3M rows.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CHUNK = 250_000


def write_folder(folder: Path, rows: int, seed: int = 13) -> None:
    """The invalid folder, written in chunks (the generator itself stays small)."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    n_clients = max(1, rows // 2)
    with open(folder / "clients.csv", "w", encoding="utf-8") as f:
        f.write("client_id,birth_date,gender,household_type,education,district,caseworker_id\n")
        for lo in range(0, n_clients, CHUNK):
            hi = min(n_clients, lo + CHUNK)
            idx = np.arange(lo, hi)
            bad = rng.random(hi - lo) < 0.25
            birth = np.where(bad, "1970-13-45", "1970-01-01")
            edu = np.where(rng.random(hi - lo) < 0.1, "hbo", "laag")
            f.writelines(
                f"C{i:08d},{b},V,alleenstaand,{e},Noord,CW{i % 97:03d}\n"
                for i, b, e in zip(idx, birth, edu, strict=True)
            )
    with open(folder / "spells.csv", "w", encoding="utf-8") as f:
        f.write("spell_id,client_id,start_date,end_date,end_reason,monthly_benefit\n")
        for lo in range(0, rows, CHUNK):
            hi = min(rows, lo + CHUNK)
            kind = rng.integers(0, 4, hi - lo)
            lines = []
            for i, k in zip(range(lo, hi), kind, strict=True):
                client = f"C{(i % (2 * n_clients)):08d}"  # half of them unknown
                if k == 0:
                    lines.append(f"S{i:09d},{client},2020-02-30,,,1200.50\n")
                elif k == 1:
                    lines.append(f"S{i:09d},{client},2020-01-01,2021-01-01,pensioen,-5\n")
                elif k == 2:
                    lines.append(f"S{i:09d},{client},2020-01-01,2019-01-01,werk,veel\n")
                else:
                    lines.append(f"S{i:09d},{client},gisteren,,,0\n")
            f.writelines(lines)
    (folder / "trajectories.csv").write_text(
        "trajectory_id,client_id,instrument,start_date,end_date,cost,provider,result\n",
        encoding="utf-8",
    )
    (folder / "instruments.csv").write_text(
        "instrument,label,meter,category,price,duration_months,waiting_months\n"
        "TRA,Training,reintegratie,2a,1000,6,1\n",
        encoding="utf-8",
    )


def measure(folder: Path, json_mode: bool) -> dict[str, object]:
    """Run validate in a child (through a fresh helper so ``ru_maxrss`` is this run's only)."""
    helper = (
        "import resource, subprocess, sys, json;"
        "p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE);"
        "r = resource.getrusage(resource.RUSAGE_CHILDREN);"
        "print(json.dumps({'rc': p.returncode, 'peak_kb': r.ru_maxrss,"
        " 'stdout_bytes': len(p.stdout), 'traceback': b'Traceback' in p.stderr,"
        " 'stderr_tail': p.stderr[-300:].decode('utf-8', 'replace')}))"
    )
    command = [sys.executable, "-m", "rendement.cli", "validate", str(folder)]
    if json_mode:
        command.append("--json")
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", helper, *command], capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(out.stdout)
    result["seconds"] = time.perf_counter() - t0
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--keep", type=Path, default=None, help="write the folder here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        folder = args.keep or Path(tmp) / "data"
        t0 = time.perf_counter()
        if not (folder / "spells.csv").exists():
            write_folder(folder, args.rows)
        size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        print(
            f"folder: {args.rows:,} spell rows, {size:,.0f} MB ({time.perf_counter() - t0:.0f} s)"
        )
        for json_mode in (False, True):
            r = measure(folder, json_mode)
            mode = "validate --json" if json_mode else "validate       "
            peak_mb = int(r["peak_kb"]) / 1024  # type: ignore[call-overload]
            print(
                f"{mode}: peak {peak_mb:,.0f} MB, {r['seconds']:.0f} s, exit {r['rc']}, "
                f"{int(r['stdout_bytes']) / 1e3:,.0f} kB printed, "  # type: ignore[call-overload]
                f"traceback: {'YES' if r['traceback'] else 'no'}"
            )
            if r["traceback"]:
                print(r["stderr_tail"])


if __name__ == "__main__":
    main()
