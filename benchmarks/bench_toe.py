"""Benchmark: the timing-of-events model against the default model on simulated Droomstad.

For every seed and both kinds of selection into re-integration trajectories
(``observed``: entry depends on observed characteristics and elapsed duration
only, so only lock-in changes who is left; ``unobserved``: entry also depends on
the unobserved type that drives outflow), a municipality with unobserved
heterogeneity (three mass points) is simulated, and both models are fitted on
the whole history and scored at the extraction date:

* the default model (:func:`rendement.hazard.fit_hazard`, no heterogeneity);
* the timing-of-events model (:func:`rendement.hazard.toe.fit_timing_of_events`),
  scored with posterior type weights given each client's history.

Printed per model: bias (estimate - truth) and coverage of the 95% intervals of
every lock-in (``in:X``) and after-effect (``after:X``, ``after:X*MODIFIER``)
term, and per instrument of the re-integration meter the bias and mean absolute
error of months saved against the simulator's exact truth. Then the wall time of
``fit_timing_of_events`` on ``--time-clients`` clients (target: 5 minutes on 2
cores). Prints figures; asserts nothing.

    python benchmarks/bench_toe.py [--seeds 20] [--clients 25000] [--time-clients 20000]
                                   [--selection both|observed|unobserved] [--csv OUT.csv]
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np
import pandas as pd


def run_one(seed: int, clients: int, selection: str) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Effects table and months-saved table of both models on one simulated town."""
    from rendement.contract.folder import DataFolder
    from rendement.hazard import fit_hazard
    from rendement.hazard.toe import fit_timing_of_events, posterior_type_weights
    from rendement.model.spec import ModelSpec
    from rendement.panel import build_panel, caseload_state
    from rendement.scoring.caseload import score_caseload
    from rendement.simulate import SimulationConfig, simulate

    sim = simulate(
        SimulationConfig(clients=clients, seed=seed, heterogeneity=True, selection=selection)
    )
    data = DataFolder(sim.clients, sim.spells, sim.trajectories, sim.instruments)
    panel = build_panel(data, until=sim.as_of)
    spec = ModelSpec().resolve(data.clients, instruments=list(panel.instruments))
    default = fit_hazard(panel, spec, instruments_catalogue=data.instruments)
    t0 = time.perf_counter()
    toe = fit_timing_of_events(
        panel, spec, instruments_catalogue=data.instruments, default=default, seed=seed
    )
    seconds = time.perf_counter() - t0
    truth = sim.truth_model.params
    cmp = toe.compare_default()
    rows = []
    for term in cmp.index:
        if term not in truth.index:
            continue
        for model, est, se in (
            ("default", cmp.loc[term, "default"], cmp.loc[term, "default_se"]),
            ("toe", cmp.loc[term, "toe"], cmp.loc[term, "toe_se"]),
        ):
            rows.append(
                {
                    "seed": seed,
                    "selection": selection,
                    "model": model,
                    "term": term,
                    "truth": float(truth[term]),
                    "estimate": float(est),
                    "se": float(se),
                }
            )
    effects = pd.DataFrame(rows)

    cl = caseload_state(data, sim.as_of)
    toe_model = toe.to_model()
    weights = posterior_type_weights(toe_model, panel, cl)
    scores = {
        "default": score_caseload(data, default.to_model(), sim.as_of, interval=None),
        "toe": score_caseload(data, toe_model, sim.as_of, interval=None, type_weights=weights),
    }
    true_r = sim.truth_returns
    saved = []
    for model, score in scores.items():
        r = true_r.merge(score.returns, on=["client_id", "instrument"], suffixes=("", "_est"))
        err = r["months_saved_est"] - r["months_saved"]
        for code, e in err.groupby(r["instrument"]):
            saved.append(
                {
                    "seed": seed,
                    "selection": selection,
                    "model": model,
                    "instrument": code,
                    "bias": float(e.mean()),
                    "mae": float(e.abs().mean()),
                    "true_mean": float(r.loc[e.index, "months_saved"].mean()),
                }
            )
    facts = {
        "seed": seed,
        "selection": selection,
        "mass_points": toe.n_points,
        "identified": toe.identified,
        "fit_seconds": seconds,
        "person_months": toe.n_person_months,
    }
    return effects, pd.DataFrame(saved), facts


