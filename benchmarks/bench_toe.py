"""Benchmark: the timing-of-events model against the default model on the regime battery.

For every regime of :data:`rendement.simulate.regimes.BATTERY` (worlds that
differ from Droomstad in how trajectories are assigned, how often clients get a
second one, what the unobserved term looks like, local labour markets, a
calendar shock, a smooth baseline, instrument choice on the type, types kept
over spells) and every seed, a municipality is simulated, both models are fitted
on its history and scored at the extraction date
(:func:`rendement.simulate.battery.run_regime`). Printed per regime and model:

* bias of months saved averaged over the meter's instruments (mean over seeds of
  |mean estimated - mean true|) and the worst instrument;
* coverage of the 95% intervals of the lock-in and after-effects (over terms and
  seeds; a calibrated estimator gives 0.95) and of the 90% intervals of months
  saved (over clients and seeds; target 0.90);
* fit time.

Then the wall time and peak memory of ``fit_timing_of_events`` on about 400,000
spells (``--time-spells``; target 10 minutes on 2 cores). Prints figures; asserts
nothing.

    python benchmarks/bench_toe.py [--regime all|NAME[,NAME]] [--seeds 10] [--clients 25000]
                                   [--draws 100] [--time-spells 400000] [--skip-timing]
                                   [--csv PREFIX] [--timing-only]
    python benchmarks/bench_toe.py --summarise PREFIX1.csv PREFIX2.csv ...

Runs may be split over processes (one regime each, ``--csv``) and summarised
together afterwards.
"""

from __future__ import annotations

import argparse
import resource
import time
import warnings

import numpy as np
import pandas as pd

Z95 = 1.959963984540054


def battery(regimes: list[str], seeds: list[int], clients: int, draws: int) -> pd.DataFrame:
    """One row per (regime, seed, model) with the figures of the module docstring."""
    from rendement.simulate.battery import run_regime

    rows = []
    for regime in regimes:
        for seed in seeds:
            t0 = time.perf_counter()
            run = run_regime(regime, clients=clients, seed=seed, interval=0.9, draws=draws)
            for model in ("default", "toe"):
                s = run.saved[run.saved["model"] == model]
                e = run.effects[run.effects["model"] == model]
                inside = (e["estimate"] - Z95 * e["se"] <= e["truth"]) & (
                    e["truth"] <= e["estimate"] + Z95 * e["se"]
                )
                rows.append(
                    {
                        "regime": regime,
                        "seed": seed,
                        "model": model,
                        "bias": float(s["bias"].abs().mean()),
                        "worst": float(s["bias"].abs().max()),
                        "cover95_effects": float(inside.mean()),
                        "cover90_saved": float(
                            (s["coverage"] * s["clients"]).sum() / s["clients"].sum()
                        ),
                        "fit_seconds": float(run.facts.get(f"{model}_seconds", np.nan)),
                        "mass_points": run.facts.get("mass_points") if model == "toe" else 1,
                        # signed bias per instrument, to read a rare instrument over seeds
                        **{
                            f"bias:{code}": float(b)
                            for code, b in zip(s["instrument"], s["bias"], strict=True)
                        },
                    }
                )
            print(
                f"  {regime} seed {seed}: {time.perf_counter() - t0:.0f} s "
                f"(default bias {rows[-2]['bias']:.2f}, toe {rows[-1]['bias']:.2f})",
                flush=True,
            )
    return pd.DataFrame(rows)


