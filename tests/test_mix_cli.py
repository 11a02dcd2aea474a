"""``rendement mix`` end to end on a small simulated Droomstad (three meters in one world)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from simcache import get_simulation

from rendement.cli.main import main

TOWN = {"clients": 3000, "seed": 7, "heterogeneity": False}


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    import warnings

    from rendement.contract import read_data_folder
    from rendement.model.fitting import fit_model
    from rendement.model.folder import save_model

    sim = get_simulation(**TOWN)
    root = tmp_path_factory.mktemp("mixtown")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model, _ = fit_model(read_data_folder(sim.data_dir), meter="reintegratie")
    save_model(model, root / "model")
    codes = model.instruments["instrument"].tolist()
    pd.DataFrame({"instrument": codes, "places": [8] * len(codes)}).to_csv(
        root / "capacity.csv", index=False
    )
    return {"data": sim.data_dir, "model": root / "model", "capacity": root / "capacity.csv"}


def args(town: dict[str, Path], out: Path, *extra: str) -> list[str]:
    return [
        "mix",
        str(town["data"]),
        "--model",
        str(town["model"]),
        "--as-of",
        "2026-01-01",
        "--capacity",
        str(town["capacity"]),
        "--out",
        str(out),
        *extra,
    ]


def test_mix_command_writes_the_returns_plan_comparison_and_check(town, tmp_path, capsys) -> None:
    out = tmp_path / "mix"
    # a tight budget: proving the last euros may need more than the time limit; the plan
    # then says how far from the optimum it may be
    assert main(args(town, out, "--budget", "60000", "--time-limit", "3")) == 0
    printed = capsys.readouterr().out
    assert "short of the optimum" in printed and "Plan over combinations (" in printed
    assert "Additivity: " in printed
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            "returns_mix.csv",
            "mix_best.csv",
            "mix_plan.csv",
            "mix_plan_summary.csv",
            "mix_plan_totals.csv",
            "mix_comparison.csv",
            "additivity.csv",
            "mix.xlsx",
        ]
    )
    returns = pd.read_csv(out / "returns_mix.csv", keep_default_na=False)
    assert list(returns.columns[:8]) == [
        "client_id",
        "instruments",
        "n_instruments",
        "meters",
        "expected_remaining_months_with",
        "months_saved",
        "expected_cost_eur",
        "net_return_eur",
    ]
    assert returns["instruments"].nunique() == 23
    plan = pd.read_csv(out / "mix_plan.csv", keep_default_na=False)
    assert plan["expected_cost_eur"].sum() <= 60000 + 0.01
    summary = pd.read_csv(out / "mix_plan_summary.csv")
    assert (summary["assigned"] <= summary["places"]).all()
    totals = pd.read_csv(out / "mix_plan_totals.csv").set_index("figure")["value"]
    assert float(totals["gap_eur"]) <= 0.01 * float(totals["net_return_eur"])
    assert len(pd.read_csv(out / "additivity.csv")) == 11  # 5 x 1 + 5 x 1 + 1 x 1 pairs
    comparison = pd.read_csv(out / "mix_comparison.csv")
    assert comparison["method"].tolist() == ["mix", "separate"]
    assert comparison["net_return_eur"].iloc[0] >= comparison["net_return_eur"].iloc[1] - 0.01


def test_mix_command_names_bad_input_and_writes_nothing(town, tmp_path, capsys) -> None:
    out = tmp_path / "mix"
    assert main(args(town, out, "--meters", "reintegratie")) == 2
    assert "--meters" in capsys.readouterr().err
    bad = tmp_path / "capacity.csv"
    bad.write_text("instrument,places\nnope,3\njobhunt,-1\n", encoding="utf-8")
    wrong = args(town, out)
    wrong[wrong.index("--capacity") + 1] = str(bad)
    assert main(wrong) == 2
    err = capsys.readouterr().err
    assert "row 2, column 'instrument': found 'nope'" in err
    assert "row 3, column 'places': found '-1'" in err
    assert not out.exists()


def test_an_interaction_named_by_the_analyst_is_estimated_and_used(town, tmp_path, capsys) -> None:
    out = tmp_path / "mix"
    assert main(args(town, out, "--interaction", "werkdirect&jobhunt")) == 0
    printed = capsys.readouterr().out
    assert "computed with the estimated interaction(s) jobhunt&werkdirect" in printed
    check = pd.read_csv(out / "additivity.csv").set_index("pair")
    assert bool(check.loc["jobhunt&werkdirect", "in_model"])
    assert check["in_model"].sum() >= 1
    assert main(args(town, tmp_path / "bad", "--interaction", "jobhunt&werkstage")) == 2
    err = capsys.readouterr().err
    assert "jobhunt&werkstage" in err and "choose from" in err
    assert not (tmp_path / "bad").exists()


def test_a_specification_naming_an_interaction_makes_the_mix_use_it(town, tmp_path, capsys) -> None:
    from rendement.specfile import default_spec_yaml

    spec = tmp_path / "spec.yaml"
    spec.write_text(
        default_spec_yaml().replace("interactions: []", "interactions: [werkdirect&jobhunt]"),
        encoding="utf-8",
    )
    model = tmp_path / "model"
    assert (
        main(["fit", str(town["data"]), "--spec", str(spec), "--out", str(model), "--quiet"]) == 0
    )
    assert "werkdirect&jobhunt" in (model / "spec.yaml").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["models", "compare", str(town["model"]), str(model)]) == 0
    compared = capsys.readouterr().out
    assert "interactions" in compared and "[jobhunt&werkdirect]" in compared
    out = tmp_path / "mix"
    run = args(town, out)
    run[run.index("--model") + 1] = str(model)
    assert main(run) == 0  # no --interaction: the specification names it
    printed = capsys.readouterr().out
    assert "computed with the estimated interaction(s) jobhunt&werkdirect" in printed
    check = pd.read_csv(out / "additivity.csv").set_index("pair")
    assert bool(check.loc["jobhunt&werkdirect", "in_model"])
    assert main(run + ["--no-check"]) == 2  # the term needs the check that estimates it
    assert "drop --no-check" in capsys.readouterr().err
    # without Werk Direct's meter the pair does not occur in any combination: said, not used
    places = pd.read_csv(town["capacity"])
    places[places["instrument"] != "werkdirect"].to_csv(tmp_path / "two.csv", index=False)
    run[run.index("--capacity") + 1] = str(tmp_path / "two.csv")
    assert main(run + ["--meters", "reintegratie,handhaving"]) == 0
    assert "jobhunt&werkdirect" not in pd.read_csv(out / "additivity.csv")["pair"].tolist()
    assert "werkdirect&jobhunt join an instrument of a meter outside" in capsys.readouterr().out


def test_a_specification_naming_an_unknown_instrument_is_refused_with_its_line(
    town, tmp_path, capsys
) -> None:
    from rendement.specfile import default_spec_yaml

    text = default_spec_yaml().replace("interactions: []", "interactions: [jobhunt&nope]")
    line = next(k for k, t in enumerate(text.splitlines(), start=1) if "jobhunt&nope" in t)
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    model = tmp_path / "model"
    assert main(["fit", str(town["data"]), "--spec", str(spec), "--out", str(model)]) == 2
    err = capsys.readouterr().err
    assert f"line {line}: interactions: 'jobhunt&nope': unknown instrument(s) nope" in err
    assert not model.exists()


def test_the_managers_workbook_prints_in_dutch_with_names(town, tmp_path, capsys) -> None:
    from openpyxl import load_workbook

    from rendement.mix.workbook import (
        CHECK_SHEET,
        PLACES_SHEET,
        PLAN_SHEET,
        SUMMARY_SHEET,
        VERDICT_WORDS,
    )

    out = tmp_path / "mix"
    assert main(args(town, out, "--interaction", "werkdirect&jobhunt", "--quiet")) == 0
    wb = load_workbook(out / "mix.xlsx")
    assert wb.sheetnames == [SUMMARY_SHEET, PLAN_SHEET, PLACES_SHEET, CHECK_SHEET]
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert "pagina &P van &N" in ws.oddFooter.right.text
    for name in (PLAN_SHEET, PLACES_SHEET, CHECK_SHEET):
        assert wb[name].print_title_rows == "$1:$1"  # the header row on every printed page
    plan = wb[PLAN_SHEET]
    headers = [c.value for c in plan[1]]
    assert headers[:6] == [
        "klant",
        "instrumenten (plan)",
        "aantal instrumenten",
        "netto rendement",
        "bespaarde uitkeringsmaanden",
        "verwachte kosten",
    ]
    assert plan.cell(2, 4).number_format == '"€" #,##0'
    # names instead of codes, joined with " + ", the codes beside them for linking
    planned = pd.read_csv(out / "mix_plan.csv", keep_default_na=False)
    planned = planned[planned["instruments"] != ""]
    assert plan.max_row == len(planned) + 1
    combos = [r for r in plan.iter_rows(min_row=2, values_only=True) if r[2] > 1]
    assert combos, "the plan holds combinations"
    labels = pd.read_csv(Path(town["data"]) / "instruments.csv").set_index("instrument")["label"]
    for row in combos:
        assert row[1] == " + ".join(labels[c] for c in row[6].split("+"))
    texts = [str(c.value) for r in wb[SUMMARY_SHEET].iter_rows() for c in r if c.value]
    comparison = pd.read_csv(out / "mix_comparison.csv")
    adds = comparison["mix_adds_eur"].iloc[0]
    euros = f"{round(adds):,}".replace(",", ".")
    assert any(
        t.startswith(f"De mix levert € {euros} meer op dan plannen per meter") for t in texts
    )
    assert any("na x na" in t for t in texts)  # what the check did not test
    assert any("geschatte interactie van" in t and "Werk Direct" in t for t in texts)
    check = wb[CHECK_SHEET]
    assert [c.value for c in check[1]][0] == "instrumenten"
    verdicts = {r[6]: r[7] for r in check.iter_rows(min_row=2, values_only=True)}
    assert set(verdicts) <= set(VERDICT_WORDS.values()) and len(verdicts) >= 2
    used = [
        r for r in check.iter_rows(min_row=2, values_only=True) if r[-1] == "jobhunt&werkdirect"
    ]
    assert used[0][7] == "ja" and used[0][0] == f"{labels['jobhunt']} + {labels['werkdirect']}"


def test_with_a_timing_of_events_model_the_mix_stays_additive_and_says_so(town) -> None:
    from dataclasses import replace

    from rendement.contract import read_data_folder
    from rendement.mix.additivity import check_additivity, model_with_interactions
    from rendement.mix.notes import mix_notes
    from rendement.model.folder import load_model
    from rendement.model.hazard_model import Heterogeneity

    model = load_model(town["model"])
    data = read_data_folder(town["data"])
    meters = ["reintegratie", "werk_direct", "handhaving"]
    named = ["werkdirect&jobhunt"]
    plain = check_additivity(data, model, meters, named=named)
    assert plain.table.set_index("pair").loc["jobhunt&werkdirect", "in_model"]
    # the same model with two mass points (what a timing-of-events fit carries)
    toe = replace(model, heterogeneity=Heterogeneity((0.0, -1.0), (0.5, 0.5)))
    check = check_additivity(data, toe, meters, named=named)
    assert not check.table["in_model"].any()  # the mix uses none of the estimated terms
    scoring, interactions = model_with_interactions(toe, check)
    assert scoring is toe and interactions == {}
    notes = mix_notes(check, interactions, named, toe=True)
    assert any("timing-of-events" in n.dutch and "additief" in n.dutch for n in notes)
    assert any("ADD" in n.english for n in notes)
    default = mix_notes(plain, {}, named, toe=False)
    assert not any("timing-of-events" in n.dutch for n in default)
    assert any("--heterogeneity npmle" in n.english for n in default)
    # a timing-of-events fit that found one type: nothing to recommend, and it says so
    searched = mix_notes(plain, {}, named, toe=False, searched=True)
    assert any("one type" in n.english and "één type" in n.dutch for n in searched)
    assert not any("--heterogeneity npmle" in n.english for n in searched)


def test_make_demo_writes_the_mix_workbook(town, tmp_path, capsys) -> None:
    from openpyxl import load_workbook

    from rendement.cli.demo import _mix
    from rendement.contract import read_data_folder
    from rendement.model.folder import load_model

    _mix(tmp_path, read_data_folder(town["data"]), load_model(town["model"]), "2026-01-01")
    assert "planning each meter apart" in capsys.readouterr().out
    wb = load_workbook(tmp_path / "mix" / "mix.xlsx")
    texts = [str(c.value) for r in wb["Samenvatting"].iter_rows() for c in r if c.value]
    assert any(t.startswith("De mix levert") for t in texts)
    assert (tmp_path / "mix" / "mix_plan.csv").exists()
    readme = Path(__file__).resolve().parents[1].joinpath("README.md").read_text(encoding="utf-8")
    assert "| `demo/mix/mix.xlsx`" in readme


def test_the_mix_scores_a_timing_of_events_model_with_posterior_type_weights(
    town, tmp_path, capsys
) -> None:
    """``rendement mix`` with a model that carries mass points weighs every client's types
    by the history of the current spell (as ``score_caseload`` does), not by the shares at
    inflow, and says so; the default model's output recommends that model instead."""
    from dataclasses import replace

    import numpy as np

    from rendement.contract import read_data_folder
    from rendement.hazard.toe.posterior import caseload_type_weights
    from rendement.mix import score_mix
    from rendement.model.folder import load_model, save_model
    from rendement.model.hazard_model import Heterogeneity
    from rendement.panel import caseload_state

    model = load_model(town["model"])
    toe = replace(model, heterogeneity=Heterogeneity((0.0, -1.5), (0.5, 0.5)))
    save_model(toe, tmp_path / "toe")
    out = tmp_path / "mix"
    assert main(args({**town, "model": tmp_path / "toe"}, out, "--no-check")) == 0
    printed = capsys.readouterr().out
    assert "posterior weights of the types" in printed and "--heterogeneity npmle" not in printed
    written = pd.read_csv(out / "returns_mix.csv", keep_default_na=False, dtype={"client_id": str})

    data = read_data_folder(town["data"])
    as_of = pd.Timestamp("2026-01-01")
    frame = caseload_state(data, as_of)
    meters = ["reintegratie", "werk_direct", "handhaving"]
    posterior = caseload_type_weights(toe, data, as_of)
    assert posterior[:, 1].std() > 0.05  # the histories differ, and so do the weights
    expected = score_mix(toe, frame, meters, type_weights=posterior).returns
    np.testing.assert_allclose(written["net_return_eur"], expected["net_return_eur"], atol=0.01)
    at_inflow = np.tile(np.array([[0.5, 0.5]]), (len(frame), 1))
    shares = score_mix(toe, frame, meters, type_weights=at_inflow).returns
    assert np.abs(written["net_return_eur"] - shares["net_return_eur"]).max() > 100

    assert main(args(town, tmp_path / "plain", "--no-check")) == 0
    printed = capsys.readouterr().out
    assert "rendement fit --heterogeneity npmle" in printed
    assert "posterior weights of the types" not in printed
