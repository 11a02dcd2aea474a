"""Writing outputs whole or not at all.

Files are written to a temporary sibling and moved into place only when every
file of the command is complete: a failure half-way leaves the previous outputs
(or nothing) and never a truncated file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_folder_files(out_dir: Path | str) -> Iterator[Path]:
    """Yield a staging folder; on success, move every file in it into ``out_dir``.

    Existing files of the same name are replaced; other files in ``out_dir`` are
    left alone. On an exception nothing in ``out_dir`` changes.
    """
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".rendement-staging-", dir=out.parent))
    try:
        yield staging
        out.mkdir(parents=True, exist_ok=True)
        for item in sorted(staging.rglob("*")):
            if item.is_dir():
                continue
            target = out / item.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(item, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def atomic_write(path: Path | str, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp_path)`` and move the result to ``path`` only if it succeeded."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
