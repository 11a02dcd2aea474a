"""Simulated municipalities for tests, built once per machine and reused.

Simulation is deterministic given its configuration, so a folder keyed by the
configuration can be shared between pytest workers and runs. A lock file makes
concurrent workers wait for the first one instead of simulating twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CACHE = Path(
    os.environ.get("RENDEMENT_TEST_CACHE", Path(tempfile.gettempdir()) / "rendement-test-cache")
)


@dataclass(frozen=True)
class SimulatedTown:
    data_dir: Path
    truth_dir: Path
    config: dict[str, Any]


def get_simulation(**config: Any) -> SimulatedTown:
    """Data and truth folders for ``rendement.simulate.SimulationConfig(**config)``."""
    from rendement import __version__
    from rendement.simulate import SimulationConfig, simulate

    key_src = json.dumps(
        {"v": __version__, "src": _source_digest(), **config}, sort_keys=True, default=str
    )
    key = hashlib.sha256(key_src.encode()).hexdigest()[:16]
    root = CACHE / key
    data_dir, truth_dir = root / "data", root / "truth"
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "done").exists():
            sim = simulate(SimulationConfig(**config))
            sim.write(data_dir, truth_dir)
            (root / "done").write_text(key_src)
    return SimulatedTown(data_dir, truth_dir, config)


def _source_digest() -> str:
    """Digest of the simulator's source, so a changed simulator never reuses stale folders."""
    import rendement.simulate as pkg

    h = hashlib.sha256()
    for f in sorted(Path(pkg.__file__).parent.rglob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()[:12]
