"""How the command line shows Python warnings: one readable line, or nothing with ``--quiet``.

Warnings such as ``DroppedTermsWarning`` are meant for the analyst who runs the
command, not for a developer: they are printed as ``rendement: warning: ...``
without the source line Python adds, and ``--quiet`` silences them.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def _format(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    line: str | None = None,
) -> str:
    return f"rendement: warning: {message}\n"


@contextmanager
def command_warnings(quiet: bool) -> Iterator[None]:
    """Within the block: warnings as one line each, or none at all when ``quiet``.

    Only the format changes (``warnings.formatwarning``), so a caller that records
    warnings (a test's ``pytest.warns``) still receives them.
    """
    original = warnings.formatwarning
    with warnings.catch_warnings():
        if quiet:
            warnings.simplefilter("ignore")
        else:
            warnings.simplefilter("default")
            warnings.formatwarning = _format
        try:
            yield
        finally:
            warnings.formatwarning = original


def is_quiet(args: Any) -> bool:
    return bool(getattr(args, "quiet", False))
