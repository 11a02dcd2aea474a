"""``rendement report``: the HTML, an updated model card and key figures; the model folder untouched."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from simcache import get_simulation

from rendement.cli.main import main
from rendement.model.folder import load_model
from rendement.progress import Progress

DROOMSTAD = {"clients": 3000, "seed": 7, "heterogeneity": True}  # as in test_report.py


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_cli_writes_report_card_and_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = get_simulation(**DROOMSTAD).data_dir
    model_dir = tmp_path / "model"
    assert main(["fit", str(data_dir), "--out", str(model_dir), "--quiet"]) == 0
    assert (model_dir / "model_card.md").exists()
    before = _digests(model_dir)
    out = tmp_path / "out" / "rapport.html"
    code = main(
        ["report", str(model_dir), "--data", str(data_dir), "--out", str(out), "--progress"]
    )
    assert code == 0
    captured = capsys.readouterr()
    assert "re-fit on data up to" in captured.err and "s] " in captured.err
    assert "Harrell's C" in captured.out
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "rapport.html",
        "rapport.json",
        "rapport.model_card.md",
    ]
    figures = json.loads((out.parent / "rapport.json").read_text())
    card = (out.parent / "rapport.model_card.md").read_text()
    c_index = f"{figures['c_index']:.3f}".replace(".", ",")
    assert f"| concordantie (Harrell's C) | {c_index} |" in card
    assert "Nog niet getoetst" not in card and "| geslacht | V |" in card
    # the checksummed model folder (with its own card) is left as it was
    assert _digests(model_dir) == before
    load_model(model_dir)
    assert "no out-of-time" not in (model_dir / "model_card.md").read_text()
    assert "Er is nog geen validatie" in (model_dir / "model_card.md").read_text()


def test_cli_refuses_a_bad_output_name_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = get_simulation(**DROOMSTAD).data_dir
    args = ["report", str(tmp_path / "nope"), "--data", str(data_dir), "--out"]
    code = main([*args, str(tmp_path / "r.txt")])
    assert code == 2
    assert ".html" in capsys.readouterr().err
    code = main([*args, str(tmp_path / "r.html")])
    assert code == 2
    assert "neither a model folder" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_progress_is_silent_off_a_terminal_unless_asked() -> None:
    quiet, loud = io.StringIO(), io.StringIO()
    for stream, enabled in ((quiet, None), (loud, True)):
        progress = Progress(stream=stream, enabled=enabled)
        with progress.stage("re-fit"):
            pass
        assert list(progress.loop(["a", "b"], "plots")) == ["a", "b"]
    assert quiet.getvalue() == ""
    lines = loud.getvalue().splitlines()
    assert lines[0].endswith("] re-fit ...") and "re-fit: done in" in lines[1]
    assert lines[2].endswith("plots 1/2") and lines[3].endswith("plots 2/2")


def test_progress_on_a_terminal_draws_with_rich() -> None:
    stream = io.StringIO()
    progress = Progress(stream=stream, enabled=True, live=True)
    with progress.stage("scoring the caseload"):
        progress.note("3 mass points")
        assert list(progress.loop(range(3), "plots")) == [0, 1, 2]
    text = stream.getvalue()
    assert "\x1b[" in text  # drawn with terminal control codes, not plain lines
    assert "scoring the caseload: done in" in text and "3 mass points" in text
    assert " s] " not in text  # not the plain lines written off a terminal
