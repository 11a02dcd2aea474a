"""At most :data:`MAX_LISTED_PER_FILE` violations listed per file; the rest only counted.

A folder with millions of bad rows must not become millions of
:class:`~rendement.errors.Violation` objects (issue 13: 13.5 GB and a
traceback). While :func:`listing_limit` is active, :func:`listed` tells each
check how many of its violations to make (the first ones, in row order) and
counts the others per file; :func:`cap_per_file` then keeps the first
:data:`MAX_LISTED_PER_FILE` per file in reading order and gives the total per
file. Every check yields its violations in row order, so the first listed per
file are the first in the file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from rendement.errors import Violation

MAX_LISTED_PER_FILE = 200


@dataclass
class Tally:
    """Violations found but not made into objects, per file."""

    limit: int
    unlisted: Counter[str] = field(default_factory=Counter)


_ACTIVE: ContextVar[Tally | None] = ContextVar("rendement_violation_tally", default=None)


@contextmanager
def listing_limit(limit: int = MAX_LISTED_PER_FILE) -> Iterator[Tally]:
    """Within the block, each check makes at most ``limit`` violations; the rest is counted."""
    tally = Tally(limit)
    token = _ACTIVE.set(tally)
    try:
        yield tally
    finally:
        _ACTIVE.reset(token)


def listed(file: str, found: int) -> int:
    """How many of ``found`` violations of one check in ``file`` to make (counting the rest)."""
    tally = _ACTIVE.get()
    if tally is None or found <= tally.limit:
        return found
    tally.unlisted[file] += found - tally.limit
    return tally.limit


def cap_per_file(
    violations: list[Violation], tally: Tally
) -> tuple[list[Violation], dict[str, int]]:
    """The first ``tally.limit`` violations per file (``violations`` in reading order) and the
    number of violations per file, listed or not."""
    kept: list[Violation] = []
    counts: Counter[str] = Counter(tally.unlisted)
    per_file: Counter[str] = Counter()
    for v in violations:
        counts[v.file] += 1
        per_file[v.file] += 1
        if per_file[v.file] <= tally.limit:
            kept.append(v)
    return kept, dict(counts)
