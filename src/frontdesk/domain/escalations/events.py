"""Events of escalations, for the notification engine (and the agents' live views)."""

from __future__ import annotations

from typing import ClassVar, Literal

from frontdesk.bus.events import Event

NoticeName = Literal[
    "escalation_response_warning",
    "escalation_response",
    "escalation_update_warning",
    "escalation_update",
    "escalation_solution_warning",
    "escalation_solution",
]


class TicketEscalationReached(Event):
    """A ticket reached a warning threshold or an escalation time (announced once each).

    ``name`` is the notification event name; ``due_at`` the escalation instant (ISO UTC, ``Z``)
    it is about, also for a warning.
    """

    kind: ClassVar[str] = "ticket.escalation"
    ticket_id: int
    name: NoticeName
    due_at: str
