"""Errors of the queue mail set-up."""

from __future__ import annotations

from frontdesk.core.errors import Conflict


class NameTaken(Conflict):
    """Another entry of the same kind already has this name (or this e-mail address)."""

    def __init__(self, entity: str, name: str, *, field: str = "name") -> None:
        super().__init__(
            f"A {entity} with the {field.replace('_', ' ')} {name!r} already exists.",
            code="name_taken",
            details={"field": field},
        )


class InUse(Conflict):
    """The entry is still needed by a queue or an automatic response."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="in_use")


class QueueHasAutoResponse(Conflict):
    """A queue sends one automatic response per type; another one of this type is assigned."""

    def __init__(self, queue_name: str, response_type: str, other: str) -> None:
        super().__init__(
            f"The queue {queue_name!r} already sends the {response_type} response {other!r};"
            " take it off that response first.",
            code="queue_has_auto_response",
            details={"field": "queue_ids"},
        )
