"""Page sessions in the database (SQLite and PostgreSQL): open, look up, end, expire, revoke."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rendement_api.db import KeyStore
from rendement_api.db.tables import page_session
from rendement_api.page.session import LoginLimiter, SessionStore
from sqlalchemy import select
from test_advice_log import db_url, engine  # noqa: F401 (fixtures)


def test_sessions_open_end_expire_and_follow_the_key(engine: Any) -> None:  # noqa: F811
    keys = KeyStore(engine)
    key, who = keys.create("caseworker", "km01", "noord")
    store = SessionStore(engine, keys, seconds=3600)
    now = dt.datetime.now(dt.UTC)
    sid = store.start(who, now=now)
    assert store.principal(sid, now=now) == who
    assert store.principal(sid, now=now + dt.timedelta(seconds=3601)) is None  # expired
    assert store.principal(sid + "x") is None and store.principal("") is None
    with engine.connect() as conn:
        rows = conn.execute(select(page_session)).all()
    assert len(rows) == 1 and sid not in str(rows) and key not in str(rows)
    store.end(sid)
    store.end(sid)  # twice is fine
    assert store.principal(sid, now=now) is None
    other = store.start(who)
    keys.revoke(who.key_id)
    assert store.principal(other) is None


def test_the_login_limiter_counts_failures_per_address_in_a_window() -> None:
    limiter = LoginLimiter(max_failures=2, window=60)
    limiter.failed("10.0.0.1", now=0)
    assert limiter.retry_after("10.0.0.1", now=1) == 0
    limiter.failed("10.0.0.1", now=1)
    assert limiter.retry_after("10.0.0.1", now=2) == 58
    assert limiter.retry_after("10.0.0.2", now=2) == 0  # another address may try
    assert limiter.retry_after("10.0.0.1", now=60.5) == 0  # the first failure left the window
