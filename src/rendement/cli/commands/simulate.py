"""``rendement simulate``: the demonstration municipality Droomstad and its exact ground truth.

``rendement simulate --clients N --seed S --as-of DATE --out DIR [--truth-out DIR]
[--no-heterogeneity] [--selection observed|unobserved] [--years Y]`` writes the
data folder ``DIR`` (the four contract tables) and the truth folder (by default
beside it: ``DIR-truth``), and prints a short summary of the magnitudes.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rendement.cli.commands.options import iso_date


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "simulate",
        help="simulate the demonstration municipality Droomstad (data folder + ground truth)",
        description="Simulate Droomstad: clients, benefit spells, trajectories and the instrument "
        "catalogue as a data folder, and the exact ground truth for its caseload.",
    )
    p.add_argument("--clients", type=int, default=5000, help="number of clients (default 5000)")
    p.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    p.add_argument(
        "--as-of",
        default="2026-01-01",
        type=iso_date,
        help="extraction date YYYY-MM-DD (default 2026-01-01)",
    )
    p.add_argument("--out", required=True, help="data folder to write")
    p.add_argument(
        "--truth-out", help="truth folder to write (default: the data folder + '-truth')"
    )
    p.add_argument(
        "--no-heterogeneity",
        action="store_true",
        help="no unobserved heterogeneity (one type): the model without frailty is exact",
    )
    p.add_argument(
        "--selection",
        choices=("observed", "unobserved"),
        default="observed",
        help="entry into trajectories on observed characteristics only, or also on the "
        "unobserved type (default observed)",
    )
    p.add_argument("--years", type=int, default=None, help="years of history (default 20)")
    p.set_defaults(run=run)


def truth_folder_for(data_dir: Path) -> Path:
    """The default truth folder: beside the data folder, its name + ``-truth``."""
    return data_dir.parent / f"{data_dir.name}-truth"


def run(args: argparse.Namespace) -> int:
    from rendement.simulate import SimulationConfig, simulate

    data_dir = Path(args.out)
    truth_dir = Path(args.truth_out) if args.truth_out else truth_folder_for(data_dir)
    extra = {} if args.years is None else {"years": args.years}
    config = SimulationConfig(
        clients=args.clients,
        seed=args.seed,
        as_of=args.as_of,
        heterogeneity=not args.no_heterogeneity,
        selection=args.selection,
        **extra,
    )
    started = time.perf_counter()
    sim = simulate(config)
    sim.write(data_dir, truth_dir)
    seconds = time.perf_counter() - started
    print(f"Droomstad simulated (seed {config.seed}, extraction date {config.as_of_date}):")
    for line in sim.summary().lines():
        print(f"  {line}")
    print(f"  data folder: {data_dir}")
    print(f"  ground truth: {truth_dir}")
    print(f"  done in {seconds:.1f} s")
    return 0
