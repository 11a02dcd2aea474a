"""Who may call what: API keys (``Authorization: Bearer KEY`` or ``X-API-Key``) and roles.

=============================  ======================
route                          roles
=============================  ======================
POST /v1/advice                caseworker
GET  /v1/advice/{id}           caseworker (own advice)
POST /v1/advice/{id}/decision  caseworker (own advice)
POST /v1/scores                manager
GET  /v1/decisions/summary     manager
GET  /v1/models                analyst, manager
GET  /v1/health                anyone (no client data)
=============================  ======================
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from rendement_api.db.keys import KeyStore, Principal
from rendement_api.errors import ForbiddenRoleError, MissingKeyError, UnknownKeyError

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="API key (or use Authorization: Bearer KEY)"
)
bearer = HTTPBearer(auto_error=False, description="API key as a bearer token")

COOKIE = "rendement_key"


def key_store(request: Request) -> KeyStore:
    store: KeyStore = request.app.state.keys
    return store


def principal_for_key(store: KeyStore, key: str | None) -> Principal:
    if not key:
        raise MissingKeyError(
            "an API key is required: send it as 'Authorization: Bearer KEY' or 'X-API-Key: KEY' "
            "(keys are made with `rendement keys create`)"
        )
    found = store.authenticate(key)
    if found is None:
        raise UnknownKeyError("the API key is unknown or revoked; ask for a new key")
    return found


async def current_principal(
    request: Request,
    header_key: str | None = Security(api_key_header),
    credentials: HTTPAuthorizationCredentials | None = Security(bearer),
) -> Principal:
    # async: the look-up is one indexed SELECT; running it in the loop avoids a hop to a
    # worker thread (and that thread's contention for the GIL) on every request
    key = credentials.credentials if credentials is not None else header_key
    return principal_for_key(key_store(request), key)


def require_role(*roles: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets only keys with one of ``roles`` through (403 otherwise)."""

    async def dependency(principal: Principal = Depends(current_principal)) -> Principal:
        if principal.role not in roles:
            raise ForbiddenRoleError(
                f"the role {principal.role!r} may not use this route; it needs the role "
                + " or ".join(repr(r) for r in roles)
            )
        return principal

    dependency.__name__ = "require_" + "_or_".join(roles)
    return dependency
