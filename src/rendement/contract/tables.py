"""One table of the data folder after the checks that need only that table.

:func:`check_table` takes the cells of one file (:mod:`rendement.contract.readers`)
and its contract table (:mod:`rendement.contract.schema`) and gives the typed
table plus every violation inside it: missing columns, missing values, types,
categories, ranges, duplicate keys, BSN-like client ids and identifiers
that start like a spreadsheet formula. It also remembers
which rows and columns can be trusted, so that the checks between tables
(:mod:`rendement.contract.relations`) do not pile consequences of one error
on top of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from rendement.contract.bsn import bsn_like
from rendement.contract.checks import parse_column, parse_extra, violations_at
from rendement.contract.readers import RawTable
from rendement.contract.schema import Table
from rendement.errors import Violation
from rendement.formulas import formula_like

#: Identifiers that end up in the managers' lists: refused when they start like a formula.
IDENTIFIER_COLUMNS = ("client_id", "caseworker_id", "district", "provider", "instrument")

#: Shown instead of a value that looks like a BSN: it is not repeated in any report.
BSN_MASK = "<9 digits, not shown>"

_CODE_ORDER = (
    "missing_value",
    "invalid_type",
    "unknown_category",
    "negative_amount",
    "out_of_range",
)


@dataclass
class CheckedTable:
    """A contract table after its own checks.

    ``frame`` is ``None`` when the file is missing or could not be read.
    ``unusable`` marks, per contract column in the file, the rows whose value
    is empty where required or of the wrong type.
    """

    table: Table
    file: str
    raw: RawTable | None = None
    frame: pd.DataFrame | None = None
    present: frozenset[str] = frozenset()
    unusable: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def rows(self) -> np.ndarray:
        return np.empty(0, np.int64) if self.raw is None else self.raw.rows

    def usable(self, *columns: str) -> bool:
        """The file was read, has data rows and holds every one of ``columns``."""
        return (
            self.frame is not None
            and len(self.frame) > 0
            and all(c in self.present for c in columns)
        )

    def cells(self, column: str) -> pd.Series:
        """The cells of ``column`` as written (all ``None`` when it is not in the file)."""
        assert self.raw is not None
        if column in self.raw.cells.columns:
            return self.raw.cells[column].reset_index(drop=True)
        return pd.Series([None] * len(self.raw.cells), dtype=object)

    def bad(self, column: str) -> np.ndarray:
        """Rows whose ``column`` value cannot be trusted."""
        return self.unusable.get(column, np.zeros(len(self.rows), dtype=bool))


def check_table(raw: RawTable, table: Table) -> tuple[CheckedTable, list[Violation]]:
    """Typed table and violations of one file, against its contract table."""
    file, rows = raw.file, raw.rows
    n = len(raw.cells)
    found: list[Violation] = []
    typed: dict[str, pd.Series] = {}
    unusable: dict[str, np.ndarray] = {}
    present = frozenset(c.name for c in table.columns if c.name in raw.cells.columns)
    for column in table.columns:
        if column.name not in present:
            if column.required:
                found.append(
                    Violation(
                        file,
                        None,
                        column.name,
                        None,
                        f"a column '{column.name}' in the header ({column.expected()})",
                        "missing_column",
                    )
                )
            empty = pd.Series([None] * n, dtype=object)
            typed[column.name] = parse_column(empty, column, table.name).values
            continue
        cells = raw.cells[column.name].reset_index(drop=True)
        parsed = parse_column(cells, column, table.name)
        typed[column.name] = parsed.values
        unusable[column.name] = parsed.unusable
        for code in _CODE_ORDER:
            if code not in parsed.problems:
                continue
            expected = column.expected()
            if code == "missing_value":
                expected = f"a value (required): {expected}"
            found += violations_at(
                parsed.problems[code],
                file=file,
                rows=rows,
                column=column.name,
                values=cells,
                expected=expected,
                code=code,
            )
    for name in raw.cells.columns:
        if name not in typed:
            typed[name] = parse_extra(raw.cells[name])
    frame = pd.DataFrame(typed, index=pd.RangeIndex(n))
    if table.key in present:
        found += _duplicate_keys(raw.cells[table.key].reset_index(drop=True), table.key, file, rows)
    if "client_id" in present:
        found += violations_at(
            bsn_like(raw.cells["client_id"]),
            file=file,
            rows=rows,
            column="client_id",
            values=[BSN_MASK] * n,
            expected="a pseudonymous client_id; this value looks like a BSN "
            "(8 or 9 digits passing the 11-test after removing separators and a letter "
            "prefix) and must not be in the data",
            code="bsn_like_id",
        )
    for name in IDENTIFIER_COLUMNS:
        if name in present:
            found += violations_at(
                formula_like(raw.cells[name]),
                file=file,
                rows=rows,
                column=name,
                values=raw.cells[name],
                expected=f"a {name} that does not start with =, +, -, @, a tab or a carriage "
                "return (a spreadsheet would run it as a formula)",
                code="formula_like_value",
            )
    return CheckedTable(table, file, raw, frame, present, unusable), found


def _duplicate_keys(keys: pd.Series, key: str, file: str, rows: np.ndarray) -> list[Violation]:
    """Every repeat of a key after its first row, naming that first row."""
    repeated = (keys.duplicated(keep="first") & keys.notna()).to_numpy()
    if not repeated.any():
        return []
    first_row = pd.Series(rows).groupby(keys.to_numpy(), sort=False).transform("first")
    expected = np.full(len(keys), "", dtype=object)
    where = np.flatnonzero(repeated)
    expected[where] = [
        f"a unique {key}; the same value is in row {int(r)}" for r in first_row.to_numpy()[where]
    ]
    return violations_at(
        repeated,
        file=file,
        rows=rows,
        column=key,
        values=keys,
        expected=expected,
        code="duplicate_key",
    )


def mask_bsn_values(violations: list[Violation]) -> list[Violation]:
    """The violations with every BSN-like value replaced by :data:`BSN_MASK`.

    A BSN is never repeated in a report, whatever the column or check that found it.
    """
    values = pd.Series([v.value for v in violations], dtype=object)
    if values.empty:
        return violations
    hits = bsn_like(values)
    return [
        replace(v, value=BSN_MASK) if hit else v for v, hit in zip(violations, hits, strict=True)
    ]
