"""Writing the lists: the workbook and the same tables as CSV, all or nothing.

Files (``YYYY-MM`` of the as-of date):

* ``lijsten-YYYY-MM.xlsx`` -- the workbook (:mod:`rendement.lists.excel`);
* ``samenvatting-YYYY-MM.csv`` -- the summary table;
* ``lijst_totaal-YYYY-MM.csv`` -- the whole caseload, ranked;
* ``lijst_<name>-YYYY-MM.csv`` -- one per district or caseworker (with ``by``).

Every file name carries the as-of month, so lists of different runs never mix
in one folder; the folder is swapped as a whole (:mod:`rendement.output`).

The CSV files hold exactly the values of the workbook's tables (UTF-8, comma-separated;
or, with ``csv_dialect="nl"``, semicolons, decimal commas and a BOM for a Dutch Excel).
"""

from __future__ import annotations

from pathlib import Path

from rendement.lists.csvfile import CsvDialect, write_csv
from rendement.lists.excel import SUMMARY_SHEET, TOTAL_SHEET, write_workbook
from rendement.lists.names import file_stems, sheet_names
from rendement.lists.tables import Lists
from rendement.output import atomic_folder_files


def workbook_name(lists: Lists) -> str:
    """``lijsten-YYYY-MM.xlsx`` (``lijsten.xlsx`` without an as-of date)."""
    return f"lijsten{month_suffix(lists)}.xlsx"


def month_suffix(lists: Lists) -> str:
    """``-YYYY-MM`` of the as-of date (empty without one): part of every file name."""
    return "" if lists.as_of is None else f"-{lists.as_of:%Y-%m}"


def part_sheets(lists: Lists) -> dict[str, str]:
    """Sheet name of each part (district or caseworker): valid for Excel and unique."""
    names = list(lists.parts)
    return dict(zip(names, sheet_names(names, taken=(SUMMARY_SHEET, TOTAL_SHEET)), strict=True))


def part_files(lists: Lists) -> dict[str, str]:
    """CSV file name of each part: ``lijst_<name>-YYYY-MM.csv``, unique."""
    names = list(lists.parts)
    stems = file_stems(names, taken=("totaal",))
    month = month_suffix(lists)
    return {name: f"lijst_{stem}{month}.csv" for name, stem in zip(names, stems, strict=True)}


def write_lists(
    lists: Lists, out_dir: Path | str, *, csv_dialect: CsvDialect = "plain"
) -> list[Path]:
    """Write the workbook and the CSV files into ``out_dir``; returns their paths.

    ``csv_dialect="nl"`` writes the CSV files for Excel in a Dutch locale
    (semicolons, decimal commas, BOM; :mod:`rendement.lists.csvfile`).
    """
    out = Path(out_dir)
    files = part_files(lists)
    month = month_suffix(lists)
    summary, total = f"samenvatting{month}.csv", f"lijst_totaal{month}.csv"
    names = [workbook_name(lists), summary, total, *files.values()]
    with atomic_folder_files(out) as stage:
        write_workbook(lists, stage / names[0], part_sheets(lists))
        write_csv(lists.summary, stage / summary, csv_dialect)
        write_csv(lists.total, stage / total, csv_dialect)
        for name, frame in lists.parts.items():
            write_csv(frame, stage / files[name], csv_dialect)
    return [out / n for n in names]
