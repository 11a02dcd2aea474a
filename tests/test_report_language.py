"""The model report speaks Dutch to the analyst by default (paragraphs, table headers, plot
labels), and English with ``lang="en"`` (``rendement report --lang en``): one set of builders."""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from matplotlib.figure import Figure as MplFigure
from matplotlib.text import Text
from simcache import get_simulation

from rendement.cli.main import main
from rendement.contract import read_data_folder
from rendement.model.fitting import fit_model
from rendement.report import build_report, plots
from rendement.report.html import render_html
from rendement.report.sections import Report

#: English words and phrases that must not appear in the text of a Dutch report.
ENGLISH = (
    "the",
    "and",
    "with",
    "without",
    "months",
    "predicted",
    "observed",
    "clients",
    "within",
    "warning",
    "warnings",
    "share",
    "chance",
    "benefit",
    "outflow",
    "group",
    "Calibration",
    "Discrimination",
    "Coefficients",
    "Overview",
    "Accuracy",
    "Fairness",
    "measure",
    "value",
    "lower",
    "upper",
    "made",
    "yes",
    "lock-in (while in it)",
    "after it",
    "decile",
    "too small",
)
#: Dutch words and phrases a Dutch report must show.
DUTCH = (
    "Oordeel",
    "Samenvatting",
    "Kalibratie buiten de schattingsperiode",
    "voorspeld",
    "waargenomen",
    "cliënten",
    "uitstroomgroep",
    "binnen 12 maanden",
    "Eerlijkheid naar geslacht en leeftijd",
    "Een hazard ratio boven 1",
    "ondergrens",
    "maat",
)
#: Dutch words that must not appear in an English report (the outflow groups keep their Dutch
#: names, "1: uitstroom binnen 6 maanden", as in the contract's files).
DUTCH_ONLY = (
    "Kalibratie",
    "voorspeld",
    "waargenomen",
    "Samenvatting",
    "gemaakt",
    "Eerlijkheid",
    "ondergrens",
    "waarschuwingen",
)


class _Text(HTMLParser):
    """The text a reader sees: everything but the style sheet, plus image alt texts."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._style = tag == "style"
        if tag == "img":
            self.parts.append(str(dict(attrs).get("alt", "")))

    def handle_endtag(self, tag: str) -> None:
        self._style = False

    def handle_data(self, data: str) -> None:
        if not self._style:
            self.parts.append(data)


def _visible(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(parser.parts)


def _data_dir() -> Path:
    return get_simulation(clients=1500, seed=4, heterogeneity=False).data_dir


@lru_cache(maxsize=1)
def _model() -> Any:
    model, _ = fit_model(read_data_folder(_data_dir()))
    return model


def _found(words: tuple[str, ...], text: str) -> list[str]:
    return [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


def _build(lang: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Report, list[str]]:
    """The report in ``lang`` and every text drawn in its plots (axis labels, legends, ticks)."""
    texts: list[str] = []
    original = plots._render

    def spy(fig: MplFigure, name: str, caption: str) -> Any:
        texts.extend(t.get_text() for t in fig.findobj(Text) if t.get_text())
        return original(fig, name, caption)

    monkeypatch.setattr(plots, "_render", spy)
    data = read_data_folder(_data_dir())
    return build_report(_model(), data, holdout_months=12, lang=lang, challenger=False), texts


def test_the_dutch_report_has_no_english_text(monkeypatch: pytest.MonkeyPatch) -> None:
    report, drawn = _build("nl", monkeypatch)
    text = _visible(render_html(report))
    assert _found(ENGLISH, text) == []
    assert _found(DUTCH, text) == list(DUTCH)
    # the plots' labels, legends and titles are Dutch too
    plot_text = " ".join(drawn)
    assert _found(ENGLISH, plot_text) == []
    assert {"voorspelde kans op uitstroom", "uitstroomgroep"} <= set(drawn)


def test_the_english_report_stays_english(monkeypatch: pytest.MonkeyPatch) -> None:
    report, drawn = _build("en", monkeypatch)
    text = _visible(render_html(report))
    assert _found(DUTCH_ONLY, text) == []
    assert _found(("Calibration, out of time", "predicted", "observed", "clients"), text)
    assert "predicted chance of leaving benefit" in drawn


def test_cli_lang_en_gives_english(tmp_path: Path) -> None:
    model_dir = tmp_path / "model"
    assert main(["fit", str(_data_dir()), "--out", str(model_dir), "--quiet"]) == 0
    out = {}
    for lang in ("nl", "en"):
        path = tmp_path / f"report-{lang}.html"
        args = ["report", str(model_dir), "--data", str(_data_dir()), "--out", str(path)]
        assert main([*args, "--lang", lang, "--quiet"]) == 0
        out[lang] = _visible(path.read_text(encoding="utf-8"))
    assert "Kalibratie buiten de schattingsperiode" in out["nl"]
    assert "Calibration, out of time" in out["en"] and "Kalibratie" not in out["en"]
