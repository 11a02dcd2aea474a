"""The steering report's own input files: targets, budget and reference municipalities.

Each is a small table (``.csv``, ``.xlsx`` or ``.parquet``) read with the data
contract's readers and checked column by column with its checks, so a problem
is reported like a data-folder problem (file, row as seen in the file, column,
value, what was expected), every problem at once, as one
:class:`DashboardInputError`. Extra columns are allowed and ignored.

* ``BUDGET.csv``: ``year`` (whole number), ``amount`` (EUR >= 0; the
  *gebundelde uitkering*, BUIG) -- one row per year.
* ``TARGETS.csv``: ``indicator`` (a code of :data:`rendement.dashboard.targets.INDICATORS`),
  ``period`` (``YYYY`` or ``YYYY-MM``), ``target`` (number), optional
  ``direction`` (``at_most``/``at_least``) and ``orange_margin`` (fraction, default 0.05).
* ``REFERENCE.csv``: ``municipality``, ``role`` (``eigen`` for the own
  municipality, ``referentie`` for a reference municipality), ``households``
  (number of households in the municipality, > 0), and for reference rows
  ``caseload`` (households on benefit), ``inflow`` and ``outflow`` (per year);
  optional ``household_type`` (``totaal`` or a contract household type; empty = totaal).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from rendement.contract.checks import parse_column, violations_at
from rendement.contract.readers import read_table_file
from rendement.contract.schema import HOUSEHOLD_TYPES, Column
from rendement.errors import RendementError, Violation


class DashboardInputError(RendementError):
    """A targets, budget or reference file that cannot be used; carries every problem."""

    code = "invalid_dashboard_input"

    def __init__(self, message: str, violations: list[Violation] | None = None):
        self.violations = list(violations or [])
        lines = [message, *(f"  {v}" for v in self.violations[:50])]
        super().__init__("\n".join(lines))


BUDGET_COLUMNS = (
    Column("year", "integer", True, minimum=1900, maximum=2200),
    Column("amount", "number", True, minimum=0),
)
TARGET_COLUMNS = (
    Column("indicator", "string", True),
    Column("period", "string", True),
    Column("target", "number", True),
    Column("direction", "category", False, ("at_most", "at_least")),
    Column("orange_margin", "number", False, minimum=0, maximum=1),
)
REFERENCE_COLUMNS = (
    Column("municipality", "string", True),
    Column("role", "category", True, ("eigen", "referentie")),
    Column("households", "number", True, minimum=0, exclusive_minimum=True),
    Column("caseload", "number", False, minimum=0),
    Column("inflow", "number", False, minimum=0),
    Column("outflow", "number", False, minimum=0),
    Column("household_type", "category", False, ("totaal", *HOUSEHOLD_TYPES)),
)


def read_checked(
    path: Path | str,
    columns: tuple[Column, ...],
    what: str,
    collect: list[Violation] | None = None,
) -> tuple[pd.DataFrame, np.ndarray, str]:
    """Typed columns of a small input file, its row numbers and file name; raises
    :class:`DashboardInputError` listing every problem (with ``collect``, the problems of
    the columns are added to it instead, so the caller can add its own checks first)."""
    file = Path(path)
    if not file.is_file():
        names = ", ".join(c.name for c in columns if c.required)
        raise DashboardInputError(
            f"the {what} file {file} does not exist; give a file with {names}"
        )
    result = read_table_file(file, what)
    if result.raw is None:
        raise DashboardInputError(f"the {what} file {file.name} cannot be used", result.violations)
    raw = result.raw
    found = [v for v in result.violations if v.code != "empty_file"]
    typed: dict[str, pd.Series] = {}
    for col in columns:
        if col.name not in raw.cells.columns:
            if col.required:
                found.append(
                    Violation(
                        file.name, None, col.name, None, f"a column '{col.name}'", "missing_column"
                    )
                )
            typed[col.name] = pd.Series([None] * len(raw.cells), dtype=object)
            continue
        cells = raw.cells[col.name].reset_index(drop=True)
        parsed = parse_column(cells, col, what)
        typed[col.name] = parsed.values
        for code, mask in parsed.problems.items():
            expected = col.expected() if code != "missing_value" else f"a value: {col.expected()}"
            found += violations_at(
                mask,
                file=file.name,
                rows=raw.rows,
                column=col.name,
                values=cells,
                expected=expected,
                code=code,
            )
    if collect is not None:
        collect += found
    elif found:
        raise DashboardInputError(f"the {what} file {file.name} has {len(found)} problem(s)", found)
    return pd.DataFrame(typed), raw.rows, file.name


def read_budget(path: Path | str) -> dict[int, float]:
    """Budget per year from ``BUDGET.csv`` (a year listed twice is an error)."""
    frame, rows, name = read_checked(path, BUDGET_COLUMNS, "budget")
    twice = frame["year"].duplicated(keep="first").to_numpy()
    if twice.any():
        bad = violations_at(
            twice,
            file=name,
            rows=rows,
            column="year",
            values=frame["year"].astype(str),
            expected="each year once",
            code="duplicate_key",
        )
        raise DashboardInputError(f"the budget file {name} lists a year twice", bad)
    return {int(y): float(a) for y, a in zip(frame["year"], frame["amount"], strict=True)}


def read_reference(path: Path | str) -> pd.DataFrame:
    """Reference municipalities (see module docstring); exactly one ``eigen`` row per household type."""
    frame, rows, name = read_checked(path, REFERENCE_COLUMNS, "reference")
    frame["household_type"] = frame["household_type"].fillna("totaal")
    problems: list[Violation] = []
    refs = (frame["role"] == "referentie").to_numpy()
    for col in ("caseload", "inflow", "outflow"):
        missing = refs & frame[col].isna().to_numpy()
        problems += violations_at(
            missing,
            file=name,
            rows=rows,
            column=col,
            values=[None] * len(frame),
            expected=f"a value ({col} of the reference municipality)",
            code="missing_value",
        )
    own = frame[frame["role"] == "eigen"]
    if "totaal" not in set(own["household_type"]):
        problems.append(
            Violation(
                name,
                None,
                "role",
                None,
                "one row with role 'eigen' (household_type totaal or empty) giving the "
                "number of households of the own municipality",
                "missing_value",
            )
        )
    if not refs.any():
        problems.append(
            Violation(
                name, None, "role", None, "at least one row with role 'referentie'", "missing_value"
            )
        )
    if problems:
        raise DashboardInputError(
            f"the reference file {name} has {len(problems)} problem(s)", problems
        )
    return frame
