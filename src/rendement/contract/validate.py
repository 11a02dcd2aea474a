"""Reading and checking a whole data folder: every violation at once, or the typed tables.

* :func:`check_data_folder` reads the four tables, runs every check and returns a
  :class:`FolderCheck`: all violations, sorted by file, row and column, and the
  typed :class:`~rendement.contract.folder.DataFolder` when there are none.
* :func:`validate_data_folder` gives the violations only (empty when valid).

At most :data:`~rendement.contract.limits.MAX_LISTED_PER_FILE` violations are
listed per file; the others are counted (``FolderCheck.counts``), so that a
folder with millions of bad rows is checked in bounded memory.
* :func:`read_data_folder` gives the ``DataFolder`` or raises
  :class:`~rendement.errors.DataValidationError` carrying every violation.

Nothing is ever written into the folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from rendement.contract.folder import DataFolder
from rendement.contract.limits import cap_per_file, listing_limit
from rendement.contract.readers import find_table_files, read_table_file
from rendement.contract.relations import (
    end_before_start,
    overlapping_spells,
    trajectories_outside_spells,
    unknown_keys,
)
from rendement.contract.schema import EXTENSIONS, OPTIONAL_TABLES, TABLES
from rendement.contract.stream_csv import give_back_memory
from rendement.contract.tables import CheckedTable, check_table, mask_bsn_values
from rendement.errors import DataValidationError, Violation


@dataclass(frozen=True)
class FolderCheck:
    """The outcome of checking a data folder: violations, and the tables when there are none."""

    path: Path
    violations: list[Violation]
    data: DataFolder | None
    #: Violations per file, listed or not (at most MAX_LISTED_PER_FILE per file are listed).
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.violations

    @property
    def total(self) -> int:
        """Every violation found, listed or only counted."""
        return sum(self.counts.values()) if self.counts else len(self.violations)


def check_data_folder(path: str | os.PathLike[str]) -> FolderCheck:
    """Read and check the whole folder; every violation of the data contract is counted, and
    the first :data:`MAX_LISTED_PER_FILE` per file (in reading order) are listed."""
    with listing_limit() as tally:
        check = _check_folder(Path(path))
    listed, counts = cap_per_file(check.violations, tally)
    return FolderCheck(check.path, listed, check.data, counts)


def _check_folder(folder: Path) -> FolderCheck:
    if not folder.is_dir():
        where = "does not exist" if not folder.exists() else "is not a folder"
        violation = Violation(
            str(folder),
            None,
            None,
            None,
            f"a data folder with clients, spells, trajectories and instruments (it {where})",
            "missing_folder",
        )
        return FolderCheck(folder, [violation], None)
    found: list[Violation] = []
    files = find_table_files(folder)
    checked = {name: _check_one(name, files[name], found) for name in TABLES}
    clients, spells = checked["clients"], checked["spells"]
    trajectories, instruments = checked["trajectories"], checked["instruments"]
    found += end_before_start(spells)
    found += unknown_keys(
        spells, "client_id", clients, "client_id", "unknown_client", "a client_id"
    )
    found += overlapping_spells(spells)
    found += end_before_start(trajectories)
    found += unknown_keys(
        trajectories, "client_id", clients, "client_id", "unknown_client", "a client_id"
    )
    found += unknown_keys(
        trajectories,
        "instrument",
        instruments,
        "instrument",
        "unknown_instrument",
        "an instrument code",
    )
    found += trajectories_outside_spells(trajectories, spells, clients)
    # Optional tables (applications, recoveries): checked like the others when present.
    optional_files = find_table_files(folder, OPTIONAL_TABLES)
    optional = {
        name: _check_one(name, paths, found) for name, paths in optional_files.items() if paths
    }
    violations = _in_reading_order(mask_bsn_values(found), {**checked, **optional})
    if violations:
        return FolderCheck(folder, violations, None)
    assert clients.frame is not None and spells.frame is not None
    assert trajectories.frame is not None and instruments.frame is not None
    data = DataFolder(
        clients=clients.frame,
        spells=spells.frame,
        trajectories=trajectories.frame,
        instruments=instruments.frame,
        path=folder,
        applications=optional["applications"].frame if "applications" in optional else None,
        recoveries=optional["recoveries"].frame if "recoveries" in optional else None,
    )
    return FolderCheck(folder, [], data)


def validate_data_folder(path: str | os.PathLike[str]) -> list[Violation]:
    """The violations of the data contract in the folder (an empty list when it is valid); at
    most :data:`MAX_LISTED_PER_FILE` per file."""
    return check_data_folder(path).violations


def read_data_folder(path: str | os.PathLike[str]) -> DataFolder:
    """The four typed tables of a valid folder; raises ``DataValidationError`` listing every
    violation otherwise."""
    check = check_data_folder(path)
    if check.data is None:
        raise DataValidationError(check.violations, check.counts)
    return check.data


def _check_one(name: str, paths: list[Path], found: list[Violation]) -> CheckedTable:
    table = TABLES[name] if name in TABLES else OPTIONAL_TABLES[name]
    if not paths:
        options = ", ".join(f"{name}{ext}" for ext in EXTENSIONS)
        found.append(
            Violation(
                f"{name}.csv",
                None,
                None,
                None,
                f"one file for the table {name} in the folder ({options})",
                "missing_file",
            )
        )
        return CheckedTable(table, f"{name}.csv")
    if len(paths) > 1:
        names = ", ".join(p.name for p in paths)
        found.append(
            Violation(
                paths[0].name,
                None,
                None,
                names,
                f"one file for the table {name}; keep one of {names} and remove the others",
                "duplicate_file",
            )
        )
        return CheckedTable(table, paths[0].name)
    result = read_table_file(paths[0], name)
    found += result.violations
    if result.raw is None:
        return CheckedTable(table, result.file)
    checked, violations = check_table(result.raw, table)
    found += violations
    give_back_memory()  # what the checks of a large file freed
    return checked


def _in_reading_order(
    violations: list[Violation], checked: dict[str, CheckedTable]
) -> list[Violation]:
    """Sorted by file (contract order), then row (whole-file problems first), then column."""
    order: dict[str, tuple[int, dict[str, int]]] = {}
    for i, t in enumerate(checked.values()):
        names = list(t.raw.cells.columns) if t.raw is not None else []
        names += [c.name for c in t.table.columns if c.name not in names]
        order[t.file] = (i, {c: j for j, c in enumerate(names)})

    def key(v: Violation) -> tuple[int, int, int]:
        file_index, columns = order.get(v.file, (-1, {}))
        row = -1 if v.row is None else v.row
        column = -1 if v.column is None else columns.get(v.column, len(columns))
        return (file_index, row, column)

    return sorted(violations, key=key)
