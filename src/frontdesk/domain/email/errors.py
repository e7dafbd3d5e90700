"""Errors of the e-mail channel (each maps to its API status and code)."""

from __future__ import annotations

from frontdesk.core.errors import NotFound


class MailSourceNotFound(NotFound):
    """The article is not an e-mail, or its source may not be shown to this caller."""

    code = "mail_source_not_found"

    def __init__(self) -> None:
        super().__init__("This article has no e-mail source.")
