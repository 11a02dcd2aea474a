"""Progress of long operations (*voortgang*): fitting, scoring, lists, plans, reports.

On a terminal each stage shows a live spinner with the elapsed time and loops
a bar with counts (the ``rich`` library); when it ends, one line stays::

    re-fit on data up to 2025-01-01: done in 3.2 s

Off a terminal (scripts, tests, cron) it is silent unless asked for with
``enabled=True``; then it writes plain stage lines with the elapsed time::

    [   0.0 s] re-fit on data up to 2025-01-01 ...
    [   3.2 s] re-fit on data up to 2025-01-01: done in 3.2 s
    [   3.2 s] plots 2/5

``enabled=False`` silences it everywhere. Lines never carry client values, only
stage names and counts.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any, TypeVar

T = TypeVar("T")


def _is_terminal(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty()) if callable(isatty) else False


class Progress:
    """Stages and loops; ``enabled=None`` means "only on a terminal".

    ``live`` (default: the stream is a terminal) draws spinners and bars with
    ``rich``; otherwise enabled progress is written as plain lines.
    """

    def __init__(
        self,
        *,
        stream: IO[str] | None = None,
        enabled: bool | None = None,
        live: bool | None = None,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        terminal = _is_terminal(self.stream)
        self.enabled = terminal if enabled is None else enabled
        self.live = self.enabled and (terminal if live is None else live)
        self.started = time.perf_counter()
        self._bar: Any = None
        self._task: Any = None
        self._stage = ""

    @classmethod
    def silent(cls) -> Progress:
        return cls(enabled=False)

    @property
    def elapsed(self) -> float:
        """Seconds since this reporter was made."""
        return time.perf_counter() - self.started

    def _console(self) -> Any:
        from rich.console import Console

        return Console(file=self.stream, force_terminal=True, highlight=False)

    def line(self, message: str) -> None:
        """One line (prefixed with the elapsed time when not live; nothing when disabled)."""
        if not self.enabled:
            return
        if self.live:
            target = self._bar.console if self._bar is not None else self._console()
            target.print(message, markup=False)
        else:
            print(f"[{self.elapsed:7.1f} s] {message}", file=self.stream, flush=True)

    def note(self, message: str) -> None:
        """What the running stage is doing now (e.g. "3 mass points"): shown beside its name."""
        if self.live and self._bar is not None:
            self._bar.update(self._task, description=f"{self._stage} - {message}")
        else:
            self.line(f"{self._stage}: {message}" if self._stage else message)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """``with progress.stage("re-fit"):`` shows the stage and, on success, its duration."""
        t0 = time.perf_counter()
        outer = (self._bar, self._task, self._stage)
        self._stage = name
        if self.live and self._bar is None:
            from rich.progress import Progress as Bar
            from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

            with Bar(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=self._console(),
                transient=True,
            ) as bar:
                self._bar, self._task = bar, bar.add_task(name, total=None)
                try:
                    yield
                finally:
                    self._bar, self._task, self._stage = outer
            self.line(f"{name}: done in {time.perf_counter() - t0:.1f} s")
            return
        self.line(f"{name} ...")
        try:
            yield
        finally:
            self._stage = outer[2]
        self.line(f"{name}: done in {time.perf_counter() - t0:.1f} s")

    def loop(self, items: Iterable[T], name: str, total: int | None = None) -> Iterator[T]:
        """Yield ``items``, showing ``name i/total`` (a bar on a terminal)."""
        if total is None and hasattr(items, "__len__"):
            total = len(items)  # type: ignore[arg-type]
        if self.live and self._bar is not None:
            task = self._bar.add_task(name, total=total)
            for item in items:
                yield item
                self._bar.advance(task)
            self._bar.remove_task(task)
            return
        if self.live:
            from rich.progress import track

            yield from track(items, description=name, total=total, console=self._console())
            return
        for i, item in enumerate(items, start=1):
            self.line(f"{name} {i}/{total}" if total is not None else f"{name} {i}")
            yield item


def progress_for(value: Progress | bool | None) -> Progress:
    """A :class:`Progress` from a ``progress=`` argument: an instance, True/False, or None (TTY)."""
    if isinstance(value, Progress):
        return value
    return Progress(enabled=value)
