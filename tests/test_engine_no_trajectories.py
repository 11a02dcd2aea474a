"""A municipality without trajectories yet: validate, fit, score and list work end to end.

The trajectories file holds only its header. The model then has no instrument
effects (the estimator leaves the terms without variation out, with a
warning), every client gets ``geen`` as best instrument, and the ranking is
complete.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from simcache import get_simulation

from rendement.cli.main import main


def test_fit_score_and_lists_without_trajectories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    town = get_simulation(clients=1500, seed=3, heterogeneity=False)
    data = tmp_path / "data"
    shutil.copytree(town.data_dir, data)
    header = (data / "trajectories.csv").read_text(encoding="utf-8").splitlines()[0]
    (data / "trajectories.csv").write_text(header + "\n", encoding="utf-8")

    assert main(["validate", str(data)]) == 0
    assert "0 trajectories" in capsys.readouterr().out
    with pytest.warns(UserWarning, match="no variation"):
        assert main(["fit", str(data), "--out", str(tmp_path / "model")]) == 0
    out = tmp_path / "score"
    assert main(["score", str(data), "--model", str(tmp_path / "model"),
                 "--as-of", "2026-01-01", "--out", str(out)]) == 0  # fmt: skip
    ranking = pd.read_csv(out / "ranking.csv", keep_default_na=False)
    returns = pd.read_csv(out / "returns.csv", keep_default_na=False)
    assert len(ranking) > 100 and sorted(ranking["rank"]) == list(range(1, len(ranking) + 1))
    assert set(ranking["best_instrument"]) == {"geen"}
    assert len(returns) == 0 and "net_return_eur" in returns.columns
    assert "have no estimated effects" in capsys.readouterr().out
    lists = tmp_path / "lists"
    assert main(["lists", str(data), "--model", str(tmp_path / "model"),
                 "--as-of", "2026-01-01", "--out", str(lists)]) == 0  # fmt: skip
    assert any(lists.iterdir())
