"""Writes of tickets: create, add an article, change attributes.

Each write is ``check_*`` (validate + authorise, no change) then ``do_*`` (change + history +
events). ``do_*`` calls its ``check_*`` first, so a refused or invalid request writes nothing.
Actions never commit; the caller's unit of work does.

Tickets created by customer users (and by the system actor, unless it names an owner) get agent 1
(``admin``, created on first start and never deleted; in OTRS user 1 ``root@localhost`` plays
this part) as owner and responsible until an agent takes them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.bus.events import Audience
from frontdesk.core.actor import SYSTEM, Actor
from frontdesk.core.clock import as_utc, isoformat_z, utcnow
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.db.case_insensitive import equals_ignoring_case
from frontdesk.db.engine import upsert_insert
from frontdesk.domain.accounts.models import Agent, CustomerUser
from frontdesk.domain.accounts.queries import agent_group_permissions
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
from frontdesk.domain.tickets.access import (
    access_ticket_by_id,
    has_ticket_permission,
    queue_group_id,
)
from frontdesk.domain.tickets.errors import AttachmentTooLarge, TicketAlreadyLocked
from frontdesk.domain.tickets.events import ArticleCreated, TicketCreated, TicketUpdated
from frontdesk.domain.tickets.models import (
    Article,
    ArticleSeen,
    Attachment,
    Ticket,
    TicketHistory,
)
from frontdesk.domain.tickets.numbers import next_ticket_number
from frontdesk.domain.tickets.schemas import ArticleCreate, TicketCreate, TicketUpdate
from frontdesk.domain.tickets.settings import (
    ATTACHMENTS_HIDE_INLINE,
    SYSTEM_ID,
    TIMELINE_FILTER_DEFAULT,
    ZOOM_DEFAULT_VIEW,
)
from frontdesk.sysconfig.actions import do_set_user_value
from frontdesk.sysconfig.registry import Setting

# The agent that owns customer- and system-created tickets until someone takes them.
DEFAULT_OWNER_ID = 1
DEFAULT_STATE = "new"
DEFAULT_PRIORITY = "3 normal"
REOPEN_STATE = "open"
PENDING_STATE_TYPES = ("pending reminder", "pending auto")
# States a ticket cannot be put into by hand: they belong to merging and deleting.
UNSETTABLE_STATE_TYPES = ("merged", "removed")

_CONTENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")


# --- shared pieces -----------------------------------------------------------------------------


@dataclass
class PreparedAttachment:
    filename: str
    content_type: str
    content: bytes
    sha256: str


@dataclass
class PreparedArticle:
    channel: str
    sender_type: str
    visible_for_customer: bool
    subject: str
    body: str
    from_display: str
    attachments: list[PreparedAttachment]


def sanitize_filename(raw: str) -> str:
    """The last path component without control characters; never empty."""
    name = re.split(r"[/\\]", raw)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf"))
    name = name.strip().lstrip(".").strip()
    return name[:255] or "attachment"


def normalize_content_type(raw: str) -> str:
    """``type/subtype`` in lower case (parameters dropped), else application/octet-stream."""
    value = raw.split(";", 1)[0].strip().lower()
    return value if _CONTENT_TYPE.match(value) else "application/octet-stream"


def prepare_attachments(
    data: ArticleCreate, max_bytes: int, field_prefix: str
) -> list[PreparedAttachment]:
    prepared = []
    for index, attachment in enumerate(data.attachments):
        field_name = f"{field_prefix}attachments.{index}.content_base64"
        encoded = "".join(attachment.content_base64.split())
        # Refuse before decoding what is obviously too large: 4 characters carry 3 bytes.
        if len(encoded) // 4 * 3 > max_bytes + 2:
            raise AttachmentTooLarge(field_name, max_bytes)
        try:
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed(field_name, "is not valid base64") from None
        if len(content) > max_bytes:
            raise AttachmentTooLarge(field_name, max_bytes)
        prepared.append(
            PreparedAttachment(
                filename=sanitize_filename(attachment.filename),
                content_type=normalize_content_type(attachment.content_type),
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
            )
        )
    return prepared


def article_history_type(channel: str, sender_type: str, *, customer_web: bool) -> str:
    """The OTRS history type of a new article."""
    if customer_web:
        return "WebRequestCustomer"
    if channel == "internal":
        return "AddNote"
    if sender_type == "system":
        return "SystemRequest"
    side = "Customer" if sender_type == "customer" else "Agent"
    names = {"email": "Email", "phone": "PhoneCall", "chat": "Chat", "sms": "SMS"}
    return names.get(channel, "Misc") + side


def actor_name(actor: Actor) -> str:
    return actor.login


def add_history(
    session: AsyncSession,
    ticket_id: int,
    actor: Actor,
    history_type: str,
    values: dict[str, Any],
    *,
    article_id: int | None = None,
    at: datetime | None = None,
) -> None:
    session.add(
        TicketHistory(
            ticket_id=ticket_id,
            history_type=history_type,
            article_id=article_id,
            actor_kind=actor.kind,
            actor_id=actor.id if actor.kind != "system" else None,
            actor_name=actor_name(actor),
            values=values,
            created_at=at or utcnow(),
        )
    )


def ticket_audience(ticket: Ticket, group_ids: tuple[int, ...], *, customer: bool) -> Audience:
    agents = tuple(sorted({ticket.owner_id, ticket.responsible_id}))
    customers = (ticket.customer_user_id,) if customer and ticket.customer_user_id else ()
    return Audience(agent_ids=agents, group_ids=group_ids, customer_user_ids=customers)


async def write_article(
    tx: Tx, actor: Actor, ticket: Ticket, article: PreparedArticle, now: datetime
) -> Article:
    row = Article(
        ticket_id=ticket.id,
        channel=article.channel,
        sender_type=article.sender_type,
        visible_for_customer=article.visible_for_customer,
        subject=article.subject,
        body=article.body,
        from_display=article.from_display,
        channel_data={},
        created_by_agent_id=actor.id if actor.is_agent else None,
        created_by_customer_user_id=actor.id if actor.is_customer else None,
        created_at=now,
    )
    tx.session.add(row)
    await tx.session.flush()
    if actor.is_agent:  # an agent has seen what they wrote (as in OTRS)
        tx.session.add(ArticleSeen(article_id=row.id, agent_id=actor.id, seen_at=now))
    for attachment in article.attachments:
        tx.session.add(
            Attachment(
                article_id=row.id,
                filename=attachment.filename,
                content_type=attachment.content_type,
                size=len(attachment.content),
                sha256=attachment.sha256,
                disposition="attachment",
                content=attachment.content,
                created_at=now,
            )
        )
    return row


# --- lookups of the catalogue ------------------------------------------------------------------


async def resolve_state(
    session: AsyncSession, name: str | None, state_id: int | None, field_name: str
) -> TicketState:
    if state_id is not None:
        state = await session.get(TicketState, state_id)
        field_name = "state_id"
    else:
        state = await session.scalar(select(TicketState).where(TicketState.name == name))
    if state is None or not state.valid or state.state_type in UNSETTABLE_STATE_TYPES:
        raise ValidationFailed(field_name, "is not a state a ticket can be set to")
    return state


async def resolve_priority(
    session: AsyncSession, name: str | None, priority_id: int | None, field_name: str
) -> Priority:
    if priority_id is not None:
        priority = await session.get(Priority, priority_id)
        field_name = "priority_id"
    else:
        priority = await session.scalar(select(Priority).where(Priority.name == name))
    if priority is None or not priority.valid:
        raise ValidationFailed(field_name, "is not a known priority")
    return priority


async def resolve_valid(
    session: AsyncSession, model: type[TicketType] | type[Service] | type[Sla], value_id: int
) -> None:
    row: TicketType | Service | Sla | None = await session.get(model, value_id)
    if row is None or not row.valid:
        field_name = {TicketType: "type_id", Service: "service_id", Sla: "sla_id"}[model]
        raise ValidationFailed(field_name, "does not exist")


async def resolve_queue(session: AsyncSession, queue_id: int) -> Queue:
    queue = await session.get(Queue, queue_id)
    if queue is None or not queue.valid:
        raise ValidationFailed("queue_id", "is not a known queue")
    return queue


async def resolve_customer_user(session: AsyncSession, login: str) -> CustomerUser:
    user = await session.scalar(
        select(CustomerUser).where(equals_ignoring_case(CustomerUser.login, login.strip()))
    )
    if user is None:
        raise ValidationFailed("customer_user", "is not a known customer user")
    return user


async def check_assignable_agent(
    session: AsyncSession, agent_id: int, group_id: int, field_name: str
) -> Agent:
    """An agent who may own tickets of the group: valid, with ``owner`` (or rw) in it."""
    agent = await session.get(Agent, agent_id)
    if agent is None or not agent.valid:
        raise ValidationFailed(field_name, "is not a known agent")
    permissions = await agent_group_permissions(session, agent_id)
    if "owner" not in permissions.get(group_id, frozenset()):
        raise ValidationFailed(field_name, "this agent may not own tickets of this queue")
    return agent


def check_pending_until(
    state: TicketState, pending_until: datetime | None, now: datetime
) -> datetime | None:
    """Pending states need a time in the future; other states keep none."""
    if state.state_type not in PENDING_STATE_TYPES:
        return None
    if pending_until is None:
        raise ValidationFailed("pending_until", "a pending state needs a pending time")
    if as_utc(pending_until) <= now:
        raise ValidationFailed("pending_until", "must be in the future")
    return as_utc(pending_until)


def deny(permission: str, what: str) -> PermissionDenied:
    return PermissionDenied(
        f"You need the {permission} permission to {what}.", details={"permission": permission}
    )


# --- create a ticket ---------------------------------------------------------------------------


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

    article = await prepare_article(tx, actor, data.article, customer_user, "article.")
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
    )


async def prepare_article(
    tx: Tx,
    actor: Actor,
    data: ArticleCreate,
    customer_user: CustomerUser | None,
    field_prefix: str,
) -> PreparedArticle:
    """Decide channel, sender and visibility (customers' are forced) and decode attachments."""
    attachments = prepare_attachments(data, tx.runtime.settings.max_upload_bytes, field_prefix)
    if actor.is_customer:
        # A customer writes through the web: always an e-mail-like article they can see.
        return PreparedArticle(
            channel="email",
            sender_type="customer",
            visible_for_customer=True,
            subject=data.subject,
            body=data.body,
            from_display=actor.display_name or actor.login,
            attachments=attachments,
        )
    visible = (
        data.visible_for_customer
        if data.visible_for_customer is not None
        else data.channel != "internal"
    )
    from_display = actor.display_name or actor.login
    if data.sender == "customer" and customer_user is not None:
        from_display = f"{customer_user.full_name} <{customer_user.email}>"
    return PreparedArticle(
        channel=data.channel,
        sender_type=data.sender,
        visible_for_customer=visible,
        subject=data.subject,
        body=data.body,
        from_display=from_display,
        attachments=attachments,
    )


async def do_create_ticket(tx: Tx, actor: Actor, data: TicketCreate) -> Ticket:
    draft = await check_create_ticket(tx, actor, data)
    now = utcnow()
    system_id = int(tx.setting(SYSTEM_ID))
    ticket = Ticket(
        number=await next_ticket_number(tx.session, system_id, now),
        title=data.title,
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


# --- add an article ----------------------------------------------------------------------------


@dataclass
class ArticleDraft:
    ticket: Ticket
    group_id: int
    article: PreparedArticle
    reopen_state: TicketState | None


async def check_add_article(
    tx: Tx, actor: Actor, ticket_id: int, data: ArticleCreate
) -> ArticleDraft:
    session = tx.session
    if actor.is_customer:
        needed = "rw"  # OTRS: a customer follow-up needs rw in the queue's group
    elif data.channel == "internal":
        needed = "note"  # AgentTicketNote
    else:
        needed = "rw"  # compose, phone and e-mail outbound: visible to the customer
    ticket = await access_ticket_by_id(session, actor, ticket_id, needed)
    group_id = await queue_group_id(session, ticket.queue_id)
    customer_user = (
        await session.get(CustomerUser, ticket.customer_user_id)
        if ticket.customer_user_id
        else None
    )
    article = await prepare_article(tx, actor, data, customer_user, "")
    reopen_state = None
    if actor.is_customer:
        state = await session.get(TicketState, ticket.state_id)
        if state is not None and state.state_type == "closed":
            reopen_state = await resolve_state(session, REOPEN_STATE, None, "state")
    return ArticleDraft(
        ticket=ticket, group_id=group_id, article=article, reopen_state=reopen_state
    )


async def do_add_article(tx: Tx, actor: Actor, ticket_id: int, data: ArticleCreate) -> Article:
    draft = await check_add_article(tx, actor, ticket_id, data)
    ticket = draft.ticket
    now = utcnow()
    article = await write_article(tx, actor, ticket, draft.article, now)
    add_history(
        tx.session,
        ticket.id,
        actor,
        "FollowUp"
        if actor.is_customer
        else article_history_type(article.channel, article.sender_type, customer_web=False),
        {"subject": article.subject},
        article_id=article.id,
        at=now,
    )
    if draft.reopen_state is not None:
        old_state = await tx.session.get(TicketState, ticket.state_id)
        add_history(
            tx.session,
            ticket.id,
            actor,
            "StateUpdate",
            {"old": old_state.name if old_state else None, "new": draft.reopen_state.name},
            at=now,
        )
        ticket.state_id = draft.reopen_state.id
    ticket.updated_at = now
    await recompute_escalation(tx, ticket, now=now)
    tx.emit(
        ArticleCreated(
            ticket_id=ticket.id,
            article_id=article.id,
            visible_for_customer=article.visible_for_customer,
            audience=ticket_audience(
                ticket, (draft.group_id,), customer=article.visible_for_customer
            ),
        )
    )
    if draft.reopen_state is not None:
        tx.emit(
            TicketUpdated(
                ticket_id=ticket.id,
                fields=("state",),
                audience=ticket_audience(ticket, (draft.group_id,), customer=True),
            )
        )
    return article


# --- change attributes -------------------------------------------------------------------------


@dataclass
class Change:
    """One attribute change: the API field, the history row, and the column values to set."""

    field: str
    history_type: str
    old: Any
    new: Any
    columns: dict[str, Any]


@dataclass
class UpdatePlan:
    ticket: Ticket
    group_ids: tuple[int, ...]
    changes: list[Change]


_NOT_NULL = (
    "title",
    "queue_id",
    "state",
    "state_id",
    "priority",
    "priority_id",
    "owner_id",
    "responsible_id",
    "lock",
)


async def _names(session: AsyncSession, model: Any, *ids: int | None) -> list[str | None]:
    names = []
    for value_id in ids:
        row = await session.get(model, value_id) if value_id is not None else None
        names.append(getattr(row, "login", None) or getattr(row, "name", None))
    return names


async def check_update_ticket(
    tx: Tx, actor: Actor, ticket_id: int, data: TicketUpdate
) -> UpdatePlan:
    """Authorise and validate every requested change; return them, changing nothing."""
    session = tx.session
    ticket = await access_ticket_by_id(session, actor, ticket_id)
    if not (actor.is_agent or actor.kind == "system"):
        raise PermissionDenied("Customer users cannot change ticket attributes.")
    present = data.model_fields_set
    for name in _NOT_NULL:
        if name in present and getattr(data, name) is None:
            raise ValidationFailed(name, "must not be null")
    now = utcnow()
    current_group = await queue_group_id(session, ticket.queue_id)
    group_ids = [current_group]

    def require(permission: str, what: str) -> None:
        if not has_ticket_permission(actor, ticket, current_group, permission):
            raise deny(permission, what)

    changes: list[Change] = []
    target_group = current_group

    if "queue_id" in present and data.queue_id != ticket.queue_id:
        assert data.queue_id is not None
        require("move_into", "move this ticket")
        target = await resolve_queue(session, data.queue_id)
        if actor.kind != "system" and not actor.has(target.group_id, "move_into"):
            raise deny("move_into", "move tickets into that queue")
        target_group = target.group_id
        if target_group != current_group:
            group_ids.append(target_group)
        (old_queue,) = await _names(session, Queue, ticket.queue_id)
        changes.append(Change("queue_id", "Move", old_queue, target.name, {"queue_id": target.id}))

    if "title" in present and data.title != ticket.title:
        require("rw", "change the title")
        changes.append(
            Change("title", "TitleUpdate", ticket.title, data.title, {"title": data.title})
        )

    new_state: TicketState | None = None
    if ("state" in present or "state_id" in present) and (
        data.state is not None or data.state_id is not None
    ):
        require("rw", "change the state")
        new_state = await resolve_state(session, data.state, data.state_id, "state")
    effective_state = new_state or await session.get(TicketState, ticket.state_id)
    assert effective_state is not None
    if new_state is not None or "pending_until" in present:
        if "pending_until" in present:
            require("rw", "set the pending time")
        wanted = data.pending_until if "pending_until" in present else ticket.pending_until
        if (
            "pending_until" in present
            and data.pending_until is not None
            and effective_state.state_type not in PENDING_STATE_TYPES
        ):
            raise ValidationFailed("pending_until", "only pending states have a pending time")
        pending_until = check_pending_until(effective_state, wanted, now)
        if pending_until != (as_utc(ticket.pending_until) if ticket.pending_until else None):
            changes.append(
                Change(
                    "pending_until",
                    "SetPendingTime",
                    isoformat_z(ticket.pending_until),
                    isoformat_z(pending_until),
                    {"pending_until": pending_until},
                )
            )
    if new_state is not None and new_state.id != ticket.state_id:
        (old_state,) = await _names(session, TicketState, ticket.state_id)
        changes.append(
            Change("state", "StateUpdate", old_state, new_state.name, {"state_id": new_state.id})
        )

    if ("priority" in present or "priority_id" in present) and (
        data.priority is not None or data.priority_id is not None
    ):
        require("priority", "change the priority")
        priority = await resolve_priority(session, data.priority, data.priority_id, "priority")
        if priority.id != ticket.priority_id:
            (old_priority,) = await _names(session, Priority, ticket.priority_id)
            changes.append(
                Change(
                    "priority",
                    "PriorityUpdate",
                    old_priority,
                    priority.name,
                    {"priority_id": priority.id},
                )
            )

    for field_name, model, history_type in (
        ("type_id", TicketType, "TypeUpdate"),
        ("service_id", Service, "ServiceUpdate"),
        ("sla_id", Sla, "SLAUpdate"),
    ):
        if field_name not in present:
            continue
        value = getattr(data, field_name)
        if value == getattr(ticket, field_name):
            continue
        require("rw", f"change {field_name}")
        if value is not None:
            await resolve_valid(session, model, value)
        old_name, new_name = await _names(session, model, getattr(ticket, field_name), value)
        changes.append(Change(field_name, history_type, old_name, new_name, {field_name: value}))

    if "customer_user" in present:
        require("rw", "change the customer")
        user = (
            await resolve_customer_user(session, data.customer_user) if data.customer_user else None
        )
        if (user.id if user else None) != ticket.customer_user_id:
            (old_login,) = await _names(session, CustomerUser, ticket.customer_user_id)
            changes.append(
                Change(
                    "customer_user",
                    "CustomerUpdate",
                    old_login,
                    user.login if user else None,
                    {
                        "customer_user_id": user.id if user else None,
                        "customer_id": user.customer_id if user else None,
                    },
                )
            )

    new_owner_id = ticket.owner_id
    if "owner_id" in present and data.owner_id != ticket.owner_id:
        assert data.owner_id is not None
        require("owner", "change the owner")
        await check_assignable_agent(session, data.owner_id, target_group, "owner_id")
        new_owner_id = data.owner_id

    if "responsible_id" in present and data.responsible_id != ticket.responsible_id:
        assert data.responsible_id is not None
        require("rw", "change the responsible agent")
        agent = await session.get(Agent, data.responsible_id)
        if agent is None or not agent.valid:
            raise ValidationFailed("responsible_id", "is not a known agent")
        (old_responsible,) = await _names(session, Agent, ticket.responsible_id)
        changes.append(
            Change(
                "responsible_id",
                "ResponsibleUpdate",
                old_responsible,
                agent.login,
                {"responsible_id": agent.id},
            )
        )

    new_lock = ticket.lock_state
    if data.lock == "lock" and "lock" in present:
        require("owner", "lock this ticket")
        if ticket.lock_state == "lock" and ticket.owner_id != actor.id:
            (holder,) = await _names(session, Agent, ticket.owner_id)
            raise TicketAlreadyLocked(holder or "another agent")
        if ticket.lock_state != "lock":
            new_lock = "lock"
            if "owner_id" not in present:
                # Locking takes the ticket: the locking agent becomes its owner (OTRS).
                new_owner_id = actor.id
    elif data.lock == "unlock" and ticket.lock_state == "lock":
        if not (actor.is_agent and actor.id == ticket.owner_id):
            require("rw", "unlock a ticket somebody else holds")
        new_lock = "unlock"
    if new_owner_id != ticket.owner_id:
        old_owner, new_owner = await _names(session, Agent, ticket.owner_id, new_owner_id)
        changes.append(
            Change("owner_id", "OwnerUpdate", old_owner, new_owner, {"owner_id": new_owner_id})
        )
    if new_lock != ticket.lock_state:
        changes.append(
            Change(
                "lock",
                "Lock" if new_lock == "lock" else "Unlock",
                ticket.lock_state,
                new_lock,
                {"lock_state": new_lock},
            )
        )
    return UpdatePlan(ticket=ticket, group_ids=tuple(group_ids), changes=changes)


async def do_update_ticket(tx: Tx, actor: Actor, ticket_id: int, data: TicketUpdate) -> Ticket:
    plan = await check_update_ticket(tx, actor, ticket_id, data)
    ticket = plan.ticket
    if not plan.changes:
        return ticket
    now = utcnow()
    for change in plan.changes:
        for column, value in change.columns.items():
            setattr(ticket, column, value)
        add_history(
            tx.session,
            ticket.id,
            actor,
            change.history_type,
            {"old": change.old, "new": change.new},
            at=now,
        )
    ticket.updated_at = now
    await recompute_escalation(tx, ticket, now=now)
    tx.emit(
        TicketUpdated(
            ticket_id=ticket.id,
            fields=tuple(change.field for change in plan.changes),
            audience=ticket_audience(ticket, plan.group_ids, customer=True),
        )
    )
    return ticket


# --- pending auto close (run by jobs.py) -------------------------------------------------------

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


# --- articles an agent has seen ------------------------------------------------------------------


async def check_mark_articles_seen(tx: Tx, actor: Actor, ticket_id: int) -> Ticket:
    if not actor.is_agent:
        raise PermissionDenied("Only agents mark articles as seen.")
    return await access_ticket_by_id(tx.session, actor, ticket_id)


async def do_mark_articles_seen(
    tx: Tx, actor: Actor, ticket_id: int, article_ids: Sequence[int]
) -> None:
    """Remember that the agent has seen these articles of the ticket (the zoom shows them).

    Idempotent, one statement: rows the agent already has are left alone, also when two tabs
    race. Ids of other tickets are skipped. No history entry and no event: reading changes
    nothing anyone else sees.
    """
    if not article_ids:  # the usual case once an agent has read the ticket: no query at all
        return
    ticket = await check_mark_articles_seen(tx, actor, ticket_id)
    seen_at = literal(utcnow(), ArticleSeen.seen_at.type)
    insert = upsert_insert(tx.session)
    ids = sorted(set(article_ids))
    # In slices: one IN list per statement stays far below the drivers' parameter limits.
    for start in range(0, len(ids), _SEEN_SLICE):
        rows = select(Article.id, literal(actor.id), seen_at).where(
            Article.ticket_id == ticket.id, Article.id.in_(ids[start : start + _SEEN_SLICE])
        )
        await tx.session.execute(
            insert(ArticleSeen)
            .from_select(["article_id", "agent_id", "seen_at"], rows)
            .on_conflict_do_nothing()
        )


_SEEN_SLICE = 1000


# --- the agent's own ticket zoom preferences -----------------------------------------------------
# Kept as the agent's own values of user-modifiable settings: an admin can see, reset and forbid
# them like every other user-specific setting.


ZOOM_PREFERENCES = (ZOOM_DEFAULT_VIEW, TIMELINE_FILTER_DEFAULT, ATTACHMENTS_HIDE_INLINE)


def check_set_zoom_preference(tx: Tx, actor: Actor, setting: Setting, value: Any) -> Any:
    if setting not in ZOOM_PREFERENCES:
        raise ValueError(f"{setting.name} is not a ticket zoom preference")
    if not actor.is_agent:
        raise PermissionDenied("Only agents have ticket zoom preferences.")
    return setting.validate(value)


async def do_set_zoom_preference(tx: Tx, actor: Actor, setting: Setting, value: Any) -> bool:
    """Store the agent's own value of ``setting`` (the last used zoom view, the default timeline
    filter, hiding inline attachments). Writes only when it changes; True when it did."""
    checked = check_set_zoom_preference(tx, actor, setting, value)
    # An admin who forbids own values of the setting gets the global value for everyone: the
    # zoom keeps working, it just does not remember.
    if not tx.runtime.config.user_modification_active(setting):
        return False
    if tx.setting(setting, actor) == checked:
        return False
    await do_set_user_value(tx.session, tx.runtime.bus, actor, setting.name, checked)
    return True
