"""A tiny progress reporter for long operations (*voortgang*): fitting, scoring, reports.

Stage lines with the elapsed time, and for loops a counter, written to stderr::

    [   0.0 s] re-fit on data up to 2025-01-01 ...
    [   3.2 s] re-fit on data up to 2025-01-01: done in 3.2 s
    [   3.2 s] plots 2/5

Silent when stderr is not a terminal (scripts, tests, cron) unless asked for
with ``enabled=True``; ``enabled=False`` silences it everywhere. Lines never
carry client values, only stage names and counts.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, TypeVar

T = TypeVar("T")


class Progress:
    """Stage lines with elapsed time; ``enabled=None`` means "only on a terminal"."""

    def __init__(self, *, stream: IO[str] | None = None, enabled: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty()) if callable(isatty) else False
        self.enabled = enabled
        self.started = time.perf_counter()

    @classmethod
    def silent(cls) -> Progress:
        return cls(enabled=False)

    @property
    def elapsed(self) -> float:
        """Seconds since this reporter was made."""
        return time.perf_counter() - self.started

    def line(self, message: str) -> None:
        """One line prefixed with the elapsed time (nothing when disabled)."""
        if self.enabled:
            print(f"[{self.elapsed:7.1f} s] {message}", file=self.stream, flush=True)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """``with progress.stage("re-fit"):`` prints the start and, on success, the duration."""
        t0 = time.perf_counter()
        self.line(f"{name} ...")
        yield
        self.line(f"{name}: done in {time.perf_counter() - t0:.1f} s")

    def loop(self, items: Iterable[T], name: str, total: int | None = None) -> Iterator[T]:
        """Yield ``items``, printing ``name i/total`` for each (``i`` alone without a total)."""
        if total is None and hasattr(items, "__len__"):
            total = len(items)  # type: ignore[arg-type]
        for i, item in enumerate(items, start=1):
            self.line(f"{name} {i}/{total}" if total is not None else f"{name} {i}")
            yield item


def progress_for(value: Progress | bool | None) -> Progress:
    """A :class:`Progress` from a ``progress=`` argument: an instance, True/False, or None (TTY)."""
    if isinstance(value, Progress):
        return value
    return Progress(enabled=value)
