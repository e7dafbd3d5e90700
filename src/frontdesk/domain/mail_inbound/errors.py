"""Errors of incoming mail (each maps to its API status and code)."""

from __future__ import annotations

from frontdesk.core.errors import Conflict, NotFound


class MailAccountNotFound(NotFound):
    code = "mail_account_not_found"

    def __init__(self) -> None:
        super().__init__("No such mail account.")


class PostmasterFilterNotFound(NotFound):
    code = "postmaster_filter_not_found"

    def __init__(self) -> None:
        super().__init__("No such postmaster filter.")


class FailedMailNotFound(NotFound):
    code = "failed_mail_not_found"

    def __init__(self) -> None:
        super().__init__("No such failed incoming mail.")


class FilterNameTaken(Conflict):
    def __init__(self, name: str) -> None:
        super().__init__(f"A postmaster filter named {name!r} already exists.", code="name_taken")


class FailedMailNotRetryable(Conflict):
    code = "failed_mail_not_retryable"

    def __init__(self) -> None:
        super().__init__(
            "Only the headers of this mail were kept (it was too large); it cannot be processed"
            " again. It is still on the mail server."
        )


class MailServerError(Exception):
    """A mail server refused or failed (login, network, protocol); the message is for the admin."""
