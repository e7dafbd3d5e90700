"""Chats and tickets: phone tickets, appending (CH-26, CH-27, CH-39), open requests (CH-37)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.errors import Conflict, PermissionDenied
from frontdesk.domain.accounts.models import CustomerUser
from frontdesk.domain.chat.access import ChatAccess, access_chat_by_id
from frontdesk.domain.chat.actions.channels import check_chat_enabled
from frontdesk.domain.chat.actions.event_log import _author, append_event
from frontdesk.domain.chat.actions.lifecycle import _close, check_close_chat, do_close_chat
from frontdesk.domain.chat.errors import ChatClosed
from frontdesk.domain.chat.models import Chat, ChatEvent
from frontdesk.domain.chat.schemas import (
    AppendInput,
    ChatToMyTicket,
    ChatToNewTicket,
    PhoneTicketInput,
)
from frontdesk.domain.chat.settings import CUSTOMER_THRESHOLD
from frontdesk.domain.chat.transcript import transcript_article
from frontdesk.domain.runtime import Tx
from frontdesk.domain.tickets import actions as ticket_actions
from frontdesk.domain.tickets.access import access_ticket_by_id
from frontdesk.domain.tickets.models import Article, Ticket
from frontdesk.domain.tickets.schemas import ArticleCreate, TicketCreate

# --- tickets (CH-26, CH-27, CH-39) ---------------------------------------------------------------


async def _check_ticket_action(tx: Tx, actor: Actor, chat_id: int) -> ChatAccess:
    check_chat_enabled(tx)
    access = await access_chat_by_id(tx.session, actor, chat_id)
    if not actor.is_agent or access.role not in ("owner", "participant"):
        raise PermissionDenied(
            "Only owners and participants may turn a chat into a ticket.", code="not_participant"
        )
    if access.chat.status == "request":
        raise Conflict("Accept the chat first.", code="not_accepted")
    return access


async def _customer_login(tx: Tx, chat: Chat) -> str | None:
    user_id = (
        chat.requester_id if chat.requester_kind == "customer" else chat.target_customer_user_id
    )
    if user_id is None:
        return None
    return await tx.session.scalar(select(CustomerUser.login).where(CustomerUser.id == user_id))


async def _first_message(tx: Tx, chat_id: int) -> str:
    text = await tx.session.scalar(
        select(ChatEvent.text)
        .where(ChatEvent.chat_id == chat_id, ChatEvent.kind == "message")
        .order_by(ChatEvent.seq)
        .limit(1)
    )
    return (text or "").strip()


async def check_create_phone_ticket(
    tx: Tx, actor: Actor, chat_id: int, data: PhoneTicketInput
) -> ChatAccess:
    access = await _check_ticket_action(tx, actor, chat_id)
    queue = await ticket_actions.resolve_queue(tx.session, data.queue_id)
    if not actor.has(queue.group_id, "create"):
        raise PermissionDenied(
            "You may not create tickets in this queue.", code="permission_missing"
        )
    return access


async def do_create_phone_ticket(
    tx: Tx, actor: Actor, chat_id: int, data: PhoneTicketInput
) -> Ticket:
    access = await check_create_phone_ticket(tx, actor, chat_id, data)
    chat = access.chat
    first = await _first_message(tx, chat.id)
    title = data.title or (first.splitlines()[0][:200] if first else f"Chat {chat.id}")
    body, channel_data = await transcript_article(tx.session, chat, access.channel)
    ticket = await ticket_actions.do_create_ticket(
        tx,
        actor,
        TicketCreate(
            title=title,
            queue_id=data.queue_id,
            customer_user=await _customer_login(tx, chat),
            article=ArticleCreate(
                channel="chat",
                sender="customer",
                subject=title,
                body=body,
                visible_for_customer=True,
            ),
        ),
    )
    article = await tx.session.scalar(
        select(Article).where(Article.ticket_id == ticket.id).order_by(Article.id).limit(1)
    )
    assert article is not None
    article.channel_data = channel_data
    await _after_ticket(tx, actor, access, ticket)
    return ticket


async def check_append_to_ticket(
    tx: Tx, actor: Actor, chat_id: int, data: AppendInput
) -> ChatAccess:
    access = await _check_ticket_action(tx, actor, chat_id)
    await access_ticket_by_id(tx.session, actor, data.ticket_id, "rw")
    return access


async def do_append_to_ticket(tx: Tx, actor: Actor, chat_id: int, data: AppendInput) -> Article:
    access = await check_append_to_ticket(tx, actor, chat_id, data)
    body, channel_data = await transcript_article(tx.session, access.chat, access.channel)
    article = await ticket_actions.do_add_article(
        tx,
        actor,
        data.ticket_id,
        ArticleCreate(
            channel="chat",
            sender="customer",
            subject=f"Chat {access.chat.id}",
            body=body,
            visible_for_customer=True,
        ),
    )
    article.channel_data = channel_data
    ticket = await tx.session.get(Ticket, data.ticket_id)
    assert ticket is not None
    await _after_ticket(tx, actor, access, ticket)
    return article


async def _after_ticket(tx: Tx, actor: Actor, access: ChatAccess, ticket: Ticket) -> None:
    await tx.session.flush()
    await append_event(
        tx,
        access.chat,
        "ticket_linked",
        _author(tx, actor, access.member),
        data={"agent_ticket_id": ticket.id, "agent_ticket_number": ticket.number},
        visible_to_customer=False,
    )
    if access.chat.status != "closed":
        await _close(tx, actor, access)


# --- CH-37: a customer's unanswered request becomes a ticket -----------------------------------
# After ChatEngine::CustomerThreshold without an agent, the customer who asked turns the request
# into a new ticket or adds it to one of their tickets. The transcript becomes a chat article
# (sender customer, visible to the customer) and the chat closes. The ticket side is the ticket
# feature's own actions, so its permission rules and events apply unchanged.


async def _check_unanswered_request(tx: Tx, actor: Actor, chat_id: int) -> ChatAccess:
    """The caller's own chat request, still unanswered after the threshold."""
    check_chat_enabled(tx)
    access = await access_chat_by_id(tx.session, actor, chat_id)
    chat = access.chat
    if not actor.is_customer or access.member is None or chat.direction != "customer_to_agent":
        raise PermissionDenied("Only the customer who asked may turn this chat into a ticket.")
    if chat.status == "closed":
        raise ChatClosed()
    if chat.status != "request":
        raise Conflict("An agent has taken this chat.", code="chat_accepted")
    waited = utcnow() - chat.created_at
    if waited < timedelta(minutes=int(tx.setting(CUSTOMER_THRESHOLD))):
        raise Conflict("Agents may still answer this chat.", code="agents_still_expected")
    await check_close_chat(tx, actor, chat_id)
    return access


