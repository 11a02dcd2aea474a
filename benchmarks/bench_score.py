"""Time ``score_clients`` on a large made-up caseload: 400,000 clients x 8 instruments x 60 months.

Run: ``.venv/bin/python benchmarks/bench_score.py [--clients 400000] [--draws 10]
[--draw-clients 400000]``.

The hazard model is made up (seeded random parameters on the default
specification, 8 re-integration instruments with lock-in, after-effects and
an effect modifier); the caseload is random with realistic shapes (months on
benefit 0-200, about 10% in a running instrument, about 25% after an earlier
one). Reported separately: the point score (target: at most 20 s) and the
score with intervals from parameter draws (cost per draw).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from rendement.model.hazard_model import HazardModel
from rendement.model.spec import ModelSpec
from rendement.scoring.caseload import score_clients

CODES = ("TRA", "WERK", "TAAL", "SOL", "LKS", "VRIJ", "OPST", "COACH")
DURATIONS = (6, 3, 12, 4, 12, 9, 2, 6)
WAITING = (1, 0, 2, 1, 3, 1, 0, 1)
PRICES = (4000.0, 1500.0, 3000.0, 1200.0, 6600.0, 800.0, 900.0, 2500.0)


def made_up_model(seed: int = 1) -> HazardModel:
    spec = ModelSpec(instruments=CODES)
    rng = np.random.default_rng(seed)
    terms = spec.terms()
    params = pd.Series(rng.normal(0.0, 0.2, len(terms)), index=terms)
    for t in spec.baseline_terms():
        params[t] = -2.2 - 0.1 * spec.baseline_terms().index(t)
    for c in CODES:
        params[f"in:{c}"] = rng.uniform(-0.8, -0.1)
        params[f"after:{c}"] = rng.uniform(0.0, 0.5)
    a = rng.normal(size=(len(terms), len(terms)))
    cov = pd.DataFrame(a @ a.T / len(terms) * 0.003, index=terms, columns=terms)
    catalogue = pd.DataFrame(
        {
            "instrument": CODES,
            "label": CODES,
            "meter": "reintegratie",
            "category": "2a",
            "price": PRICES,
            "duration_months": DURATIONS,
            "waiting_months": WAITING,
            "success_share": [0.3 if i % 2 else 0.0 for i in range(len(CODES))],
            "capacity": 100,
        }
    )
    return HazardModel(spec, params, cov, catalogue, metadata={"version": "bench"})


def made_up_caseload(n: int, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    d = rng.integers(0, 200, n)
    as_of = pd.Timestamp("2026-01-01")
    inflow = as_of - pd.to_timedelta(d * 30.44 + 1, unit="D")
    frame = pd.DataFrame(
        {
            "client_id": np.array([f"K{i:07d}" for i in range(n)], dtype=object),
            "spell_id": np.array([f"S{i:07d}" for i in range(n)], dtype=object),
            "inflow_date": inflow.normalize(),
            "months_on_benefit": d,
            "monthly_benefit": rng.choice([1369.0, 1956.0], n),
            "birth_date": (
                np.datetime64("1960-01-01") + rng.integers(0, 15000, n).astype("timedelta64[D]")
            ).astype("datetime64[ns]"),
            "household_type": rng.choice(
                np.array(["alleenstaand", "alleenstaande_ouder", "paar"], dtype=object), n
            ),
            "education": rng.choice(
                np.array(["laag", "middelbaar", "hoog", "onbekend"], dtype=object), n
            ),
            "dutch_language": pd.array(rng.random(n) < 0.7, dtype="boolean"),
            "work_experience_years": rng.integers(0, 20, n).astype("float64"),
            "health_restriction": pd.array(rng.random(n) < 0.2, dtype="boolean"),
            "district": rng.choice(np.array(["Noord", "Zuid", "West"], dtype=object), n),
            "caseworker_id": np.array([f"KM{i % 300}" for i in range(n)], dtype=object),
        }
    )
    running = rng.random(n) < 0.10
    which = rng.integers(0, len(CODES), n)
    current = np.where(running, np.asarray(CODES, dtype=object)[which], "")
    frame["current_instrument"] = current
    frame["remaining_in_months"] = np.where(running, rng.integers(1, 10, n), 0)
    for j, c in enumerate(CODES):
        frame[f"in:{c}"] = (running & (which == j)).astype(np.int8)
        frame[f"after:{c}"] = (rng.random(n) < 0.04).astype(np.int8)
    return frame


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--clients", type=int, default=400_000)
    ap.add_argument("--draws", type=int, default=10, help="parameter draws for the interval run")
    ap.add_argument(
        "--draw-clients",
        type=int,
        default=None,
        help="clients in the interval run (default: --clients)",
    )
    args = ap.parse_args()
    model = made_up_model()
    t0 = time.perf_counter()
    frame = made_up_caseload(args.clients)
    print(f"made-up caseload of {args.clients:,} clients built in {time.perf_counter() - t0:.1f} s")

    t0, c0 = time.perf_counter(), time.process_time()
    score = score_clients(model, frame, interval=None)
    t_point, c_point = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"point score: {args.clients:,} clients x {len(CODES)} instruments x "
        f"{model.spec.horizon} months in {t_point:.1f} s wall, {c_point:.1f} s CPU "
        f"(target <= 20 s); {len(score.returns):,} returns rows"
    )

    n_draw = args.draw_clients or args.clients
    sub = frame.iloc[:n_draw]
    t0, c0 = time.perf_counter(), time.process_time()
    score_i = score_clients(model, sub, interval=0.9, n_draws=args.draws)
    t_int, c_int = time.perf_counter() - t0, time.process_time() - c0
    c_point_sub = c_point * n_draw / args.clients
    per_draw = (c_int - c_point_sub) / args.draws
    print(
        f"with 90% intervals, {args.draws} draws, {n_draw:,} clients: {t_int:.1f} s wall, "
        f"{c_int:.1f} s CPU (about {per_draw:.2f} s CPU per draw; 200 draws would take "
        f"about {c_point_sub + 200 * per_draw:.0f} s CPU)"
    )
    assert "months_saved_lower" in score_i.returns.columns


if __name__ == "__main__":
    main()
