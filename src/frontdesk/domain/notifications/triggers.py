"""From a committed change to a notification trigger, in the transaction of the change.

Nothing here is called by the ticket actions: a session listener reads what the transaction
wrote and adds one ``NotificationTrigger`` row per notification event, so the trigger commits
or rolls back with the change itself (a crash after commit loses nothing; a rollback leaves
nothing). The notification sweep (``dispatch.py``) evaluates it later.

Two sources, each a table — adding a source is one line:

* ``HISTORY_EVENTS``: ticket history rows (every ticket action writes one, with its actor);
* ``EVENT_TRIGGERS``: bus events queued in the transaction (``tx.emit``), by kind — for a source
  that writes no ticket history (escalations: ``register_event_trigger(kind, named_event)``).

Pending reminders have no change to listen to: ``queue_pending_reminders`` (a periodic job)
writes their triggers when the time comes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy import event as sa_event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from frontdesk.bus.bus import queued_events
from frontdesk.bus.events import Event
from frontdesk.core.clock import utcnow
from frontdesk.domain.notifications.models import NotificationTrigger
from frontdesk.domain.ticket_catalogue.models import TicketState
from frontdesk.domain.tickets.models import Ticket, TicketHistory

_SEEN = "frontdesk.notifications.history"
_TRIGGER_TABLE = cast(Table, NotificationTrigger.__table__)

ARTICLE = ("article_create",)
CUSTOMER_ARTICLE = ("ticket_follow_up", "article_create")

# OTRS history type → notification events. Customer articles on an existing ticket are
# follow-ups (on a ticket created in the same transaction they are its first article).
HISTORY_EVENTS: dict[str, tuple[str, ...]] = {
    "NewTicket": ("ticket_create",),
    "FollowUp": CUSTOMER_ARTICLE,
    "EmailCustomer": CUSTOMER_ARTICLE,
    "PhoneCallCustomer": CUSTOMER_ARTICLE,
    "WebRequestCustomer": CUSTOMER_ARTICLE,
    "ChatCustomer": CUSTOMER_ARTICLE,
    "SMSCustomer": CUSTOMER_ARTICLE,
    "MiscCustomer": CUSTOMER_ARTICLE,
    "AddNote": ("note_add", "article_create"),
    "EmailAgent": ARTICLE,
    "PhoneCallAgent": ARTICLE,
    "ChatAgent": ARTICLE,
    "SMSAgent": ARTICLE,
    "MiscAgent": ARTICLE,
    "SystemRequest": ARTICLE,
    "OwnerUpdate": ("ticket_owner_update",),
    "ResponsibleUpdate": ("ticket_responsible_update",),
    "Move": ("ticket_queue_update",),
    "StateUpdate": ("ticket_state_update",),
    "PriorityUpdate": ("ticket_priority_update",),
    "ServiceUpdate": ("ticket_service_update",),
    "UnlockTimeout": ("ticket_lock_timeout",),
}


@dataclass(frozen=True)
class Trigger:
    event: str
    ticket_id: int
    article_id: int | None
    actor_kind: str
    actor_id: int | None


EventTrigger = Callable[[Event], "Trigger | None"]


def named_event(event: Event) -> Trigger | None:
    """A bus event that carries its notification event as ``name`` and its ``ticket_id`` (the
    escalation events do); acted by the system."""
    name: Any = getattr(event, "name", None)
    ticket_id: Any = getattr(event, "ticket_id", None)
    if not isinstance(name, str) or not isinstance(ticket_id, int):
        return None
    return Trigger(name, ticket_id, None, "system", None)


EVENT_TRIGGERS: dict[str, EventTrigger] = {
    # frontdesk.domain.escalations.events.TicketEscalationReached (named by kind, so this
    # module does not depend on that feature).
    "ticket.escalation": named_event,
}


def register_event_trigger(kind: str, trigger: EventTrigger = named_event) -> None:
    EVENT_TRIGGERS[kind] = trigger


def triggers_of_history(rows: list[TicketHistory]) -> list[Trigger]:
    created = {row.ticket_id for row in rows if row.history_type == "NewTicket"}
    found: list[Trigger] = []
    for row in rows:
        for name in HISTORY_EVENTS.get(row.history_type, ()):
            if name == "ticket_follow_up" and row.ticket_id in created:
                continue
            found.append(Trigger(name, row.ticket_id, row.article_id, row.actor_kind, row.actor_id))
    return found


def _collect(session: Session, flush_context: Any, instances: Any) -> None:
    """Before each flush: remember the history rows it will write (after it they are no longer
    in ``session.new``)."""
    del flush_context, instances
    rows = [obj for obj in session.new if isinstance(obj, TicketHistory)]
    if rows:
        session.info.setdefault(_SEEN, []).extend(rows)


def _add_triggers(session: Session) -> None:
    """Before commit (the commit flushes what is added here): one trigger per distinct
    (event, ticket, article)."""
    # A row flushed inside a savepoint that rolled back is no longer persistent: no trigger.
    rows = [row for row in session.info.pop(_SEEN, []) if sa_inspect(row).persistent]
    rows += [obj for obj in session.new if isinstance(obj, TicketHistory)]
    found = triggers_of_history(rows)
    # The bus keeps the transaction's events in ``info``, shared by the async session.
    for queued in queued_events(cast(Any, session)):
        make = EVENT_TRIGGERS.get(queued.kind)
        trigger = make(queued) if make is not None else None
        if trigger is not None:
            found.append(trigger)
    if not found:
        return
    now = utcnow()
    # One INSERT for all of them (a plain executemany of the table's insert): the ORM would
    # insert them one by one on SQLite to get each new id back, which nothing here reads.
    session.execute(
        insert(_TRIGGER_TABLE),
        [
            {
                "event": trigger.event,
                "ticket_id": trigger.ticket_id,
                "article_id": trigger.article_id,
                "actor_kind": trigger.actor_kind,
                "actor_id": trigger.actor_id,
                "status": "queued",
                "attempts": 0,
                "next_attempt_at": now,
                "last_error": None,
                "created_at": now,
            }
            for trigger in dict.fromkeys(found)
        ],
    )


def _forget(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_SEEN, None)


def install() -> None:
    """Listen on every session (idempotent). Called once at import of this module."""
    for name, listener in (
        ("before_flush", _collect),
        ("before_commit", _add_triggers),
        ("after_soft_rollback", _forget),
    ):
        if not sa_event.contains(Session, name, listener):
            sa_event.listen(Session, name, listener)


install()


PENDING_REMINDER_STATE_TYPE = "pending reminder"


async def queue_pending_reminders(session: AsyncSession, now: datetime) -> int:
    """One ``ticket_pending_reminder`` trigger per reached pending time (OTRS' PendingCheck):
    tickets in a "pending reminder" state whose time has come and that have no reminder
    trigger since that time. Idempotent; a new pending time gets a new reminder."""
    reminded = (
        select(NotificationTrigger.id)
        .where(
            NotificationTrigger.ticket_id == Ticket.id,
            NotificationTrigger.event == "ticket_pending_reminder",
            NotificationTrigger.created_at >= Ticket.pending_until,
        )
        .exists()
    )
    due = await session.scalars(
        select(Ticket.id)
        .join(TicketState, TicketState.id == Ticket.state_id)
        .where(
            TicketState.state_type == PENDING_REMINDER_STATE_TYPE,
            Ticket.pending_until.is_not(None),
            Ticket.pending_until <= now,
            ~reminded,
        )
        .order_by(Ticket.id)
    )
    ticket_ids = list(due)
    for ticket_id in ticket_ids:
        session.add(
            NotificationTrigger(
                event="ticket_pending_reminder",
                ticket_id=ticket_id,
                article_id=None,
                actor_kind="system",
                actor_id=None,
                status="queued",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
    await session.flush()
    return len(ticket_ids)
