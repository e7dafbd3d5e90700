"""Errors of the queue mail set-up. Those about one input name it in ``details`` the way
validation errors do (``[{"field", "message"}]``), so forms show them next to that input."""

from __future__ import annotations

from frontdesk.core.errors import Conflict

_FIELD_WORDS = {"name": "name", "email": "e-mail address"}


class NameTaken(Conflict):
    """Another entry of the same kind already has this name (or this e-mail address)."""

    def __init__(self, entity: str, name: str, *, field: str = "name") -> None:
        message = f"A {entity} with the {_FIELD_WORDS.get(field, field)} {name!r} already exists."
        super().__init__(message, code="name_taken", details=[{"field": field, "message": message}])


class InUse(Conflict):
    """The entry is still needed by a queue or an automatic response."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="in_use")


class QueueHasAutoResponse(Conflict):
    """A queue sends one automatic response per type; another one of this type is assigned."""

    def __init__(self, queue_name: str, response_type: str, other: str) -> None:
        message = (
            f"The queue {queue_name!r} already sends the {response_type} response {other!r};"
            " take it off that response first."
        )
        super().__init__(
            message,
            code="queue_has_auto_response",
            details=[{"field": "queue_ids", "message": message}],
        )
