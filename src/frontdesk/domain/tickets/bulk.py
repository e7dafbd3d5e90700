"""Bulk changes of tickets: the same changes applied to many tickets from a ticket list.

The request as a whole is validated first (tickets chosen, not too many, something to change,
the named owner, state, priority and queue exist): a bad request changes nothing. Then each
ticket is changed through the single-ticket actions in its OWN transaction, so a ticket that
refuses (no permission, gone, a state it cannot take) leaves the others changed, and each
ticket's events go out when its own transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from frontdesk.core.actor import Actor
from frontdesk.core.errors import DomainError, PermissionDenied, ValidationFailed
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts.models import Agent
from frontdesk.domain.runtime import Runtime, Tx
from frontdesk.domain.tickets.access import access_ticket_by_id
from frontdesk.domain.tickets.actions import (
    check_update_ticket,
    do_add_article,
    do_update_ticket,
    resolve_priority,
    resolve_queue,
    resolve_state,
)
from frontdesk.domain.tickets.schemas import MAX_ID, ArticleCreate, NamedOption, TicketUpdate

# One request changes at most this many tickets: each is its own transaction, and a request
# must finish well within a proxy's timeout.
MAX_BULK_TICKETS = 500
MAX_SUBJECT = 255
MAX_BODY = 1_000_000


@dataclass(frozen=True)
class BulkChange:
    """What to do to every chosen ticket; None (or an empty note body) means "leave it"."""

    ticket_ids: tuple[int, ...]
    lock: Literal["lock", "unlock"] | None = None
    owner_id: int | None = None
    state_id: int | None = None
    priority_id: int | None = None
    queue_id: int | None = None
    note_subject: str = ""
    note_body: str = ""

    def update_fields(self) -> dict[str, Any]:
        fields = {
            "lock": self.lock,
            "owner_id": self.owner_id,
            "state_id": self.state_id,
            "priority_id": self.priority_id,
            "queue_id": self.queue_id,
        }
        return {name: value for name, value in fields.items() if value is not None}


@dataclass(frozen=True)
class BulkOutcome:
    """What happened to one ticket. ``number`` is None when the agent may not see the ticket
    (it is not told whether it exists). ``changed`` names the fields that changed (``note`` for
    the note); ``error``/``error_field`` say why nothing changed."""

    ticket_id: int
    number: str | None
    ok: bool
    changed: tuple[str, ...] = ()
    error: str = ""
    error_field: str | None = None


async def owner_choices(session: AsyncSession) -> list[NamedOption]:
    """Every valid agent: whether one may own a given ticket is decided per ticket."""
    rows = await session.execute(
        select(Agent.id, Agent.login, Agent.first_name, Agent.last_name)
        .where(Agent.valid.is_(True))
        .order_by(Agent.first_name, Agent.last_name, Agent.login)
    )
    return [
        NamedOption(id=r.id, name=f"{r.first_name} {r.last_name}".strip() or r.login) for r in rows
    ]


async def check_bulk_change(tx: Tx, actor: Actor, change: BulkChange) -> tuple[int, ...]:
    """Validate the request as a whole, changing nothing; answer the ticket ids, each once."""
    if not actor.is_agent:
        raise PermissionDenied("Only agents change tickets in bulk.")
    ids = tuple(dict.fromkeys(change.ticket_ids))
    if not ids:
        raise ValidationFailed("ticket_id", "Select at least one ticket.", code="none_selected")
    if len(ids) > MAX_BULK_TICKETS:
        raise ValidationFailed(
            "ticket_id",
            f"Select at most {MAX_BULK_TICKETS} tickets at once.",
            code="too_many_tickets",
        )
    if any(not 1 <= ticket_id <= MAX_ID for ticket_id in ids):
        raise ValidationFailed("ticket_id", "is not a ticket id")
    if change.note_subject and not change.note_body:
        raise ValidationFailed("note_body", "A note needs a text.")
    if not change.update_fields() and not change.note_body:
        raise ValidationFailed("form", "Choose at least one change.", code="nothing_to_change")
    if len(change.note_subject) > MAX_SUBJECT or len(change.note_body) > MAX_BODY:
        field = "note_subject" if len(change.note_subject) > MAX_SUBJECT else "note_body"
        raise ValidationFailed(field, "is too long")
    session = tx.session
    if change.owner_id is not None:
        agent = await session.get(Agent, change.owner_id)
        if agent is None or not agent.valid:
            raise ValidationFailed("owner_id", "is not a known agent")
    if change.state_id is not None:
        await resolve_state(session, None, change.state_id, "state_id")
    if change.priority_id is not None:
        await resolve_priority(session, None, change.priority_id, "priority_id")
    if change.queue_id is not None:
        await resolve_queue(session, change.queue_id)
    return ids


async def _change_one(tx: Tx, actor: Actor, ticket_id: int, change: BulkChange) -> tuple[str, ...]:
    changed: list[str] = []
    if change.note_body:
        # The note first: it needs the note permission in the queue the ticket is in now.
        note = ArticleCreate(
            channel="internal",
            sender="agent",
            subject=change.note_subject,
            body=change.note_body,
            visible_for_customer=False,
        )
        await do_add_article(tx, actor, ticket_id, note)
        changed.append("note")
    fields = change.update_fields()
    if fields:
        data = TicketUpdate.model_validate(fields)
        plan = await check_update_ticket(tx, actor, ticket_id, data)
        await do_update_ticket(tx, actor, ticket_id, data)
        changed.extend(plan.fields)
    return tuple(changed)


async def do_bulk_change(
    factory: async_sessionmaker[AsyncSession],
    runtime: Runtime,
    actor: Actor,
    change: BulkChange,
) -> list[BulkOutcome]:
    """Apply ``change`` to each ticket in its own transaction; one outcome per ticket, in the
    order asked. The caller must hold no write transaction (SQLite would wait for it)."""
    async with unit_of_work(factory) as session:
        ids = await check_bulk_change(Tx(session=session, runtime=runtime), actor, change)
    outcomes: list[BulkOutcome] = []
    for ticket_id in ids:
        number: str | None = None
        try:
            async with unit_of_work(factory) as session:
                tx = Tx(session=session, runtime=runtime)
                number = (await access_ticket_by_id(session, actor, ticket_id)).number
                changed = await _change_one(tx, actor, ticket_id, change)
        except DomainError as exc:
            field = exc.field if isinstance(exc, ValidationFailed) else None
            outcomes.append(
                BulkOutcome(ticket_id, number, ok=False, error=exc.message, error_field=field)
            )
        else:
            outcomes.append(BulkOutcome(ticket_id, number, ok=True, changed=changed))
    return outcomes
