"""Advices asked at the same moment are scored in one engine call, with the same numbers."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest
from apikit import CLIENT, fitted_model_dir, running_app
from rendement_api.db import Principal
from rendement_api.schemas.advice import AdviceRequest
from rendement_api.services.batcher import Batcher


def test_batcher_takes_every_waiting_job_in_one_call() -> None:
    calls: list[list[int]] = []

    def process(jobs: Sequence[int]) -> list[int]:
        calls.append(list(jobs))
        return [j * 10 for j in jobs]

    async def scenario() -> tuple[list[int], list[int]]:
        b: Batcher[int, int] = Batcher(process)
        # jobs queued before the loop gets to the flush share one call ...
        first = await asyncio.gather(*(b.submit(j) for j in (1, 2, 3)))
        # ... and so do the jobs queued while it ran
        later = await asyncio.gather(b.submit(4), b.submit(5))
        assert (b.calls, b.jobs) == (2, 5)
        return list(first), list(later)

    assert asyncio.run(scenario()) == ([10, 20, 30], [40, 50])
    assert calls == [[1, 2, 3], [4, 5]]


def test_batches_are_at_most_max_size_and_a_gone_caller_is_skipped() -> None:
    calls: list[list[int]] = []

    def process(jobs: Sequence[int]) -> list[int]:
        calls.append(list(jobs))
        return list(jobs)

    async def scenario() -> list[int]:
        b: Batcher[int, int] = Batcher(process, max_size=2)
        tasks = [asyncio.ensure_future(b.submit(j)) for j in range(5)]
        await asyncio.sleep(0)  # every task has queued its job
        tasks[1].cancel()
        done = await asyncio.gather(*tasks, return_exceptions=True)
        return [d for d in done if isinstance(d, int)]

    assert asyncio.run(scenario()) == [0, 2, 3, 4]
    assert calls == [[0], [2, 3], [4]]


def test_an_error_reaches_every_waiting_caller() -> None:
    def process(jobs: Sequence[int]) -> list[int]:
        raise ValueError("boom")

    async def scenario() -> list[object]:
        b: Batcher[int, int] = Batcher(process)
        return await asyncio.gather(b.submit(1), b.submit(2), return_exceptions=True)

    errors = asyncio.run(scenario())
    assert all(isinstance(e, ValueError) and str(e) == "boom" for e in errors)


@pytest.mark.slow  # fits a model on first use (cached afterwards)
def test_advices_together_equal_advices_alone(tmp_path: Path) -> None:
    people = [
        {**CLIENT, "client_id": "A"},
        {**CLIENT, "client_id": "B", "birth_date": "1995-02-01", "education": "hoog", "months_on_benefit": 2},
        {**CLIENT, "client_id": "C", "household_type": "paar", "months_on_benefit": 40},
        {**CLIENT, "client_id": None, "dutch_language": None, "monthly_benefit": 1956.0},
    ]  # fmt: skip
    with running_app(fitted_model_dir(), tmp_path / "log.db", advice_draws=25) as api:
        service = api.app.state.advice
        who = Principal("k", "km01", "caseworker", "noord")

        def jobs() -> list:
            return [
                service._job(AdviceRequest.model_validate(p), who, survival=True, now=None)
                for p in people
            ]

        together = service._advise_together(jobs())
        alone = [service._advise_together([job])[0] for job in jobs()]
    assert len(together) == len(alone) == 4
    for t, a in zip(together, alone, strict=True):
        assert t.pop("advice_id") != a.pop("advice_id")
        t.pop("created_at"), a.pop("created_at")
        assert t == a
    assert together[0]["instruments"][0]["net_return_low_eur"] is not None
