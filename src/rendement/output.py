"""Writing outputs whole or not at all.

Files are written to a temporary sibling and moved into place only when every
file of the command is complete: a failure half-way leaves the previous outputs
(or nothing) and never a truncated file; a whole output folder is swapped in
one step (:mod:`rendement.output_swap`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rendement.output_swap import staging_folder, swapped_folder


@contextmanager
def atomic_folder_files(out_dir: Path | str) -> Iterator[Path]:
    """Yield a staging folder; on success it replaces ``out_dir`` as a whole, in one step.

    Files in ``out_dir`` that the command does not write are kept; files of the
    same name are replaced. On an exception nothing in ``out_dir`` changes; after
    a kill ``out_dir`` holds the complete old or the complete new set, and the
    staging folder left behind is removed at the next run
    (:mod:`rendement.output_swap`).
    """
    with swapped_folder(out_dir) as staging:
        yield staging


@contextmanager
def atomic_files_into(folder: Path | str) -> Iterator[Path]:
    """Yield a staging folder; on success move each file in it into ``folder``.

    For files placed in a folder the command does not own (a report next to
    other files): each file is whole, but the set is not swapped as one.
    """
    out = Path(os.path.abspath(folder))
    with staging_folder(out.parent) as staging:
        yield staging
        out.mkdir(parents=True, exist_ok=True)
        for item in sorted(staging.rglob("*")):
            if item.is_dir():
                continue
            target = out / item.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(item, target)


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
