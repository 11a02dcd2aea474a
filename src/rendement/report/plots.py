"""The report's plots (matplotlib, Agg canvas, no global pyplot state), as PNG bytes.

Each function takes a labelled table and returns a
:class:`rendement.report.sections.Figure`; the HTML embeds it as base64.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from rendement.report.dutch import Words
from rendement.report.sections import Figure

_BLUE, _ORANGE, _GREY, _RED = "#1f5fa8", "#d9731a", "#8a8a8a", "#b3261e"


def _render(fig: MplFigure, name: str, caption: str) -> Figure:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    return Figure(name=name, png=buf.getvalue(), caption=caption)


def _log_x(ax: Axes) -> None:
    """A log x axis with plain tick labels (0.5, 1, 2) instead of powers of ten."""
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())


def forest_plot(table: pd.DataFrame, *, name: str, caption: str, lang: str = "en") -> Figure:
    """Hazard ratios with intervals on a log axis (``table``: index term; hazard_ratio, lower, upper)."""
    n = len(table)
    fig = MplFigure(figsize=(7.5, max(2.0, 0.28 * n + 1.0)))
    ax = fig.add_subplot()
    y = np.arange(n)[::-1]
    hr = table["hazard_ratio"].to_numpy(dtype=float)
    lo = table["lower"].to_numpy(dtype=float) if "lower" in table else np.full(n, np.nan)
    hi = table["upper"].to_numpy(dtype=float) if "upper" in table else np.full(n, np.nan)
    has_ci = np.isfinite(lo) & np.isfinite(hi)
    ax.hlines(y[has_ci], lo[has_ci], hi[has_ci], color=_BLUE, lw=1.6)
    ax.plot(hr, y, "o", color=_BLUE, ms=4)
    ax.axvline(1.0, color=_GREY, lw=1, ls="--")
    _log_x(ax)
    ax.set_yticks(y)
    ax.set_yticklabels([str(t) for t in table.index], fontsize=8)
    ax.set_xlabel(
        Words(lang)(
            "hazard ratio (monthly chance of leaving benefit, 95% interval)",
            "hazard ratio (kans per maand op uitstroom, 95%-interval)",
        )
    )
    ax.grid(axis="x", alpha=0.3)
    return _render(fig, name, caption)


#: Groups with fewer clients are not plotted as a point but marked "te klein" (too small).
MIN_PLOTTED = 30


def _zoomed(values: Sequence[float]) -> float:
    """Upper end of a 0-based chance axis that shows the data (not the whole 0-1 range)."""
    finite = [v for v in values if np.isfinite(v)]
    top = max(finite) if finite else 1.0
    return float(min(1.0, max(0.05, top * 1.15)))


def calibration_plot(
    by_decile: pd.DataFrame,
    by_group: pd.DataFrame,
    horizons: Sequence[int],
    *,
    caption: str,
    lang: str = "en",
) -> Figure:
    """Predicted against observed (Kaplan-Meier, 95% interval) per decile and per outflow group.

    The axes are zoomed to the data; a row of fewer than :data:`MIN_PLOTTED` clients is
    listed under the plot as "te klein" (too small) instead of drawn as a point."""
    say = Words(lang)
    fig = MplFigure(figsize=(9.5, 4.2))
    kinds = (
        (by_decile, say("risk decile", "risicodeciel")),
        (by_group, say("outflow group", "uitstroomgroep")),
    )
    for k, (table, label) in enumerate(kinds):
        ax = fig.add_subplot(1, 2, k + 1)
        small = table[table["clients"] < MIN_PLOTTED] if "clients" in table else table.iloc[:0]
        table = table.drop(index=small.index)
        for h, colour in zip(horizons, (_BLUE, _ORANGE, _RED), strict=False):
            part = table[table["horizon"] == h]
            pred = part["predicted"].to_numpy(dtype=float)
            obs = part["observed"].to_numpy(dtype=float)
            err = np.vstack(
                [
                    obs - part["lower"].to_numpy(dtype=float),
                    part["upper"].to_numpy(dtype=float) - obs,
                ]
            )
            ax.errorbar(
                pred,
                obs,
                yerr=np.clip(err, 0, None),
                fmt="o",
                ms=4,
                color=colour,
                capsize=2,
                label=say(f"within {h} months", f"binnen {h} maanden"),
            )
        top = _zoomed([*table["predicted"].astype(float), *table["upper"].astype(float), 0.0])
        ax.plot([0, top], [0, top], color=_GREY, lw=1, ls="--")
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        if len(small):
            key = small.columns[0]
            names = ", ".join(
                dict.fromkeys(
                    f"{label} {v} (n={n})"
                    for v, n in zip(small[key], small["clients"], strict=True)
                )
            )
            small_word = say("too small", "te klein")
            ax.text(0.02, -0.22, f"{small_word}: {names}", transform=ax.transAxes, fontsize=7)
        ax.set_xlabel(say("predicted chance of leaving benefit", "voorspelde kans op uitstroom"))
        ax.set_ylabel(say("observed (Kaplan-Meier)", "waargenomen (Kaplan-Meier)"))
        ax.set_title(say(f"by {label}", f"per {label}"), fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper left")
    return _render(fig, "calibration", caption)


def months_saved_plot(table: pd.DataFrame, *, caption: str, lang: str = "en") -> Figure:
    """Median months saved per instrument (rows) and outflow group (columns)."""
    say = Words(lang)
    fig = MplFigure(figsize=(8, max(2.5, 0.45 * len(table) + 1.2)))
    ax = fig.add_subplot()
    codes = list(table.index)
    groups = list(table.columns)
    width = 0.8 / max(1, len(groups))
    y = np.arange(len(codes))
    for j, g in enumerate(groups):
        ax.barh(
            y + (j - (len(groups) - 1) / 2) * width,
            table[g].to_numpy(dtype=float),
            height=width,
            label=say(str(g), str(g).replace("group", "groep")),
            color=(_BLUE, _ORANGE, _RED, _GREY)[j % 4],
        )
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels(codes, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel(
        say(
            "months on benefit saved (median client; negative = longer on benefit)",
            "bespaarde uitkeringsmaanden (mediane cliënt; negatief = langer in de uitkering)",
        )
    )
    ax.legend(fontsize=8, title=say("outflow group", "uitstroomgroep"), title_fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return _render(fig, "months-saved", caption)


def fairness_plot(
    tables: dict[str, pd.DataFrame], threshold: float, *, caption: str, lang: str = "en"
) -> Figure:
    """Ratios against all clients per level of each attribute, with the warning band."""
    say = Words(lang)
    cols = (
        ("ratio_group3_share", say("group-3 share", "aandeel groep 3")),
        ("ratio_calibration", say("observed/predicted", "waargenomen/voorspeld")),
        ("ratio_false_group3", say("false group-3 rate", "onterecht groep 3")),
    )
    names = {"gender": say("gender", "geslacht"), "age_band": say("age band", "leeftijd")}
    levels = [(attr, lvl) for attr, t in tables.items() for lvl in t.index[:-1]]
    fig = MplFigure(figsize=(9, max(2.5, 0.32 * len(levels) + 1.2)))
    ax = fig.add_subplot()
    y = np.arange(len(levels))
    shown: list[float] = []
    small = np.array([int(tables[a].loc[lvl, "clients"]) < MIN_PLOTTED for a, lvl in levels])
    zeros: list[tuple[int, float]] = []
    for j, (col, label) in enumerate(cols):
        vals = np.array([float(tables[a].loc[lvl, col]) for a, lvl in levels], dtype=float)
        vals[small] = np.nan  # too few clients: "te klein", not a point
        zeros += [(int(i), float(y[i] + (j - 1) * 0.22)) for i in np.flatnonzero(vals == 0)]
        vals[~(vals > 0)] = np.nan  # a ratio of 0 or unknown cannot sit on a log axis
        ax.plot(vals, y + (j - 1) * 0.22, "o", ms=5, label=label, color=(_BLUE, _ORANGE, _RED)[j])
        shown.extend(vals[np.isfinite(vals)])
    ax.axvline(1.0, color=_GREY, lw=1)
    ax.axvspan(1 / threshold, threshold, color="#e6f0e6", zorder=0)
    _log_x(ax)
    lo = min([1 / (threshold * 1.5), *shown])
    hi = max([threshold * 1.5, *shown])
    ax.set_xlim(lo / 1.1, hi * 1.1)
    for i in np.flatnonzero(small):
        ax.text(
            1.0, y[i], "  " + say("too small", "te klein"), va="center", fontsize=8, color=_GREY
        )
    for _i, yy in zeros:  # a ratio of 0 is shown at the left edge, not dropped
        ax.text(lo / 1.08, yy, "0", va="center", fontsize=8, color=_RED)
    ax.set_yticks(y)
    ax.set_yticklabels(
        [f"{names.get(a, a)}: {lvl} (n={int(tables[a].loc[lvl, 'clients'])})" for a, lvl in levels],
        fontsize=8,
    )
    ax.invert_yaxis()
    ax.set_xlabel(
        say(
            f"ratio to all clients (green band: within {threshold:g}x)",
            f"verhouding tot alle cliënten (groene band: binnen {threshold:g}x)".replace(".", ","),
        )
    )
    ax.legend(fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return _render(fig, "fairness", caption)
