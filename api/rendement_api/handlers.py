"""Exceptions to responses: one error format with a stable ``code``; never a stack trace.

* :class:`~rendement_api.errors.ServiceError` -> its status and code;
* request validation -> 422 ``invalid_input`` (or a more specific code such as
  ``bsn_not_allowed``, ``protected_attribute``; too many clients -> ``batch_too_large``);
* other :class:`~rendement.errors.RendementError` -> 422 with its code;
* unknown route / method -> 404 ``not_found`` / 405 ``method_not_allowed``;
* anything else -> 500 ``internal_error`` without details (logged without client values).
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from rendement.errors import RendementError
from rendement.protected import is_protected
from rendement_api.errors import FieldError, OverloadedError, ServiceError

log = logging.getLogger("rendement_api")

MAX_LISTED_ERRORS = 100

#: pydantic error types -> what was expected, in words.
_EXPECTED = {
    "missing": "a value",
    "date_type": "a date YYYY-MM-DD",
    "date_parsing": "a date YYYY-MM-DD",
    "date_from_datetime_parsing": "a date YYYY-MM-DD",
    "date_from_datetime_inexact": "a date YYYY-MM-DD",
    "datetime_parsing": "a date YYYY-MM-DD",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "a text",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "json_invalid": "valid JSON",
    "extra_forbidden": "no such field",
    "string_pattern_mismatch": "letters, digits, '.', '_' or '-' (starting with a letter or digit)",
}

_CUSTOM_CODES = ("bsn_not_allowed", "protected_attribute")


def _field(loc: tuple[Any, ...]) -> str:
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out or "body"


def _expected(err: dict[str, Any]) -> str | None:
    ctx = err.get("ctx") or {}
    kind = err.get("type", "")
    if "expected" in ctx and kind in ("literal_error", "enum"):
        return "one of " + str(ctx["expected"]).replace("'", "").replace(" or ", ", ")
    if "expected" in ctx:
        return str(ctx["expected"])
    bounds = {
        "greater_than": ("> ", "gt"),
        "greater_than_equal": (">= ", "ge"),
        "less_than": ("< ", "lt"),
        "less_than_equal": ("<= ", "le"),
    }
    if kind in bounds:
        sign, key = bounds[kind]
        bound = ctx.get(key)
        return (
            f"a number {sign}{bound:g}" if isinstance(bound, float) else f"a number {sign}{bound}"
        )
    if kind == "too_long":
        return f"at most {ctx.get('max_length')} items or characters"
    if kind in ("too_short", "string_too_short"):
        return f"at least {ctx.get('min_length')} items or characters"
    if kind == "string_too_long":
        return f"at most {ctx.get('max_length')} characters"
    return _EXPECTED.get(kind)


def validation_error(exc: RequestValidationError) -> tuple[int, dict[str, Any]]:
    """Status and body for a request that failed validation."""
    errors: list[FieldError] = []
    code = "invalid_input"
    status = 422
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        kind = str(err.get("type", ""))
        ctx = err.get("ctx") or {}
        field = str(ctx["field"]) if "field" in ctx else _field(loc)
        if "field" in ctx and len(loc) > 2 and loc[1] == "clients":
            field = _field(loc[:3]) + "." + field
        message = str(err.get("msg", "invalid value"))
        if kind == "too_long" and _field(loc) == "clients":
            code = "batch_too_large"
            message = f"a batch has at most {ctx.get('max_length')} clients; split the request"
            return status, {
                "code": code,
                "message": message,
                "errors": [FieldError("clients", message, _expected(err)).to_dict()],
            }
        if kind == "extra_forbidden" and is_protected(str(loc[-1])):
            kind = "protected_attribute"
            message = f"{loc[-1]} is a protected attribute: it is never asked and never used"
        elif kind == "extra_forbidden":
            message = "unknown field"
        if kind in _CUSTOM_CODES and code == "invalid_input":
            code = kind
        if kind.startswith("value_error") and message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        errors.append(FieldError(field, message, _expected(err)))
    n = len(errors)
    shown = errors[:MAX_LISTED_ERRORS]
    more = f" (the first {MAX_LISTED_ERRORS} are listed)" if n > MAX_LISTED_ERRORS else ""
    body = {
        "code": code,
        "message": f"{n} field{'s' if n != 1 else ''} of the request "
        f"{'are' if n != 1 else 'is'} invalid{more}",
        "errors": [e.to_dict() for e in shown],
    }
    return status, body


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        status, body = validation_error(exc)
        return JSONResponse(body, status_code=status)

    @app.exception_handler(ServiceError)
    async def _service(request: Request, exc: ServiceError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        if isinstance(exc, OverloadedError):
            headers = {"Retry-After": str(exc.retry_after)}
        return JSONResponse(exc.to_dict(), status_code=exc.status_code, headers=headers)

    @app.exception_handler(RendementError)
    async def _rendement(request: Request, exc: RendementError) -> JSONResponse:
        return JSONResponse({"code": exc.code, "message": str(exc), "errors": []}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # a body that cannot be parsed is invalid input as well
            return JSONResponse(
                {
                    "code": "invalid_input",
                    "message": f"the request body cannot be read: {exc.detail}",
                    "errors": [FieldError("body", str(exc.detail), "a JSON object").to_dict()],
                },
                status_code=422,
            )
        codes = {
            404: "not_found",
            405: "method_not_allowed",
            401: "missing_api_key",
            413: "body_too_large",
        }
        code = codes.get(exc.status_code, f"http_{exc.status_code}")
        return JSONResponse(
            {"code": code, "message": str(exc.detail), "errors": []},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        # The path and the exception type only: never request bodies (client values).
        where = "; ".join(
            f"{f.filename}:{f.lineno} in {f.name}"
            for f in traceback.extract_tb(exc.__traceback__)[-5:]
        )
        log.error(
            "internal error on %s %s: %s at %s",
            request.method,
            request.url.path,
            type(exc).__name__,
            where,
        )
        return JSONResponse(
            {
                "code": "internal_error",
                "message": "an internal error occurred; it was logged",
                "errors": [],
            },
            status_code=500,
        )
