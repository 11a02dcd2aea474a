"""``rendement lists DATA_DIR --model MODEL_DIR --as-of DATE --out OUT_DIR
[--by district|caseworker] [--plan PLAN_DIR]``: the managers' monthly ranked lists (*lijstwerk*).

Writes ``lijsten-YYYY-MM.xlsx`` (summary sheet, the whole caseload ranked, and
one ranked sheet per district or caseworker) and the same tables as CSV
(``samenvatting-YYYY-MM.csv``, ``lijst_totaal-YYYY-MM.csv``, ``lijst_<name>-YYYY-MM.csv``),
all or nothing.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rendement.cli.commands.options import iso_date
from rendement.errors import UsageError
from rendement.model.registry import add_model_arguments, load_model_argument

if TYPE_CHECKING:
    from rendement.plan.price import PlacePrices


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "lists",
        help="write the monthly ranked client lists (Excel workbook + CSV), whole caseload or "
        "per district or caseworker",
    )
    p.add_argument("data_dir", help="data folder (clients, spells, trajectories, instruments)")
    add_model_arguments(p)
    p.add_argument(
        "--as-of", required=True, type=iso_date, help="list date YYYY-MM-DD (the caseload on it)"
    )
    p.add_argument("--out", required=True, help="folder for the workbook and the CSV files")
    p.add_argument(
        "--by",
        choices=("district", "caseworker"),
        default=None,
        help="one ranked sheet per district or per caseworker (default: whole caseload only)",
    )
    p.add_argument(
        "--csv-dialect",
        choices=("plain", "nl"),
        default="plain",
        help="plain: comma-separated, decimal point (for programs; default); nl: semicolons, "
        "decimal commas and a BOM, so that Excel in a Dutch locale opens the CSV in columns",
    )
    p.add_argument(
        "--plan",
        default=None,
        metavar="PLAN_DIR",
        help="folder of the latest plan (written by `rendement plan`): the lists then show, per "
        "client, the lowest return that gets a place of the best instrument and whether the "
        "client's return reaches it",
    )
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rendement.contract import read_data_folder
    from rendement.lists import build_lists, instrument_labels, places_per_year, write_lists
    from rendement.progress import Progress
    from rendement.scoring.caseload import score_caseload

    t0 = time.perf_counter()
    progress = Progress(enabled=False if args.quiet else None)  # live on a terminal only
    prices = _plan_prices(args.plan)
    model = load_model_argument(args)
    with progress.stage("reading the data folder"):
        data = read_data_folder(args.data_dir)
    with progress.stage(f"scoring the caseload on {args.as_of}"):
        score = score_caseload(data, model, args.as_of, interval=None)
    lists = build_lists(
        score,
        by=args.by,
        labels=instrument_labels(model.instruments),
        places_per_year=places_per_year(model.meter_instruments),
        prices=prices,
    )
    with progress.stage("writing the workbook and the CSV files"):
        written = write_lists(lists, Path(args.out), csv_dialect=args.csv_dialect)
    if not args.quiet:
        total = lists.summary[
            (lists.summary["lijst"] == "totaal") & (lists.summary["uitstroomgroep"] == "alle")
        ].iloc[0]
        as_of = lists.as_of.date() if lists.as_of is not None else "-"
        print(
            f"Lists on {as_of}: {len(lists.total):,} clients; "
            f"{int(total['klanten met positief rendement']):,} with a positive-return instrument "
            f"(potential EUR {float(total['totaal potentieel rendement']):,.0f}); "
            f"model {lists.model_version} ({lists.model_kind})."
        )
        if lists.model_kind != "estimated":
            print(f"  note: {lists.model_kind_words}")
        if lists.parts:
            print(f"  {len(lists.parts)} lists per {lists.part_word}")
        print(
            f"Written {written[0]} and {len(written) - 1} CSV file(s) in {Path(args.out)} "
            f"in {time.perf_counter() - t0:.1f} s."
        )
    return 0


def _plan_prices(folder: str | None) -> PlacePrices | None:
    """The price of a place of the plan in ``folder`` (``--plan``), read before any work."""
    from rendement.plan.price import PRICE_FILE, read_place_prices

    if folder is None:
        return None
    path = Path(folder) / PRICE_FILE
    if not path.is_file():
        raise UsageError(
            f"--plan {folder}: there is no {PRICE_FILE} in it; write the plan first with "
            "`rendement plan ... --out` (a plan written before this version has no prices)"
        )
    return read_place_prices(path)
