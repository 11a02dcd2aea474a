"""The manager's page ``/overzicht``: deviations from the advice and the latest lists and plan.

* deviations per team, caseworker and advised instrument, with the most frequent
  reasons (the same figures as ``GET /v1/decisions/summary``, same role rules: a
  manager key with a team sees that team only);
* the latest lists (workbook and CSV files) and plan written for the served
  meter, to download, with the plan's summary per instrument; they are read
  from ``RENDEMENT_OUTPUTS_DIR`` (``make demo`` serves ``demo/``: ``lists/`` and ``plan/``);
* a place for the latest monthly report (:func:`latest_monthly_report`).

Only manager keys may use it; a caseworker key gets "Geen toegang".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from rendement_api.db.keys import Principal
from rendement_api.errors import ServiceError
from rendement_api.page.common import (
    logged_in,
    login_redirect,
    message_page,
    templates,
    token_of,
    wrong_role,
)
from rendement_api.page.dutch import code_text
from rendement_api.page.time import AMSTERDAM
from rendement_api.services.advice import today
from rendement_api.services.decisions import decisions_summary

router = APIRouter(include_in_schema=False)

#: Folders under the outputs folder and the files the page offers from each.
OUTPUT_FOLDERS = {"lijsten": "lists", "plan": "plan"}
_SUFFIXES = (".xlsx", ".csv")


@dataclass(frozen=True)
class OutputFile:
    folder: str  # "lijsten" or "plan"
    name: str
    size: int
    written: str  # Amsterdam time

    @property
    def url(self) -> str:
        return f"/overzicht/bestand/{self.folder}/{self.name}"


def _manager(request: Request) -> tuple[Principal | None, Response | None]:
    who = logged_in(request)
    if who is None:
        return None, login_redirect()
    if who.role != "manager":
        return None, wrong_role(request, who)
    return who, None


def output_files(root: Path | None) -> dict[str, list[OutputFile]]:
    """The workbook and CSV files in ``root/lists`` and ``root/plan`` (newest workbook first)."""
    found: dict[str, list[OutputFile]] = {k: [] for k in OUTPUT_FOLDERS}
    if root is None:
        return found
    for word, sub in OUTPUT_FOLDERS.items():
        folder = root / sub
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir(), key=lambda p: (p.suffix != ".xlsx", p.name)):
            if path.is_file() and path.suffix in _SUFFIXES and not path.name.startswith("."):
                stat = path.stat()
                written = dt.datetime.fromtimestamp(stat.st_mtime, AMSTERDAM)
                found[word].append(
                    OutputFile(word, path.name, stat.st_size, f"{written:%d-%m-%Y %H:%M}")
                )
    return found


def workbook_model(root: Path | None, files: list[OutputFile]) -> str | None:
    """The model version the newest lists workbook names on its summary sheet."""
    books = [f for f in files if f.name.endswith(".xlsx")]
    if root is None or not books:
        return None
    from openpyxl import load_workbook

    try:
        wb = load_workbook(root / "lists" / books[-1].name, read_only=True)
        try:
            ws = wb.worksheets[0]
            for row in ws.iter_rows(min_row=1, max_row=10, max_col=2, values_only=True):
                if row and str(row[0]).strip().lower() == "modelversie":
                    return str(row[1])
        finally:
            wb.close()
    except (OSError, ValueError, KeyError):
        return None
    return None


def plan_summary(root: Path | None) -> list[dict[str, Any]]:
    """Rows of ``plan/plan_summary.csv`` (places, assigned, net return per instrument)."""
    if root is None or not (root / "plan" / "plan_summary.csv").is_file():
        return []
    try:
        frame = pd.read_csv(root / "plan" / "plan_summary.csv", dtype={"instrument": str})
    except (OSError, ValueError):
        return []
    frame["threshold_eur"] = frame["instrument"].map(_thresholds(root))
    return [
        {str(k): (None if pd.isna(v) else v) for k, v in r.items()}
        for r in frame.to_dict("records")
    ]


def _thresholds(root: Path) -> dict[str, float]:
    """The plan's price of a place per instrument (empty when missing or unreadable)."""
    from rendement.plan.price import PRICE_FILE, PlacePriceFileError, read_place_prices

    path = root / "plan" / PRICE_FILE
    if not path.is_file():
        return {}
    try:
        table = read_place_prices(path).table
    except (PlacePriceFileError, OSError):
        return {}
    return dict(zip(table["instrument"].astype(str), table["threshold_eur"], strict=True))


