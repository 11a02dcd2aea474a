"""The report's plots as an analyst reads them: axes zoomed to the data, groups below the
minimum size marked "te klein" instead of plotted, a ratio of 0 shown (not dropped), and every
group present in the fairness table, however small."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure as MplFigure
from matplotlib.text import Text

from rendement.report import plots
from rendement.report.fairness import ALL, fairness_check


@pytest.fixture()
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[MplFigure]:
    figures: list[MplFigure] = []
    original = plots._render

    def keep(fig: MplFigure, name: str, caption: str) -> Any:
        figures.append(fig)
        return original(fig, name, caption)

    monkeypatch.setattr(plots, "_render", keep)
    return figures


def _texts(fig: MplFigure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def _calibration_rows(key: str, values: list[int], clients: list[int]) -> pd.DataFrame:
    rows = []
    for v, n in zip(values, clients, strict=True):
        for h in (6, 12):
            p = 0.01 * v * h / 6
            rows.append(
                {key: v, "horizon": h, "clients": n, "predicted": p, "observed": p * 1.1,
                 "lower": p * 0.8, "upper": p * 1.4}
            )  # fmt: skip
    return pd.DataFrame(rows)


def test_calibration_plot_is_zoomed_and_marks_small_groups(drawn: list[MplFigure]) -> None:
    deciles = _calibration_rows("decile", list(range(1, 11)), [50] * 10)
    groups = _calibration_rows("outflow_group", [1, 2, 3], [2, 60, 400])
    groups.loc[groups["outflow_group"] == 1, "predicted"] = [0.0123, 0.0234]  # unmistakable
    plots.calibration_plot(deciles, groups, (6, 12), caption="c", lang="nl")
    fig = drawn[-1]
    left, right = fig.axes[:2]
    top = float(deciles["upper"].max())
    assert left.get_xlim()[1] == pytest.approx(top * 1.15)  # not the whole 0-1 range
    assert left.get_xlim()[1] < 0.5
    assert "te klein: uitstroomgroep 1 (n=2)" in _texts(fig)
    # the group of 2 clients is not drawn: only groups 2 and 3, at both horizons
    xs = [x for line in right.get_lines() for x in np.atleast_1d(line.get_xdata())]
    small = groups[groups["clients"] < plots.MIN_PLOTTED]["predicted"]
    assert not set(np.round(small, 9)) & set(np.round(np.asarray(xs, dtype=float), 9))


def _clients(n: int, gender: list[str], left: list[bool]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "gender": gender,
            "outflow_group": [3] * n,
            "p_outflow_12m": [0.2] * n,
            "followed_months": [6 if x else 12 for x in left],
            "left": left,
        }
    )


def test_every_group_is_in_the_table_and_small_or_zero_ones_are_shown(
    drawn: list[MplFigure],
) -> None:
    rng = np.random.default_rng(0)
    n_m, n_v = 200, 200
    gender = ["M"] * n_m + ["V"] * n_v + ["X"]
    left = list(rng.random(n_m) < 0.3) + [False] * n_v + [True]  # V: nobody left -> ratio 0
    clients = _clients(len(gender), gender, left)
    check = fairness_check(clients, "gender", horizon=12, false3_horizon=12)
    assert list(check.table.index) == ["M", "V", "X", ALL]  # X (1 client) is not dropped
    assert check.table.loc["V", "ratio_calibration"] == 0.0
    plots.fairness_plot({"gender": check.table}, 1.25, caption="c", lang="nl")
    texts = _texts(drawn[-1])
    assert any("te klein" in t for t in texts)  # X: too small for a point
    assert "0" in texts  # V's ratio of 0 at the left edge, not silently left out
    assert "geslacht: X (n=1)" in texts
