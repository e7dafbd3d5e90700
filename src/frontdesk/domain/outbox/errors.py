"""Errors of the outbox (each maps to its API status and code)."""

from __future__ import annotations

from frontdesk.core.errors import Conflict, NotFound


class OutboxItemNotFound(NotFound):
    code = "mail_queue_item_not_found"

    def __init__(self) -> None:
        super().__init__("No such item in the mail queue.")


class OutboxStatusConflict(Conflict):
    """Retry or cancel asked of an item whose status does not allow it."""

    code = "mail_queue_status_conflict"

    def __init__(self, action: str, status: str) -> None:
        super().__init__(f"An item that is {status} cannot be {action}.")


class DeliveryFailed(Exception):
    """A deliverer could not deliver; ``permanent`` gives up at once (a 5xx refusal)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
