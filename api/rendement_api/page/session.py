"""Page sessions, the login rate limit and the same-origin check of page posts.

* The page cookie holds a random session id (:class:`SessionStore`), never the
  API key: a stolen cookie ends at logout or after 12 hours, and the key itself
  is typed once and kept nowhere in the browser. The database keeps only the
  SHA-256 of the id, in insert-only tables (logging out adds an end row), so the
  service's database role needs INSERT and SELECT only.
* :class:`LoginLimiter` refuses more than ``max_failures`` failed logins from one
  address within ``window`` seconds with 429 and ``Retry-After`` (per worker process).
* :func:`same_origin` accepts a post only when its ``Origin`` (or, without it,
  its ``Referer``) names this host: browsers send ``Origin`` with every form post.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from collections import deque
from urllib.parse import urlsplit

from sqlalchemy import Engine, insert, select
from starlette.requests import Request

from rendement_api.db.keys import KeyStore, Principal
from rendement_api.db.tables import page_session, page_session_end

SESSION_SECONDS = 12 * 3600


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


class SessionStore:
    """Open, look up and end page sessions."""

    def __init__(self, engine: Engine, keys: KeyStore, seconds: int = SESSION_SECONDS) -> None:
        self._engine = engine
        self._keys = keys
        self.seconds = seconds

    def start(self, who: Principal, *, now: dt.datetime | None = None) -> str:
        """A new session for ``who``; returns the id for the cookie (shown nowhere else)."""
        session_id = secrets.token_urlsafe(32)
        now = now or dt.datetime.now(dt.UTC)
        with self._engine.begin() as conn:
            conn.execute(
                insert(page_session).values(
                    id_sha256=_digest(session_id),
                    key_id=who.key_id,
                    created_at=now,
                    expires_at=now + dt.timedelta(seconds=self.seconds),
                )
            )
        return session_id

    def principal(self, session_id: str, *, now: dt.datetime | None = None) -> Principal | None:
        """Who the session belongs to; ``None`` when unknown, ended, expired or its key revoked."""
        if not session_id or len(session_id) > 100:
            return None
        digest = _digest(session_id)
        now = now or dt.datetime.now(dt.UTC)
        with self._engine.connect() as conn:
            row = conn.execute(
                select(page_session.c.key_id, page_session.c.expires_at).where(
                    page_session.c.id_sha256 == digest
                )
            ).first()
            if row is None or row.expires_at <= now:
                return None
            ended = conn.execute(
                select(page_session_end.c.id_sha256).where(page_session_end.c.id_sha256 == digest)
            ).first()
        if ended is not None:
            return None
        return self._keys.principal_of(row.key_id)

    def end(self, session_id: str, *, now: dt.datetime | None = None) -> None:
        """End the session (idempotent)."""
        if not session_id or len(session_id) > 100:
            return
        digest = _digest(session_id)
        with self._engine.begin() as conn:
            done = conn.execute(
                select(page_session_end.c.id_sha256).where(page_session_end.c.id_sha256 == digest)
            ).first()
            if done is None:
                conn.execute(
                    insert(page_session_end).values(
                        id_sha256=digest, ended_at=now or dt.datetime.now(dt.UTC)
                    )
                )


class LoginLimiter:
    """At most ``max_failures`` failed logins per address in ``window`` seconds."""

    def __init__(self, max_failures: int = 10, window: float = 300.0) -> None:
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, address: str, now: float) -> deque[float]:
        times = self._failures.setdefault(address, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, address: str, *, now: float | None = None) -> int:
        """Seconds until ``address`` may try again; 0 when it may try now."""
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._recent(address, now)
            if len(times) < self.max_failures:
                return 0
            return max(1, int(times[0] + self.window - now + 0.999))

    def failed(self, address: str, *, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._recent(address, now).append(now)
            if len(self._failures) > 10_000:  # bounded memory under a spray of addresses
                for key in [k for k, v in self._failures.items() if not v][:5_000]:
                    del self._failures[key]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def same_origin(request: Request) -> bool:
    """True when the post comes from a page of this host (``Origin``, else ``Referer``)."""
    host = request.headers.get("host", "")
    origin = request.headers.get("origin")
    if origin is None:
        referer = request.headers.get("referer")
        if referer is None:
            return False
        origin = referer
    if origin == "null":
        return False
    parts = urlsplit(origin)
    return bool(host) and parts.scheme in ("http", "https") and parts.netloc == host
