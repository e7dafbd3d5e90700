"""Errors of the accounts feature."""

from __future__ import annotations

from frontdesk.core.errors import Conflict, InvalidCredentials, RateLimited


class LoginFailed(InvalidCredentials):
    def __init__(self) -> None:
        super().__init__("Login failed: wrong login name or password.", code="invalid_credentials")


class TooManyLoginAttempts(RateLimited):
    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(
            "Too many failed logins. Try again later.", retry_after_seconds=retry_after_seconds
        )
        self.code = "too_many_login_attempts"


class NameTaken(Conflict):
    """Another object of the same kind already has this unique name (login, customer_id, …)."""

    def __init__(self, what: str, field: str, value: str) -> None:
        super().__init__(
            f"{'An' if what[:1].lower() in 'aeiou' else 'A'} {what} with {field} {value!r} "
            "already exists.",
            code=f"{field}_taken",
            details=[{"field": field, "message": "already taken"}],
        )


class InUse(Conflict):
    """Deleting would break records that still refer to the object."""

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(
            f"This {what} cannot be deleted: {reason}. Set valid to false instead.",
            code=f"{what.replace(' ', '_')}_in_use",
        )


class ProtectedAccount(Conflict):
    """A change that would lock administrators out (the admin group, one's own account)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="protected")


class LoginTaken(NameTaken):
    def __init__(self, login: str, what: str = "agent") -> None:
        super().__init__(what, "login", login)
