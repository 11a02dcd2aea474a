"""Benchmark: estimating the hazard model on ~4 million person-months.

Synthesises ~100,000 benefit spells (~4 million person-months, realistic client
characteristics, 5 instruments) directly as arrays (``tests/hazard_synthetic.py``),
then times ``fit_hazard`` (collapse + Newton-Raphson + clustered standard
errors) and measures its peak memory. Reference software cannot run on the
full data in reasonable time, so lifelines ``CoxTimeVaryingFitter``,
statsmodels ``PHReg`` and the uncollapsed statsmodels cloglog ``GLM`` run on a
random subsample of spells and are **extrapolated linearly in person-months**
(optimistic for them: Cox risk sets grow faster than linearly). All fits use
one BLAS thread (fit_hazard always does; see rendement.hazard.estimate.fit_cells).

Targets (issue 3): at most 30 s and 3 GB peak for the full fit on 2 cores.
Prints figures; asserts nothing.

    python benchmarks/bench_fit.py [--spells 100000] [--subsample 0.02] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

# the synthetic panels are test helpers (tests/hazard_synthetic.py), not part of the package
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spells", type=int, default=100_000)
    ap.add_argument(
        "--subsample", type=float, default=0.02, help="share of spells for reference software"
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-reference", action="store_true")
    args = ap.parse_args()

    import statsmodels.api as sm
    from hazard_synthetic import default_truth, synthetic_panel
    from lifelines import CoxTimeVaryingFitter
    from threadpoolctl import threadpool_limits

    from rendement.hazard import (
        HazardWarning,
        fit_cells,
        fit_hazard,
        panel_design,
        person_month_design,
    )

    warnings.simplefilter("ignore", HazardWarning)
    print(
        f"cores available: {os.cpu_count()}; load average {os.getloadavg()[0]:.2f} "
        "(wall-clock figures are only meaningful on an otherwise idle machine)"
    )
    truth = default_truth()
    t0 = time.perf_counter()
    panel = synthetic_panel(truth, n_spells=args.spells, seed=args.seed, first_inflow="2011-01-01")
    t_sim = time.perf_counter() - t0
    n_rows = len(panel.months)
    print(
        f"synthesised {args.spells:,} spells, {n_rows:,} person-months, "
        f"{len(np.unique(panel.client_codes)):,} clients, {len(panel.instruments)} instruments "
        f"in {t_sim:.1f} s (panel {panel.months.memory_usage(deep=True).sum() / 1e6:.0f} MB)"
    )
    rss_before = _rss_mb()

    t0, c0 = time.perf_counter(), time.process_time()
    res = fit_hazard(panel, truth.spec, instruments_catalogue=truth.instruments)
    t_fit, c_fit = time.perf_counter() - t0, time.process_time() - c0
    rss_after = _rss_mb()
    print(
        f"fit_hazard (collapse + fit + clustered SE): {t_fit:.1f} s wall, {c_fit:.1f} s CPU "
        f"(all threads); {res.n_cells:,} cells, {len(res.params)} terms, "
        f"{res.iterations} Newton iterations, converged={res.converged}"
    )
    t0, c0 = time.perf_counter(), time.process_time()
    design = panel_design(panel, truth.spec)
    t_design, c_design = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    fit_cells(design.cells)
    t_cells, c_cells = time.perf_counter() - t0, time.process_time() - c0
    del design
    print(
        f"  of which, timed again: collapse to cells {t_design:.1f} s wall / {c_design:.1f} s CPU; "
        f"identification + Newton + clustered SE {t_cells:.1f} s wall / {c_cells:.1f} s CPU"
    )
    tracemalloc.start()
    t0 = time.perf_counter()
    fit_hazard(panel, truth.spec, instruments_catalogue=truth.instruments)
    t_traced = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"peak memory of the fit (tracemalloc, numpy + Python heap): {peak / 1e6:,.0f} MB "
        f"(traced run {t_traced:.1f} s); process max RSS {rss_before:,.0f} MB before the fit, "
        f"{rss_after:,.0f} MB after (includes the panel and the synthesis)"
    )
    true = truth.params.reindex(res.params.index)
    z = ((res.params - true) / res.bse).dropna()
    print(f"check against the truth: max |z| over {len(z)} terms = {z.abs().max():.2f}")
    print(
        f"targets: time <= 30 s: {'met' if t_fit <= 30 else 'NOT met'}; "
        f"peak <= 3 GB: {'met' if peak <= 3e9 else 'NOT met'} (tracemalloc)"
    )
    if args.skip_reference:
        return

    rng = np.random.default_rng(args.seed)
    n_spells = len(panel.spells)
    chosen = np.zeros(n_spells, dtype=bool)
    chosen[rng.choice(n_spells, size=int(args.subsample * n_spells), replace=False)] = True
    rows = np.flatnonzero(chosen[panel.months["spell_idx"].to_numpy()])
    factor = n_rows / len(rows)
    x = person_month_design(panel, res.spec, rows)[list(res.params.index)]
    m = panel.months.iloc[rows]
    y = m["outflow"].to_numpy(dtype=float)
    print(
        f"\nreference software on a {args.subsample:.0%} subsample of spells: {len(rows):,} person-months "
        f"(extrapolated x{factor:.1f}, linearly in person-months)"
    )
    covariates = [t for t in x.columns if not t.startswith("baseline:")]

    timings: dict[str, float] = {}
    # Same BLAS setting as fit_hazard (one thread): on a busy machine, spinning BLAS threads
    # would slow the reference software several-fold and flatter the ratio.
    limit = threadpool_limits(limits=1, user_api="blas")
    t0 = time.perf_counter()
    sm.GLM(y, x, family=sm.families.Binomial(link=sm.families.links.CLogLog())).fit(
        cov_type="cluster", cov_kwds={"groups": panel.client_codes[rows]}
    )
    timings["statsmodels GLM cloglog, uncollapsed, clustered"] = time.perf_counter() - t0

    cp = x[covariates].copy()
    cp["start"] = m["month"].to_numpy(dtype=float) - 1.0
    cp["stop"] = m["month"].to_numpy(dtype=float)
    cp["event"] = m["outflow"].to_numpy()
    cp["id"] = m["spell_idx"].to_numpy()
    t0 = time.perf_counter()
    CoxTimeVaryingFitter().fit(
        cp, event_col="event", start_col="start", stop_col="stop", id_col="id"
    )
    timings["lifelines CoxTimeVaryingFitter"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    sm.PHReg(
        cp["stop"].to_numpy(),
        cp[covariates].to_numpy(),
        status=cp["event"].to_numpy(),
        entry=cp["start"].to_numpy() + 1e-6,
        ties="efron",
    ).fit()
    timings["statsmodels PHReg (Efron)"] = time.perf_counter() - t0
    limit.restore_original_limits()

    t0 = time.perf_counter()
    sub = fit_hazard(
        type(panel)(
            m.reset_index(drop=True),
            panel.spells,
            panel.instruments,
            panel.client_codes[rows],
            panel.until,
        ),
        truth.spec,
        instruments_catalogue=truth.instruments,
    )
    timings["fit_hazard (same subsample)"] = time.perf_counter() - t0
    del sub

    table = pd.DataFrame(
        {
            "subsample_s": timings,
            "extrapolated_full_s": {k: v * factor for k, v in timings.items()},
        }
    )
    table["ratio_vs_fit_hazard_full"] = table["extrapolated_full_s"] / t_fit
    table.loc[
        "fit_hazard (same subsample)", ["extrapolated_full_s", "ratio_vs_fit_hazard_full"]
    ] = np.nan
    with pd.option_context("display.width", 140, "display.float_format", "{:,.1f}".format):
        print(table.to_string())
    print(f"(fit_hazard measured on the full data: {t_fit:.1f} s)")


if __name__ == "__main__":
    main()
