"""Unlock timeout (run by jobs.py): a locked ticket its owner leaves alone too long is freed.

After OTRS (``Maint::Ticket::UnlockTimeout``): the queue's "Unlock timeout" in minutes, counted
in working time of the ticket's calendar; a queue whose timeout is 0 never unlocks.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select

from frontdesk.core.actor import SYSTEM
from frontdesk.core.clock import as_utc
from frontdesk.domain.escalations.actions import ticket_calendar
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue.models import Queue, TicketState
from frontdesk.domain.tickets.actions.history import add_history, ticket_audience
from frontdesk.domain.tickets.events import TicketUpdated
from frontdesk.domain.tickets.models import Ticket, TicketHistory

# OTRS Ticket::UnlockStateType: only tickets someone should be working on are unlocked; a
# pending ticket waits for its time, a closed one needs nobody.
UNLOCK_STATE_TYPES = ("new", "open")
# History rows that hand a ticket to its owner: the clock starts again for them.
HANDED_OVER = ("Lock", "OwnerUpdate")
UNLOCK_TIMEOUT_HISTORY = "UnlockTimeout"


def _touches_owner_clock() -> ColumnElement[bool]:
    """A history row that restarts the owner's clock on its ticket."""
    return or_(
        TicketHistory.history_type.in_(HANDED_OVER),
        and_(TicketHistory.actor_kind == "agent", TicketHistory.actor_id == Ticket.owner_id),
    )


async def do_unlock_timed_out_tickets(tx: Tx, now: datetime) -> list[int]:
    """Unlock the locked tickets whose owner has not touched them for their queue's unlock
    timeout; returns their ids.

    The timeout counts from the owner's last touch: the latest history row of the ticket that
    is a lock (``Lock``), a change of owner (``OwnerUpdate``, by whoever made it), or anything
    the current owner did on it — an article, a note, any attribute change (a row acted by the
    owner). Customer follow-ups, other agents' actions and the system's rows do not count.
    Without any such row the ticket's creation counts. The time in between is working time of
    the ticket's calendar (its SLA's, else its queue's; none: wall-clock time), as in OTRS;
    the ticket is unlocked once it reaches ``unlock_timeout`` minutes.

    Only tickets in a state of type ``new`` or ``open``; pending, closed, merged and removed
    tickets stay as they are. Each unlock writes an ``UnlockTimeout`` history row (old lock,
    new unlock) as the system, which the notifications turn into ``ticket_lock_timeout``, and
    emits ``TicketUpdated`` (``lock``), published after commit. Idempotent: an unlocked ticket
    is not looked at again.
    """
    session = tx.session
    states = select(TicketState.id).where(TicketState.state_type.in_(UNLOCK_STATE_TYPES))
    queues = list(
        await session.scalars(select(Queue).where(Queue.unlock_timeout > 0).order_by(Queue.id))
    )
    unlocked: list[int] = []
    for queue in queues:
        timeout = timedelta(minutes=queue.unlock_timeout)
        # Working time never exceeds wall-clock time: a ticket touched since then is not due.
        touched_since = (
            select(TicketHistory.id)
            .where(
                TicketHistory.ticket_id == Ticket.id,
                TicketHistory.created_at > now - timeout,
                _touches_owner_clock(),
            )
            .exists()
        )
        candidates = list(
            await session.scalars(
                select(Ticket)
                .where(
                    Ticket.queue_id == queue.id,
                    Ticket.lock_state == "lock",
                    Ticket.state_id.in_(states),
                    ~touched_since,
                )
                .order_by(Ticket.id)
            )
        )
        if not candidates:
            continue
        rows = await session.execute(
            select(TicketHistory.ticket_id, func.max(TicketHistory.created_at))
            .join(Ticket, Ticket.id == TicketHistory.ticket_id)
            .where(
                TicketHistory.ticket_id.in_([t.id for t in candidates]),
                _touches_owner_clock(),
            )
            .group_by(TicketHistory.ticket_id)
        )
        last_touch = {ticket_id: at for ticket_id, at in rows}
        for ticket in candidates:
            since = as_utc(last_touch.get(ticket.id) or ticket.created_at)
            calendar = await ticket_calendar(session, ticket, queue)
            if calendar.between(since, now) < timeout:
                continue
            add_history(
                session,
                ticket.id,
                SYSTEM,
                UNLOCK_TIMEOUT_HISTORY,
                {"old": "lock", "new": "unlock"},
                at=now,
            )
            ticket.lock_state = "unlock"
            ticket.updated_at = now
            unlocked.append(ticket.id)
            tx.emit(
                TicketUpdated(
                    ticket_id=ticket.id,
                    fields=("lock",),
                    audience=ticket_audience(ticket, (queue.group_id,), customer=True),
                )
            )
    await session.flush()
    return unlocked
