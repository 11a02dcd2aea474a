"""The capacity file (*capaciteit*): places per instrument for the planning period.

``CAPACITY.csv`` has the columns ``instrument`` and ``places`` (a whole number
>= 0: how many clients may start that instrument in the planning period); an
instrument of the meter that is not listed has no places (data contract).
Extra columns (a label, a note) are allowed and ignored. The file may also be
an ``.xlsx`` (first sheet) or ``.parquet`` with the same columns.

:func:`read_capacity` reads and checks a file, :func:`check_capacity` checks a
frame (the service's input). Both report **every** problem at once -- missing
columns, empty or non-whole or negative places, instruments unknown to the
meter, instruments listed twice -- with the row number as the user sees it
(header = row 1), as one :class:`~rendement.errors.CapacityFileError`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from rendement.contract.checks import parse_numbers
from rendement.contract.readers import read_table_file
from rendement.errors import CapacityFileError, Violation

#: Columns of the capacity file (data contract).
CAPACITY_COLUMNS = ("instrument", "places")

#: Largest number of places we accept; beyond it a value is certainly a typing error.
_MAX_PLACES = 10_000_000


def read_capacity(
    path: Path | str, catalogue: pd.DataFrame, *, meter: str | None = None
) -> pd.DataFrame:
    """Read and check a capacity file against the meter's catalogue (see :func:`check_capacity`)."""
    file = Path(path)
    if not file.is_file():
        raise CapacityFileError(
            f"the capacity file {file} does not exist; give a CSV file with the columns "
            "'instrument' and 'places'"
        )
    result = read_table_file(file, "capacity")
    if result.raw is None:
        raise _error(file.name, result.violations)
    raw = result.raw
    violations = [v for v in result.violations if v.code != "empty_file"]
    return _check(raw.cells, raw.rows, catalogue, file.name, meter, violations, raw.header_row)


def check_capacity(
    capacity: pd.DataFrame,
    catalogue: pd.DataFrame,
    *,
    meter: str | None = None,
    file: str = "capacity",
) -> pd.DataFrame:
    """Places per instrument of the meter, checked; an unlisted instrument gets 0 places.

    ``capacity`` has the columns ``instrument`` and ``places`` (values as numbers
    or as text); its row ``i`` is reported as row ``i + 2`` (as in a file with a
    header). ``catalogue`` holds the meter's instruments (e.g.
    ``model.meter_instruments``); when it holds several meters, ``meter`` says
    which one is planned. Returns one row per instrument of the meter, in
    catalogue order: ``instrument``, ``places`` (int64), ``listed`` (bool).
    Raises :class:`~rendement.errors.CapacityFileError` listing every problem.
    """
    cells = capacity.reset_index(drop=True).astype(object)
    cells = cells.where(cells.notna(), None)
    for column in cells.columns:
        cells[column] = [_text(v) for v in cells[column]]
    rows = np.arange(2, len(cells) + 2, dtype=np.int64)
    return _check(cells, rows, catalogue, file, meter, [])


def _check(
    cells: pd.DataFrame,
    rows: np.ndarray,
    catalogue: pd.DataFrame,
    file: str,
    meter: str | None,
    violations: list[Violation],
    header_row: int = 1,
) -> pd.DataFrame:
    known, others = _meter_codes(catalogue, meter)
    problems = list(violations)
    columns = [str(c).strip() for c in cells.columns]
    cells = cells.set_axis(columns, axis=1)
    for name in CAPACITY_COLUMNS:
        if name not in columns:
            problems.append(
                Violation(
                    file,
                    header_row,
                    name,
                    None,
                    f"a column '{name}' in the header (columns: instrument, places)",
                    "missing_column",
                )
            )
    if "instrument" in columns:
        problems += _instrument_problems(cells["instrument"], rows, known, others, file, meter)
    if "places" in columns:
        problems += _places_problems(cells["places"], rows, file)
    if problems:
        order = {name: k for k, name in enumerate(CAPACITY_COLUMNS)}
        problems.sort(key=lambda v: (v.row or 0, order.get(v.column or "", len(order))))
        raise _error(file, problems)
    places = dict(
        zip(
            cells["instrument"],
            parse_numbers(cells["places"]).astype(np.int64),
            strict=True,
        )
    )
    return pd.DataFrame(
        {
            "instrument": known,
            "places": np.array([places.get(c, 0) for c in known], dtype=np.int64),
            "listed": np.array([c in places for c in known], dtype=bool),
        }
    )


