"""``rendement dashboard DATA_DIR --as-of DATE --out OUT_DIR [--model MODEL] [--targets
TARGETS.csv] [--budget BUDGET.csv] [--capacity CAPACITY.csv] [--by district|caseworker]
[--reference REFERENCE.csv]``: the monthly steering report (*maandrapportage*).

Writes ``maandrapportage-YYYY-MM.html`` (one self-contained page) and
``maandrapportage-YYYY-MM.xlsx`` (the same tables, printable), both or neither.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rendement.model.registry import add_model_arguments, load_model_argument


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "dashboard",
        help="write the monthly steering report (caseload, client flows, trajectories, "
        "expenditure forecast against budget, with targets and traffic lights)",
    )
    p.add_argument("data_dir", help="data folder (clients, spells, trajectories, instruments)")
    add_model_arguments(p)
    p.add_argument("--as-of", required=True, help="report date YYYY-MM-DD")
    p.add_argument("--out", required=True, help="folder for the HTML page and the workbook")
    p.add_argument(
        "--targets", help="TARGETS.csv: indicator, period, target[, direction, orange_margin]"
    )
    p.add_argument("--budget", help="BUDGET.csv: year, amount (the gebundelde uitkering)")
    p.add_argument("--capacity", help="CAPACITY.csv: instrument, places (per year)")
    p.add_argument("--reference", help="REFERENCE.csv: reference municipalities (see README)")
    p.add_argument("--by", choices=("district", "caseworker"), default=None,
                   help="also one part per district or per caseworker")  # fmt: skip
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rendement.contract import read_data_folder
    from rendement.dashboard import build_report, write_report
    from rendement.dashboard.build import read_capacity_file
    from rendement.dashboard.inputs import read_budget, read_reference
    from rendement.dashboard.targets import read_targets
    from rendement.scoring.caseload import _check_as_of, check_model_fits_data

    t0 = time.perf_counter()
    model = load_model_argument(args)
    data = read_data_folder(args.data_dir)
    when = _check_as_of(data, args.as_of)
    check_model_fits_data(model, data)
    targets = read_targets(args.targets) if args.targets else []
    budget = read_budget(args.budget) if args.budget else None
    capacity = read_capacity_file(args.capacity, data) if args.capacity else None
    reference = read_reference(args.reference) if args.reference else None
    report = build_report(
        data, model, when, targets=targets, budget=budget, capacity=capacity,
        reference=reference, by=args.by,
    )  # fmt: skip
    written = write_report(report, Path(args.out))
    if not args.quiet:
        fc = report.forecast
        line = (
            f"Steering report {report.period}: expected expenditure {fc.year} "
            f"EUR {fc.total:,.0f} ({fc.level:.0%} interval {fc.lower:,.0f} - {fc.upper:,.0f})"
        )
        if report.balance is not None:
            line += f"; expected balance EUR {report.balance:,.0f}"
        print(line + ".")
        print(f"Written {written[0].name} and {written[1].name} in {Path(args.out)} "
              f"in {time.perf_counter() - t0:.1f} s.")  # fmt: skip
    return 0
