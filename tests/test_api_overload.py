"""An overloaded service answers 503 with Retry-After from a bounded queue, and a body over the
limit gets 413 (issue 13, finding 8, service side). No timing asserts: the queue is held full
by hand (its flush is stopped), and the limits are configured small."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from apikit import CLIENT, expert_model_dir, key, running_app, settings_for
from rendement_api import create_app
from rendement_api.limits import RequestLimits
from rendement_api.services.batcher import Batcher, Overloaded


def test_the_batcher_refuses_beyond_its_bound() -> None:
    async def scenario() -> None:
        batcher: Batcher[int, int] = Batcher(
            lambda jobs: [j * 2 for j in jobs], window=3600.0, max_waiting=2
        )
        first = asyncio.ensure_future(batcher.submit(1))
        second = asyncio.ensure_future(batcher.submit(2))
        await asyncio.sleep(0)
        with pytest.raises(Overloaded) as refused:
            await batcher.submit(3)
        assert refused.value.retry_after >= 1 and batcher.refused == 1
        batcher._flush()  # what the timer would do
        assert await first == 2 and await second == 4
        # a slow recent pace refuses as well: two jobs waiting at 1 s each exceed 1.5 s
        slow: Batcher[int, int] = Batcher(lambda jobs: jobs, window=3600.0, max_wait=1.5)
        slow.seconds_per_job = 1.0
        waiting = [asyncio.ensure_future(slow.submit(k)) for k in range(2)]
        await asyncio.sleep(0)
        assert slow.overloaded() is not None
        with pytest.raises(Overloaded):
            await slow.submit(9)
        slow._flush()
        assert [await w for w in waiting] == [0, 1]

    asyncio.run(scenario())


def test_an_overloaded_service_answers_503_with_retry_after(tmp_path: Path) -> None:
    settings = settings_for(
        expert_model_dir(tmp_path / "m"), tmp_path / "log.db", advice_draws=0, max_queue=2
    )
    app = create_app(settings)

    async def scenario() -> list[Any]:
        async with app.router.lifespan_context(app):
            batcher = app.state.advice.batcher
            batcher._window = 3600.0  # hold the queue: no flush until we say so
            value, _ = app.state.keys.create("caseworker", "km01", "noord")
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://test", headers={"X-API-Key": value}
            ) as client:
                held = [
                    asyncio.ensure_future(client.post("/v1/advice", json=CLIENT)) for _ in range(2)
                ]
                while len(batcher._waiting) < 2:
                    await asyncio.sleep(0.01)
                refused = [await client.post("/v1/advice", json=CLIENT) for _ in range(3)]
                page = await client.get("/v1/health")
                batcher._flush()  # what the timer would do
                answered = [await h for h in held]
                batcher._window = 0.0
                after = await client.post("/v1/advice", json=CLIENT)  # the queue is free again
                return [refused, answered, page, after, app.state.log.count()]

    refused, answered, page, after, counts = asyncio.run(scenario())
    assert [r.status_code for r in answered] == [201, 201]
    for r in refused:
        assert r.status_code == 503, r.text
        assert r.json()["code"] == "overloaded" and "Nothing was logged" in r.json()["message"]
        assert int(r.headers["retry-after"]) >= 1
    assert page.status_code == 200  # other routes are served meanwhile
    assert after.status_code == 201
    assert counts == (3, 0)  # the refused advices were not logged


def test_a_body_over_the_limit_gets_413(tmp_path: Path) -> None:
    model_dir = expert_model_dir(tmp_path / "m")
    with running_app(model_dir, tmp_path / "log.db", advice_draws=0, max_body_bytes=2_000) as api:
        m = key(api, "manager", "mgr")
        small = {"clients": [{k: v for k, v in CLIENT.items() if k != "as_of"}]}
        assert api.post("/v1/scores", json=small, headers=m).status_code == 200
        big = {"clients": small["clients"] * 10}
        r = api.post("/v1/scores", json=big, headers=m)
        assert r.status_code == 413 and r.json()["code"] == "body_too_large"
        assert "2,000 bytes" in r.json()["message"]
        # without Content-Length (chunked): refused once the bytes read pass the limit
        chunks = [b'{"clients": ['] + [b" " * 500] * 8 + [b"]}"]
        r = api.post(
            "/v1/scores", content=iter(chunks), headers={**m, "Content-Type": "application/json"}
        )
        assert r.status_code == 413 and r.json()["code"] == "body_too_large"
        assert api.app.state.log.count() == (1, 0)
    with running_app(model_dir, tmp_path / "log2.db", advice_draws=0) as api:
        h = key(api, "caseworker", "km01")
        r = api.post("/v1/advice", json={**CLIENT, "district": "x" * 70_000}, headers=h)
        assert r.status_code == 413 and "65,536 bytes" in r.json()["message"]
        assert api.post("/v1/advice", json=CLIENT, headers=h).status_code == 201


def test_concurrent_batches_beyond_the_bound_get_503() -> None:
    release = asyncio.Event()
    entered = asyncio.Event()

    async def slow_app(scope: Any, receive: Any, send: Any) -> None:
        entered.set()
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    limits = RequestLimits(slow_app, max_body_bytes=10_000, max_concurrent_batches=1)

    async def scenario() -> tuple[int, int, str | None]:
        transport = httpx.ASGITransport(app=limits)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            first = asyncio.ensure_future(client.post("/v1/scores", json={"clients": []}))
            await entered.wait()
            second = await client.post("/v1/scores", json={"clients": []})
            release.set()
            return (await first).status_code, second.status_code, second.headers.get("retry-after")

    assert asyncio.run(scenario()) == (200, 503, "5")
    assert limits.batches == 0
