"""The managers' monthly ranked lists (*lijstwerk*): an Excel workbook and the same tables as CSV.

* :func:`build_lists` -- the lists of a caseload score, whole or per district
  or caseworker (:class:`Lists`);
* :func:`write_lists` -- the workbook ``lijsten-YYYY-MM.xlsx`` and the CSV files.
"""

from __future__ import annotations

from rendement.lists.tables import (
    LIST_COLUMNS,
    SUMMARY_COLUMNS,
    ListBy,
    Lists,
    build_lists,
    instrument_labels,
    places_per_year,
)
from rendement.lists.write import part_files, part_sheets, workbook_name, write_lists

__all__ = [
    "LIST_COLUMNS",
    "SUMMARY_COLUMNS",
    "ListBy",
    "Lists",
    "build_lists",
    "instrument_labels",
    "places_per_year",
    "part_files",
    "part_sheets",
    "workbook_name",
    "write_lists",
]
