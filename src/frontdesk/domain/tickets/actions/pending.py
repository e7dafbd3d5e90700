"""Pending auto close (run by jobs.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from frontdesk.core.actor import SYSTEM
from frontdesk.domain.escalations.actions import recompute_escalation
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue.models import Queue, TicketState
from frontdesk.domain.tickets.actions.history import add_history, ticket_audience
from frontdesk.domain.tickets.events import TicketUpdated
from frontdesk.domain.tickets.models import Ticket

# OTRS: when the pending time of a "pending auto" state passes, the ticket closes.
PENDING_AUTO_TARGETS = {
    "pending auto close+": "closed successful",
    "pending auto close-": "closed unsuccessful",
}


async def do_close_expired_pending_tickets(tx: Tx, now: datetime) -> list[int]:
    """Close tickets whose auto-close pending time has passed; returns their ids.

    Idempotent: a closed ticket is no longer pending, so a second run finds nothing. Runs as the
    system actor inside a job.
    """
    session = tx.session
    states = {s.name: s for s in await session.scalars(select(TicketState))}
    closed = []
    for pending_name, target_name in PENDING_AUTO_TARGETS.items():
        pending, target = states.get(pending_name), states.get(target_name)
        if pending is None or target is None:
            continue
        due = await session.scalars(
            select(Ticket).where(Ticket.state_id == pending.id, Ticket.pending_until <= now)
        )
        for ticket in due:
            add_history(
                session,
                ticket.id,
                SYSTEM,
                "StateUpdate",
                {"old": pending.name, "new": target.name},
                at=now,
            )
            ticket.state_id = target.id
            ticket.pending_until = None
            ticket.updated_at = now
            await recompute_escalation(tx, ticket, now=now)
            closed.append(ticket.id)
            group_id = await session.scalar(
                select(Queue.group_id).where(Queue.id == ticket.queue_id)
            )
            tx.emit(
                TicketUpdated(
                    ticket_id=ticket.id,
                    fields=("state", "pending_until"),
                    audience=ticket_audience(
                        ticket, (group_id,) if group_id is not None else (), customer=True
                    ),
                )
            )
    await session.flush()
    return closed
