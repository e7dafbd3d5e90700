"""CH-37: a customer whose chat request found no agent within ``ChatEngine::CustomerThreshold``
turns the request into a new ticket, or adds it to one of their tickets. Either way the chat's
transcript becomes a chat article (sender customer, visible to the customer) and the chat closes.

The ticket side is the ticket feature's own actions, so its permission rules (a customer needs
``rw`` in the queue's group) and events apply unchanged.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field
from sqlalchemy import select

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.errors import Conflict, PermissionDenied
from frontdesk.core.input_model import InputModel
from frontdesk.domain.chat.access import ChatAccess, access_chat_by_id
from frontdesk.domain.chat.actions import check_chat_enabled, check_close_chat, do_close_chat
from frontdesk.domain.chat.errors import ChatClosed
from frontdesk.domain.chat.schemas import DbId
from frontdesk.domain.chat.settings import CUSTOMER_THRESHOLD
from frontdesk.domain.chat.transcript import transcript_article
from frontdesk.domain.runtime import Tx
from frontdesk.domain.tickets import actions as ticket_actions
from frontdesk.domain.tickets.models import Article, Ticket
from frontdesk.domain.tickets.schemas import ArticleCreate, TicketCreate


class ChatToNewTicket(InputModel):
    queue_id: DbId
    title: str = Field(min_length=1, max_length=255)


class ChatToMyTicket(InputModel):
    ticket_id: DbId


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
