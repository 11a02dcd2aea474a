"""``rendement validate DATA_DIR [--json]``: check a data folder against the data contract.

Exit status 0 when the folder is valid (a one-paragraph summary is printed),
2 when it is not (the violations, grouped per file). Text and ``--json``
alike list at most :data:`MAX_LINES_PER_FILE` violations per file and count
the rest, so that a huge folder is checked in bounded memory; ``--json``
prints ``{"valid": ..., "violations": [...], "violation_counts": {file: n},
"violations_total": n, "summary": ...}``. Nothing is written.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator

from rendement.contract.limits import MAX_LISTED_PER_FILE
from rendement.errors import Violation

#: Violations listed per file (text and JSON); the rest is counted.
MAX_LINES_PER_FILE = MAX_LISTED_PER_FILE


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
            "violation_counts": check.counts,
            "violations_total": check.total,
            "violations_listed_per_file": MAX_LINES_PER_FILE,
            "summary": summary.to_dict() if summary is not None else None,
        }
        print(json.dumps(document, ensure_ascii=False, indent=2))
    elif summary is not None:
        print(f"{args.data_dir} is valid: {summary}")
    else:
        for line in report_lines(check.violations, str(args.data_dir), check.counts):
            print(line)
    return 0 if check.valid else 2


def report_lines(
    violations: list[Violation], data_dir: str, counts: dict[str, int] | None = None
) -> Iterator[str]:
    """The readable report: a headline, then the violations grouped per file."""
    files = set(counts) if counts else {v.file for v in violations}
    total = sum(counts.values()) if counts else len(violations)
    yield (
        f"{data_dir} is not valid: {_count(total, 'violation')} of the data contract "
        f"in {_count(len(files), 'file')}."
    )
    yield from grouped_lines(violations, f"rendement validate {data_dir}", counts)
    yield ""
    yield "Nothing was written. Correct the data and run the command again."


def grouped_lines(
    violations: list[Violation], command: str, counts: dict[str, int] | None = None
) -> Iterator[str]:
    """Violations grouped per file, at most :data:`MAX_LINES_PER_FILE` lines each.

    ``counts`` gives the number per file when not every violation was listed;
    ``command`` is the validate command to run again after correcting the first ones.
    """
    per_file: dict[str, list[Violation]] = {}
    for v in violations:
        per_file.setdefault(v.file, []).append(v)
    for file, found in per_file.items():
        n = max(len(found), (counts or {}).get(file, 0))
        yield ""
        yield f"{file}: {_count(n, 'violation')}"
        for v in found[:MAX_LINES_PER_FILE]:
            yield f"  {v} [{v.code}]"
        shown = min(len(found), MAX_LINES_PER_FILE)
        if n > shown:
            yield (
                f"  ... and {n - shown:,} more in {file} (correct the first ones and run "
                f"{command} again)"
            )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")
