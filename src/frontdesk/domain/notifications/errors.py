"""Errors of ticket notifications (each maps to its API status and code)."""

from __future__ import annotations

from frontdesk.core.errors import Conflict, NotFound


class NotificationNotFound(NotFound):
    code = "notification_not_found"

    def __init__(self, notification_id: int) -> None:
        super().__init__(f"There is no notification with id {notification_id}.")


class NotificationNameTaken(Conflict):
    code = "name_taken"

    def __init__(self, name: str) -> None:
        super().__init__(f"A notification named {name!r} exists already.")
