"""The survival chart of an advice as inline SVG, rendered on the server (prints well, no script).

Chance of still being on benefit after each coming month (*kans nog in de
uitkering*) without an instrument and with each instrument. Lines differ in
colour *and* dash pattern so that the chart also reads in black and white.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from markupsafe import Markup

_STYLES = (  # (colour, dash pattern)
    ("#1f77b4", "8 4"),
    ("#d62728", "2 3"),
    ("#2ca02c", "10 3 2 3"),
    ("#9467bd", "4 4"),
    ("#8c564b", "12 4"),
    ("#e377c2", "1 2"),
    ("#17becf", "6 2 2 2"),
    ("#bcbd22", "3 6"),
)


def survival_chart_svg(
    without: Sequence[float],
    with_instrument: Mapping[str, Sequence[float]],
    labels: Mapping[str, str],
    *,
    months: int | None = None,
    highlight: str | None = None,
    width: int = 680,
    height: int = 300,
) -> Markup:
    """An ``<svg>`` with one line per path; ``without[t]`` = P(on benefit after month t+1)."""
    n = min(len(without), months) if months else len(without)
    left, right, top, bottom = 52, 16, 14, 40
    legend_rows = 1 + len(with_instrument)
    total_h = height + 18 * legend_rows + 8
    pw, ph = width - left - right, height - top - bottom

    def xy(t: int, s: float) -> tuple[float, float]:
        return left + pw * t / n, top + ph * (1.0 - max(0.0, min(1.0, float(s))))

    def polyline(path: Sequence[float]) -> str:
        pts = [xy(0, 1.0)] + [xy(t + 1, path[t]) for t in range(n)]
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {total_h}" width="100%" aria-labelledby="chart-title chart-desc">',
        '<title id="chart-title">Kans nog in de uitkering, zonder en met elk instrument</title>',
        f'<desc id="chart-desc">Per maand vanaf nu, {n} maanden vooruit; 100% = nu in de uitkering.</desc>',
    ]
    for pct in range(0, 101, 20):
        _, y = xy(0, pct / 100)
        parts.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{pct}%</text>'
        )
    step = 6 if n > 12 else 1
    for t in range(0, n + 1, step):
        x, _ = xy(t, 0.0)
        parts.append(
            f'<line class="axis" x1="{x:.1f}" y1="{top + ph}" x2="{x:.1f}" y2="{top + ph + 4}"/>'
        )
        parts.append(
            f'<text class="tick" x="{x:.1f}" y="{top + ph + 16}" text-anchor="middle">{t}</text>'
        )
    parts.append(
        f'<text class="axis-label" x="{left + pw / 2:.1f}" y="{top + ph + 32}" '
        'text-anchor="middle">maanden vanaf nu</text>'
    )
    parts.append(f'<rect class="frame" x="{left}" y="{top}" width="{pw}" height="{ph}"/>')

    legend: list[tuple[str, str, str, float]] = [("zonder instrument", "#000000", "", 3.0)]
    for k, (code, path) in enumerate(with_instrument.items()):
        colour, dash = _STYLES[k % len(_STYLES)]
        w = 3.0 if code == highlight else 1.8
        parts.append(
            f'<polyline class="line" data-instrument="{escape(code)}" points="{polyline(path)}" '
            f'stroke="{colour}" stroke-width="{w}" stroke-dasharray="{dash}"/>'
        )
        name = labels.get(code, code) + (" (advies)" if code == highlight else "")
        legend.append((name, colour, dash, w))
    parts.append(
        f'<polyline class="line" data-instrument="geen" points="{polyline(without)}" '
        'stroke="#000000" stroke-width="3"/>'
    )
    y0 = height + 6
    for i, (name, colour, dash, w) in enumerate(legend):
        y = y0 + 18 * i
        parts.append(
            f'<line x1="{left}" y1="{y}" x2="{left + 34}" y2="{y}" stroke="{colour}" '
            f'stroke-width="{w}" stroke-dasharray="{dash}"/>'
        )
        parts.append(f'<text class="legend" x="{left + 42}" y="{y + 4}">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
