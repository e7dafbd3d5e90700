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


class LoginTaken(Conflict):
    def __init__(self, login: str) -> None:
        super().__init__(f"The login {login} is already taken.", code="login_taken")
