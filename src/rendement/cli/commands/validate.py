"""``rendement validate DATA_DIR [--json]``: check a data folder against the data contract.

Exit status 0 when the folder is valid (a one-paragraph summary is printed),
2 when it is not (every violation is listed, grouped per file). ``--json``
prints ``{"valid": ..., "violations": [...], "summary": ...}`` with every
violation; the readable report shows at most :data:`MAX_LINES_PER_FILE` per
file and counts the rest. Nothing is written.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator

from rendement.errors import Violation

#: Lines per file in the readable report; the rest is counted (``--json`` lists everything).
MAX_LINES_PER_FILE = 200


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check a data folder against the data contract (exit 0 valid, 2 violations)",
    )
    p.add_argument("data_dir", help="data folder (clients, spells, trajectories, instruments)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rendement.contract import check_data_folder, summarise_folder

    check = check_data_folder(args.data_dir)
    summary = summarise_folder(check.data) if check.data is not None else None
    if args.json:
        document = {
            "valid": check.valid,
            "data_dir": str(args.data_dir),
            "violations": [v.to_dict() for v in check.violations],
            "summary": summary.to_dict() if summary is not None else None,
        }
        print(json.dumps(document, ensure_ascii=False, indent=2))
    elif summary is not None:
        print(f"{args.data_dir} is valid: {summary}")
    else:
        for line in report_lines(check.violations, str(args.data_dir)):
            print(line)
    return 0 if check.valid else 2


def report_lines(violations: list[Violation], data_dir: str) -> Iterator[str]:
    """The readable report: a headline, then the violations grouped per file."""
    files = {v.file for v in violations}
    yield (
        f"{data_dir} is not valid: {_count(len(violations), 'violation')} of the data contract "
        f"in {_count(len(files), 'file')}."
    )
    yield from grouped_lines(violations, f"rendement validate {data_dir} --json lists every one")
    yield ""
    yield "Nothing was written. Correct the data and run the command again."


def grouped_lines(violations: list[Violation], list_all: str) -> Iterator[str]:
    """Violations grouped per file, at most :data:`MAX_LINES_PER_FILE` lines each.

    ``list_all`` says how to get every violation (shown when some were counted only).
    """
    per_file: dict[str, list[Violation]] = {}
    for v in violations:
        per_file.setdefault(v.file, []).append(v)
    for file, found in per_file.items():
        yield ""
        yield f"{file}: {_count(len(found), 'violation')}"
        for v in found[:MAX_LINES_PER_FILE]:
            yield f"  {v} [{v.code}]"
        if len(found) > MAX_LINES_PER_FILE:
            yield f"  ... and {len(found) - MAX_LINES_PER_FILE:,} more in {file} ({list_all})"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")
