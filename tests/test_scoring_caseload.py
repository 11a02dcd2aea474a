"""score_caseload on a data folder, write_score (whole or nothing), contract check and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from scoring_builders import cloglog, town_model, write_town

from rendement.cli.main import main
from rendement.contract import read_data_folder
from rendement.errors import AsOfDateError, ModelMismatchError
from rendement.model.folder import save_model
from rendement.model.spec import ModelSpec
from rendement.panel import caseload_state
from rendement.scoring.caseload import score_caseload, write_score

AS_OF = "2025-06-01"
#: The shared contract checker (``../shared`` next to the checkout); RENDEMENT_CONTRACT_CHECK overrides.
CONTRACT_CHECK = Path(
    os.environ.get("RENDEMENT_CONTRACT_CHECK")
    or Path(__file__).resolve().parents[2] / "shared" / "tools" / "contract_check.py"
)


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_town(tmp_path_factory.mktemp("town") / "data", n=60, seed=9)


def test_caseload_is_scored_with_its_current_state(town: Path) -> None:
    data = read_data_folder(town)
    model = town_model(cov_scale=0.03)
    s = score_caseload(data, model, AS_OF, n_draws=50)
    state = caseload_state(data, pd.Timestamp(AS_OF))
    assert sorted(s.ranking["client_id"]) == sorted(state["client_id"])
    assert s.as_of == pd.Timestamp(AS_OF)
    running = s.ranking[s.ranking["current_instrument"] != ""]
    assert len(running) > 0 and (running["best_instrument"] == "").all()
    assert not set(running["client_id"]) & set(s.returns["client_id"])
    assert set(s.returns["instrument"]) == {"A", "B"}  # HB is of the handhaving meter
    # constant baseline: the prognosis depends only on the state, in closed form
    flags = state.set_index("client_id").filter(like=":")
    rk = s.ranking.set_index("client_id")["expected_remaining_months"]
    plain = flags.index[flags.sum(axis=1) == 0]
    after_a = flags.index[(flags["after:A"] == 1) & (flags.sum(axis=1) == 1)]
    assert len(plain) and len(after_a)
    for who, eta in ((plain, -2.3), (after_a, -2.3 + 0.5)):
        h = cloglog(eta)
        assert rk[who].to_numpy() == pytest.approx((1 - (1 - h) ** 60) / h, rel=1e-12)


def test_as_of_outside_the_data(town: Path) -> None:
    data = read_data_folder(town)
    with pytest.raises(AsOfDateError, match="before the first benefit spell"):
        score_caseload(data, town_model(), "2010-01-01")
    with pytest.raises(AsOfDateError, match="after the data's extraction date"):
        score_caseload(data, town_model(), "2030-01-01")
    latest = data.extraction_date
    score_caseload(data, town_model(), latest + pd.Timedelta(days=31), interval=None)
    with pytest.raises(AsOfDateError, match="after the data's extraction date"):
        score_caseload(data, town_model(), latest + pd.Timedelta(days=32), interval=None)
    with pytest.raises(AsOfDateError, match="YYYY-MM-DD"):
        score_caseload(data, town_model(), "not a date")


def test_model_that_does_not_fit_the_data(town: Path) -> None:
    data = read_data_folder(town)
    model = town_model()
    odd = replace(
        model,
        spec=ModelSpec(
            baseline_cuts=(1,),
            features=(),
            effect_modifiers=(),
            instruments=("A", "B", "HB", "ZZ"),
            extra_features=("wijk_score",),
        ),
    )
    with pytest.raises(ModelMismatchError, match=r"ZZ.*wijk_score"):
        score_caseload(data, odd, AS_OF)


def test_output_passes_the_contract_check(town: Path, tmp_path: Path) -> None:
    if not CONTRACT_CHECK.is_file():
        pytest.fail(
            f"the contract checker is missing: {CONTRACT_CHECK} does not exist. Check out the "
            "shared tools next to this repository (../shared) or set RENDEMENT_CONTRACT_CHECK "
            "to contract_check.py; the contract is not checked without it."
        )
    s = score_caseload(read_data_folder(town), town_model(cov_scale=0.03), AS_OF, n_draws=30)
    write_score(s, tmp_path / "out")
    res = subprocess.run(
        [sys.executable, str(CONTRACT_CHECK), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.stdout.strip().endswith("contract: ok"), res.stdout
    ranking = pd.read_csv(tmp_path / "out" / "ranking.csv", keep_default_na=False)
    assert (ranking["best_instrument"].isin(["A", "B", "geen", ""])).all()
    # the checker can fail: a wrong group is caught
    broken = ranking.copy()
    broken.loc[0, "outflow_group"] = int(broken.loc[0, "outflow_group"]) % 3 + 1
    broken.to_csv(tmp_path / "out" / "ranking.csv", index=False)
    res = subprocess.run(
        [sys.executable, str(CONTRACT_CHECK), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 1 and "outflow_group" in res.stdout


def test_write_is_all_or_nothing(
    town: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = score_caseload(read_data_folder(town), town_model(), AS_OF, interval=None)
    out = tmp_path / "out"
    real = pd.DataFrame.to_csv
    calls = {"n": 0}

    def failing(self: pd.DataFrame, path: object = None, *args: object, **kw: object) -> object:
        calls["n"] += 1
        if calls["n"] == 2:  # ranking.csv is written, returns.csv fails half-way
            Path(str(path)).write_text("client_id,instrument\nC000,A\n")
            raise OSError("disk full")
        return real(self, path, *args, **kw)  # type: ignore[call-overload]

    monkeypatch.setattr(pd.DataFrame, "to_csv", failing)
    with pytest.raises(OSError, match="disk full"):
        write_score(s, out)
    assert not out.exists() or not any(out.iterdir())
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".rendement-staging")]
    # an earlier, complete score is left untouched by a failed write
    monkeypatch.setattr(pd.DataFrame, "to_csv", real)
    write_score(s, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    calls["n"] = 0
    monkeypatch.setattr(pd.DataFrame, "to_csv", failing)
    with pytest.raises(OSError):
        write_score(s, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_cli_score(town: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model_dir = save_model(town_model(cov_scale=0.03), tmp_path / "model")
    out = tmp_path / "score"
    args = ["score", str(town), "--model", str(model_dir), "--as-of", AS_OF, "--out", str(out)]
    assert main([*args, "--draws", "20"]) == 0
    text = capsys.readouterr().out
    assert "outflow group 1" in text and "positive-return" in text and "ranking.csv" in text
    ranking = pd.read_csv(out / "ranking.csv")
    returns = pd.read_csv(out / "returns.csv")
    assert "net_return_eur_lower" in returns.columns and len(ranking) > 0
    assert main([*args, "--interval", "none", "--horizon", "24"]) == 0
    assert "net_return_eur_lower" not in pd.read_csv(out / "returns.csv").columns
    capsys.readouterr()
    bad = ["score", str(town), "--model", str(model_dir), "--as-of", "2031-01-01"]
    assert main([*bad, "--out", str(tmp_path / "never")]) == 2
    err = capsys.readouterr().err
    assert "extraction date" in err and "Traceback" not in err
    assert not (tmp_path / "never").exists()
    assert main([*args, "--interval", "2"]) == 2
