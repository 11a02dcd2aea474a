"""``rendement spec init --out spec.yaml`` and ``rendement spec check spec.yaml``: the specification file."""

from __future__ import annotations

import argparse
from pathlib import Path

from rendement.contract.schema import METERS
from rendement.errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("spec", help="write or check a model specification file (YAML)")
    actions = p.add_subparsers(dest="spec_action", metavar="ACTION")
    init = actions.add_parser("init", help="write the default specification, with comments")
    init.add_argument("--out", required=True, help="file to write, e.g. spec.yaml")
    init.add_argument(
        "--meter", default="reintegratie", choices=METERS, help="the meter of the specification"
    )
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    check = actions.add_parser("check", help="check a specification file (every problem at once)")
    check.add_argument("file", help="the specification file (YAML) to check")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rendement.specfile import default_spec_yaml, read_spec_file

    if args.spec_action == "init":
        out = Path(args.out)
        if out.exists() and not args.force:
            raise UsageError(f"{out} exists already; give --force to overwrite it")
        out.write_text(default_spec_yaml(args.meter), encoding="utf-8")
        print(
            f"Wrote the default specification to {out}. Edit it, then: "
            f"rendement fit DATA_DIR --spec {out} --out MODEL_DIR"
        )
        return 0
    if args.spec_action == "check":
        declared = read_spec_file(args.file)
        print(
            f"{args.file} is a valid specification for meter {declared.spec.meter} "
            f"({len(declared.spec.baseline_cuts)} baseline pieces, "
            f"{len(declared.spec.extra_features)} extra column(s), "
            f"{len(declared.spec.interactions)} interaction(s) of instruments, "
            f"outflow = {', '.join(declared.spec.events.outflow_reasons())})."
        )
        if declared.spec.interactions:
            print(
                "The instrument codes of the interactions are checked against the catalogue "
                "when the model is fitted (rendement fit DATA_DIR --spec ...)."
            )
        return 0
    raise UsageError("give an action: rendement spec init --out spec.yaml, or spec check FILE")
