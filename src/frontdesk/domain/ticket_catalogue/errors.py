"""Errors of the ticket catalogue."""

from __future__ import annotations

from frontdesk.core.errors import Conflict


class NameTaken(Conflict):
    """Another entry of the same kind already has this name (services: under the same parent)."""

    def __init__(self, entity: str, name: str) -> None:
        super().__init__(f"A {entity} named {name!r} already exists.", code="name_taken")


class InUse(Conflict):
    """The entry is still needed (by tickets, child services, or the system itself)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="in_use")
