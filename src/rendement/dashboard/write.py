"""Writing the steering report: ``maandrapportage-YYYY-MM.html`` and ``.xlsx``, both or neither."""

from __future__ import annotations

from pathlib import Path

from rendement.dashboard.build import SteeringReport
from rendement.dashboard.html import render_html
from rendement.dashboard.workbook import write_workbook
from rendement.output import atomic_folder_files


def report_names(report: SteeringReport) -> tuple[str, str]:
    """``maandrapportage-YYYY-MM.html`` and ``.xlsx`` (YYYY-MM of the as-of date)."""
    stem = f"maandrapportage-{report.period}"
    return f"{stem}.html", f"{stem}.xlsx"


def write_report(report: SteeringReport, out_dir: Path | str) -> list[Path]:
    """Write both files into ``out_dir``; a failure leaves the folder as it was."""
    html_name, xlsx_name = report_names(report)
    page = render_html(report)  # rendered before anything is staged
    with atomic_folder_files(out_dir) as stage:
        (stage / html_name).write_text(page, encoding="utf-8")
        write_workbook(report, stage / xlsx_name)
    return [Path(out_dir) / html_name, Path(out_dir) / xlsx_name]


def latest_report(out_dir: Path | str) -> Path | None:
    """The newest ``maandrapportage-YYYY-MM.html`` in ``out_dir`` (for the manager's page)."""
    found = sorted(Path(out_dir).glob("maandrapportage-[0-9][0-9][0-9][0-9]-[0-9][0-9].html"))
    return found[-1] if found else None