def _meter_codes(catalogue: pd.DataFrame, meter: str | None) -> tuple[list[str], dict[str, str]]:
    """Codes of the planned meter (catalogue order) and, for hints, other codes with their meter."""
    codes = catalogue["instrument"].astype(str).tolist()
    if "meter" not in catalogue.columns:
        return codes, {}
    meters = catalogue["meter"].astype(str).tolist()
    if meter is None:
        distinct = sorted(set(meters))
        if len(distinct) > 1:
            raise ValueError(
                f"the catalogue holds the meters {', '.join(distinct)}; say which one is planned"
            )
        meter = distinct[0] if distinct else None
    known = [c for c, m in zip(codes, meters, strict=True) if m == meter]
    others = {c: m for c, m in zip(codes, meters, strict=True) if m != meter}
    return known, others


def _instrument_problems(
    cells: pd.Series,
    rows: np.ndarray,
    known: list[str],
    others: dict[str, str],
    file: str,
    meter: str | None,
) -> list[Violation]:
    out: list[Violation] = []
    known_set = set(known)
    listing = ", ".join(known) if known else "(none)"
    first_row: dict[str, int] = {}
    for value, row in zip(cells, rows, strict=True):
        row = int(row)
        if value is None:
            out.append(
                Violation(file, row, "instrument", None, "an instrument code", "missing_value")
            )
            continue
        if value not in known_set:
            of_meter = f" of the meter '{meter}'" if meter else ""
            hint = f" ('{value}' belongs to the meter '{others[value]}')" if value in others else ""
            out.append(
                Violation(
                    file,
                    row,
                    "instrument",
                    value,
                    f"an instrument{of_meter} in the catalogue: {listing}{hint}",
                    "unknown_instrument",
                )
            )
        if value in first_row:
            out.append(
                Violation(
                    file,
                    row,
                    "instrument",
                    value,
                    f"each instrument once; it is also on row {first_row[value]}",
                    "duplicate_key",
                )
            )
        else:
            first_row[value] = row
    return out


def _places_problems(cells: pd.Series, rows: np.ndarray, file: str) -> list[Violation]:
    numbers = parse_numbers(cells)
    out: list[Violation] = []
    expected = "a whole number >= 0 (places in the planning period)"
    for value, number, row in zip(cells, numbers, rows, strict=True):
        row = int(row)
        if value is None:
            out.append(Violation(file, row, "places", None, expected, "missing_value"))
        elif np.isnan(number) or number != np.floor(number) or number > _MAX_PLACES:
            out.append(Violation(file, row, "places", value, expected, "invalid_type"))
        elif number < 0:
            out.append(Violation(file, row, "places", value, expected, "negative_amount"))
    return out


def _text(value: object) -> str | None:
    """A cell as the user would type it: whole floats without ``.0``, empty as ``None``."""
    if value is None:
        return None
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return None
        if np.isfinite(value) and float(value).is_integer():
            return str(int(value))
        return repr(float(value))
    text = str(value).strip()
    return text or None


def _error(file: str, violations: list[Violation]) -> CapacityFileError:
    lines = "\n".join(f"  - {v}" for v in violations)
    return CapacityFileError(
        f"the capacity file {file} cannot be used: {len(violations)} problem(s)\n{lines}\n"
        "Nothing was written. Correct the capacity file and run the command again.",
        violations,
    )
