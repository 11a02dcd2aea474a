"""``rendement fit DATA_DIR --out MODEL_DIR [--meter reintegratie]``: estimate and save a model."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rendement.cli.commands.options import iso_date
from rendement.contract.schema import METERS
from rendement.errors import UsageError

if TYPE_CHECKING:
    from rendement.model.spec import ModelSpec
    from rendement.specfile import SpecFile


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fit", help="estimate the model of one meter and write a model folder")
    p.add_argument(
        "data_dir", nargs="?", help="data folder (clients, spells, trajectories, instruments)"
    )
    p.add_argument("--out", default=None, help="model folder to write")
    p.add_argument(
        "--registry",
        default=None,
        help="register the model in this registry (models/METER/VERSION) instead of --out",
    )
    p.add_argument(
        "--activate", action="store_true", help="with --registry: make it the active version"
    )
    p.add_argument(
        "--from-spec",
        default=None,
        metavar="SPEC.yaml",
        help="build the model from declared parameters (expert or borrowed) instead of data",
    )
    p.add_argument(
        "--spec",
        default=None,
        metavar="SPEC.yaml",
        help="model specification file (write the default with: rendement spec init --out spec.yaml)",
    )
    p.add_argument("--meter", default=None, choices=METERS, help="default: reintegratie")
    p.add_argument(
        "--until", default=None, type=iso_date, help="use data up to this date only (YYYY-MM-DD)"
    )
    p.add_argument(
        "--heterogeneity",
        default=None,
        choices=("none", "npmle"),
        help="npmle = timing-of-events model with unobserved heterogeneity",
    )
    p.add_argument("--calendar", action="store_true", help="add calendar-year effects")
    p.add_argument(
        "--version", default=None, help="model version label (default: YYYY-MM of the cut-off)"
    )
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    if not args.out and not args.registry:
        raise UsageError("give --out MODEL_DIR or --registry REGISTRY_DIR")
    if args.from_spec:
        from rendement.model.expert import model_from_spec_file

        declared = model_from_spec_file(args.from_spec)
        where = _save(declared, args)
        print(
            f"Declared {declared.kind} model {declared.metadata['version']} for meter "
            f"{declared.spec.meter} written to {where}. Every output of it says '{declared.kind}'."
        )
        return 0
    if not args.data_dir:
        raise UsageError("give a DATA_DIR to estimate from, or --from-spec SPEC.yaml")
    spec, args.meter, args.heterogeneity, spec_file = _specification(args)
    from rendement.contract import read_data_folder
    from rendement.model.fitting import fit_model
    from rendement.progress import Progress

    progress = Progress(enabled=False if args.quiet else None)  # stage lines on a terminal
    with progress.stage("reading the data folder"):
        data = read_data_folder(args.data_dir)
    if spec_file is not None:
        spec_file.check_catalogue(data.instruments)  # interactions: codes known, meters differ
    if not args.quiet:
        print(f"Fitting the {args.meter} model on {args.data_dir} ...", flush=True)
    with progress.stage(f"fitting the {args.meter} model ({args.heterogeneity} heterogeneity)"):
        model, results = fit_model(
            data,
            meter=args.meter,
            spec=spec,
            until=args.until,
            heterogeneity=args.heterogeneity,
            version=args.version,
            progress=progress.note if not args.quiet else False,
        )
    with progress.stage("writing the model folder (with its model card)"):
        where = _save(model, args)
    for warning in model.metadata.get("warnings", []):
        print(f"rendement: warning: {warning}", file=sys.stderr)
    if not args.quiet:
        print(results.summary())
        m = model.metadata["metrics"]
        print(
            f"\nModel {model.metadata['version']} ({model.kind}) for meter {args.meter}: "
            f"{m['spells']:,} spells, {m['person_months']:,} person-months, {m['events']:,} outflows; "
            f"fitted in {time.perf_counter() - t0:.1f} s.\nWritten to {where}"
        )
    return 0


def _specification(args: argparse.Namespace) -> tuple[ModelSpec, str, str, SpecFile | None]:
    """The specification (file or options), the meter and the heterogeneity to fit with,
    and the file read (None without ``--spec``)."""
    from dataclasses import replace

    from rendement.model.spec import ModelSpec

    if args.spec:
        from rendement.specfile import read_spec_file

        declared = read_spec_file(args.spec)  # SpecFileError lists every problem with its line
        spec = declared.spec
        if args.meter and args.meter != spec.meter:
            spec = replace(spec, meter=args.meter)
        if args.calendar:
            spec = replace(spec, calendar=True)
        return spec, spec.meter, args.heterogeneity or declared.heterogeneity, declared
    meter = args.meter or "reintegratie"
    spec = ModelSpec(meter=meter, calendar=args.calendar)
    return spec, meter, args.heterogeneity or "none", None


def _save(model: object, args: argparse.Namespace) -> Path:
    from rendement.model.folder import save_model
    from rendement.model.registry import Registry

    if args.registry:
        reg = Registry.at(args.registry)
        where = reg.register(model, args.version)  # type: ignore[arg-type]
        if args.activate:
            reg.activate(model.spec.meter, where.name)  # type: ignore[attr-defined]
        return where
    return save_model(model, args.out)  # type: ignore[arg-type]
