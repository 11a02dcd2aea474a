"""Limits on what one request may ask of a worker: body size (413) and concurrent batches (503).

:class:`RequestLimits` is a plain ASGI middleware, so it acts before FastAPI reads
or parses anything:

* a body larger than the route's limit is answered with 413 ``body_too_large``:
  at once when ``Content-Length`` says so, otherwise as soon as the bytes read
  pass it (a chunked upload). ``/v1/scores`` takes ``max_body_bytes`` (a batch of
  10,000 clients is about 3 MB); every other route at most 64 KiB;
* more than ``max_concurrent_batches`` ``/v1/scores`` requests at the same time
  in one worker: 503 ``overloaded`` with ``Retry-After`` (a batch blocks its
  worker's scoring for a second or more);
* ``POST /v1/advice`` while the advice queue is full
  (:meth:`rendement_api.services.batcher.Batcher.overloaded`): 503 at once, before
  the key is checked and the body parsed, so that refusing costs the busy worker
  next to nothing (the route checks the queue again when it submits).
The body of a refused request is read to its end first (it is bounded by the
limit), so the connection stays usable for the client's next request.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rendement_api.services.batcher import Overloaded

SMALL_BODY_BYTES = 64 * 1024
BATCH_PATH = "/v1/scores"
ADVICE_PATH = "/v1/advice"


def _problem(code: str, message: str) -> bytes:
    return json.dumps({"code": code, "message": message, "errors": []}).encode("utf-8")


class RequestLimits:
    """Body-size limit per route and a bound on concurrent batches (per worker)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_concurrent_batches: int):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_batches = max_concurrent_batches
        self.batches = 0

    def limit_for(self, path: str) -> int:
        if path.rstrip("/") == BATCH_PATH:
            return self.max_body_bytes
        return min(SMALL_BODY_BYTES, self.max_body_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        limit = self.limit_for(path)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _drain(receive, limit)
            await _answer(send, 413, _too_large(limit))
            return
        if path.rstrip("/") == ADVICE_PATH and scope.get("method") == "POST":
            refusal = _advice_queue_refusal(scope)
            if refusal is not None:
                await _drain(receive, limit)
                message = f"the service is busy: {refusal}. Nothing was logged."
                await _answer(
                    send, 503, _problem("overloaded", message), retry_after=refusal.retry_after
                )
                return
        batch = path.rstrip("/") == BATCH_PATH and scope.get("method") == "POST"
        if batch and self.batches >= self.max_batches:
            await _drain(receive, limit)
            body = _problem(
                "overloaded",
                f"{self.batches} batches are being scored; try again in 5 s. Nothing was logged.",
            )
            await _answer(send, 503, body, retry_after=5)
            return
        if batch:
            self.batches += 1
        try:
            await self.app(scope, _counting(receive, limit), send)
        finally:
            if batch:
                self.batches -= 1


def _advice_queue_refusal(scope: Scope) -> Overloaded | None:
    service = getattr(getattr(scope.get("app"), "state", None), "advice", None)
    if service is None:
        return None
    refusal: Overloaded | None = service.batcher.overloaded()
    if refusal is not None:
        service.batcher.refused += 1
    return refusal


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _too_large(limit: int) -> bytes:
    return _problem(
        "body_too_large",
        f"the request body is larger than {limit:,} bytes; send fewer clients per request",
    )


def _counting(receive: Receive, limit: int) -> Receive:
    """``receive`` that stops a body growing past ``limit`` (413 through the error handlers)."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413, f"the request body is larger than {limit:,} bytes")
        return message

    return wrapped


async def _drain(receive: Receive, limit: int) -> None:
    """Read the rest of a refused request's body (up to about ``limit`` bytes; the client of a
    larger one may find the connection closed after the answer)."""
    seen = 0
    while seen <= limit + 1_000_000:
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


async def _answer(send: Send, status: int, body: bytes, *, retry_after: int | None = None) -> None:
    headers: list[Any] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
