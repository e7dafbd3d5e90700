"""Events of business calendars.

Every write emits one ``BusinessCalendarChanged`` with an empty audience (in-process subscribers
only): escalation times of the tickets counted in the calendar are recomputed from it.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from frontdesk.bus.events import Event

CalendarOp = Literal["created", "updated", "deleted"]


class BusinessCalendarChanged(Event):
    kind: ClassVar[str] = "business_calendars.changed"
    calendar_id: int
    op: CalendarOp
