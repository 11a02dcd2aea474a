"""``rendement fit DATA_DIR --out MODEL_DIR [--meter reintegratie]``: estimate and save a model."""

from __future__ import annotations

import argparse
import time

from rendement.contract.schema import METERS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fit", help="estimate the model of one meter and write a model folder")
    p.add_argument("data_dir", help="data folder (clients, spells, trajectories, instruments)")
    p.add_argument("--out", required=True, help="model folder to write")
    p.add_argument("--meter", default="reintegratie", choices=METERS)
    p.add_argument("--until", default=None, help="use data up to this date only (YYYY-MM-DD)")
    p.add_argument(
        "--heterogeneity",
        default="none",
        choices=("none", "npmle"),
        help="npmle = timing-of-events model with unobserved heterogeneity",
    )
    p.add_argument("--calendar", action="store_true", help="add calendar-year effects")
    p.add_argument(
        "--version", default=None, help="model version label (default: YYYY-MM of the cut-off)"
    )
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rendement.contract import read_data_folder
    from rendement.fitting import fit_model
    from rendement.model_folder import save_model
    from rendement.spec import ModelSpec

    t0 = time.perf_counter()
    data = read_data_folder(args.data_dir)
    spec = ModelSpec(meter=args.meter, calendar=args.calendar)
    if not args.quiet:
        print(f"Fitting the {args.meter} model on {args.data_dir} ...", flush=True)
    model, results = fit_model(
        data,
        meter=args.meter,
        spec=spec,
        until=args.until,
        heterogeneity=args.heterogeneity,
        version=args.version,
        progress=not args.quiet,
    )
    save_model(model, args.out)
    if not args.quiet:
        print(results.summary())
        m = model.metadata["metrics"]
        print(
            f"\nModel {model.metadata['version']} ({model.kind}) for meter {args.meter}: "
            f"{m['spells']:,} spells, {m['person_months']:,} person-months, {m['events']:,} outflows; "
            f"fitted in {time.perf_counter() - t0:.1f} s.\nWritten to {args.out}"
        )
    return 0
