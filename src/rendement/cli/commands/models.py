"""``rendement models list|activate|compare``: the model registry for analysts."""

from __future__ import annotations

import argparse

from rendement.cli.commands.options import iso_date
from rendement.contract.schema import METERS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("models", help="list, activate and compare model versions in the registry")
    p.add_argument(
        "--registry", default=None, help="registry folder (default: models/ or $RENDEMENT_MODELS)"
    )
    s = p.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    ls = s.add_parser("list", help="list every registered model version")
    a = s.add_parser("activate", help="make a version the one that score and the service use")
    a.add_argument("meter", choices=METERS, help="the meter whose active version changes")
    a.add_argument("version", help="the version to activate (a folder name under the meter)")
    c = s.add_parser("compare", help="coefficient and effect changes between two models")
    c.add_argument("a", help="old model: folder or METER/VERSION")
    c.add_argument("b", help="new model: folder or METER/VERSION")
    c.add_argument(
        "--data",
        default=None,
        help="data folder: also count clients changing group or best instrument",
    )
    c.add_argument(
        "--as-of",
        default=None,
        type=iso_date,
        help="caseload date for --data (default: the data's extraction date)",
    )
    c.add_argument(
        "--out", default=None, help="write the comparison tables as CSV into this folder"
    )
    for action in (ls, a, c):  # `rendement models list --registry DIR` works as well
        action.add_argument(
            "--registry",
            default=argparse.SUPPRESS,
            help="registry folder (may also come before the action)",
        )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rendement.model.registry import Registry

    reg = Registry.at(args.registry)
    if args.models_command == "list":
        table = reg.listing()
        if table.empty:
            print(
                f"No models registered in {reg.root}. Fit one with `rendement fit DATA_DIR --registry {reg.root}`."
            )
        else:
            print(table.to_string(index=False))
        return 0
    if args.models_command == "activate":
        signer = reg.activate(args.meter, args.version)
        print(
            f"Active {args.meter} model is now {args.version} ({reg.path(args.meter, args.version)})."
        )
        if signer:
            print(f"The model folder was unsigned; it is now signed by {signer}.")
        return 0
    return _compare(reg, args)


def _compare(reg: object, args: argparse.Namespace) -> int:
    from rendement.formulas import write_csv
    from rendement.model.compare import compare_models
    from rendement.model.folder import load_model
    from rendement.output import atomic_folder_files

    a = load_model(reg.resolve(args.a))  # type: ignore[attr-defined]
    b = load_model(reg.resolve(args.b))  # type: ignore[attr-defined]
    caseload = None
    if args.data:
        import pandas as pd

        from rendement.contract import read_data_folder
        from rendement.panel import caseload_state

        data = read_data_folder(args.data)
        as_of = pd.Timestamp(args.as_of) if args.as_of else data.extraction_date
        codes = sorted(set(a.spec.instruments) | set(b.spec.instruments))
        caseload = caseload_state(data, as_of, instruments=codes)
    cmp = compare_models(a, b, caseload=caseload)
    print(cmp.summary())
    if args.out:
        with atomic_folder_files(args.out) as stage:
            write_csv(cmp.coefficients, stage / "coefficients.csv", index=False)
            write_csv(cmp.effects, stage / "effects.csv", index=False)
            if cmp.changes is not None:
                write_csv(cmp.changes, stage / "client_changes.csv", index=False)
            if cmp.specification is not None:
                write_csv(cmp.specification, stage / "specification.csv", index=False)
        print(f"\nTables written to {args.out}")
    return 0
