"""Creating a ticket with its first article.

Tickets created by customer users (and by the system actor, unless it names an owner) get agent 1
(``admin``, created on first start and never deleted; in OTRS user 1 ``root@localhost`` plays
this part) as owner and responsible until an agent takes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.domain.accounts.models import Agent, CustomerUser
from frontdesk.domain.dynamic_fields.values import ValueChange, plan_values, write_values
from frontdesk.domain.escalations.actions import recompute_escalation
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue.models import (
    Priority,
    Queue,
    Service,
    Sla,
    TicketState,
    TicketType,
)
from frontdesk.domain.tickets.actions.articles import (
    PreparedArticle,
    article_history_type,
    prepare_article,
    write_article,
)
from frontdesk.domain.tickets.actions.history import add_history, ticket_audience
from frontdesk.domain.tickets.actions.resolving import (
    check_assignable_agent,
    check_pending_until,
    deny,
    resolve_customer_user,
    resolve_priority,
    resolve_queue,
    resolve_state,
    resolve_valid,
)
from frontdesk.domain.tickets.events import ArticleCreated, TicketCreated
from frontdesk.domain.tickets.models import Ticket
from frontdesk.domain.tickets.numbers import next_ticket_number
from frontdesk.domain.tickets.schemas import TicketCreate
from frontdesk.domain.tickets.settings import SYSTEM_ID

# The agent that owns customer- and system-created tickets until someone takes them.
DEFAULT_OWNER_ID = 1
DEFAULT_STATE = "new"
DEFAULT_PRIORITY = "3 normal"
# The screen whose dynamic fields a customer may set on a new ticket.
CUSTOMER_NEW_TICKET_SCREEN = "customer_ticket_new"


@dataclass
class TicketDraft:
    queue: Queue
    state: TicketState
    priority: Priority
    owner_id: int
    responsible_id: int
    customer_user: CustomerUser | None
    pending_until: datetime | None
    article: PreparedArticle
    type_id: int | None = None
    service_id: int | None = None
    sla_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    # The ticket's dynamic field values, checked (``dynamic_fields.values.plan_values``).
    field_values: list[ValueChange] = field(default_factory=list)


async def check_create_ticket(tx: Tx, actor: Actor, data: TicketCreate) -> TicketDraft:
    session = tx.session
    now = utcnow()
    queue = await resolve_queue(session, data.queue_id)
    if actor.is_agent:
        if not actor.has(queue.group_id, "create"):
            raise deny("create", "create tickets in this queue")
    elif actor.is_customer:
        if not actor.has(queue.group_id, "rw"):
            raise deny("rw", "create tickets in this queue")
    elif actor.kind != "system":
        raise PermissionDenied("Only agents and customer users may create tickets.")

    if actor.is_customer:
        state = await resolve_state(session, DEFAULT_STATE, None, "state")
        customer_user = await session.get(CustomerUser, actor.id)
        owner_id = responsible_id = DEFAULT_OWNER_ID
        pending_until = None
    else:
        if data.state is None and data.state_id is None:
            state = await resolve_state(session, DEFAULT_STATE, None, "state")
        else:
            state = await resolve_state(session, data.state, data.state_id, "state")
        pending_until = check_pending_until(state, data.pending_until, now)
        customer_user = (
            await resolve_customer_user(session, data.customer_user) if data.customer_user else None
        )
        creator_id = actor.id if actor.is_agent else DEFAULT_OWNER_ID
        owner_id = data.owner_id if data.owner_id is not None else creator_id
        responsible_id = data.responsible_id if data.responsible_id is not None else owner_id
        if data.owner_id is not None:
            await check_assignable_agent(session, owner_id, queue.group_id, "owner_id")
        if data.responsible_id is not None:
            agent = await session.get(Agent, responsible_id)
            if agent is None or not agent.valid:
                raise ValidationFailed("responsible_id", "is not a known agent")

    if data.priority is None and data.priority_id is None:
        priority = await resolve_priority(session, DEFAULT_PRIORITY, None, "priority")
    else:
        priority = await resolve_priority(session, data.priority, data.priority_id, "priority")
    if data.type_id is not None:
        await resolve_valid(session, TicketType, data.type_id)
    if data.service_id is not None:
        await resolve_valid(session, Service, data.service_id)
    if data.sla_id is not None:
        await resolve_valid(session, Sla, data.sla_id)

    field_values = await plan_values(
        session,
        "ticket",
        None,
        data.dynamic_fields,
        customer_screen=CUSTOMER_NEW_TICKET_SCREEN if actor.is_customer else None,
    )
    article = await prepare_article(
        tx,
        actor,
        data.article,
        customer_user,
        "article.",
        customer_screen=CUSTOMER_NEW_TICKET_SCREEN,
    )
    return TicketDraft(
        queue=queue,
        state=state,
        priority=priority,
        owner_id=owner_id,
        responsible_id=responsible_id,
        customer_user=customer_user,
        pending_until=pending_until,
        article=article,
        type_id=data.type_id,
        service_id=data.service_id,
        sla_id=data.sla_id,
        field_values=field_values,
    )


async def do_create_ticket(tx: Tx, actor: Actor, data: TicketCreate) -> Ticket:
    draft = await check_create_ticket(tx, actor, data)
    return await write_new_ticket(tx, actor, data.title, draft)


async def write_new_ticket(tx: Tx, actor: Actor, title: str, draft: TicketDraft) -> Ticket:
    """Insert a checked draft: the ticket, its first article, history and events."""
    now = utcnow()
    system_id = int(tx.setting(SYSTEM_ID))
    ticket = Ticket(
        number=await next_ticket_number(tx.session, system_id, now),
        title=title,
        queue_id=draft.queue.id,
        state_id=draft.state.id,
        priority_id=draft.priority.id,
        type_id=draft.type_id,
        service_id=draft.service_id,
        sla_id=draft.sla_id,
        lock_state="unlock",
        owner_id=draft.owner_id,
        responsible_id=draft.responsible_id,
        customer_user_id=draft.customer_user.id if draft.customer_user else None,
        customer_id=draft.customer_user.customer_id if draft.customer_user else None,
        pending_until=draft.pending_until,
        created_by_agent_id=actor.id if actor.is_agent else None,
        created_by_customer_user_id=actor.id if actor.is_customer else None,
        created_at=now,
        updated_at=now,
    )
    tx.session.add(ticket)
    await tx.session.flush()
    add_history(
        tx.session,
        ticket.id,
        actor,
        "NewTicket",
        {
            "number": ticket.number,
            "title": ticket.title,
            "queue": draft.queue.name,
            "state": draft.state.name,
            "priority": draft.priority.name,
        },
        at=now,
    )
    await write_values(tx.session, ticket.id, draft.field_values)
    for change in draft.field_values:
        add_history(
            tx.session, ticket.id, actor, change.history_type, change.history_values(), at=now
        )
    article = await write_article(tx, actor, ticket, draft.article, now)
    add_history(
        tx.session,
        ticket.id,
        actor,
        article_history_type(article.channel, article.sender_type, customer_web=actor.is_customer),
        {"subject": article.subject},
        article_id=article.id,
        at=now,
    )
    await recompute_escalation(tx, ticket, now=now)
    audience = ticket_audience(ticket, (draft.queue.group_id,), customer=True)
    tx.emit(
        TicketCreated(
            ticket_id=ticket.id, number=ticket.number, queue_id=ticket.queue_id, audience=audience
        )
    )
    tx.emit(
        ArticleCreated(
            ticket_id=ticket.id,
            article_id=article.id,
            visible_for_customer=article.visible_for_customer,
            audience=ticket_audience(
                ticket, (draft.queue.group_id,), customer=article.visible_for_customer
            ),
        )
    )
    return ticket
