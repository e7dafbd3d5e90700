"""How the templates tell an escalated ticket from one that escalates later."""

from __future__ import annotations

from datetime import datetime

from frontdesk.core.clock import as_utc, utcnow
from frontdesk.domain.tickets.schemas import TicketOut


def earliest_escalation(ticket: TicketOut) -> str | None:
    """The first of the ticket's escalation times (ISO UTC), or None when it does not escalate.

    The API's ISO strings have one format, so the earliest also sorts first as text.
    """
    times = (
        ticket.escalation_response_at,
        ticket.escalation_update_at,
        ticket.escalation_solution_at,
    )
    return min((t for t in times if t), default=None)


def is_past(value: str | None, now: datetime | None = None) -> bool:
    """Whether an ISO UTC time has come (an escalation time: the ticket is escalated)."""
    if not value:
        return False
    moment = as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    return moment <= (now or utcnow())
