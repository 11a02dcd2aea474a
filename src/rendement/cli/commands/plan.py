"""``rendement plan DATA_DIR --model MODEL_DIR --as-of DATE --capacity CAPACITY.csv
[--budget EUR] --out OUT_DIR``: the optimal instrument plan.

Writes ``plan.csv`` (data contract: client_id, instrument, net_return_eur,
reason), ``plan_summary.csv`` (per instrument) and ``plan_comparison.csv``
(optimal plan vs the seed's rule vs first come), all or nothing, and prints the
comparison in euros and benefit months.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rendement.cli.commands.options import iso_date
from rendement.errors import UsageError
from rendement.model.registry import add_model_arguments, load_model_argument


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "plan",
        help="assign instruments under places and budget so that the total expected net "
        "return is maximal (plan.csv), compared with the seed's rule and first come",
    )
    p.add_argument("data_dir", help="data folder (clients, spells, trajectories, instruments)")
    add_model_arguments(p)
    p.add_argument(
        "--as-of",
        required=True,
        type=iso_date,
        help="planning date YYYY-MM-DD (the caseload on it)",
    )
    p.add_argument(
        "--capacity",
        required=True,
        metavar="CAPACITY.csv",
        help="places per instrument for the planning period (columns instrument, places)",
    )
    p.add_argument(
        "--budget",
        default=None,
        metavar="EUR",
        help="total expected cost allowed in euros (default: no budget limit)",
    )
    p.add_argument("--out", required=True, help="folder for plan.csv and the plan reports")
    p.add_argument(
        "--time-limit",
        type=float,
        default=120.0,
        help="seconds allowed to prove optimality (default 120); when reached, the best plan "
        "found is written and the possible shortfall is reported",
    )
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(run=run)


def parse_budget(text: str | None) -> float | None:
    """A budget in euros (``1500000``, ``1500000.50``, ``1_500_000``); ``None``/``geen`` = none."""
    if text is None or text.strip().lower() in ("", "none", "geen"):
        return None
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise UsageError(
            f"--budget must be an amount in euros written with digits (e.g. 1500000), got {text!r}"
        ) from None
    if not value >= 0 or value == float("inf"):
        raise UsageError(f"--budget must be an amount in euros >= 0, got {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    from rendement.contract import read_data_folder
    from rendement.plan import make_plan, read_capacity, write_plan
    from rendement.plan.text import describe_plan
    from rendement.progress import Progress
    from rendement.scoring.caseload import score_caseload

    t0 = time.perf_counter()
    budget = parse_budget(args.budget)
    if args.time_limit <= 0:
        raise UsageError(f"--time-limit must be positive, got {args.time_limit}")
    progress = Progress(enabled=False if args.quiet else None)  # live on a terminal only
    model = load_model_argument(args)
    catalogue = model.meter_instruments
    capacity = read_capacity(args.capacity, model.instruments, meter=model.spec.meter)
    with progress.stage("reading the data folder"):
        data = read_data_folder(args.data_dir)
    with progress.stage(f"scoring the caseload on {args.as_of}"):
        score = score_caseload(data, model, args.as_of, interval=None)
    with progress.stage("planning the places (exact optimum)"):
        plan = make_plan(score, capacity, catalogue, budget=budget, time_limit=args.time_limit)
    out = Path(args.out)
    with progress.stage("writing the plan"):
        written = write_plan(plan, out)
    if not args.quiet:
        print(describe_plan(plan))
        names = ", ".join(p.name for p in written[1:])
        print(
            f"\nWritten {written[0]} (and {names} beside it) in {time.perf_counter() - t0:.1f} s."
        )
    return 0