def summarise(table: pd.DataFrame) -> str:
    agg = table.groupby(["regime", "model"], sort=False).agg(
        seeds=("seed", "nunique"),
        bias=("bias", "mean"),
        worst=("worst", "max"),
        cover95_effects=("cover95_effects", "mean"),
        cover90_saved=("cover90_saved", "mean"),
        fit_seconds=("fit_seconds", "mean"),
    )
    wide = agg.unstack("model")
    wide.columns = [f"{a}_{b}" for a, b in wide.columns]
    cols = [
        "bias_default",
        "bias_toe",
        "worst_toe",
        "cover95_effects_default",
        "cover95_effects_toe",
        "cover90_saved_toe",
        "fit_seconds_toe",
    ]
    lines = [
        "months saved: |bias| averaged over the meter's instruments (mean over seeds), worst",
        "instrument over seeds; coverage of 95% effect intervals and 90% months-saved intervals",
        wide[cols].round(2).to_string(),
    ]
    toe = table[table["model"] == "toe"]
    per = [c for c in toe.columns if c.startswith("bias:")]
    if per:
        signed = toe.groupby("regime", sort=False)[per].agg(["mean", "std"])
        lines.append(
            "timing-of-events, signed bias of months saved per instrument: mean over seeds "
            "and its standard deviation (sampling error of one seed)"
        )
        lines.append(signed.round(2).to_string())
    lines.append(
        f"timing-of-events over all regimes and seeds: mean |bias| {toe['bias'].mean():.2f}, "
        f"share of regime-seeds within 0.5 on average {np.mean(toe['bias'] < 0.5):.0%}, "
        f"coverage 95% effects {toe['cover95_effects'].mean():.3f}, "
        f"90% months saved {toe['cover90_saved'].mean():.3f}"
    )
    return "\n".join(lines)


def time_fit(spells: int) -> None:
    """Fit time and peak memory of the timing-of-events model on about ``spells`` spells."""
    from rendement.contract.folder import DataFolder
    from rendement.hazard import HazardWarning, fit_hazard
    from rendement.hazard.toe import fit_timing_of_events
    from rendement.model.spec import ModelSpec
    from rendement.panel import build_panel
    from rendement.simulate import SimulationConfig, simulate

    clients = int(spells / 1.27)  # Droomstad has about 1.27 spells per client
    sim = simulate(SimulationConfig(clients=clients, seed=7, selection="unobserved"))
    data = DataFolder(sim.clients, sim.spells, sim.trajectories, sim.instruments)
    panel = build_panel(data, until=sim.as_of)
    spec = ModelSpec().resolve(data.clients, instruments=list(panel.instruments))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HazardWarning)
        default = fit_hazard(panel, spec, instruments_catalogue=data.instruments)
        t0 = time.perf_counter()
        res = fit_timing_of_events(
            panel,
            spec,
            instruments_catalogue=data.instruments,
            default=default,
            progress=lambda msg: print(f"  {time.perf_counter() - t0:.0f} s: {msg}", flush=True),
        )
    seconds = time.perf_counter() - t0
    # the two targets: 25,000 clients in a minute, 400,000 spells in ten
    target = "60 s, 25,000 clients" if clients <= 25_000 else "600 s, 400,000 spells"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(
        f"fit_timing_of_events: {len(panel.spells):,} spells ({clients:,} clients, "
        f"{res.n_person_months:,} person-months): {seconds:.0f} s "
        f"(target {target}), {res.n_points} mass points; peak memory of the process {peak:.1f} GB"
    )


def main() -> None:
    from rendement.simulate.regimes import BATTERY

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regime", default="all", help="all, or names separated by commas")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--first-seed", type=int, default=101)
    ap.add_argument("--clients", type=int, default=25_000)
    ap.add_argument("--draws", type=int, default=100)
    ap.add_argument("--time-spells", type=int, default=400_000)
    ap.add_argument("--skip-timing", action="store_true")
    ap.add_argument(
        "--timing-only", action="store_true", help="only the fit time on --time-spells spells"
    )
    ap.add_argument("--csv", default=None, help="write the per-seed table to PREFIX.csv")
    ap.add_argument(
        "--summarise",
        nargs="+",
        default=None,
        metavar="CSV",
        help="only print the summary of per-seed tables written earlier with --csv",
    )
    args = ap.parse_args()
    if args.summarise:
        print(summarise(pd.concat([pd.read_csv(f) for f in args.summarise], ignore_index=True)))
        return
    if args.timing_only:
        time_fit(args.time_spells)
        return
    regimes = list(BATTERY) if args.regime == "all" else args.regime.split(",")
    unknown = [r for r in regimes if r not in BATTERY]
    if unknown:
        ap.error(f"unknown regime(s) {unknown}; known: {', '.join(BATTERY)}")
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    table = battery(regimes, seeds, args.clients, args.draws)
    if args.csv:
        table.to_csv(f"{args.csv}.csv", index=False)
    print(summarise(table))
    if not args.skip_timing:
        time_fit(args.time_spells)


if __name__ == "__main__":
    main()
