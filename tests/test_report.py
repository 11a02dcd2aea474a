"""The model report of Droomstad: every section, parseable self-contained HTML, declared models."""

from __future__ import annotations

import base64
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from simcache import get_simulation

from rendement.contract import DataFolder, read_data_folder
from rendement.model.expert import model_from_spec_file
from rendement.model.fitting import fit_model
from rendement.model.hazard_model import HazardModel
from rendement.report import SECTION_IDS, Report, build_report, write_report

DROOMSTAD = {"clients": 3000, "seed": 7, "heterogeneity": True}

EXPERT = """
kind: expert
meter: reintegratie
version: 2026-expert
author: Team Werk en Inkomen
rationale: Sessions with caseworkers.
baseline_outflow:
  "1-3": 0.08
  "4-12": 0.06
  "13-24": 0.04
  "25+": 0.02
client_effects:
  "education[laag]": 0.7
  "age_band[55+]": 0.5
instruments:
  - instrument: jobhunt
    label: Sollicitatietraining
    category: "1"
    price: 1500
    duration_months: 3
    waiting_months: 1
    lock_in_hazard_ratio: 0.9
    after_hazard_ratio: 1.3
"""


class _Page(HTMLParser):
    """What a reader of the file needs: sections, tables per section, images, scripts, links."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.tables: dict[str, list[str]] = {}
        self.images: list[tuple[str, str]] = []
        self.scripts = 0
        self.links: list[str] = []
        self.banner = False
        self.rows = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section":
            self.sections.append(str(a["id"]))
            self.tables[str(a["id"])] = []
        elif tag == "table":
            self.tables[self.sections[-1]].append(str(a["id"]))
        elif tag == "img":
            self.images.append((self.sections[-1], str(a["src"])))
        elif tag == "script":
            self.scripts += 1
        elif tag in ("a", "link"):
            self.links.append(str(a.get("href")))
        elif tag == "div" and a.get("id") == "model-kind-banner":
            self.banner = True
        elif tag == "tr":
            self.rows += 1


@pytest.fixture(scope="module")
def droomstad() -> tuple[HazardModel, DataFolder]:
    data = read_data_folder(get_simulation(**DROOMSTAD).data_dir)
    model, _ = fit_model(data)
    return model, data


@pytest.fixture(scope="module")
def report(droomstad: tuple[HazardModel, DataFolder]) -> Report:
    model, data = droomstad
    return build_report(model, data, holdout_months=12)


def test_report_has_every_section_with_labelled_tables(report: Report) -> None:
    expected = [s for s in SECTION_IDS if s != "heterogeneity"]
    assert report.section_ids == expected
    for sid in expected[:-1]:
        assert report.section(sid).tables, sid
    cal = report.section("calibration").tables["by-decile"]
    assert list(cal.index) == list(range(1, 11))
    assert {"predicted 6m", "observed 12m", "lower 12m", "upper 12m", "z 12m"} <= set(cal.columns)
    assert set(report.section("fairness").tables) == {"gender", "age_band"}
    assert {"M", "V"} <= set(report.section("fairness").tables["gender"].index)
    effects = report.section("instrument-effects").tables["effects"]
    assert (effects["lower"] < effects["hazard_ratio"]).all()
    assert report.banner is None


def test_report_figures_are_plausible(report: Report) -> None:
    fig = report.key_figures
    assert fig["holdout"]["window_months"] == 12 and fig["holdout"]["refitted"] is True
    assert fig["holdout"]["clients"] > 500
    assert 0.6 < fig["c_index"] < 0.95
    assert 0.6 < fig["auc"]["6"] < 0.95
    assert fig["auc"]["18"] is None  # 12 months of follow-up cannot show 18
    for h in ("6", "12"):
        c = fig["calibration"][h]
        assert (
            0 < c["predicted"] < 1 and c["observed_lower"] <= c["observed"] <= c["observed_upper"]
        )
    ga = fig["group_accuracy"]
    assert ga["overall"] is None and 0 <= ga["overall_at_least"] <= ga["overall_at_most"] <= 1
    assert 0.5 < ga["boundary_6m"] <= 1
    assert set(fig["fairness"]) == {"gender", "age_band"}
    # gender plays no role in Droomstad: no calibration disparity by gender beyond 1.25
    assert fig["fairness"]["gender"]["max_ratio_calibration"] < 1.25


def test_html_is_self_contained_and_parseable(report: Report, tmp_path: Path) -> None:
    out = write_report(report, tmp_path / "rapport.html")
    page = _Page()
    page.feed(out.read_text(encoding="utf-8"))
    assert page.sections == report.section_ids
    for sid in ("data-summary", "coefficients", "calibration", "group-accuracy", "fairness"):
        assert page.tables[sid], sid
    assert "calibration--by-decile" in page.tables["calibration"]
    assert "discrimination--auc" in page.tables["discrimination"]
    figures = {sid for sid, _ in page.images}
    assert {"coefficients", "instrument-effects", "calibration", "fairness"} <= figures
    for _, src in page.images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.scripts == 0
    assert all(link.startswith("#") for link in page.links)  # nothing outside the file
    assert "http://" not in out.read_text() and "https://" not in out.read_text()
    assert page.rows > 50 and not page.banner


def test_write_report_is_whole_or_nothing(report: Report, tmp_path: Path) -> None:
    target = tmp_path / "rapport.html"
    target.write_text("old")
    broken = Report(**{**report.__dict__, "sections": [*report.sections, None]})  # type: ignore[list-item]
    with pytest.raises(AttributeError):
        write_report(broken, target)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.html"]


def test_expert_model_report_says_expert_and_skips_what_it_cannot(
    droomstad: tuple[HazardModel, DataFolder], tmp_path: Path
) -> None:
    _, data = droomstad
    spec = tmp_path / "expert.yaml"
    spec.write_text(EXPERT)
    expert = model_from_spec_file(spec)
    rep = build_report(expert, data, lang="en")
    assert rep.banner is not None and rep.banner.startswith("EXPERT MODEL")
    assert rep.key_figures["holdout"]["refitted"] is False
    coef = rep.section("coefficients").tables["hazard-ratios"]
    assert coef["se"].isna().all() and coef["lower"].isna().all()
    assert any("no standard errors" in p for p in rep.section("coefficients").paragraphs)
    assert any("declared parameters" in p for p in rep.section("overview").paragraphs)
    page = _Page()
    page.feed(write_report(rep, tmp_path / "expert.html").read_text(encoding="utf-8"))
    assert page.banner
    assert np.isfinite(rep.key_figures["c_index"])


def test_borrowed_models_get_a_banner_too(droomstad: tuple[HazardModel, DataFolder]) -> None:
    from dataclasses import replace

    from rendement.report import kind_banner

    model, _ = droomstad
    borrowed = replace(
        model,
        kind="borrowed",
        metadata={"source": "Gemeente Voorbeeldstad 2025-01", "recalibration": "not recalibrated"},
    )
    banner = kind_banner(borrowed)
    assert banner is not None and banner.startswith("BORROWED MODEL")
    assert "Gemeente Voorbeeldstad 2025-01" in banner
    assert kind_banner(model) is None
