"""Benchmark: the plan over combinations for a 35,000-client caseload and three meters.

Droomstad (simulated, all three meters in one world) is fitted once; its caseload
on the extraction date is repeated, with new client numbers, until it holds
35,000 clients: real characteristics, states and model, at Rotterdam's size.
Then the returns of every combination of at most one instrument per meter
(5 trajectories x Werk Direct x home visit: 23 combinations) are scored for
every client, and the plan over combinations is made with places for 8% of the
caseload, without a budget and with a budget of half what that plan spends.

Target: the plan (dominance, LP prices, exact search) in at most 30 s on 2 cores
(scoring the combinations is timed on its own line).

Run: ``.venv/bin/python benchmarks/bench_mix.py [--clients 35000] [--seed 11]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from rendement.contract import read_data_folder
from rendement.mix import score_mix
from rendement.mix.plan import plan_mix
from rendement.mix.separate import compare_with_separate, separate_plans
from rendement.model.fitting import fit_model
from rendement.panel import caseload_state
from rendement.simulate import SimulationConfig, simulate

METERS = ["reintegratie", "werk_direct", "handhaving"]
TARGET_SECONDS = 30.0
PLACES_SHARE = 0.08


def caseload(clients: int, seed: int) -> tuple[object, pd.DataFrame]:
    """The fitted model and Droomstad's caseload repeated to ``clients`` rows."""
    with tempfile.TemporaryDirectory() as tmp:
        sim = simulate(SimulationConfig(clients=25_000, seed=seed, heterogeneity=False))
        sim.write(Path(tmp) / "data", Path(tmp) / "truth")
        data = read_data_folder(Path(tmp) / "data")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model, _ = fit_model(data, meter="reintegratie")
        frame = caseload_state(data, data.extraction_date)
    copies = -(-clients // len(frame))
    big = pd.concat([frame] * copies, ignore_index=True).iloc[:clients].copy()
    big["client_id"] = [f"K{i:06d}" for i in range(len(big))]
    return model, big.reset_index(drop=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=35_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    model, frame = caseload(args.clients, args.seed)
    t0 = time.perf_counter()
    mix = score_mix(model, frame, METERS)
    scoring = time.perf_counter() - t0
    free = int((~mix.clients["running"]).sum())
    print(
        f"caseload: {len(frame):,} clients ({free:,} without a running instrument), "
        f"{len(mix.combinations)} combinations of {len(METERS)} meters, "
        f"{len(mix.returns):,} (client, combination) pairs; scored in {scoring:.1f} s"
    )
    catalogue = model.instruments
    yearly = pd.to_numeric(catalogue["capacity"], errors="coerce").fillna(0).to_numpy()
    places = np.floor(yearly / yearly.sum() * PLACES_SHARE * free).astype(int)
    capacity = pd.DataFrame({"instrument": catalogue["instrument"], "places": places})
    print(
        f"places: {int(places.sum()):,} ({', '.join(f'{c} {p}' for c, p in zip(capacity['instrument'], places, strict=True))})"
    )
    worst = 0.0
    budget = None
    for round_ in range(2):
        t0 = time.perf_counter()
        plan = plan_mix(mix, capacity, budget=budget)
        seconds = time.perf_counter() - t0
        worst = max(worst, seconds)
        t = plan.totals
        label = "no budget" if budget is None else f"budget EUR {budget:,.0f}"
        comparison = compare_with_separate(plan, separate_plans(mix, capacity, budget=budget))
        print(
            f"\n{label}: plan in {seconds:.2f} s ({t['status']}, gap EUR {t['gap_eur']:,.2f}); "
            f"{int(t['variables']):,} positive options, {int(t['search_variables']):,} after "
            f"dominance; {int(t['assigned']):,} clients, {int(t['combinations']):,} with a "
            f"combination; net return EUR {t['net_return_eur']:,.0f}; the mix adds EUR "
            f"{comparison['mix_adds_eur'].iloc[0]:,.0f} to planning each meter apart"
        )
        if round_ == 0:
            budget = 0.5 * float(t["expected_cost_eur"])
    verdict = "within" if worst <= TARGET_SECONDS else "ABOVE"
    print(f"\nslowest plan {worst:.2f} s: {verdict} the target of {TARGET_SECONDS:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
