"""Issue 13, finding 7: under ``kill -9`` the output folder holds one complete set, and the
staging folders a killed run leaves behind are removed at the next run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from rendement.output import atomic_folder_files
from rendement.output_swap import STAGING_PREFIX, remove_stale_staging, staging_folder

#: A writer that swaps in set after set: ranking.csv and returns.csv of one generation.
#: File-system moves are slowed down (as on a busy disk) so that kills land between them.
WRITER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path

    def slow(f):
        def call(*a, **k):
            time.sleep(0.003)
            return f(*a, **k)
        return call

    os.replace, os.rename, os.link = slow(os.replace), slow(os.rename), slow(os.link)
    from rendement.output import atomic_folder_files

    out, first, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    for g in range(first, first + count):
        with atomic_folder_files(out) as stage:
            for name in ("ranking.csv", "returns.csv", "plan.csv"):
                (stage / name).write_text(f"generation\\n{g}\\n" + "x,y\\n" * 2000)
    """
)


def generation(folder: Path) -> set[str]:
    return {
        (folder / n).read_text().split("\n")[1] for n in ("ranking.csv", "returns.csv", "plan.csv")
    }


def run_writer(out: Path, first: int, count: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(out), str(first), str(count)], env=env
    )


def test_kill_minus_nine_leaves_one_complete_set(tmp_path: Path) -> None:
    out = tmp_path / "score"
    assert run_writer(out, 0, 1).wait(60) == 0
    (out / "notes.txt").write_text("kept")  # a file the command does not write is kept
    rng = random.Random(13)
    generations_seen = set()
    stale_seen = 0
    for i in range(20):
        before = generation(out)
        child = run_writer(out, 1000 * (i + 1), 10_000)
        for _ in range(600):  # until the writer has swapped in a set (a slow machine: 60 s)
            if generation(out) != before:
                break
            time.sleep(0.1)
        time.sleep(rng.uniform(0.0, 0.3))  # then kill it at a random point of its work
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        gens = generation(out)
        assert len(gens) == 1, f"kill {i}: a mixed set {gens}"
        assert (out / "notes.txt").read_text() == "kept"
        generations_seen |= gens
        stale_seen += sum(p.name.startswith(STAGING_PREFIX) for p in tmp_path.iterdir())
        # the next run removes what the killed one left, before it stages its own set
    assert len(generations_seen) > 5  # the kills did land after swaps, at different points
    assert stale_seen > 0  # and some of them left a staging folder behind
    assert run_writer(out, 99, 1).wait(60) == 0
    assert generation(out) == {"99"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(STAGING_PREFIX)]


def test_a_living_staging_folder_is_not_removed(tmp_path: Path) -> None:
    with staging_folder(tmp_path) as mine:
        (mine / "a.csv").write_text("x")
        assert remove_stale_staging(tmp_path) == []
        assert (mine / "a.csv").exists()
    dead = tmp_path / f"{STAGING_PREFIX}dead"
    dead.mkdir()
    (dead / "clients.csv").write_text("client-level data")
    assert remove_stale_staging(tmp_path) == [dead]
    assert not dead.exists()


def test_the_swapped_folder_keeps_its_permissions(tmp_path: Path) -> None:
    out = tmp_path / "score"
    with atomic_folder_files(out) as stage:
        (stage / "ranking.csv").write_text("1")
    out.chmod(0o750)
    with atomic_folder_files(out) as stage:
        (stage / "ranking.csv").write_text("2")
    assert (out / "ranking.csv").read_text() == "2"
    assert out.stat().st_mode & 0o777 == 0o750


def test_a_failure_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "lists"
    with atomic_folder_files(out) as stage:
        (stage / "a.csv").write_text("old")
    with pytest.raises(RuntimeError), atomic_folder_files(out) as stage:
        (stage / "a.csv").write_text("new")
        raise RuntimeError("half-way")
    assert (out / "a.csv").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lists"]
