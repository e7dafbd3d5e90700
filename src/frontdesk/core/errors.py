"""Domain errors. Each carries the API error code and HTTP status it maps to.

The web layer turns them into ``{"error": {"code", "message", "details"}}`` for the API and into
inline messages on pages, so a route never decides a status code itself.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details


class AuthenticationRequired(DomainError):
    status = 401
    code = "authentication_required"


class InvalidCredentials(DomainError):
    status = 401
    code = "invalid_credentials"


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class ValidationFailed(DomainError):
    """Input that breaks a rule. ``field`` names the offending input field."""

    status = 422
    code = "validation_failed"

    def __init__(self, field: str, message: str, *, code: str | None = None) -> None:
        super().__init__(message, code=code, details=[{"field": field, "message": message}])
        self.field = field


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message, details={"retry_after_seconds": retry_after_seconds})
        self.retry_after_seconds = retry_after_seconds