def latest_monthly_report(root: Path | None) -> OutputFile | None:
    """The newest monthly steering report (``rendement dashboard``), when one was written.

    Looks in ``root/dashboard`` for the newest ``.html`` or ``.pdf`` file; the page
    links it under "Maandrapportage" (the dashboard command decides the names).
    """
    if root is None or not (root / "dashboard").is_dir():
        return None
    reports = [
        p
        for p in (root / "dashboard").iterdir()
        if p.is_file() and p.suffix in (".html", ".pdf") and not p.name.startswith(".")
    ]
    if not reports:
        return None
    newest = max(reports, key=lambda p: p.stat().st_mtime)
    written = dt.datetime.fromtimestamp(newest.stat().st_mtime, AMSTERDAM)
    return OutputFile("dashboard", newest.name, newest.stat().st_size, f"{written:%d-%m-%Y %H:%M}")


def _parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


@router.get("/overzicht", response_class=HTMLResponse)
async def overview(
    request: Request,
    van: str | None = Query(None, max_length=10),
    tot: str | None = Query(None, max_length=10),
) -> Response:
    who, refused = await run_in_threadpool(_manager, request)
    if who is None:
        assert refused is not None
        return refused
    end = _parse_date(tot) or today()
    start = _parse_date(van) or end - dt.timedelta(days=29)
    date_error = None
    if (van and _parse_date(van) is None) or (tot and _parse_date(tot) is None):
        date_error = "Vul de datums in als JJJJ-MM-DD; de laatste 30 dagen worden getoond."
        end, start = today(), today() - dt.timedelta(days=29)
    if end < start:
        date_error = "De einddatum ligt voor de begindatum; de laatste 30 dagen worden getoond."
        end, start = today(), today() - dt.timedelta(days=29)
    try:
        summary = await run_in_threadpool(decisions_summary, request.app.state.log, start, end, who)
    except ServiceError as exc:
        return message_page(request, who, "Overzicht niet beschikbaar", code_text(exc.code), 400)
    root = request.app.state.settings.outputs_dir
    files = await run_in_threadpool(output_files, root)
    served = request.app.state.served
    ctx = {
        "who": who,
        "token": token_of(request),
        "s": summary,
        "start": start,
        "end": end,
        "date_error": date_error,
        "files": files,
        "lists_model": await run_in_threadpool(workbook_model, root, files["lijsten"]),
        "plan_rows": await run_in_threadpool(plan_summary, root),
        "report": await run_in_threadpool(latest_monthly_report, root),
        "model": served.ref(),
        "label": served.label,
        "outputs_configured": root is not None,
    }
    return templates.TemplateResponse(request, "overview.html", ctx)


@router.get("/overzicht/bestand/{folder}/{name}")
def download(request: Request, folder: str, name: str) -> Response:
    who, refused = _manager(request)
    if who is None:
        assert refused is not None
        return refused
    root = request.app.state.settings.outputs_dir
    if folder == "dashboard":
        report = latest_monthly_report(root)
        offered = {report.name} if report else set()
        path = root / "dashboard" / name if root is not None else None
    else:
        offered = {f.name for f in output_files(root).get(folder, [])}
        path = (
            root / OUTPUT_FOLDERS[folder] / name
            if root is not None and folder in OUTPUT_FOLDERS
            else None
        )
    if path is None or name not in offered:
        return message_page(
            request, who, "Bestand niet gevonden", "Dit bestand is er niet (meer).", 404
        )
    return FileResponse(path, filename=name)
