"""Advices asked at the same moment are scored in one engine call, with the same numbers."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from apikit import CLIENT, fitted_model_dir, running_app
from rendement_api.db import Principal
from rendement_api.schemas.advice import AdviceRequest
from rendement_api.services.batcher import Batcher


def test_batcher_takes_every_waiting_job_in_one_call() -> None:
    gate = threading.Event()
    calls: list[list[int]] = []

    def process(jobs: Sequence[int]) -> list[int]:
        calls.append(list(jobs))
        gate.wait(5)
        return [j * 10 for j in jobs]

    b: Batcher[int, int] = Batcher(process)
    first = b.future(1)
    deadline = time.monotonic() + 5
    while not calls and time.monotonic() < deadline:
        time.sleep(0.005)
    rest = [b.future(j) for j in (2, 3, 4)]  # wait while the first call runs
    gate.set()
    assert first.result(5) == 10
    assert [f.result(5) for f in rest] == [20, 30, 40]
    assert calls == [[1], [2, 3, 4]]
    assert (b.calls, b.jobs) == (2, 4)
    b.close()


def test_an_error_reaches_every_waiting_caller() -> None:
    def process(jobs: Sequence[int]) -> list[int]:
        raise ValueError("boom")

    b: Batcher[int, int] = Batcher(process)
    with pytest.raises(ValueError, match="boom"):
        b.submit(1)
    b.close()


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
