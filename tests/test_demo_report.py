"""`make demo` writes the model report (Dutch, verdict first) and the README's demo table lists it."""

from __future__ import annotations

from pathlib import Path

import pytest
from simcache import get_simulation

from rendement.cli.demo import _report
from rendement.contract import read_data_folder
from rendement.model.fitting import fit_model

ROOT = Path(__file__).resolve().parents[1]


def test_the_demo_writes_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = read_data_folder(get_simulation(clients=1500, seed=4, heterogeneity=False).data_dir)
    model, _ = fit_model(data)
    _report(tmp_path, data, model)
    page = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in page and page.index('id="verdict"') < page.index('id="overview"')
    assert "verdict (oordeel):" in capsys.readouterr().out


def test_the_readme_demo_table_lists_the_report() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("Its outputs land in `demo/`:", 1)[1].split("\n\n", 2)[1]
    assert "| `demo/report/report.html` |" in table
