"""Scoring single advices together: requests that arrive while the engine is busy share a call.

:func:`rendement.scoring.score_clients` has a fixed cost per call (setting up the
model's scenarios, and per parameter draw) that is much larger than the cost
per client, so one call for 8 waiting clients takes about as long as a call
for one. :class:`Batcher` runs one worker thread: it takes every job waiting at
that moment, or arriving within ``window`` seconds after the first (up to
``max_size``), processes them in one call, and hands each caller its own
result. Requests of concurrent users arrive a few milliseconds apart: the short
window lets them share a call instead of queueing behind one another. For advices this changes no number: clients do not
influence each other's scores, and the parameter draws of the intervals depend
only on the seed.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Batcher(Generic[T, R]):
    """A worker thread that processes the jobs waiting at each moment in one call."""

    def __init__(
        self,
        process: Callable[[Sequence[T]], Sequence[R]],
        *,
        max_size: int = 64,
        window: float = 0.0,
    ):
        self._process = process
        self._max = max_size
        self._window = window
        self._queue: queue.Queue[tuple[T, Future[R]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="advice-batcher", daemon=True)
        self._thread.start()
        self.calls = 0
        self.jobs = 0
        self.busy_seconds = 0.0  # time spent in ``process`` (for benchmarks)

    def submit(self, job: T, timeout: float | None = 120.0) -> R:
        """Hand over a job; blocks until its result is ready (or raises its exception)."""
        return self.future(job).result(timeout=timeout)

    def future(self, job: T) -> Future[R]:
        """Hand over a job; its result arrives in the returned future (``asyncio.wrap_future``)."""
        future: Future[R] = Future()
        self._queue.put((job, future))
        return future

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            deadline = time.perf_counter() + self._window
            while len(batch) < self._max:
                try:
                    wait = deadline - time.perf_counter()
                    item = self._queue.get(timeout=wait) if wait > 0 else self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)  # stop after this batch
                    break
                batch.append(item)
            started = time.perf_counter()
            try:
                results = self._process([job for job, _ in batch])
                self.calls += 1
                self.jobs += len(batch)
                self.busy_seconds += time.perf_counter() - started
            except BaseException as exc:  # noqa: BLE001 - handed to every waiting caller
                for _, fut in batch:
                    fut.set_exception(exc)
                continue
            for (_, fut), result in zip(batch, results, strict=True):
                fut.set_result(result)
