"""API keys with roles, stored hashed (*sleutels*).

A key looks like ``rdm_<key_id>_<secret>``. The ``key_id`` is public (it names
the key in listings and revocations); the database holds a per-key random salt
and ``SHA-256(salt + key)``, never the key itself, so a copy of the database
does not give access. The key is shown once, when it is created.

Roles: ``caseworker`` (advice, own decisions), ``manager`` (batch scores,
decision summaries, model list), ``analyst`` (models).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select, update

from rendement_api.db.tables import api_key
from rendement_api.errors import KeyStoreError

ROLES = ("caseworker", "manager", "analyst")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_KEY = re.compile(r"^rdm_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})$")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the user behind a key, with role and team."""

    key_id: str
    user_id: str
    role: str
    team: str | None


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    user_id: str
    role: str
    team: str | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None


def _digest(salt: str, key: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + key.encode("utf-8")).hexdigest()


def check_name(kind: str, value: str) -> str:
    """A user or team name: letters, digits, ``.``, ``_``, ``-``; at most 64 characters."""
    if not _NAME.match(value):
        raise KeyStoreError(
            f"invalid {kind} {value!r}: use 1-64 letters, digits, '.', '_' or '-' "
            "(a pseudonymous name such as km01, never a BSN or a person's full name)"
        )
    from rendement_api.privacy import looks_like_bsn

    if looks_like_bsn(value):
        raise KeyStoreError(f"the {kind} looks like a BSN; use a pseudonymous name such as km01")
    return value


class KeyStore:
    """Create, check, list and revoke API keys."""

    def __init__(self, engine: Engine):
        self._engine = engine

    def create(
        self, role: str, user_id: str, team: str | None = None, *, now: dt.datetime | None = None
    ) -> tuple[str, Principal]:
        """A new key for ``user_id`` with ``role``; returns the key (shown once) and its principal."""
        if role not in ROLES:
            raise KeyStoreError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
        check_name("user", user_id)
        if team is not None:
            check_name("team", team)
        key_id = secrets.token_hex(6)
        key = f"rdm_{key_id}_{secrets.token_urlsafe(32)}"
        salt = secrets.token_hex(16)
        with self._engine.begin() as conn:
            conn.execute(
                insert(api_key).values(
                    key_id=key_id,
                    user_id=user_id,
                    role=role,
                    team=team,
                    salt=salt,
                    key_hash=_digest(salt, key),
                    created_at=now or dt.datetime.now(dt.UTC),
                    revoked_at=None,
                )
            )
        return key, Principal(key_id, user_id, role, team)

    def authenticate(self, key: str) -> Principal | None:
        """The principal of a valid, unrevoked key; ``None`` otherwise (constant-time compare)."""
        m = _KEY.match(key.strip())
        if m is None:
            return None
        with self._engine.connect() as conn:
            row = conn.execute(select(api_key).where(api_key.c.key_id == m.group(1))).first()
        if row is None:
            return None
        r = row._mapping
        if not hmac.compare_digest(_digest(r["salt"], key.strip()), r["key_hash"]):
            return None
        if r["revoked_at"] is not None:
            return None
        return Principal(r["key_id"], r["user_id"], r["role"], r["team"])

    def principal_of(self, key_id: str) -> Principal | None:
        """The principal of the unrevoked key ``key_id`` (for a page session opened with it)."""
        with self._engine.connect() as conn:
            row = conn.execute(select(api_key).where(api_key.c.key_id == key_id)).first()
        if row is None or row._mapping["revoked_at"] is not None:
            return None
        r = row._mapping
        return Principal(r["key_id"], r["user_id"], r["role"], r["team"])

    def revoke(self, key_id: str, *, now: dt.datetime | None = None) -> None:
        with self._engine.begin() as conn:
            done = conn.execute(
                update(api_key)
                .where(api_key.c.key_id == key_id, api_key.c.revoked_at.is_(None))
                .values(revoked_at=now or dt.datetime.now(dt.UTC))
            ).rowcount
        if not done:
            raise KeyStoreError(f"no active key with id {key_id!r}; see `rendement keys list`")

    def listing(self, *, include_revoked: bool = False) -> list[KeyInfo]:
        q = select(api_key).order_by(api_key.c.created_at, api_key.c.key_id)
        if not include_revoked:
            q = q.where(api_key.c.revoked_at.is_(None))
        with self._engine.connect() as conn:
            rows = conn.execute(q).all()
        return [
            KeyInfo(r.key_id, r.user_id, r.role, r.team, r.created_at, r.revoked_at) for r in rows
        ]
