"""The specification file: init, fit with it, every error with its line, stored and compared;
protected attributes by meaning; the baseline spike warning; autonomous outflow."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from simcache import get_simulation

from rendement.baseline_check import check_baseline_pieces
from rendement.cli.main import main
from rendement.model.spec import ModelSpec, SpecificationError
from rendement.protected import is_protected
from rendement.specfile import SpecFileError, default_spec_yaml, parse_spec_text


def _town() -> Path:
    return get_simulation(clients=1500, seed=4, heterogeneity=False).data_dir


def test_init_writes_the_default_specification_that_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "spec.yaml"
    assert main(["spec", "init", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("\n#") > 10  # commented
    declared = parse_spec_text(text)
    assert declared.spec == ModelSpec() and declared.heterogeneity == "none"
    assert main(["spec", "check", str(out)]) == 0
    assert main(["spec", "init", "--out", str(out)]) == 2  # no silent overwrite


def test_fit_with_a_spec_file_uses_extra_columns_and_baseline_pieces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "spec.yaml"
    text = default_spec_yaml().replace("extra_features: []", "extra_features: [district]")
    text = text.replace(
        "baseline_cuts: [1, 2, 3, 4, 7, 10, 13, 19, 25, 37, 49, 73, 97, 121]",
        "baseline_cuts: [1, 2, 3, 4, 5, 6, 7, 13, 25, 49]",
    )
    spec.write_text(text, encoding="utf-8")
    model = tmp_path / "model"
    assert main(["fit", str(_town()), "--spec", str(spec), "--out", str(model), "--quiet"]) == 0
    terms = set(pd.read_csv(model / "parameters.csv")["term"])
    assert {"baseline:5", "baseline:6", "baseline:7-12", "baseline:49+"} <= terms
    assert "baseline:4-6" not in terms
    districts = [t for t in terms if t.startswith("extra:district[")]
    assert len(districts) >= 3
    stored = parse_spec_text((model / "spec.yaml").read_text(encoding="utf-8"))
    assert stored.spec.extra_features == ("district",)
    assert stored.spec.baseline_cuts == (1, 2, 3, 4, 5, 6, 7, 13, 25, 49)

    default = tmp_path / "default"
    assert main(["fit", str(_town()), "--out", str(default), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["models", "compare", str(default), str(model)]) == 0
    out = capsys.readouterr().out
    assert "Specification differences" in out
    assert "baseline_cuts" in out and "extra_features" in out and "[district]" in out


def test_every_problem_is_reported_at_once_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = default_spec_yaml().splitlines()
    text = "\n".join(lines)
    text = text.replace("extra_features: []", "extra_features: [geslacht, years_in_town]")
    text = text.replace("calendar: false", "calendar: maybe")
    text = text.replace("censor: [aow, overleden]", "censor: [aow, pensioen]")
    text = text.replace("horizon: 60", "horizon: -3")
    text += "\nbaseline: [1, 2]\n"
    with pytest.raises(SpecFileError) as err:
        parse_spec_text(text)
    found = dict(err.value.problems)
    line_of = {key: i + 1 for i, ln in enumerate(text.splitlines()) for key in [ln.split(":")[0]]}
    assert "geslacht" in found[line_of["extra_features"]]
    assert "calendar" in found[line_of["calendar"]]
    assert "pensioen" in found[line_of["  censor"]]
    assert "horizon" in found[line_of["horizon"]]
    assert "unknown field 'baseline'" in found[line_of["baseline"]]
    assert len(err.value.problems) == 5
    # the CLI: exit 2, every problem with its line, nothing written
    spec = tmp_path / "bad.yaml"
    spec.write_text(text, encoding="utf-8")
    out = tmp_path / "model"
    assert main(["fit", str(_town()), "--spec", str(spec), "--out", str(out)]) == 2
    message = capsys.readouterr().err
    assert message.count(f"{spec}, line ") == 5 and not out.exists()


def test_yaml_syntax_errors_name_their_line() -> None:
    with pytest.raises(SpecFileError) as err:
        parse_spec_text("meter: reintegratie\nfeatures: [age_band\nhorizon: 60\n")
    assert err.value.problems[0][0] in (2, 3)


@pytest.mark.parametrize(
    "name",
    ["gender", "Geslacht", "sex", "female", "is_female", "man", "race", "black", "ethnicity",
     "etniciteit", "origin", "herkomst", "migratie_achtergrond", "migratieachtergrond",
     "nationality", "Nationaliteit", "countryOfBirth", "religion", "godsdienst", "religie"],
)  # fmt: skip
def test_protected_attributes_are_recognised_by_meaning(name: str) -> None:
    assert is_protected(name)
    with pytest.raises(SpecificationError, match="protected"):
        ModelSpec(extra_features=(name,))


@pytest.mark.parametrize(
    "name", ["household_type", "education", "district", "postcode_area", "dutch_language"]
)
def test_ordinary_columns_are_not_protected(name: str) -> None:
    assert not is_protected(name)


def test_columns_declared_protected_are_refused_and_remain_for_fairness() -> None:
    with pytest.raises(SpecificationError, match="declared protected"):
        ModelSpec(extra_features=("wijk_code",), protected=("wijk_code",))
    with pytest.raises(SpecFileError, match="declared protected"):
        parse_spec_text("extra_features: [wijk_code]\nprotected: [wijk_code]\n")


def _months(hazards: dict[int, float], top: int = 30, n: int = 4000) -> pd.DataFrame:
    """Person-month records of ``n`` spells with the expected outflow counts per month."""
    rows, at_risk = [], float(n)
    for k in range(1, top + 1):
        h = hazards.get(k, 0.05)
        m = int(round(at_risk))
        e = int(round(m * h))
        rows.append(pd.DataFrame({"month": k, "outflow": np.r_[np.ones(e), np.zeros(m - e)]}))
        at_risk = m - e
    return pd.concat(rows, ignore_index=True)


def test_a_spike_hidden_by_the_baseline_pieces_gives_a_warning_with_the_gain() -> None:
    spec = ModelSpec()  # piece 4-6 hides month 6
    advice = check_baseline_pieces(spec, _months({6: 0.35}))
    assert advice.warning is not None and 6 in advice.spike_months
    assert {6, 7} <= set(advice.suggested_cuts) and advice.gain > 100
    assert "log-likelihood" in advice.warning and f"{advice.gain:,.1f}" in advice.warning
    flat = check_baseline_pieces(spec, _months({}))
    assert flat.warning is None


def test_a_catalogue_without_instruments_of_the_meter_fits_autonomous_outflow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    shutil.copytree(_town(), data)
    cat = pd.read_csv(data / "instruments.csv", dtype=str, keep_default_na=False)
    keep = cat[cat["meter"] == "handhaving"]
    keep.to_csv(data / "instruments.csv", index=False)
    tr = pd.read_csv(data / "trajectories.csv", dtype=str, keep_default_na=False)
    tr[tr["instrument"].isin(keep["instrument"])].to_csv(data / "trajectories.csv", index=False)
    model = tmp_path / "model"
    assert main(["fit", str(data), "--out", str(model), "--quiet"]) == 0
    assert "autonomous outflow" in capsys.readouterr().err
    terms = pd.read_csv(model / "parameters.csv")["term"]
    assert not any(t.split(":")[1].split("*")[0] not in set(keep["instrument"])
                   for t in terms if t.startswith(("in:", "after:")))  # fmt: skip
    out = tmp_path / "score"
    assert main(["score", str(data), "--model", str(model), "--as-of", "2026-01-01",
                 "--out", str(out)]) == 0  # fmt: skip
    ranking = pd.read_csv(out / "ranking.csv", keep_default_na=False)
    assert len(ranking) > 100 and set(ranking["best_instrument"]) == {"geen"}


def test_the_entry_process_of_the_timing_of_events_model_is_set_in_the_file() -> None:
    text = default_spec_yaml()
    assert "entry_process: separate" in text  # the default, said in the file
    first = parse_spec_text(text.replace("entry_process: separate", "entry_process: first"))
    assert first.spec.entry_process == "first"
    with pytest.raises(SpecFileError, match="entry_process must be one of"):
        parse_spec_text(text.replace("entry_process: separate", "entry_process: sometimes"))
