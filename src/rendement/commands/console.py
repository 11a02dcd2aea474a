"""How the command line shows Python warnings: one readable line, or nothing with ``--quiet``.

Warnings such as ``DroppedTermsWarning`` are meant for the analyst who runs the
command, not for a developer: they are printed as ``rendement: warning: ...``
without the source line Python adds, and ``--quiet`` silences them.
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO


def _show(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    stream = file if file is not None else sys.stderr
    with contextlib.suppress(OSError):  # a closed stream
        print(f"rendement: warning: {message}", file=stream, flush=True)


@contextmanager
def command_warnings(quiet: bool) -> Iterator[None]:
    """Within the block: warnings as one line each, or none at all when ``quiet``."""
    with warnings.catch_warnings():
        if quiet:
            warnings.simplefilter("ignore")
        else:
            warnings.simplefilter("default")
            warnings.showwarning = _show
        yield


def is_quiet(args: Any) -> bool:
    return bool(getattr(args, "quiet", False))
