"""The report's verdict (Oordeel): first, coloured, able to turn red; hold-outs of 1-24 months;
historical data in which every spell has ended; Dutch by default, English on request."""

from __future__ import annotations

import shutil
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest
from simcache import get_simulation

from rendement.contract import read_data_folder
from rendement.model.fitting import fit_model
from rendement.model.hazard_model import HazardModel
from rendement.report import build_report, holdout_sample
from rendement.report.discrimination import discrimination
from rendement.report.evaluation import GroupAccuracy, calibration, group_accuracy
from rendement.report.html import render_html
from rendement.report.verdict import groups_verdict

TOPICS = {"calibration", "discrimination", "groups", "instruments", "fairness", "heterogeneity"}


def _data_dir() -> Path:
    return get_simulation(clients=1500, seed=4, heterogeneity=False).data_dir


@lru_cache(maxsize=1)
def _model() -> HazardModel:
    model, _ = fit_model(read_data_folder(_data_dir()))
    return model


def test_the_verdict_comes_first_in_dutch_with_a_challenger() -> None:
    data = read_data_folder(_data_dir())
    report = build_report(_model(), data, holdout_months=12)
    assert report.section_ids[0] == "verdict" and report.sections[0].title == "Oordeel"
    verdict = report.key_figures["verdict"]
    assert set(verdict) == TOPICS | {"overall"}
    assert all(verdict[t]["colour"] in ("green", "orange", "red", "grey") for t in TOPICS)
    challenger = report.key_figures["challenger"]
    assert 0.5 < challenger["c_index"] < 1.0  # gradient boosting on the same features
    assert "uitdager" in verdict["discrimination"]["text"]
    table = report.section("verdict").tables["verdict"]
    assert list(table.columns) == ["onderwerp", "oordeel", "toelichting"] and len(table) == 6
    page = render_html(report)
    assert '<html lang="nl">' in page and 'class="light ' in page and "Samenvatting" in page
    assert verdict["heterogeneity"]["colour"] == "orange"  # not estimated in this model


def _declared(shift: float) -> HazardModel:
    """The fitted model as a declared one (not re-fitted), its baseline shifted by ``shift``."""
    model = _model()
    params = model.params.copy()
    base = [t for t in params.index if t.startswith("baseline:")]
    params[base] += shift
    return replace(model, params=params, kind="expert", metadata={**model.metadata, "author": "t"})


def test_a_miscalibrated_model_turns_the_verdict_red() -> None:
    data = read_data_folder(_data_dir())
    right = build_report(_declared(0.0), data, challenger=False).key_figures["verdict"]
    wrong = build_report(_declared(0.8), data, challenger=False).key_figures["verdict"]
    assert right["calibration"]["colour"] == "green"
    assert wrong["calibration"]["colour"] == "red" and wrong["overall"] == "red"
    assert "buiten" in wrong["calibration"]["text"]


@pytest.mark.parametrize("months", [1, 4, 24])
def test_every_hold_out_from_1_to_24_months_works(months: int) -> None:
    data = read_data_folder(_data_dir())
    sample = holdout_sample(_model(), data, holdout_months=months)
    assert sample.window_months == months
    cal = calibration(sample.clients, sample.window_months)
    assert cal.horizons == ((months,) if months < 6 else (6, 12) if months >= 12 else (6,))
    assert cal.overall["predicted"].between(0, 1).all()
    discrimination(sample.clients, months, horizons=(min(6, months), 18))
    group_accuracy(sample.clients, months)


def test_a_short_hold_out_in_english(tmp_path: Path) -> None:
    data = read_data_folder(_data_dir())
    report = build_report(_model(), data, holdout_months=4, lang="en", challenger=False)
    assert report.sections[0].title == "Verdict" and report.key_figures["lang"] == "en"
    assert report.key_figures["verdict"]["groups"]["colour"] == "grey"  # 6 months not observable
    assert '<html lang="en">' in render_html(report)


def test_historical_data_where_every_spell_ended_picks_a_cut_off(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(_data_dir(), folder)
    # historical data: only the spells that have ended (as an archive of closed cases)
    spells = pd.read_csv(folder / "spells.csv", dtype=str, keep_default_na=False)
    closed = spells[spells["end_date"] != ""]
    closed.to_csv(folder / "spells.csv", index=False)
    tr = pd.read_csv(folder / "trajectories.csv", dtype=str, keep_default_na=False)
    starts = closed.groupby("client_id")["start_date"].min()
    ends = closed.groupby("client_id")["end_date"].max()
    inside = tr["client_id"].map(starts).fillna("9999") <= tr["start_date"]
    inside &= tr["start_date"] <= tr["client_id"].map(ends).fillna("0000")
    inside &= tr["end_date"] != ""
    tr[inside].to_csv(folder / "trajectories.csv", index=False)
    data = read_data_folder(folder)
    assert data.spells["end_date"].notna().all()
    model, _ = fit_model(data)
    report = build_report(model, data, challenger=False)
    note = " ".join(report.section("verdict").paragraphs)
    assert "elke uitkeringsperiode in de gegevens is beëindigd" in note  # Dutch by default
    assert report.key_figures["holdout"]["cutoff"] in note
    assert report.key_figures["holdout"]["clients"] > 100


def _accuracy(right: float, left_6m: float) -> GroupAccuracy:
    table = pd.DataFrame({"clients": [100], "left_6m": [left_6m]})
    return GroupAccuracy(table, pd.DataFrame(), 12, right, right, "", boundary_6m=right)


@pytest.mark.parametrize(
    ("right", "colour"),
    [(0.70, "orange"), (0.705, "orange"), (0.72, "green"), (0.66, "orange"), (0.60, "red")],
)
def test_outflow_groups_are_green_only_when_better_than_everyone_in_the_larger_group(
    right: float, colour: str
) -> None:
    """30% leave within 6 months: putting everyone in "not within 6" is right for 70%. A model
    that does just that (70%) or no better than the rounding shows is not green."""
    v = groups_verdict(_accuracy(right, 0.30), pd.DataFrame(), "nl")
    assert v.colour == colour, v
    assert "70%" in v.text
    assert ("voegt de indeling niets toe" in v.text) == (colour != "green")
