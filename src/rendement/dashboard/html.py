"""The steering report as one self-contained Dutch HTML file (Jinja2 template, inline PNG plots).

Nothing is loaded from the network: styles are inline, plots are base64 data
URIs, there are no scripts. :func:`render_html` returns the page as text.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from rendement.dashboard import plots
from rendement.dashboard.build import ReportPart, SteeringReport
from rendement.dashboard.targets import INDICATORS
from rendement.formatting import money as euro
from rendement.formatting import month_long, month_short, number, percent
from rendement.model.kind_words import model_kind_words

#: Monthly columns shown in the tables, with their Dutch heading and decimals.
MONTHLY_COLUMNS = (
    ("bestand", "Bestand", 0),
    ("instroom", "Instroom", 0),
    ("uitstroom", "Uitstroom", 0),
    ("uitstroom_per_100", "Uitstroom per 100", 1),
    ("uitstroom_met_traject", "Uitstroom met traject", 0),
    ("uitstroom_zonder_traject", "Uitstroom zonder traject", 0),
    ("uitstroom_vrijgesteld", "Uitstroom vrijgesteld", 0),
    ("bestand_met_traject", "Met lopend traject", 0),
    ("bestand_zonder_traject", "Zonder lopend traject", 0),
    ("trajecten_gestart", "Trajecten gestart", 0),
    ("huisbezoeken", "Huisbezoeken", 0),
    ("uitgaven", "Uitkeringslasten (€)", 0),
)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _monthly_rows(part: ReportPart) -> list[dict[str, Any]]:
    by_column = {ind.column: code for code, ind in INDICATORS.items()}
    rows = []
    for i in range(len(part.monthly) - 1, -1, -1):
        m = part.monthly.index[i]
        cells = []
        for col, _, decimals in MONTHLY_COLUMNS:
            value = part.monthly[col].to_numpy(dtype=float)[i]
            light = None
            code = by_column.get(col)
            if code in part.lights:
                light = part.lights[code].at[m, "stoplicht"]
            cells.append({"text": number(float(value), decimals), "light": light})
        rows.append({"month": month_short(int(m)), "cells": cells})
    return rows


def _latest(part: ReportPart) -> list[dict[str, Any]]:
    """The last complete month of every indicator with a traffic light."""
    out = []
    for code, frame in part.lights.items():
        last = frame.iloc[-1]
        decimals = 1 if code == "outflow_rate" else 0
        out.append(
            {
                "label": INDICATORS[code].label,
                "value": number(float(last["waarde"]), decimals),
                "target": number(float(last["doel"]), decimals),
                "light": last["stoplicht"],
                "source": last["bron"] or "-",
                "direction": "hoogstens" if INDICATORS[code].direction == "at_most" else "minstens",
            }
        )
    return out


def _table(frame: pd.DataFrame, formats: dict[str, int] | None = None) -> dict[str, Any]:
    """Headers and formatted rows of a small table (numbers in Dutch notation)."""
    formats = formats or {}
    rows = []
    for _, r in frame.iterrows():
        cells = []
        for c in frame.columns:
            v = r[c]
            if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
                cells.append(number(float(v), formats.get(str(c), 0)))
            else:
                cells.append("" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
        rows.append(cells)
    return {"headers": [str(c).replace("_", " ") for c in frame.columns], "rows": rows}


def _part_context(part: ReportPart, months: int | None = None) -> dict[str, Any]:
    """The template's view of one part (``months``: only the latest months in its table)."""
    rows = _monthly_rows(part)
    return {
        "name": part.name,
        "layer": part.layer,
        "clients": number(part.clients),
        "latest": _latest(part),
        "monthly": rows if months is None else rows[:months],
        "capacity": _table(part.capacity, {"doel_naar_rato": 1}),
        "by_instrument": _table(
            part.by_instrument.rename(index=lambda m: month_short(int(m)))
            .reset_index(names="maand")
            .iloc[::-1]
        ),  # fmt: skip
        "cbs": [
            {
                "name": s.name,
                "share": percent(s.share, 1),
                "count": f"{number(s.numerator)} van {number(s.denominator)}",
                "period": f"{s.start.strftime('%d-%m-%Y')} t/m {s.end.strftime('%d-%m-%Y')}",
            }
            for s in part.cbs
        ],
        "cbs_per_instrument": _table(part.cbs_per_instrument, {"aandeel_pct": 1}),
        "expenditure": {k: euro(v) for k, v in part.expenditure_year.items()},
        "applications": _table(
            part.monthly[
                [c for c in part.monthly.columns if c.startswith("aanvragen_")]
                + (["toekenningspercentage"] if "toekenningspercentage" in part.monthly else [])
            ]
            .rename(index=lambda m: month_short(int(m)))
            .reset_index(names="maand")
            .iloc[::-1],
            {"toekenningspercentage": 1},
        )
        if "aanvragen_toegekend" in part.monthly
        else None,  # fmt: skip
        "recoveries": _table(
            part.monthly[["terugvordering"]]
            .rename(index=lambda m: month_short(int(m)))
            .reset_index(names="maand")
            .iloc[::-1]
        )
        if "terugvordering" in part.monthly
        else None,  # fmt: skip
    }


