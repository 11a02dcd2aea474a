"""Benchmark the scoring service under uvicorn on loopback: advice latency/throughput, 10k batch.

Run: ``.venv/bin/python benchmarks/bench_service.py [--requests 1000] [--concurrency 8]
[--workers 2] [--advice-draws N] [--batch-draws N] [--model MODEL_DIR]``.

Starts ``rendement serve`` (a real uvicorn process, SQLite advice log in a
temporary folder) with a made-up model of 8 re-integration instruments (or
``--model``), then:

* ``POST /v1/advice``: ``--requests`` advices from ``--concurrency`` concurrent
  clients (httpx, keep-alive), capped at ``--time-cap`` seconds; prints p50/p95/p99
  latency, throughput and errors. Targets: p95 <= 50 ms, >= 200 advices/s on 2 cores.
* ``POST /v1/scores`` with 10,000 clients (three times); prints each time.
  Target: <= 3 s.

Exit status 1 when any request failed (the targets are reported, not enforced).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd

CODES = ("TRA", "WERK", "TAAL", "SOL", "LKS", "VRIJ", "OPST", "COACH")
DURATIONS = (6, 3, 12, 4, 12, 9, 2, 6)
WAITING = (1, 0, 2, 1, 3, 1, 0, 1)
PRICES = (4000.0, 1500.0, 3000.0, 1200.0, 6600.0, 800.0, 900.0, 2500.0)


def made_up_model(folder: Path, seed: int = 1) -> Path:
    """A seeded model with covariance (so advices have intervals), saved as a model folder."""
    from rendement.model.folder import save_model
    from rendement.model.hazard_model import HazardModel
    from rendement.model.spec import ModelSpec

    spec = ModelSpec(instruments=CODES)
    rng = np.random.default_rng(seed)
    terms = spec.terms()
    params = pd.Series(rng.normal(0.0, 0.2, len(terms)), index=terms)
    for i, t in enumerate(spec.baseline_terms()):
        params[t] = -2.2 - 0.1 * i
    for c in CODES:
        params[f"in:{c}"] = rng.uniform(-0.8, -0.1)
        params[f"after:{c}"] = rng.uniform(0.0, 0.5)
    a = rng.normal(size=(len(terms), len(terms)))
    cov = pd.DataFrame(a @ a.T / len(terms) * 0.003, index=terms, columns=terms)
    catalogue = pd.DataFrame(
        {
            "instrument": CODES,
            "label": [f"Instrument {c}" for c in CODES],
            "meter": "reintegratie",
            "category": "2a",
            "price": PRICES,
            "duration_months": DURATIONS,
            "waiting_months": WAITING,
            "success_share": [0.3 if i % 2 else 0.0 for i in range(len(CODES))],
            "capacity": 100,
        }
    )
    model = HazardModel(spec, params, cov, catalogue, metadata={"version": "bench"})
    return save_model(model, folder)


def clients(n: int, seed: int = 3) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    household = np.array(["alleenstaand", "alleenstaande_ouder", "paar"])
    education = np.array(["laag", "middelbaar", "hoog", "onbekend"])
    out = []
    for i in range(n):
        out.append(
            {
                "client_id": f"B{i:06d}",
                "age": int(rng.integers(18, 67)),
                "household_type": str(rng.choice(household)),
                "education": str(rng.choice(education)),
                "dutch_language": bool(rng.random() < 0.8),
                "work_experience_years": float(np.round(rng.exponential(5.0), 1)),
                "health_restriction": bool(rng.random() < 0.2),
                "months_on_benefit": int(rng.integers(0, 200)),
                "monthly_benefit": float(np.round(rng.uniform(900, 2000), 2)),
            }
        )
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_service(model: Path, db: str, port: int, workers: int, env: dict[str, str]) -> Any:
    cmd = [sys.executable, "-m", "rendement.cli.main", "serve", "--model", str(model), "--db", db,
           "--port", str(port), "--workers", str(workers)]  # fmt: skip
    proc = subprocess.Popen(
        cmd, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the service did not start:\n{proc.stderr.read().decode()}")  # type: ignore[union-attr]
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the service did not answer within 60 s")


async def advice_load(
    base: str, key: str, bodies: list[dict[str, Any]], concurrency: int, time_cap: float
) -> tuple[np.ndarray, int, float]:
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for b in bodies:
        queue.put_nowait(b)
    stop_at = time.perf_counter() + time_cap
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base, headers={"X-API-Key": key}, limits=limits, timeout=30
    ) as client:

        async def worker() -> None:
            nonlocal errors
            while not queue.empty() and time.perf_counter() < stop_at:
                body = queue.get_nowait()
                t0 = time.perf_counter()
                try:
                    r = await client.post("/v1/advice", json=body)
                    ok = r.status_code == 201
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t0)
                errors += not ok

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - t0
    return np.array(latencies), errors, wall


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--requests", type=int, default=1000)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--time-cap", type=float, default=60.0, help="seconds for the advice load")
    p.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    p.add_argument("--advice-draws", type=int, default=None, help="parameter draws per advice")
    p.add_argument("--batch-draws", type=int, default=None, help="parameter draws in a batch")
    p.add_argument("--batch", type=int, default=10_000)
    p.add_argument("--window-ms", type=float, default=None, help="advice batching window")
    p.add_argument(
        "--model", default=None, help="model folder (default: a made-up 8-instrument model)"
    )
    a = p.parse_args(argv)

    from rendement_api.db import KeyStore, make_engine, migrate

    with tempfile.TemporaryDirectory(prefix="rendement-bench-") as tmp:
        root = Path(tmp)
        model = Path(a.model) if a.model else made_up_model(root / "model")
        db = f"sqlite:///{root / 'log.db'}"
        engine = make_engine(db)
        migrate(engine)
        keys = KeyStore(engine)
        worker_key, _ = keys.create("caseworker", "bench")
        manager_key, _ = keys.create("manager", "bench-mgr")
        engine.dispose()
        env = {}
        if a.advice_draws is not None:
            env["RENDEMENT_ADVICE_DRAWS"] = str(a.advice_draws)
        if a.window_ms is not None:
            env["RENDEMENT_BATCH_WINDOW_MS"] = str(a.window_ms)
        if a.batch_draws is not None:
            env["RENDEMENT_BATCH_DRAWS"] = str(a.batch_draws)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_service(model, db, port, a.workers, env)
        try:
            info = httpx.get(base + "/v1/models", headers={"X-API-Key": manager_key}).json()[
                "models"
            ][0]
            print(
                f"service: {a.workers} uvicorn worker(s), {os.cpu_count()} CPU(s); model "
                f"{info['version']} ({info['kind']}), {sum(i['scored'] for i in info['instruments'])} "
                f"instruments; advice draws {a.advice_draws if a.advice_draws is not None else 'default'}"
            )
            bodies = clients(a.requests + 50, seed=3)
            asyncio.run(advice_load(base, worker_key, bodies[:50], a.concurrency, 30))  # warm-up
            lat, errors, wall = asyncio.run(
                advice_load(base, worker_key, bodies[50:], a.concurrency, a.time_cap)
            )
            ms = lat * 1000
            p50, p95, p99 = np.percentile(ms, [50, 95, 99])
            rate = len(lat) / wall
            print(
                f"POST /v1/advice: {len(lat)} requests, {a.concurrency} concurrent, {wall:.1f} s; "
                f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms; {rate:.0f} advices/s; "
                f"errors {errors}"
            )
            print(
                f"  targets: p95 <= 50 ms {'met' if p95 <= 50 else 'MISSED'}; "
                f">= 200 advices/s {'met' if rate >= 200 else 'MISSED'}"
            )
            batch = {"as_of": "2026-01-01", "clients": clients(a.batch, seed=4)}
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                r = httpx.post(
                    base + "/v1/scores", json=batch, headers={"X-API-Key": manager_key}, timeout=120
                )
                times.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    errors += 1
                    print(f"  /v1/scores failed: {r.status_code} {r.text[:300]}")
            size = len(r.content) / 1e6
            print(
                f"POST /v1/scores ({a.batch:,} clients, {size:.1f} MB answer): "
                + ", ".join(f"{t:.2f} s" for t in times)
                + f"; target <= 3 s {'met' if max(times) <= 3 else 'MISSED'}"
            )
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
