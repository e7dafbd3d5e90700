"""Starting chats (CH-13 … CH-16) and accepting requests (CH-20)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.errors import PermissionDenied, RateLimited, ValidationFailed
from frontdesk.domain.accounts.models import Agent, CustomerUser
from frontdesk.domain.chat.access import (
    ChatAccess,
    access_chat_by_id,
    former_request_status,
    has_chat_permission,
    hash_visitor_token,
    member_kind,
)
from frontdesk.domain.chat.actions.channels import (
    _usable_channel,
    check_chat_enabled,
    default_channel,
    receives_chats,
    starts_chats,
)
from frontdesk.domain.chat.actions.event_log import (
    Author,
    _add_member,
    _audience,
    _author,
    _check_first_message,
    append_event,
    chat_summary,
    request_audience,
)
from frontdesk.domain.chat.errors import AlreadyAccepted, ChatClosed, ChatNotFound, NoAgentAvailable
from frontdesk.domain.chat.events import ChatChanged, ChatRequestGone, ChatRequestNew
from frontdesk.domain.chat.models import Chat, ChatChannel
from frontdesk.domain.chat.presence import agent_available_now, available_agents, customer_online
from frontdesk.domain.chat.schemas import ChatCreate, PublicChatCreate
from frontdesk.domain.chat.settings import (
    AGENT_TO_AGENT,
    AGENT_TO_CUSTOMER,
    CUSTOMER_ALLOW_CHANNELS,
    CUSTOMER_CHAT_MODULE,
    CUSTOMER_TO_AGENT,
    OPEN_REQUESTS_PER_IP,
    OPEN_REQUESTS_PER_VISITOR,
    PUBLIC_ALLOW_CHANNELS,
    PUBLIC_CHAT_MODULE,
    PUBLIC_TO_AGENT,
)
from frontdesk.domain.runtime import Tx

# --- starting chats (CH-13 … CH-16) --------------------------------------------------------------


@dataclass
class PublicChatDraft:
    channel: ChatChannel
    text: str


async def check_create_public_chat(
    tx: Tx, data: PublicChatCreate, client_ip: str | None, visitor_secret: str | None
) -> PublicChatDraft:
    check_chat_enabled(tx)
    if not (tx.setting(PUBLIC_TO_AGENT) and tx.setting(PUBLIC_CHAT_MODULE)):
        raise PermissionDenied("Public chats are switched off.", code="direction_disabled")
    text = _check_first_message(tx, data.message)
    if visitor_secret is not None:
        open_chats = await tx.session.scalar(
            select(func.count())
            .select_from(Chat)
            .where(
                Chat.visitor_token_hash == hash_visitor_token(visitor_secret),
                Chat.status != "closed",
            )
        )
        if (open_chats or 0) >= int(tx.setting(OPEN_REQUESTS_PER_VISITOR)):
            raise RateLimited("You already have an open chat.", retry_after_seconds=60)
    if client_ip:
        from_ip = await tx.session.scalar(
            select(func.count())
            .select_from(Chat)
            .where(Chat.visitor_ip == client_ip, Chat.status != "closed")
        )
        if (from_ip or 0) >= int(tx.setting(OPEN_REQUESTS_PER_IP)):
            raise RateLimited(
                "Too many open chats from your address; close one first.",
                retry_after_seconds=60,
            )
    channel = await _usable_channel(tx, data.channel_id, bool(tx.setting(PUBLIC_ALLOW_CHANNELS)))
    if not await available_agents(tx, channel):
        raise NoAgentAvailable()
    return PublicChatDraft(channel=channel, text=text)


async def do_create_public_chat(
    tx: Tx, data: PublicChatCreate, client_ip: str | None, visitor_secret: str | None = None
) -> tuple[Chat, str]:
    """CH-16: a public user's request. Returns the chat and the visitor's new secret token."""
    draft = await check_create_public_chat(tx, data, client_ip, visitor_secret)
    secret = secrets.token_urlsafe(32)
    chat = Chat(
        channel_id=draft.channel.id,
        direction="public_to_agent",
        status="request",
        requester_kind="visitor",
        requester_id=None,
        requester_name=data.name,
        visitor_token_hash=hash_visitor_token(secret),
        visitor_email=data.email,
        visitor_ip=client_ip,
        last_seq=0,
        created_at=utcnow(),
    )
    tx.session.add(chat)
    await tx.session.flush()
    chat.requester_id = chat.id
    member = await _add_member(tx, chat, "visitor", chat.id, data.name, "customer")
    author = Author("visitor", chat.id, member.display_name, member.display_name)
    await append_event(tx, chat, "message", author, text=draft.text)
    await _announce_request(tx, chat, draft.channel)
    return chat, secret


@dataclass
class ChatDraft:
    direction: str
    channel: ChatChannel
    text: str
    target_agent: Agent | None = None
    target_customer: CustomerUser | None = None


async def check_create_chat(tx: Tx, actor: Actor, data: ChatCreate) -> ChatDraft:
    check_chat_enabled(tx)
    text = _check_first_message(tx, data.message)
    if actor.is_customer:
        if not (tx.setting(CUSTOMER_TO_AGENT) and tx.setting(CUSTOMER_CHAT_MODULE)):
            raise PermissionDenied("Customer chats are switched off.", code="direction_disabled")
        if data.to_agent_id is not None or data.to_customer_user is not None:
            raise ValidationFailed("to_agent_id", "customers cannot pick an agent")
        channel = await _usable_channel(
            tx, data.channel_id, bool(tx.setting(CUSTOMER_ALLOW_CHANNELS))
        )
        if not await available_agents(tx, channel):
            raise NoAgentAvailable()
        return ChatDraft("customer_to_agent", channel, text)
    if not actor.is_agent:
        raise PermissionDenied("Only agents and customer users may start chats this way.")
    if not await starts_chats(tx, actor):
        raise PermissionDenied("You may not start chats (CH-2).", code="chat_not_allowed")
    if (data.to_agent_id is None) == (data.to_customer_user is None):
        raise ValidationFailed("to_agent_id", "give either to_agent_id or to_customer_user")
    channel = await default_channel(tx)
    if data.to_agent_id is not None:
        if not tx.setting(AGENT_TO_AGENT):
            raise PermissionDenied("Agent chats are switched off.", code="direction_disabled")
        agent = await tx.session.get(Agent, data.to_agent_id)
        if agent is None or not agent.valid or agent.id == actor.id:
            raise ValidationFailed("to_agent_id", "is not another agent")
        if not await agent_available_now(tx, agent.id):
            raise ValidationFailed(
                "to_agent_id", "this agent is not available for chat", code="agent_unavailable"
            )
        return ChatDraft("agent_to_agent", channel, text, target_agent=agent)
    if not tx.setting(AGENT_TO_CUSTOMER):
        raise PermissionDenied("Chats with customers are switched off.", code="direction_disabled")
    customer = await tx.session.scalar(
        select(CustomerUser).where(CustomerUser.login == data.to_customer_user)
    )
    if customer is None or not customer.valid:
        raise ValidationFailed("to_customer_user", "is not a known customer user")
    if not await customer_online(tx, customer.id):
        raise ValidationFailed(
            "to_customer_user", "this customer is not online", code="customer_offline"
        )
    return ChatDraft("agent_to_customer", channel, text, target_customer=customer)


async def do_create_chat(tx: Tx, actor: Actor, data: ChatCreate) -> Chat:
    draft = await check_create_chat(tx, actor, data)
    chat = Chat(
        channel_id=draft.channel.id,
        direction=draft.direction,
        status="request",
        requester_kind=member_kind(actor),
        requester_id=actor.id,
        requester_name=actor.display_name or actor.login,
        target_agent_id=draft.target_agent.id if draft.target_agent else None,
        target_customer_user_id=draft.target_customer.id if draft.target_customer else None,
        last_seq=0,
        created_at=utcnow(),
    )
    tx.session.add(chat)
    await tx.session.flush()
    role = "owner" if actor.is_agent else "customer"
    member = await _add_member(
        tx, chat, member_kind(actor), actor.id, actor.display_name or actor.login, role
    )
    await append_event(tx, chat, "message", _author(tx, actor, member), text=draft.text)
    await _announce_request(tx, chat, draft.channel)
    return chat


async def _announce_request(tx: Tx, chat: Chat, channel: ChatChannel) -> None:
    tx.emit(
        ChatRequestNew(
            chat=await chat_summary(tx, chat, channel),
            audience=await request_audience(tx, chat, channel),
        )
    )


# --- accepting (CH-20) ---------------------------------------------------------------------------


async def check_accept_chat(tx: Tx, actor: Actor, chat_id: int) -> ChatAccess:
    check_chat_enabled(tx)
    try:
        access = await access_chat_by_id(tx.session, actor, chat_id)
    except ChatNotFound:
        # Another owner accepted first (CH-20): the chat is no longer visible to this agent,
        # who saw the request and learns only that it was taken.
        former = await former_request_status(tx.session, actor, chat_id)
        if former == "closed":
            raise ChatClosed() from None
        if former is not None:
            raise AlreadyAccepted() from None
        raise
    chat = access.chat
    if chat.status == "closed":
        raise ChatClosed()
    if chat.status != "request":
        raise AlreadyAccepted()
    if chat.direction == "agent_to_agent":
        if not (actor.is_agent and chat.target_agent_id == actor.id):
            raise PermissionDenied("Only the invited agent may accept this chat.")
    elif chat.direction == "agent_to_customer":
        if not (actor.is_customer and chat.target_customer_user_id == actor.id):
            raise PermissionDenied("Only the customer this chat is for may accept it.")
    else:
        if not (
            actor.is_agent and has_chat_permission(actor, access.channel.group_id, "chat_owner")
        ):
            raise PermissionDenied(
                "Only owners of this chat channel may accept requests.", code="not_owner"
            )
        if not await receives_chats(tx, actor):
            raise PermissionDenied("You may not receive chats (CH-2).", code="chat_not_allowed")
    return access


async def do_accept_chat(tx: Tx, actor: Actor, chat_id: int) -> Chat:
    access = await check_accept_chat(tx, actor, chat_id)
    chat = access.chat
    now = utcnow()
    # Only one accept can flip request → active; the loser updates no row.
    result = await tx.session.execute(
        update(Chat)
        .where(Chat.id == chat.id, Chat.status == "request")
        .values(status="active", accepted_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise AlreadyAccepted()
    set_committed_value(chat, "status", "active")
    set_committed_value(chat, "accepted_at", now)
    notified = await request_audience(tx, chat, access.channel)
    name = actor.display_name or actor.login
    if actor.is_agent:
        member = await _add_member(tx, chat, "agent", actor.id, name, "owner")
    else:
        member = await _add_member(tx, chat, member_kind(actor), actor.id, name, "customer")
    author = _author(tx, actor, member)
    await append_event(tx, chat, "joined", author, data={"role": member.role})
    tx.emit(ChatRequestGone(chat=await chat_summary(tx, chat, access.channel), audience=notified))
    tx.emit(ChatChanged(chat_id=chat.id, audience=await _audience(tx, chat)))
    return chat
