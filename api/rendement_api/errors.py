"""Errors of the service, each with an HTTP status and a stable machine-readable ``code``.

Every error response has one format (:class:`rendement_api.schemas.common.ErrorResponse`)::

    {"code": "invalid_input", "message": "...",
     "errors": [{"field": "birth_date", "message": "...", "expected": "a date YYYY-MM-DD"}]}
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from rendement.errors import RendementError


@dataclass(frozen=True)
class FieldError:
    """What is wrong with one field of a request, and what was expected."""

    field: str
    message: str
    expected: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ServiceError(RendementError):
    """A user-facing error of the service (4xx)."""

    code = "service_error"
    status_code = 400

    def __init__(self, message: str, errors: list[FieldError] | None = None):
        super().__init__(message)
        self.errors = list(errors or [])

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": str(self),
            "errors": [e.to_dict() for e in self.errors],
        }


class InvalidInputError(ServiceError):
    code = "invalid_input"
    status_code = 422


class BsnLikeIdError(InvalidInputError):
    code = "bsn_not_allowed"


class ProtectedAttributeError(InvalidInputError):
    code = "protected_attribute"


class UnknownInstrumentError(InvalidInputError):
    code = "unknown_instrument"


class ReasonRequiredError(InvalidInputError):
    code = "reason_required"


class InconsistentDecisionError(InvalidInputError):
    code = "inconsistent_decision"


class BatchTooLargeError(InvalidInputError):
    code = "batch_too_large"


class MissingKeyError(ServiceError):
    code = "missing_api_key"
    status_code = 401


class UnknownKeyError(ServiceError):
    code = "invalid_api_key"
    status_code = 401


class ForbiddenRoleError(ServiceError):
    code = "forbidden_role"
    status_code = 403


class NotOwnAdviceError(ServiceError):
    code = "not_own_advice"
    status_code = 403


class AdviceNotFoundError(ServiceError):
    code = "advice_not_found"
    status_code = 404


class DecisionExistsError(ServiceError):
    code = "decision_exists"
    status_code = 409


class OverloadedError(ServiceError):
    """Too many requests waiting: 503 with ``Retry-After``; nothing was logged."""

    code = "overloaded"
    status_code = 503

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class BodyTooLargeError(ServiceError):
    code = "body_too_large"
    status_code = 413


class KeyStoreError(RendementError):
    """An API key cannot be created or revoked as asked (CLI)."""

    code = "key_error"


class AdviceLogError(RendementError):
    """The advice log cannot be reached or migrated."""

    code = "advice_log_error"
