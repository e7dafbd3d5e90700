"""Errors of business calendars."""

from __future__ import annotations

from frontdesk.core.errors import Conflict


class CalendarNameTaken(Conflict):
    def __init__(self, name: str) -> None:
        super().__init__(f"A business calendar named {name!r} already exists.", code="name_taken")
