"""The analysts' notebook runs from data check to activation, in a fresh kernel, in a tmp dir."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOK = NOTEBOOKS / "jaarlijkse-herschatting.ipynb"


def _builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "build_jaarlijkse_herschatting", NOTEBOOKS / "build_jaarlijkse_herschatting.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_notebook_in_git_is_the_generated_one_without_outputs() -> None:
    text = NOTEBOOK.read_text(encoding="utf-8")
    assert text == _builder().notebook_text(), "run notebooks/build_jaarlijkse_herschatting.py"
    nb = nbformat.reads(text, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    # no library logic: no function or class definitions, only calls
    assert not any(
        line.lstrip().startswith(("def ", "class ")) for c in code for line in c.source.splitlines()
    )


@pytest.mark.slow
def test_notebook_runs_from_data_check_to_activation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        timeout=110,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    work = tmp_path / "herschatting"
    assert json.loads((work / "models" / "active.json").read_text()) == {"reintegratie": "2026-01"}
    assert (work / "models" / "reintegratie" / "2025-01" / "model_card.md").exists()
    html = (work / "modelrapport-2026-01.html").read_text(encoding="utf-8")
    assert '<section id="calibration">' in html and "data:image/png;base64," in html
    card = (work / "modelkaart-2026-01.md").read_text(encoding="utf-8")
    assert "## Prestaties" in card and "Harrell's C" in card
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors
