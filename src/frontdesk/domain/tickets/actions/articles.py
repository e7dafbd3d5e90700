"""Articles: preparing and storing one, and adding one to an existing ticket (a follow-up)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from frontdesk.core.actor import SYSTEM, Actor
from frontdesk.core.clock import utcnow
from frontdesk.domain.accounts.models import CustomerUser
from frontdesk.domain.dynamic_fields.values import ValueChange, plan_values, write_values
from frontdesk.domain.escalations.actions import recompute_escalation
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue.models import TicketState
from frontdesk.domain.tickets.access import access_ticket_by_id, queue_group_id
from frontdesk.domain.tickets.actions.attachments import PreparedAttachment, prepare_attachments
from frontdesk.domain.tickets.actions.history import add_history, ticket_audience
from frontdesk.domain.tickets.actions.resolving import resolve_state
from frontdesk.domain.tickets.events import ArticleCreated, TicketUpdated
from frontdesk.domain.tickets.models import Article, ArticleSeen, Attachment, Ticket
from frontdesk.domain.tickets.schemas import ArticleCreate

REOPEN_STATE = "open"


@dataclass
class PreparedArticle:
    channel: str
    sender_type: str
    visible_for_customer: bool
    subject: str
    body: str
    from_display: str
    attachments: list[PreparedAttachment]
    channel_data: dict[str, Any] = field(default_factory=dict)
    # The article's dynamic field values, checked (``dynamic_fields.values.plan_values``).
    field_values: list[ValueChange] = field(default_factory=list)


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
        channel_data=dict(article.channel_data),
        created_by_agent_id=actor.id if actor.is_agent else None,
        created_by_customer_user_id=actor.id if actor.is_customer else None,
        created_at=now,
    )
    tx.session.add(row)
    await tx.session.flush()
    await write_values(tx.session, row.id, article.field_values)
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
                disposition=attachment.disposition,
                content=attachment.content,
                created_at=now,
            )
        )
    return row


async def prepare_article(
    tx: Tx,
    actor: Actor,
    data: ArticleCreate,
    customer_user: CustomerUser | None,
    field_prefix: str,
    *,
    customer_screen: str = "customer_ticket_zoom",
) -> PreparedArticle:
    """Decide channel, sender and visibility (customers' are forced), decode attachments and
    check dynamic field values (customers set only those enabled on ``customer_screen``)."""
    attachments = prepare_attachments(data, tx.runtime.settings.max_upload_bytes, field_prefix)
    field_values = await plan_values(
        tx.session,
        "article",
        None,
        data.dynamic_fields,
        customer_screen=customer_screen if actor.is_customer else None,
        error_prefix=field_prefix,
    )
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
            field_values=field_values,
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
        field_values=field_values,
    )


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
    history_type = (
        "FollowUp"
        if actor.is_customer
        else article_history_type(
            draft.article.channel, draft.article.sender_type, customer_web=False
        )
    )
    return await write_follow_up(tx, actor, draft, history_type)


async def write_follow_up(tx: Tx, actor: Actor, draft: ArticleDraft, history_type: str) -> Article:
    """Add a checked article to its ticket (reopening it when the draft says so)."""
    ticket = draft.ticket
    now = utcnow()
    article = await write_article(tx, actor, ticket, draft.article, now)
    add_history(
        tx.session,
        ticket.id,
        actor,
        history_type,
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


# The article columns' lengths: a generated subject or sender is cut to them.
SUBJECT_LENGTH = 255
FROM_DISPLAY_LENGTH = 250


async def write_system_mail_article(
    tx: Tx, ticket: Ticket, *, subject: str, body: str, from_display: str, history_type: str
) -> Article:
    """A mail the system sent about ``ticket`` (an automatic answer, a customer notification)
    as its e-mail article: written by the system, visible to the customer, state unchanged."""
    draft = ArticleDraft(
        ticket=ticket,
        group_id=await queue_group_id(tx.session, ticket.queue_id),
        article=PreparedArticle(
            channel="email",
            sender_type="system",
            visible_for_customer=True,
            subject=subject[:SUBJECT_LENGTH],
            body=body,
            from_display=from_display[:FROM_DISPLAY_LENGTH],
            attachments=[],
        ),
        reopen_state=None,
    )
    return await write_follow_up(tx, SYSTEM, draft, history_type)
