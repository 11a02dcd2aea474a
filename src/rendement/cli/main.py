"""The ``rendement`` command: a thin layer over the Python API.

Each subcommand lives in :mod:`rendement.cli.commands` as a module with
``register(subparsers)`` and ``run(args) -> int``. User errors
(:class:`rendement.errors.RendementError`) are printed without a stack trace
and give exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from rendement import __version__
from rendement.errors import DataValidationError, RendementError

#: Subcommand modules, in the order ``rendement --help`` lists them.
COMMANDS = (
    "validate",
    "simulate",
    "spec",
    "fit",
    "score",
    "lists",
    "plan",
    "mix",
    "dashboard",
    "models",
    "report",
    "keys",
    "log",
    "serve",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rendement",
        description="Rendementmeter: expected months on benefit without and with each instrument, "
        "net return in euros, outflow groups and instrument plans.",
    )
    parser.add_argument("--version", action="version", version=f"rendement {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"rendement.cli.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"rendement.cli.commands.{name}":
                continue  # command not built (yet)
            raise
        module.register(sub)
    return parser


def print_error(exc: RendementError) -> None:
    print(f"rendement: error: {exc}", file=sys.stderr)
    if isinstance(exc, DataValidationError):
        from rendement.cli.commands.validate import grouped_lines

        for line in grouped_lines(exc.violations, "rendement validate DATA_DIR", exc.counts):
            print(line, file=sys.stderr)
        print("\nNothing was written. Correct the data and run the command again.", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 1
    from rendement.cli.commands.console import command_warnings, is_quiet

    try:
        with command_warnings(is_quiet(args)):
            return int(args.run(args) or 0)
    except RendementError as exc:
        print_error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        print("rendement: interrupted; nothing was written.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
