"""The steering report's plots (matplotlib, Agg canvas, no global pyplot state), as PNG bytes.

Each function returns PNG bytes; the HTML embeds them as base64 data URIs so
the report is one file that needs nothing from the network.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from rendement.dashboard.forecast import ExpenditureForecast
from rendement.formatting import MONTH_ABBREVIATIONS, month_short, number

_BLUE, _ORANGE, _GREY, _GREEN, _RED = "#1f5fa8", "#d9731a", "#8a8a8a", "#2e7d32", "#b3261e"


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def _month_axis(ax: object, months: np.ndarray) -> None:
    step = max(1, len(months) // 8)
    ax.set_xticks(range(0, len(months), step))  # type: ignore[attr-defined]
    ax.set_xticklabels([month_short(int(m)) for m in months[::step]], fontsize=8)  # type: ignore[attr-defined]


def expenditure_plot(fc: ExpenditureForecast, budget: float | None) -> bytes:
    """Cumulative expenditure of the year: realised, forecast, 90% interval at year end, budget."""
    fig = Figure(figsize=(7.5, 3.2))
    ax = fig.add_subplot()
    x = np.arange(12)
    monthly = fc.monthly
    cum_total = monthly["totaal"].cumsum().to_numpy() / 1e6
    paid = fc.realised > 0.5
    last_real = int(np.flatnonzero(paid).max()) if paid.any() else -1
    ax.plot(x, cum_total, color=_ORANGE, ls="--", lw=1.8, label="prognose")
    if last_real >= 0:
        ax.plot(x[: last_real + 1], np.cumsum(fc.realised)[: last_real + 1] / 1e6, color=_BLUE,
                lw=2.2, label="gerealiseerd")  # fmt: skip
    ax.errorbar([11], [cum_total[-1]], yerr=[[cum_total[-1] - fc.lower / 1e6],
                [fc.upper / 1e6 - cum_total[-1]]], color=_ORANGE, capsize=4,
                label=f"{fc.level:.0%}-interval")  # fmt: skip
    if budget is not None:
        ax.plot(x, budget / 1e6 * (x + 1) / 12, color=_GREEN, lw=1.2, label="begroting (naar rato)")
    ax.set_xticks(x)
    ax.set_xticklabels(list(MONTH_ABBREVIATIONS), fontsize=8)
    ax.set_xlabel(str(fc.year))
    ax.set_ylabel("cumulatief, miljoen euro")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, 1)))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return _png(fig)


def caseload_plot(monthly: pd.DataFrame, target: pd.Series | None) -> bytes:
    """Caseload at month end, in total and per household type, with the target path."""
    fig = Figure(figsize=(7.5, 3.2))
    ax = fig.add_subplot()
    months = monthly.index.to_numpy()
    x = np.arange(len(months))
    ax.plot(x, monthly["bestand"], color=_BLUE, lw=2.2, label="totaal")
    for col, colour, word in (
        ("bestand_alleenstaand", "#5b8fd1", "alleenstaand"),
        ("bestand_alleenstaande_ouder", "#9bb9e0", "alleenstaande ouder"),
        ("bestand_paar", _GREY, "paar"),
    ):
        ax.plot(x, monthly[col], color=colour, lw=1.2, label=word)
    if target is not None and target.notna().any():
        ax.plot(x, target.to_numpy(dtype=float), color=_GREEN, ls="--", lw=1.4, label="doel")
    _month_axis(ax, months)
    ax.set_ylabel("klanten (einde maand)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=3, loc="upper left")
    return _png(fig)


def flow_plot(monthly: pd.DataFrame, inflow_target: pd.Series, outflow_target: pd.Series) -> bytes:
    """Inflow per month and outflow per 100 clients, each with its target."""
    fig = Figure(figsize=(7.5, 4.6))
    months = monthly.index.to_numpy()
    x = np.arange(len(months))
    top, bottom = fig.add_subplot(2, 1, 1), fig.add_subplot(2, 1, 2)
    top.bar(x, monthly["instroom"], color=_BLUE, label="instroom")
    top.plot(x, inflow_target.to_numpy(dtype=float), color=_GREEN, ls="--", label="doel")
    top.set_ylabel("instroom per maand")
    bottom.bar(x, monthly["uitstroom_per_100"], color=_ORANGE, label="uitstroom per 100 klanten")
    bottom.plot(x, outflow_target.to_numpy(dtype=float), color=_GREEN, ls="--", label="doel")
    bottom.set_ylabel("uitstroom per 100")
    for ax in (top, bottom):
        _month_axis(ax, months)
        ax.grid(alpha=0.3, axis="y")
        ax.legend(fontsize=8, loc="upper left")
    return _png(fig)


def inflow_forecast_plot(history: pd.Series, fc: ExpenditureForecast) -> bytes:
    """Monthly inflow: history and the time-series forecast with its 90% interval."""
    flow = fc.inflow_forecast
    fig = Figure(figsize=(7.5, 2.8))
    ax = fig.add_subplot()
    months = np.concatenate([history.index.to_numpy(), flow.months])
    x = np.arange(len(months))
    n = len(history)
    ax.plot(x[:n], history.to_numpy(dtype=float), color=_BLUE, lw=1.6, label="instroom")
    if len(flow.months):
        lo, hi = flow.interval(0.9)
        ax.plot(x[n:], flow.mean, color=_ORANGE, ls="--", lw=1.6, label="prognose")
        ax.fill_between(x[n:], lo, hi, color=_ORANGE, alpha=0.2, label="90%-interval")
    _month_axis(ax, months)
    ax.set_ylabel("nieuwe uitkeringen")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return _png(fig)
