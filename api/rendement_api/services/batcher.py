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

The queue is bounded (:class:`Overloaded`): a job is refused at once when
``max_waiting`` jobs wait already, or when the jobs ahead of it would take
longer than ``max_wait`` seconds at the recent pace: the seconds per job from
the moment a batch could start (its oldest job arrived, or the previous flush
ended) to the end of its flush, so that the loop's other work (reading and
checking requests, answering) counts too; averaged over the last flushes. An overloaded service thus answers 503 quickly instead
of letting every caller wait ever longer.

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


class Overloaded(Exception):
    """The queue is full: come back in ``retry_after`` seconds."""

    def __init__(self, waiting: int, expected_wait: float, retry_after: int):
        super().__init__(
            f"{waiting} advices are waiting (about {expected_wait:.1f} s of work); "
            f"try again in {retry_after} s"
        )
        self.waiting = waiting
        self.expected_wait = expected_wait
        self.retry_after = retry_after


class Batcher(Generic[T, R]):
    """Collects jobs in the running event loop and processes the waiting ones in one call."""

    def __init__(
        self,
        process: Callable[[Sequence[T]], Sequence[R]],
        *,
        max_size: int = 64,
        window: float = 0.0,
        max_waiting: int | None = None,
        max_wait: float | None = None,
    ):
        if max_size < 1:
            raise ValueError(f"max_size must be at least 1, got {max_size}")
        self._process = process
        self._max = max_size
        self._window = window
        self._max_waiting = max_waiting
        self._max_wait = max_wait
        self.seconds_per_job = 0.0  # recent pace (exponentially weighted), 0 before any flush
        self.refused = 0
        self._oldest_arrival = 0.0
        self._last_end = 0.0
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._scheduled: asyncio.Handle | asyncio.TimerHandle | None = None
        self.calls = 0
        self.jobs = 0
        self.busy_seconds = 0.0  # time spent in ``process`` (for benchmarks)

    def expected_wait(self) -> float:
        """Seconds of work ahead of a job queued now, at the recent pace."""
        return len(self._waiting) * self.seconds_per_job

    def overloaded(self) -> Overloaded | None:
        """Why a job submitted now would be refused (``None``: it would be queued)."""
        waiting = len(self._waiting)
        ahead = self.expected_wait()
        full = self._max_waiting is not None and waiting >= self._max_waiting
        slow = self._max_wait is not None and waiting > 0 and ahead > self._max_wait
        if not (full or slow):
            return None
        budget = self._max_wait or 1.0
        return Overloaded(waiting, ahead, max(1, min(30, round(ahead / budget) or 1)))

    def _admit(self) -> None:
        refusal = self.overloaded()
        if refusal is not None:
            self.refused += 1
            raise refusal

    async def submit(self, job: T) -> R:
        """Queue a job and wait for its result (or its exception); :class:`Overloaded` when full."""
        self._admit()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        if not self._waiting:
            self._oldest_arrival = time.perf_counter()
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
        end = time.perf_counter()
        self.busy_seconds += end - started
        pace = (end - max(self._oldest_arrival, self._last_end)) / len(batch)
        self._last_end = end
        self.seconds_per_job = (
            pace if not self.seconds_per_job else (0.7 * self.seconds_per_job + 0.3 * pace)
        )
        for (_, fut), result in zip(batch, results, strict=True):
            if not fut.done():
                fut.set_result(result)