async def _article(tx: Tx, access: ChatAccess) -> tuple[ArticleCreate, dict[str, object]]:
    body, channel_data = await transcript_article(tx.session, access.chat, access.channel)
    article = ArticleCreate(
        channel="chat",
        sender="customer",
        subject=f"Chat {access.chat.id}",
        body=body,
        visible_for_customer=True,
    )
    return article, channel_data


def _mark_as_chat(article: Article, channel_data: dict[str, object]) -> None:
    # The ticket feature files every customer-written article as e-mail; this one is a chat.
    article.channel = "chat"
    article.channel_data = channel_data


def _ticket_data(data: ChatToNewTicket, article: ArticleCreate) -> TicketCreate:
    return TicketCreate(title=data.title, queue_id=data.queue_id, article=article)


async def check_chat_to_new_ticket(
    tx: Tx, actor: Actor, chat_id: int, data: ChatToNewTicket
) -> ChatAccess:
    access = await _check_unanswered_request(tx, actor, chat_id)
    article, _ = await _article(tx, access)
    await ticket_actions.check_create_ticket(tx, actor, _ticket_data(data, article))
    return access


async def do_chat_to_new_ticket(
    tx: Tx, actor: Actor, chat_id: int, data: ChatToNewTicket
) -> Ticket:
    access = await check_chat_to_new_ticket(tx, actor, chat_id, data)
    article, channel_data = await _article(tx, access)
    ticket = await ticket_actions.do_create_ticket(tx, actor, _ticket_data(data, article))
    first = await tx.session.scalar(
        select(Article).where(Article.ticket_id == ticket.id).order_by(Article.id).limit(1)
    )
    assert first is not None, "a new ticket has its first article"
    _mark_as_chat(first, channel_data)
    await do_close_chat(tx, actor, chat_id)
    return ticket


async def check_chat_to_my_ticket(
    tx: Tx, actor: Actor, chat_id: int, data: ChatToMyTicket
) -> ChatAccess:
    access = await _check_unanswered_request(tx, actor, chat_id)
    article, _ = await _article(tx, access)
    await ticket_actions.check_add_article(tx, actor, data.ticket_id, article)
    return access


async def do_chat_to_my_ticket(tx: Tx, actor: Actor, chat_id: int, data: ChatToMyTicket) -> Article:
    access = await check_chat_to_my_ticket(tx, actor, chat_id, data)
    article, channel_data = await _article(tx, access)
    added = await ticket_actions.do_add_article(tx, actor, data.ticket_id, article)
    _mark_as_chat(added, channel_data)
    await do_close_chat(tx, actor, chat_id)
    return added
