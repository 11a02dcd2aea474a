"""``rendement plan`` and ``rendement lists`` end to end on a small simulated Droomstad."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from simcache import get_simulation

from rendement.cli.main import main

AS_OF = "2026-01-01"
DROOMSTAD = {"clients": 3000, "seed": 7, "heterogeneity": True}  # as in test_report.py (cached)


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from rendement.contract import read_data_folder
    from rendement.model.fitting import fit_model
    from rendement.model.folder import save_model

    sim = get_simulation(**DROOMSTAD)
    root = tmp_path_factory.mktemp("town")
    model, _ = fit_model(read_data_folder(sim.data_dir), meter="reintegratie")
    save_model(model, root / "model")
    catalogue = model.meter_instruments
    capacity = pd.DataFrame({"instrument": catalogue["instrument"], "places": [3] * len(catalogue)})
    capacity.to_csv(root / "capacity.csv", index=False)
    return {
        "data": sim.data_dir,
        "model": root / "model",
        "capacity": root / "capacity.csv",
        "root": root,
    }


def plan_args(town: dict[str, Path], out: Path, *extra: str) -> list[str]:
    return [
        "plan",
        str(town["data"]),
        "--model",
        str(town["model"]),
        "--as-of",
        AS_OF,
        "--capacity",
        str(town["capacity"]),
        "--out",
        str(out),
        *extra,
    ]


def test_plan_command_writes_the_plan_and_prints_the_comparison(town, tmp_path, capsys) -> None:
    out = tmp_path / "plan"
    assert main(plan_args(town, out, "--budget", "20000")) == 0
    printed = capsys.readouterr().out
    for words in (
        "optimal plan",
        "group rule",
        "vuistregel",
        "first come",
        "benefit months",
        "optimal (proven)",
    ):
        assert words in printed
    plan = pd.read_csv(out / "plan.csv", keep_default_na=False)
    assert list(plan.columns[:4]) == ["client_id", "instrument", "net_return_eur", "reason"]
    assert plan["client_id"].is_unique
    picked = plan[plan["instrument"] != ""]
    assert (picked["net_return_eur"] > 0).all()
    assert (picked["instrument"].value_counts() <= 3).all()
    assert picked["expected_cost_eur"].sum() <= 20000 + 0.01  # rounded to cents in the file
    assert (plan.loc[plan["instrument"] == "", "net_return_eur"] == 0).all()
    summary = pd.read_csv(out / "plan_summary.csv")
    assert summary["instrument"].iloc[-1] == "totaal"
    comparison = pd.read_csv(out / "plan_comparison.csv").set_index("method")
    assert (
        comparison.loc["optimal", "net_return_eur"] >= comparison.loc["seed_rule", "net_return_eur"]
    )
    assert comparison.loc["optimal", "net_return_eur"] == pytest.approx(
        picked["net_return_eur"].sum(), abs=0.05
    )


def test_plan_agrees_with_the_score(town, tmp_path) -> None:
    """Every planned return is the returns.csv value of that client and instrument."""
    assert main(plan_args(town, tmp_path / "plan", "--quiet")) == 0
    assert (
        main(
            [
                "score",
                str(town["data"]),
                "--model",
                str(town["model"]),
                "--as-of",
                AS_OF,
                "--out",
                str(tmp_path / "score"),
                "--interval",
                "none",
                "--quiet",
            ]
        )
        == 0
    )
    plan = pd.read_csv(tmp_path / "plan" / "plan.csv", keep_default_na=False)
    ranking = pd.read_csv(tmp_path / "score" / "ranking.csv", keep_default_na=False)
    returns = pd.read_csv(tmp_path / "score" / "returns.csv")
    free = ranking[ranking["current_instrument"] == ""]
    assert sorted(plan["client_id"]) == sorted(free["client_id"])
    picked = plan[plan["instrument"] != ""].merge(returns, on=["client_id", "instrument"])
    assert picked["net_return_eur_x"].tolist() == pytest.approx(
        picked["net_return_eur_y"].tolist(), abs=0.01
    )


def test_bad_capacity_file_is_refused_and_nothing_written(town, tmp_path, capsys) -> None:
    bad = tmp_path / "capacity.csv"
    bad.write_text("instrument,places\nnope,3\njobhunt,-1\n", encoding="utf-8")
    out = tmp_path / "plan"
    args = plan_args(town, out)
    args[args.index("--capacity") + 1] = str(bad)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "row 2, column 'instrument': found 'nope'" in err
    assert "row 3, column 'places': found '-1'" in err
    assert not out.exists()
    assert main(plan_args(town, out, "--budget", "veel")) == 2
    assert "--budget" in capsys.readouterr().err
    assert not out.exists()


def test_lists_command_per_district(town, tmp_path, capsys) -> None:
    out = tmp_path / "lists"
    args = ["lists", str(town["data"]), "--model", str(town["model"]), "--as-of", AS_OF]
    assert main([*args, "--out", str(out), "--by", "district"]) == 0
    printed = capsys.readouterr().out
    assert "lists per wijk" in printed
    names = sorted(p.name for p in out.iterdir())
    assert "lijsten-2026-01.xlsx" in names and "lijst_totaal-2026-01.csv" in names
    assert "samenvatting-2026-01.csv" in names
    parts = [n for n in names if n.startswith("lijst_") and n != "lijst_totaal-2026-01.csv"]
    assert len(parts) >= 2 and all(p.endswith("-2026-01.csv") for p in parts)
    total = pd.read_csv(out / "lijst_totaal-2026-01.csv", keep_default_na=False)
    assert sum(len(pd.read_csv(out / p)) for p in parts) == len(total)
    assert total["rang"].tolist() == list(range(1, len(total) + 1))


def test_lists_with_the_plan_show_the_price_of_a_place(town, tmp_path, capsys) -> None:
    from rendement.plan.price import PRICE_FILE, read_place_prices

    plan_dir = tmp_path / "plan"
    assert main(plan_args(town, plan_dir)) == 0
    prices = read_place_prices(plan_dir / PRICE_FILE)
    args = ["lists", str(town["data"]), "--model", str(town["model"]), "--as-of", AS_OF]
    out = tmp_path / "lists"
    assert main([*args, "--out", str(out), "--plan", str(plan_dir)]) == 0
    total = pd.read_csv(out / "lijst_totaal-2026-01.csv", keep_default_na=False)
    judged = total[total["binnen de grens van het plan"] != ""]
    assert len(judged) > 0
    table = prices.table.set_index("instrument")
    for _, row in judged.iterrows():
        threshold = float(table.loc[row["code beste instrument"], "threshold_eur"])
        assert float(row["grens voor een plaats (plan)"]) == threshold
        reaches = float(row["netto rendement beste instrument"]) >= threshold
        assert (row["binnen de grens van het plan"] == "ja") == reaches
    # three places per instrument: most clients with a positive return do not get one
    assert (judged["binnen de grens van het plan"] == "nee").sum() > 0
    capsys.readouterr()
    assert main([*args, "--out", str(tmp_path / "none"), "--plan", str(tmp_path)]) == 2
    assert PRICE_FILE in capsys.readouterr().err
    assert not (tmp_path / "none").exists()