def summarise(effects: pd.DataFrame, saved: pd.DataFrame) -> str:
    z = 1.959963984540054
    e = effects.assign(
        error=effects["estimate"] - effects["truth"],
        covered=(effects["estimate"] - z * effects["se"] <= effects["truth"])
        & (effects["truth"] <= effects["estimate"] + z * effects["se"]),
    )
    lines = []
    for sel, part in e.groupby("selection"):
        n_seeds = part["seed"].nunique()
        lines.append(f"\n== selection on {sel}: {n_seeds} seed(s) ==")
        tab = part.pivot_table(
            index="term", columns="model", values=["error", "covered"], aggfunc="mean"
        )
        tab.columns = [f"{a}_{b}" for a, b in tab.columns]
        tab = tab.rename(
            columns={
                "error_default": "bias_default",
                "error_toe": "bias_toe",
                "covered_default": "cover95_default",
                "covered_toe": "cover95_toe",
            }
        )
        lines.append("lock-in and after-effects: mean bias and 95% interval coverage")
        lines.append(
            tab[["bias_default", "cover95_default", "bias_toe", "cover95_toe"]].round(3).to_string()
        )
        for model in ("default", "toe"):
            m = part[part["model"] == model]
            lines.append(
                f"{model}: mean |bias| {m.assign(err=m.estimate - m.truth).groupby('term')['err'].mean().abs().mean():.3f}, "
                f"coverage of 95% intervals {e.loc[m.index, 'covered'].mean():.3f} over {len(m)} estimates"
            )
        s = saved[saved["selection"] == sel]
        ms = s.pivot_table(
            index="instrument", columns="model", values=["bias", "mae"], aggfunc="mean"
        )
        ms.columns = [f"{a}_{b}" for a, b in ms.columns]
        ms["true_mean"] = s.groupby("instrument")["true_mean"].mean()
        lines.append(
            "months saved (re-integration meter): mean bias and mean absolute error vs truth"
        )
        lines.append(ms.round(3).to_string())
        for model in ("default", "toe"):
            per_seed = (
                s[s["model"] == model].groupby("seed")["bias"].apply(lambda b: b.abs().mean())
            )
            lines.append(
                f"{model}: |bias| of months saved averaged over instruments: mean over seeds "
                f"{per_seed.mean():.3f}, worst seed {per_seed.max():.3f}, "
                f"seeds within 0.5 months {np.mean(per_seed < 0.5):.0%}"
            )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first-seed", type=int, default=101)
    ap.add_argument("--clients", type=int, default=25_000)
    ap.add_argument("--time-clients", type=int, default=20_000)
    ap.add_argument("--selection", choices=["both", "observed", "unobserved"], default="both")
    ap.add_argument("--csv", default=None, help="write the per-seed tables to this prefix")
    ap.add_argument("--skip-timing", action="store_true")
    args = ap.parse_args()

    from rendement.hazard import HazardWarning

    warnings.simplefilter("ignore", HazardWarning)
    selections = ["observed", "unobserved"] if args.selection == "both" else [args.selection]
    print(
        f"timing-of-events benchmark: {args.seeds} seed(s) x {selections}, {args.clients:,} clients "
        f"each, {os.cpu_count()} CPU(s)",
        flush=True,
    )
    all_effects, all_saved, all_facts = [], [], []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        for sel in selections:
            t0 = time.perf_counter()
            eff, sav, facts = run_one(seed, args.clients, sel)
            all_effects.append(eff)
            all_saved.append(sav)
            all_facts.append(facts)
            toe_saved = sav[sav["model"] == "toe"]["bias"].abs().mean()
            def_saved = sav[sav["model"] == "default"]["bias"].abs().mean()
            print(
                f"seed {seed} {sel:>10}: K={facts['mass_points']} fit {facts['fit_seconds']:.0f} s "
                f"(total {time.perf_counter() - t0:.0f} s); months saved |bias| averaged over "
                f"instruments: default {def_saved:.2f}, timing-of-events {toe_saved:.2f}",
                flush=True,
            )
    effects = pd.concat(all_effects, ignore_index=True)
    saved = pd.concat(all_saved, ignore_index=True)
    facts = pd.DataFrame(all_facts)
    if args.csv:
        effects.to_csv(f"{args.csv}_effects.csv", index=False)
        saved.to_csv(f"{args.csv}_saved.csv", index=False)
        facts.to_csv(f"{args.csv}_fits.csv", index=False)
    print(summarise(effects, saved))
    print(
        f"\nmass points chosen (AIC): {facts['mass_points'].value_counts().sort_index().to_dict()}; "
        f"all identified: {bool(facts['identified'].all())}; fit time on {args.clients:,} clients "
        f"median {facts['fit_seconds'].median():.0f} s, max {facts['fit_seconds'].max():.0f} s"
    )
    if not args.skip_timing:
        time_fit(args.time_clients)


def time_fit(clients: int) -> None:
    """Wall time of the timing-of-events fit (alone) on ``clients`` clients, both selections."""
    from rendement.contract.folder import DataFolder
    from rendement.hazard.toe import fit_timing_of_events
    from rendement.model.spec import ModelSpec
    from rendement.panel import build_panel
    from rendement.simulate import SimulationConfig, simulate

    for sel in ("observed", "unobserved"):
        sim = simulate(SimulationConfig(clients=clients, seed=1, heterogeneity=True, selection=sel))
        data = DataFolder(sim.clients, sim.spells, sim.trajectories, sim.instruments)
        t0 = time.perf_counter()
        panel = build_panel(data, until=sim.as_of)
        spec = ModelSpec().resolve(data.clients, instruments=list(panel.instruments))
        res = fit_timing_of_events(panel, spec, instruments_catalogue=data.instruments)
        print(
            f"fit time ({clients:,} clients, selection on {sel}, {res.n_person_months:,} "
            f"person-months, panel + default + timing-of-events, K={res.n_points}): "
            f"{time.perf_counter() - t0:.1f} s (target <= 300 s on 2 cores)",
            flush=True,
        )


if __name__ == "__main__":
    main()