def render_html(report: SteeringReport) -> str:
    """The report as one HTML page (Dutch)."""
    env = Environment(
        loader=PackageLoader("rendement.dashboard", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    fc, total = report.forecast, report.total
    lights = total.lights
    figures = {
        "uitgaven": _data_uri(plots.expenditure_plot(fc, report.budget)),
        "bestand": _data_uri(plots.caseload_plot(total.monthly, lights["caseload"]["doel"])),
        "stromen": _data_uri(
            plots.flow_plot(total.monthly, lights["inflow"]["doel"], lights["outflow_rate"]["doel"])
        ),
        "instroom": _data_uri(plots.inflow_forecast_plot(total.monthly["instroom"], fc)),
    }
    monthly_fc = fc.monthly.rename(index=lambda m: month_short(int(m))).reset_index()
    bt = report.backtest
    context = {
        "title": "Maandrapportage bijstand "
        + month_long(12 * report.as_of.year + report.as_of.month - 1),
        "as_of": report.as_of.strftime("%d-%m-%Y"),
        "year": fc.year,
        "model_version": report.model_version,
        "model_kind": model_kind_words(report.model_kind),
        "total": _part_context(total),
        "parts": [_part_context(p, months=12) for p in report.parts],
        "by_word": {"district": "district", "caseworker": "klantmanager"}.get(report.by or "", ""),
        "headers": [h for _, h, _ in MONTHLY_COLUMNS],
        "figures": figures,
        "forecast": {
            "realised": euro(float(fc.realised.sum())),
            "caseload": euro(float(fc.caseload.sum())),
            "caseload_interval": f"{euro(fc.caseload_lower)} – {euro(fc.caseload_upper)}",
            "inflow": euro(float(fc.inflow.sum())),
            "total": euro(fc.total),
            "interval": f"{euro(fc.lower)} – {euro(fc.upper)}",
            "level": percent(fc.level, 0),
            "budget": euro(report.budget) if report.budget is not None else None,
            "balance": euro(report.balance) if report.balance is not None else None,
            "balance_share": percent(report.balance / report.budget, 1)
            if report.balance is not None and report.budget
            else None,
            "balance_positive": report.balance is not None and report.balance >= 0,
            "inflow_model": fc.inflow_forecast.model,
            "inflow_months": fc.inflow_forecast.history_months,
            "inflow_per_spell": euro(fc.inflow_per_spell),
            "monthly": _table(monthly_fc),
            "notes": list(report.notes),
        },
        "backtest": None
        if bt is None
        else {
            "from": bt.forecast.as_of.strftime("%d-%m-%Y"),
            "year": bt.forecast.year,
            "forecast": euro(bt.forecast.total),
            "interval": f"{euro(bt.forecast.lower)} – {euro(bt.forecast.upper)}",
            "actual": euro(float(bt.actual.sum())),
            "error": percent(bt.error, 2),
            "caseload_error": percent(bt.caseload_error, 2),
            "covered": bt.covered,
        },
        "reference": None
        if report.reference is None
        else _table(report.reference, {c: 2 for c in report.reference.columns if "per_100" in c}),
    }
    return env.get_template("maandrapportage.html").render(**context)
