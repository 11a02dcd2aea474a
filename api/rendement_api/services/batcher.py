"""Scoring single advices together: requests that arrive while the engine is busy share a call.

:func:`rendement.scoring.caseload.score_clients` has a fixed cost per call (per parameter
draw, and pandas set-up) that is much larger than the cost per client, so one
call for 8 waiting clients takes about as long as a call for one.

:class:`Batcher` collects jobs *in the event loop* of the uvicorn worker and
processes them there, in one call per moment:

* a route awaits :meth:`Batcher.submit`; the first job schedules a flush with
  ``call_soon`` (or ``call_later(window)``), so every request the loop has
  already read gets checked and queued before the flush runs;
* the flush processes up to ``max_size`` waiting jobs in one call, blocking the
  loop meanwhile. Requests that arrive during the call are read afterwards and
  form the next batch: the busier the service, the larger the batches.

An earlier version ran the engine in a separate thread. Under load the event
loop and that thread then fought for the GIL (one runs pure Python only every
switch interval of 5 ms), which cost more than the batching gained. One
uvicorn worker process per core, each with its own loop, uses the cores
without that contention. For advices batching changes no number: clients do
not influence each other's scores, and the parameter draws of the intervals
depend only on the seed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Batcher(Generic[T, R]):
    """Collects jobs in the running event loop and processes the waiting ones in one call."""

    def __init__(
        self,
        process: Callable[[Sequence[T]], Sequence[R]],
        *,
        max_size: int = 64,
        window: float = 0.0,
    ):
        if max_size < 1:
            raise ValueError(f"max_size must be at least 1, got {max_size}")
        self._process = process
        self._max = max_size
        self._window = window
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._scheduled: asyncio.Handle | asyncio.TimerHandle | None = None
        self.calls = 0
        self.jobs = 0
        self.busy_seconds = 0.0  # time spent in ``process`` (for benchmarks)

    async def submit(self, job: T) -> R:
        """Queue a job and wait for its result (or its exception)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._waiting.append((job, future))
        if self._scheduled is None:
            self._schedule(loop, self._window)
        return await future

    def _schedule(self, loop: asyncio.AbstractEventLoop, delay: float) -> None:
        if delay > 0:
            self._scheduled = loop.call_later(delay, self._flush)
        else:
            self._scheduled = loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._scheduled = None
        batch, self._waiting = self._waiting[: self._max], self._waiting[self._max :]
        if self._waiting:  # more than max_size waiting: the rest in the next round
            self._schedule(asyncio.get_running_loop(), 0.0)
        batch = [(job, fut) for job, fut in batch if not fut.done()]  # caller gone
        if not batch:
            return
        started = time.perf_counter()
        try:
            results = self._process([job for job, _ in batch])
        except Exception as exc:  # noqa: BLE001 - handed to every waiting caller
            for _, fut in batch:
                if not fut.done():
                    fut.set_exception(exc)
            return
        self.calls += 1
        self.jobs += len(batch)
        self.busy_seconds += time.perf_counter() - started
        for (_, fut), result in zip(batch, results, strict=True):
            if not fut.done():
                fut.set_result(result)
