"""Writes of the chat: channels, availability, starting, accepting, messages, members, tickets.

Each write is ``check_*`` (validate + authorise, no change) then ``do_*`` (change + events).
Actions never commit. Every stored chat event takes the chat's next ``seq`` inside the
transaction (``UPDATE chat SET last_seq = last_seq + 1 RETURNING``), so sequence numbers are
gap-free and a rollback takes its number back with it.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import (
    Integer,
    Select,
    String,
    Table,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import Subquery

from frontdesk.bus.events import Audience
from frontdesk.core.actor import Actor
from frontdesk.core.clock import isoformat_z, utcnow
from frontdesk.core.errors import (
    Conflict,
    DomainError,
    PayloadTooLarge,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)
from frontdesk.db.case_insensitive import equals_ignoring_case
from frontdesk.db.engine import upsert_insert
from frontdesk.db.many_rows import ManyRows, RowsAmong
from frontdesk.domain.accounts.access import check_admin, group_id_by_name
from frontdesk.domain.accounts.models import Agent, CustomerUser, Group
from frontdesk.domain.chat.access import (
    ChatAccess,
    access_chat_by_id,
    former_request_status,
    has_chat_permission,
    hash_visitor_token,
    member_kind,
)
from frontdesk.domain.chat.errors import (
    AlreadyAccepted,
    ChannelNotFound,
    ChatClosed,
    ChatDisabled,
    ChatNotFound,
    NoAgentAvailable,
)
from frontdesk.domain.chat.events import (
    ChatChanged,
    ChatChannelChanged,
    ChatEventStored,
    ChatPresenceChanged,
    ChatRequestGone,
    ChatRequestNew,
    ChatsDeleted,
    ChatTyping,
)
from frontdesk.domain.chat.models import Chat, ChatAgentState, ChatChannel, ChatEvent, ChatMember
from frontdesk.domain.chat.presence import (
    agent_available_now,
    agent_presence,
    agents_with_permission,
    available_agents,
    customer_online,
    liveness,
)
from frontdesk.domain.chat.schemas import (
    ActiveChannelsInput,
    AppendInput,
    AvailabilityInput,
    ChannelCreate,
    ChannelMove,
    ChannelUpdate,
    ChatCreate,
    ChatToMyTicket,
    ChatToNewTicket,
    InviteInput,
    JoinInput,
    MessageInput,
    MonitorInput,
    PhoneTicketInput,
    PublicChatCreate,
)
from frontdesk.domain.chat.settings import (
    ACTIVE,
    AGENT_TO_AGENT,
    AGENT_TO_CUSTOMER,
    CHAT_DECAY_DAYS,
    CHAT_TTL_HOURS,
    CUSTOMER_ALLOW_CHANNELS,
    CUSTOMER_CHAT_MODULE,
    CUSTOMER_THRESHOLD,
    CUSTOMER_TO_AGENT,
    DEFAULT_AGENT_NAME,
    DEFAULT_AGENT_NAME_NUMBERS,
    DEFAULT_CHANNEL,
    MAX_MESSAGE_LENGTH,
    MESSAGES_PER_SECOND,
    NOTIFICATION_AGENTS_GROUP,
    OPEN_REQUESTS_PER_IP,
    OPEN_REQUESTS_PER_VISITOR,
    PUBLIC_ALLOW_CHANNELS,
    PUBLIC_CHAT_MODULE,
    PUBLIC_TO_AGENT,
    RECEIVING_AGENTS_GROUP,
    STARTING_AGENTS_GROUP,
)
from frontdesk.domain.chat.transcript import transcript_article
from frontdesk.domain.runtime import Tx
from frontdesk.domain.tickets import actions as ticket_actions
from frontdesk.domain.tickets.access import access_ticket_by_id
from frontdesk.domain.tickets.models import Article, Ticket
from frontdesk.domain.tickets.schemas import ArticleCreate, TicketCreate

WRITING_ROLES = ("owner", "participant", "customer")
# "Chosen before any login": the login default applies until the agent picks a value.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


# --- the switch and the default channel ----------------------------------------------------------


def check_chat_enabled(tx: Tx) -> None:
    if not tx.setting(ACTIVE):
        raise ChatDisabled()


async def default_channel(tx: Tx) -> ChatChannel:
    """The channel named by ChatEngine::DefaultChatChannel, created on demand (CH-8, CH-12)."""
    name = str(tx.setting(DEFAULT_CHANNEL))
    channel = await tx.session.scalar(select(ChatChannel).where(ChatChannel.name == name))
    if channel is not None:
        return channel
    group_id = await group_id_by_name(tx.session, "users")
    if group_id is None:
        group_id = await tx.session.scalar(select(func.min(Group.id)))
    assert group_id is not None, "the default data has groups"
    channel = ChatChannel(name=name, group_id=group_id, valid=True, comment=None)
    tx.session.add(channel)
    await tx.session.flush()
    tx.emit(ChatChannelChanged(channel_id=channel.id, op="created"))
    return channel


async def _usable_channel(tx: Tx, channel_id: int | None, allow_choice: bool) -> ChatChannel:
    if channel_id is None or not allow_choice:
        return await default_channel(tx)
    channel = await tx.session.get(ChatChannel, channel_id)
    if channel is None or not channel.valid:
        raise ValidationFailed("channel_id", "is not a chat channel you may use")
    return channel


async def _group_member(tx: Tx, actor: Actor, setting: Any) -> bool:
    group_id = await group_id_by_name(tx.session, str(tx.setting(setting)))
    return group_id is not None and actor.has(group_id, "ro")


async def receives_chats(tx: Tx, actor: Actor) -> bool:
    """CH-2: whether the agent is in the group that may accept public and customer requests."""
    return await _group_member(tx, actor, RECEIVING_AGENTS_GROUP)


async def starts_chats(tx: Tx, actor: Actor) -> bool:
    """CH-2: whether the agent is in the group that may start chats."""
    return await _group_member(tx, actor, STARTING_AGENTS_GROUP)


# --- channel administration (CH-8) ---------------------------------------------------------------


async def check_create_channel(tx: Tx, actor: Actor, data: ChannelCreate) -> None:
    await check_admin(tx.session, actor)
    await _check_channel_fields(tx, data.name, data.group_id, None)


async def _check_channel_fields(
    tx: Tx, name: str | None, group_id: int | None, channel_id: int | None
) -> None:
    if name is not None:
        taken = await tx.session.scalar(
            select(ChatChannel.id).where(equals_ignoring_case(ChatChannel.name, name))
        )
        if taken is not None and taken != channel_id:
            raise ValidationFailed(
                "name", "is already the name of a chat channel", code="name_taken"
            )
    if group_id is not None and await tx.session.get(Group, group_id) is None:
        raise ValidationFailed("group_id", "is not a known group")


async def do_create_channel(tx: Tx, actor: Actor, data: ChannelCreate) -> ChatChannel:
    await check_create_channel(tx, actor, data)
    channel = ChatChannel(
        name=data.name, group_id=data.group_id, valid=data.valid, comment=data.comment
    )
    tx.session.add(channel)
    await tx.session.flush()
    tx.emit(ChatChannelChanged(channel_id=channel.id, op="created"))
    return channel


async def access_channel_for_admin(tx: Tx, actor: Actor, channel_id: int) -> ChatChannel:
    await check_admin(tx.session, actor)
    if channel_id == 0:
        return await default_channel(tx)
    channel = await tx.session.get(ChatChannel, channel_id)
    if channel is None:
        raise ChannelNotFound()
    return channel


async def check_update_channel(
    tx: Tx, actor: Actor, channel_id: int, data: ChannelUpdate
) -> ChatChannel:
    channel = await access_channel_for_admin(tx, actor, channel_id)
    await _check_channel_fields(tx, data.name, data.group_id, channel.id)
    is_default = channel.name == tx.setting(DEFAULT_CHANNEL)
    if is_default and data.name is not None and data.name != channel.name:
        raise ValidationFailed("name", "the default channel keeps the name its setting gives it")
    if is_default and data.valid is False:
        raise ValidationFailed("valid", "the default channel cannot be switched off")
    return channel


async def do_update_channel(
    tx: Tx, actor: Actor, channel_id: int, data: ChannelUpdate
) -> ChatChannel:
    channel = await check_update_channel(tx, actor, channel_id, data)
    for name in ("name", "group_id", "valid", "comment"):
        if name in data.model_fields_set and getattr(data, name) is not None:
            setattr(channel, name, getattr(data, name))
    await tx.session.flush()
    tx.emit(ChatChannelChanged(channel_id=channel.id, op="updated"))
    return channel


async def check_delete_channel(tx: Tx, actor: Actor, channel_id: int) -> ChatChannel:
    channel = await access_channel_for_admin(tx, actor, channel_id)
    if channel.name == tx.setting(DEFAULT_CHANNEL):
        raise Conflict("The default channel cannot be deleted.", code="default_channel")
    used = await tx.session.scalar(select(Chat.id).where(Chat.channel_id == channel.id).limit(1))
    if used is not None:
        raise Conflict("Chats use this channel; set it invalid instead.", code="in_use")
    return channel


async def do_delete_channel(tx: Tx, actor: Actor, channel_id: int) -> None:
    channel = await check_delete_channel(tx, actor, channel_id)
    await tx.session.delete(channel)
    await tx.session.flush()
    tx.emit(ChatChannelChanged(channel_id=channel_id, op="deleted"))


# --- the agent's availability and channels (CH-9, CH-10) -----------------------------------------


def _require_agent(actor: Actor) -> None:
    if not actor.is_agent:
        raise PermissionDenied("Only agents may do this.")


async def _agent_state(tx: Tx, agent_id: int) -> ChatAgentState:
    state = await tx.session.get(ChatAgentState, agent_id)
    if state is not None:
        return state
    # An agent's first requests often arrive together (a page, its socket, an API call), and each
    # finds no row: whichever inserts first makes it, the others wait for it and read it.
    insert = upsert_insert(tx.session)
    await tx.session.execute(
        insert(ChatAgentState)
        .values(
            agent_id=agent_id,
            availability="internal",
            availability_set_at=NEVER,
            channel_ids=[],
            last_active_at=None,
        )
        .on_conflict_do_nothing()
    )
    state = await tx.session.get(ChatAgentState, agent_id)
    assert state is not None
    return state


def check_set_availability(tx: Tx, actor: Actor, data: AvailabilityInput) -> None:
    check_chat_enabled(tx)
    _require_agent(actor)


async def do_set_availability(tx: Tx, actor: Actor, data: AvailabilityInput) -> str:
    check_set_availability(tx, actor, data)
    state = await _agent_state(tx, actor.id)
    now = utcnow()
    state.availability = data.availability
    state.availability_set_at = now
    state.last_active_at = now
    await tx.session.flush()
    await _announce_agent_presence(tx, actor.id)
    return data.availability


async def check_set_active_channels(tx: Tx, actor: Actor, data: ActiveChannelsInput) -> list[int]:
    check_chat_enabled(tx)
    _require_agent(actor)
    wanted = sorted(set(data.channel_ids))
    channels = {
        c.id: c
        for c in await tx.session.scalars(select(ChatChannel).where(ChatChannel.id.in_(wanted)))
    }
    for channel_id in wanted:
        channel = channels.get(channel_id)
        if channel is None or not channel.valid or not has_chat_permission(actor, channel.group_id):
            raise ValidationFailed(
                "channel_ids", f"channel {channel_id} is not one you hold a chat permission on"
            )
    return wanted


async def do_set_active_channels(tx: Tx, actor: Actor, data: ActiveChannelsInput) -> list[int]:
    wanted = await check_set_active_channels(tx, actor, data)
    state = await _agent_state(tx, actor.id)
    state.channel_ids = wanted
    await tx.session.flush()
    return wanted


async def do_note_agent_activity(tx: Tx, actor: Actor) -> None:
    """A live socket showed the agent is there (throttled by the caller)."""
    if not actor.is_agent:
        return
    state = await _agent_state(tx, actor.id)
    state.last_active_at = utcnow()
    await tx.session.flush()


async def _announce_agent_presence(tx: Tx, agent_id: int) -> None:
    rows = (
        await tx.session.execute(
            select(ChatMember.chat_id, ChatMember.role)
            .join(Chat, Chat.id == ChatMember.chat_id)
            .where(
                ChatMember.kind == "agent",
                ChatMember.user_id == agent_id,
                ChatMember.active.is_(True),
                Chat.status != "closed",
            )
        )
    ).all()
    if not rows:
        return
    live = (await liveness(tx, [agent_id])).get(agent_id)
    tx.emit(
        ChatPresenceChanged(
            chat_ids=tuple(sorted(r[0] for r in rows)),
            member_kind="agent",
            member_id=agent_id,
            presence=agent_presence(tx, live),
            hidden_from_customers_in=tuple(sorted(r[0] for r in rows if r[1] == "observer")),
        )
    )


# --- names and the event log ---------------------------------------------------------------------


def public_agent_name(tx: Tx, real_name: str, number: int | None) -> str:
    """CH-36: what customers call an agent."""
    default = str(tx.setting(DEFAULT_AGENT_NAME)).strip()
    if not default:
        return real_name
    if tx.setting(DEFAULT_AGENT_NAME_NUMBERS) and number is not None:
        return f"{default} {number}"
    return default


@dataclass(frozen=True)
class Author:
    kind: str
    id: int | None
    name: str
    public_name: str


def _author(tx: Tx, actor: Actor, member: ChatMember | None) -> Author:
    if member is None:
        return _author_of(tx, actor, None, None)
    return _author_of(tx, actor, member.agent_number, member.display_name)


def _author_of(tx: Tx, actor: Actor, agent_number: int | None, member_name: str | None) -> Author:
    if actor.is_agent:
        real = actor.display_name or actor.login
        return Author("agent", actor.id, real, public_agent_name(tx, real, agent_number))
    if actor.kind == "system":
        return Author("system", None, "System", "System")
    name = member_name if member_name is not None else actor.display_name
    return Author(member_kind(actor), actor.id, name, name)


async def _audience(tx: Tx, chat: Chat) -> Audience:
    members = (
        await tx.session.execute(
            select(ChatMember.kind, ChatMember.user_id).where(ChatMember.chat_id == chat.id)
        )
    ).all()
    return _audience_of(chat, [(kind, user_id) for kind, user_id in members])


class _Addressed(Protocol):
    """A chat or a row of one: whom a request is addressed to."""

    @property
    def target_agent_id(self) -> int | None: ...

    @property
    def target_customer_user_id(self) -> int | None: ...


def _audience_of(chat: _Addressed, members: Sequence[tuple[str, int]]) -> Audience:
    """Who hears of the chat's events: its members and whoever a request is addressed to."""
    agents = {user_id for kind, user_id in members if kind == "agent"}
    customers = {user_id for kind, user_id in members if kind == "customer"}
    if chat.target_agent_id is not None:
        agents.add(chat.target_agent_id)
    if chat.target_customer_user_id is not None:
        customers.add(chat.target_customer_user_id)
    return Audience(agent_ids=tuple(sorted(agents)), customer_user_ids=tuple(sorted(customers)))


async def _next_seq(tx: Tx, chat_id: int) -> int:
    seq = await tx.session.scalar(
        update(Chat)
        .where(Chat.id == chat_id)
        .values(last_seq=Chat.last_seq + 1)
        .returning(Chat.last_seq)
        .execution_options(synchronize_session=False)
    )
    assert seq is not None
    return int(seq)


async def append_event(
    tx: Tx,
    chat: Chat,
    kind: str,
    author: Author,
    *,
    text: str | None = None,
    data: dict[str, Any] | None = None,
    visible_to_customer: bool = True,
    client_message_id: str | None = None,
    audience: Audience | None = None,
) -> ChatEvent:
    """Store the chat's next event and queue it for the members (published after commit)."""
    now = utcnow()
    seq = await _next_seq(tx, chat.id)
    set_committed_value(chat, "last_seq", seq)  # already in the row: no second UPDATE
    row = ChatEvent(
        chat_id=chat.id,
        seq=seq,
        kind=kind,
        author_kind=author.kind,
        author_id=author.id,
        author_name=author.name,
        author_public_name=author.public_name,
        text=text,
        data=data or {},
        client_message_id=client_message_id,
        visible_to_customer=visible_to_customer,
        created_at=now,
    )
    tx.session.add(row)
    await tx.session.flush()
    tx.emit(_stored(row, audience or await _audience(tx, chat)))
    return row


def _stored(row: ChatEvent, audience: Audience) -> ChatEventStored:
    """The bus event announcing a stored chat event."""
    return ChatEventStored(
        chat_id=row.chat_id,
        seq=row.seq,
        event_kind=row.kind,
        author_kind=row.author_kind,
        author_id=row.author_id,
        author_name=row.author_name,
        author_public_name=row.author_public_name,
        text=row.text,
        data=row.data,
        client_message_id=row.client_message_id,
        visible_to_customer=row.visible_to_customer,
        at=isoformat_z(row.created_at) or "",
        audience=audience,
    )


def _check_text(tx: Tx, text: str) -> str:
    if not text.strip():
        raise ValidationFailed("text", "must not be empty")
    limit = int(tx.setting(MAX_MESSAGE_LENGTH))
    if len(text) > limit:
        raise PayloadTooLarge(
            f"A message may hold at most {limit} characters.",
            details=[{"field": "text", "message": f"at most {limit} characters"}],
        )
    return text


def _check_first_message(tx: Tx, text: str) -> str:
    try:
        return _check_text(tx, text)
    except ValidationFailed as error:
        raise ValidationFailed("message", error.message) from None
    except PayloadTooLarge as error:
        raise PayloadTooLarge(
            error.message, details=[{"field": "message", "message": error.message}]
        ) from None


async def requester_name_for(tx: Tx, chat: Chat, reader_is_agent: bool) -> str:
    """CH-36: the requester as this reader may call them (an agent asking a customer to chat
    appears under DefaultAgentName)."""
    if reader_is_agent or chat.requester_kind != "agent":
        return chat.requester_name
    number = await tx.session.scalar(
        select(ChatMember.agent_number).where(
            ChatMember.chat_id == chat.id,
            ChatMember.kind == "agent",
            ChatMember.user_id == chat.requester_id,
        )
    )
    return public_agent_name(tx, chat.requester_name, number)


async def chat_summary(tx: Tx, chat: Chat, channel: ChatChannel) -> dict[str, Any]:
    """What request notifications carry (the full chat is one GET away). Their audience is
    the request's addressees (``request_audience``): the customer of an agent's request, who
    sees the agent under DefaultAgentName, or the agents who may accept it."""
    addressed_to_customer = chat.direction == "agent_to_customer"
    return {
        "id": chat.id,
        "status": chat.status,
        "direction": chat.direction,
        "channel_id": channel.id,
        "channel_name": channel.name,
        "requester_name": await requester_name_for(tx, chat, not addressed_to_customer),
        "created_at": isoformat_z(chat.created_at),
        # The audience of a request frame is whom the request is addressed to (an agent's
        # request), or the channel's owners who receive chats: all of them may accept it.
        "addressed_to_me": chat.target_agent_id is not None
        or chat.target_customer_user_id is not None,
        "may_accept": chat.status == "request",
    }


async def request_audience(tx: Tx, chat: Chat, channel: ChatChannel) -> Audience:
    """CH-17: who hears of a request: the addressee, or the owners of the channel who are in
    the receiving and notification groups."""
    if chat.direction == "agent_to_agent":
        return Audience(agent_ids=(chat.target_agent_id,) if chat.target_agent_id else ())
    if chat.direction == "agent_to_customer":
        targets = (chat.target_customer_user_id,) if chat.target_customer_user_id else ()
        return Audience(customer_user_ids=targets)
    owners = await agents_with_permission(tx.session, channel.group_id, "chat_owner")
    for setting in (RECEIVING_AGENTS_GROUP, NOTIFICATION_AGENTS_GROUP):
        group_id = await group_id_by_name(tx.session, str(tx.setting(setting)))
        members = await agents_with_permission(tx.session, group_id, "ro") if group_id else set()
        owners &= members
    return Audience(agent_ids=tuple(sorted(owners)))


async def _add_member(
    tx: Tx, chat: Chat, kind: str, user_id: int, name: str, role: str
) -> ChatMember:
    number = None
    if kind == "agent":
        highest = await tx.session.scalar(
            select(func.max(ChatMember.agent_number)).where(ChatMember.chat_id == chat.id)
        )
        number = (highest or 0) + 1
    member = ChatMember(
        chat_id=chat.id,
        kind=kind,
        user_id=user_id,
        display_name=name,
        role=role,
        agent_number=number,
        active=True,
        monitor="off",
        joined_at=utcnow(),
        left_at=None,
    )
    tx.session.add(member)
    await tx.session.flush()
    return member


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


# --- messages (CH-22, CH-46, CH-50) --------------------------------------------------------------


@dataclass
class SentMessage:
    event: ChatEvent
    created: bool


async def _existing_message(
    tx: Tx, chat_id: int, author: Author, client_message_id: str
) -> ChatEvent | None:
    return await tx.session.scalar(
        select(ChatEvent).where(
            ChatEvent.chat_id == chat_id,
            ChatEvent.author_kind == author.kind,
            ChatEvent.author_id == author.id,
            ChatEvent.client_message_id == client_message_id,
        )
    )


def _check_can_write(access: ChatAccess) -> ChatMember:
    if access.chat.status == "closed":
        raise ChatClosed()
    member = access.member
    if member is None or not member.active:
        raise PermissionDenied("Join or accept the chat before writing in it.", code="not_member")
    if member.role not in WRITING_ROLES:
        raise PermissionDenied("Observers cannot write in a chat.", code="observer")
    return member


async def check_send_message(
    tx: Tx, actor: Actor, chat_id: int, data: MessageInput
) -> tuple[ChatAccess, ChatMember, ChatEvent | None]:
    """Returns the stored message when this client id was sent before (idempotent resend)."""
    check_chat_enabled(tx)
    access = await access_chat_by_id(tx.session, actor, chat_id)
    if data.client_message_id is not None and access.member is not None:
        stored = await _existing_message(
            tx, chat_id, _author(tx, actor, access.member), data.client_message_id
        )
        if stored is not None:
            return access, access.member, stored
    member = _check_can_write(access)
    _check_text(tx, data.text)
    await _check_rate(tx, access.chat, _author(tx, actor, member))
    return access, member, None


RATE_WINDOW = timedelta(seconds=1)  # MessagesPerSecond counts the messages of this long


async def _check_rate(tx: Tx, chat: Chat, author: Author) -> None:
    """At most MessagesPerSecond messages per member and second."""
    limit = int(tx.setting(MESSAGES_PER_SECOND))
    since = utcnow() - RATE_WINDOW
    recent = await tx.session.scalar(
        select(func.count())
        .select_from(ChatEvent)
        .where(
            # Through the (chat_id, created_at) index: only the window's rows are read.
            ChatEvent.chat_id == chat.id,
            ChatEvent.author_kind == author.kind,
            ChatEvent.author_id == author.id,
            ChatEvent.kind == "message",
            ChatEvent.created_at >= since,
        )
    )
    if (recent or 0) >= limit:
        raise RateLimited("You are sending messages too fast.", retry_after_seconds=1)


async def do_send_message(tx: Tx, actor: Actor, chat_id: int, data: MessageInput) -> SentMessage:
    access, member, stored = await check_send_message(tx, actor, chat_id, data)
    if stored is not None:
        return SentMessage(stored, created=False)
    author = _author(tx, actor, member)
    try:
        async with tx.session.begin_nested():
            row = await append_event(
                tx,
                access.chat,
                "message",
                author,
                text=data.text,
                client_message_id=data.client_message_id,
            )
    except IntegrityError:
        # The same client id raced in from another connection: that one is stored; answer it.
        assert data.client_message_id is not None
        _drop_last_queued(tx)
        await tx.session.refresh(access.chat)
        existing = await _existing_message(tx, chat_id, author, data.client_message_id)
        if existing is None:
            raise
        return SentMessage(existing, created=False)
    return SentMessage(row, created=True)


@dataclass(frozen=True)
class MessageRequest:
    """One message of a batch: who sends what to which chat."""

    actor: Actor
    chat_id: int
    data: MessageInput


@dataclass(frozen=True)
class StoredMessage:
    """Where a message of a batch stands in its chat; ``created`` is false for a resend."""

    chat_id: int
    seq: int
    created: bool


_CHAT = cast(Table, Chat.__table__)
_MEMBER = cast(Table, ChatMember.__table__)
_EVENT = cast(Table, ChatEvent.__table__)
_MOVE_LAST_SEQ = ManyRows(
    update(_CHAT).where(_CHAT.c.id == bindparam("chat")).values(last_seq=bindparam("moved_to")),
    row_names=("chat", "moved_to"),
)
# The batch's chats (locked on PostgreSQL, in id order), their members, and the messages stored
# earlier with the batch's client ids.
_BATCH_CHATS = RowsAmong(
    lambda lists: (
        select(
            _CHAT.c.id,
            _CHAT.c.status,
            _CHAT.c.last_seq,
            _CHAT.c.target_agent_id,
            _CHAT.c.target_customer_user_id,
        )
        .where(lists.among(_CHAT.c.id, "chats"))
        .order_by(_CHAT.c.id)
        .with_for_update()
    )
)
_BATCH_MEMBERS = RowsAmong(
    lambda lists: select(
        _MEMBER.c.chat_id,
        _MEMBER.c.kind,
        _MEMBER.c.user_id,
        _MEMBER.c.role,
        _MEMBER.c.active,
        _MEMBER.c.display_name,
        _MEMBER.c.agent_number,
    ).where(lists.among(_MEMBER.c.chat_id, "chats"))
)
_BATCH_RESENT = RowsAmong(lambda lists: _resent_query(lists.pairs("sent", Integer(), String())))
# Counted here, not with GROUP BY: grouped, SQLite walks the chats' whole history along the
# (chat_id, author…) index instead of the window along (chat_id, created_at).
_BATCH_RECENT = RowsAmong(
    lambda lists: select(_EVENT.c.chat_id, _EVENT.c.author_kind, _EVENT.c.author_id).where(
        lists.among(_EVENT.c.chat_id, "chats"),
        _EVENT.c.created_at >= bindparam("since", type_=_EVENT.c.created_at.type),
        _EVENT.c.kind == "message",
    )
)
# A batch's messages: the row's own values, then those every message of the batch shares.
_MESSAGE_ROW = (
    "chat_id",
    "seq",
    "author_kind",
    "author_id",
    "author_name",
    "author_public_name",
    "text",
    "client_message_id",
)
_MESSAGE_SHARED = ("kind", "data", "visible_to_customer", "created_at")
_INSERT_MESSAGES = ManyRows(
    insert(_EVENT).values({name: bindparam(name) for name in _MESSAGE_ROW + _MESSAGE_SHARED}),
    row_names=_MESSAGE_ROW,
    shared_names=_MESSAGE_SHARED,
)


async def do_send_message_batch(
    tx: Tx, requests: Sequence[MessageRequest]
) -> list[StoredMessage | None]:
    """Store many messages in one transaction with a fixed number of statements, whatever the
    batch's size (up to 200 chats): the chats (locked on PostgreSQL, in id order so two
    processes cannot deadlock), their members, earlier messages with the same client ids, the
    chats' newest events for the rate limit, one UPDATE of the chats' ``last_seq`` and one
    INSERT. Core statements and plain rows, no ORM objects: the Python work per message is
    what is left.

    Only the plain case is decided here: an active writing member, an open chat, a valid text,
    under the rate limit. Any other request comes back as ``None``, and the caller sends it
    through ``do_send_message`` on its own, which gives the exact answer or error. Sequence
    numbers stay gap-free because every writer of a chat's events moves ``last_seq`` under the
    chat's row lock (PostgreSQL) or the single write lock (SQLite: a transaction that read an
    older ``last_seq`` fails to write instead of writing over it).
    """
    results: list[StoredMessage | None] = [None] * len(requests)
    if not requests or not tx.setting(ACTIVE):
        return results
    session = tx.session
    chat_ids = sorted({request.chat_id for request in requests})
    chats = {row.id: row for row in await _BATCH_CHATS.all(session, chats=chat_ids)}
    if not chats:
        return results
    # Plain tuples: a row's attribute access costs more than all the rest per member.
    members: dict[int, list[tuple[str, int]]] = {}  # chat → (kind, user id) of every member
    writers: dict[tuple[int, str, int], tuple[int | None, str]] = {}  # → number, name
    for (
        chat_id,
        kind,
        user_id,
        role,
        active,
        display_name,
        agent_number,
    ) in await _BATCH_MEMBERS.all(session, chats=list(chats)):
        members.setdefault(chat_id, []).append((kind, user_id))
        if active and role in WRITING_ROLES:
            writers[(chat_id, kind, user_id)] = (agent_number, display_name)
    resent = await _seqs_by_client_id(tx, list(chats), requests)
    limit = int(tx.setting(MESSAGES_PER_SECOND))
    recent = await _recent_message_counts(tx, list(chats))

    now = utcnow()
    at = isoformat_z(now) or ""
    rows: list[tuple[Any, ...]] = []  # the chat_event rows to insert, as in _MESSAGE_ROW
    moved: dict[int, int] = {}
    for index, request in enumerate(requests):
        chat = chats.get(request.chat_id)
        if chat is None or chat.status == "closed":
            continue
        writer = writers.get((chat.id, member_kind(request.actor), request.actor.id))
        if writer is None:
            continue  # not an active member who may write: decided one by one
        author = _author_of(tx, request.actor, *writer)
        client_id = request.data.client_message_id
        key = (chat.id, author.kind, author.id, client_id)
        if client_id is not None and key in resent:
            results[index] = StoredMessage(chat.id, resent[key], created=False)
            continue
        text = request.data.text
        try:
            _check_text(tx, text)
        except DomainError:
            continue  # refused: the one-by-one path gives the error
        rate_key = (chat.id, author.kind, author.id)
        if recent.get(rate_key, 0) >= limit:
            continue
        recent[rate_key] = recent.get(rate_key, 0) + 1
        seq = moved.get(chat.id, chat.last_seq) + 1
        moved[chat.id] = seq
        rows.append(
            (
                chat.id,
                seq,
                author.kind,
                author.id,
                author.name,
                author.public_name,
                text,
                client_id,
            )
        )
        if client_id is not None:
            resent[key] = seq  # the same client id twice in one batch: one message
        results[index] = StoredMessage(chat.id, seq, created=True)
    if not rows:
        return results
    await _MOVE_LAST_SEQ.execute(session, list(moved.items()))
    for chat_id, seq in moved.items():
        # A Chat of this chat already in the session must not keep the old number.
        loaded = session.identity_map.get(session.sync_session.identity_key(Chat, (chat_id,)))
        if isinstance(loaded, Chat):
            set_committed_value(loaded, "last_seq", seq)
    await _INSERT_MESSAGES.execute(
        session,
        rows,
        {"kind": "message", "data": {}, "visible_to_customer": True, "created_at": now},
    )
    audiences = {chat_id: _audience_of(chats[chat_id], members[chat_id]) for chat_id in moved}
    # Built from values this function made: no validation needed (model_construct).
    tx.emit_all(
        [
            ChatEventStored.model_construct(
                chat_id=chat_id,
                seq=seq,
                event_kind="message",
                author_kind=author_kind,
                author_id=author_id,
                author_name=author_name,
                author_public_name=author_public_name,
                text=text,
                data={},
                client_message_id=client_id,
                visible_to_customer=True,
                at=at,
                audience=audiences[chat_id],
            )
            for (
                chat_id,
                seq,
                author_kind,
                author_id,
                author_name,
                author_public_name,
                text,
                client_id,
            ) in rows
        ]
    )
    return results


def _resent_query(sent: Subquery) -> Select[Any]:
    """The batch's (chat, client id) pairs already stored: one index probe per pair."""
    return select(
        _EVENT.c.chat_id,
        _EVENT.c.author_kind,
        _EVENT.c.author_id,
        _EVENT.c.client_message_id,
        _EVENT.c.seq,
    ).select_from(
        _EVENT.join(
            sent,
            (_EVENT.c.chat_id == sent.c.first) & (_EVENT.c.client_message_id == sent.c.second),
        )
    )


async def _seqs_by_client_id(
    tx: Tx, chat_ids: list[int], requests: Sequence[MessageRequest]
) -> dict[tuple[int, str, int | None, str | None], int]:
    known = set(chat_ids)
    sent = sorted(
        {
            (r.chat_id, r.data.client_message_id)
            for r in requests
            if r.data.client_message_id is not None and r.chat_id in known
        }
    )
    if not sent:
        return {}
    found = await _BATCH_RESENT.all(tx.session, sent=sent)
    return {(chat, kind, author, client_id): seq for chat, kind, author, client_id, seq in found}


async def _recent_message_counts(
    tx: Tx, chat_ids: list[int]
) -> dict[tuple[int, str, int | None], int]:
    """Messages per (chat, author) within the rate window, as ``_check_rate`` counts them."""
    recent = await _BATCH_RECENT.all(tx.session, chats=chat_ids, since=utcnow() - RATE_WINDOW)
    return dict(Counter((chat_id, kind, author) for chat_id, kind, author in recent))


def _drop_last_queued(tx: Tx) -> None:
    """The bus forgets queued events only when the whole transaction rolls back; the event of a
    rolled-back savepoint is taken out here."""
    queued = tx.session.info.get("frontdesk.bus.queued")
    if queued:
        queued.pop()


# --- typing (CH-49): not stored, no seq ----------------------------------------------------------


async def check_typing(tx: Tx, actor: Actor, chat_id: int) -> tuple[ChatAccess, ChatMember]:
    check_chat_enabled(tx)
    access = await access_chat_by_id(tx.session, actor, chat_id)
    if access.chat.status == "closed":
        raise ChatClosed()
    if access.member is None or not access.member.active:
        raise PermissionDenied("Join the chat first.", code="not_member")
    return access, access.member


async def do_typing(tx: Tx, actor: Actor, chat_id: int) -> None:
    access, member = await check_typing(tx, actor, chat_id)
    author = _author(tx, actor, member)
    tx.emit(
        ChatTyping(
            chat_id=chat_id,
            author_kind=author.kind,
            author_id=author.id,
            author_name=author.name,
            author_public_name=author.public_name,
            visible_to_customer=member.role != "observer",
            audience=await _audience(tx, access.chat),
        )
    )


# --- closing (CH-23) -----------------------------------------------------------------------------


async def check_close_chat(tx: Tx, actor: Actor, chat_id: int) -> ChatAccess:
    check_chat_enabled(tx)
    access = await access_chat_by_id(tx.session, actor, chat_id)
    chat = access.chat
    if chat.status == "closed":
        raise ChatClosed()
    addressee = chat.status == "request" and actor.id in (
        (chat.target_agent_id,) if actor.is_agent else (chat.target_customer_user_id,)
    )
    if addressee:
        return access  # declining a request addressed to oneself
    if access.member is None or not access.member.active:
        raise PermissionDenied("Only members of the chat may close it.", code="not_member")
    if access.member.role not in WRITING_ROLES:
        raise PermissionDenied("Observers cannot close a chat.", code="observer")
    return access


async def do_close_chat(tx: Tx, actor: Actor, chat_id: int) -> Chat:
    access = await check_close_chat(tx, actor, chat_id)
    await _close(tx, actor, access)
    return access.chat


async def _close(tx: Tx, actor: Actor, access: ChatAccess) -> None:
    chat = access.chat
    was_request = chat.status == "request"
    notified = await request_audience(tx, chat, access.channel) if was_request else None
    now = utcnow()
    await tx.session.execute(
        update(Chat)
        .where(Chat.id == chat.id)
        .values(status="closed", closed_at=now)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(chat, "status", "closed")
    set_committed_value(chat, "closed_at", now)
    await append_event(tx, chat, "closed", _author(tx, actor, access.member))
    if notified is not None:
        tx.emit(
            ChatRequestGone(chat=await chat_summary(tx, chat, access.channel), audience=notified)
        )
    tx.emit(ChatChanged(chat_id=chat.id, audience=await _audience(tx, chat)))


# --- changing the channel (CH-21) ----------------------------------------------------------------


async def check_change_channel(
    tx: Tx, actor: Actor, chat_id: int, data: ChannelMove
) -> tuple[ChatAccess, ChatChannel]:
    check_chat_enabled(tx)
    access = await access_chat_by_id(tx.session, actor, chat_id)
    if access.chat.status == "closed":
        raise ChatClosed()
    if not actor.is_agent:
        raise PermissionDenied("Only agents may move a chat to another channel.")
    if access.chat.status == "active" and access.role not in ("owner", "participant"):
        raise PermissionDenied(
            "Only owners and participants may move a chat.", code="not_participant"
        )
    if access.chat.status == "request" and not has_chat_permission(actor, access.channel.group_id):
        raise PermissionDenied("You hold no chat permission on this channel.")
    target = await tx.session.get(ChatChannel, data.channel_id)
    if target is None or not target.valid or not has_chat_permission(actor, target.group_id):
        raise ValidationFailed("channel_id", "is not a chat channel you hold a permission on")
    if not await available_agents(tx, target):
        raise ValidationFailed(
            "channel_id", "no agent is available in this channel", code="no_agent_available"
        )
    return access, target


async def do_change_channel(tx: Tx, actor: Actor, chat_id: int, data: ChannelMove) -> Chat:
    access, target = await check_change_channel(tx, actor, chat_id, data)
    chat = access.chat
    if target.id == chat.channel_id:
        return chat
    old_audience = (
        await request_audience(tx, chat, access.channel) if chat.status == "request" else None
    )
    old_channel = access.channel
    chat.channel_id = target.id
    await tx.session.flush()
    await append_event(
        tx,
        chat,
        "channel_changed",
        _author(tx, actor, access.member),
        data={
            "channel_id": target.id,
            "channel_name": target.name,
            "old_channel_id": old_channel.id,
        },
    )
    if old_audience is not None:
        tx.emit(
            ChatRequestGone(chat=await chat_summary(tx, chat, old_channel), audience=old_audience)
        )
        await _announce_request(tx, chat, target)
    tx.emit(ChatChanged(chat_id=chat.id, audience=await _audience(tx, chat)))
    return chat


# --- inviting and joining (CH-28 … CH-30) --------------------------------------------------------


async def check_invite(
    tx: Tx, actor: Actor, chat_id: int, data: InviteInput
) -> tuple[ChatAccess, Agent]:
    check_chat_enabled(tx)
    access = await access_chat_by_id(tx.session, actor, chat_id)
    if access.chat.status == "closed":
        raise ChatClosed()
    if not actor.is_agent or access.role is None:
        raise PermissionDenied("Only agents in the chat may invite others.", code="not_member")
    agent = await tx.session.get(Agent, data.agent_id)
    if agent is None or not agent.valid or agent.id == actor.id:
        raise ValidationFailed("agent_id", "is not another agent")
    invitee_permissions = await agents_with_permission(
        tx.session, access.channel.group_id, "chat_observer"
    )
    if agent.id not in invitee_permissions:
        raise ValidationFailed("agent_id", "this agent holds no chat permission on the channel")
    if not await agent_available_now(tx, agent.id):
        raise ValidationFailed(
            "agent_id", "this agent is not available now", code="agent_unavailable"
        )
    return access, agent


async def do_invite(tx: Tx, actor: Actor, chat_id: int, data: InviteInput) -> Chat:
    """Opens an agent-to-agent request to the invitee, linked to this chat."""
    access, agent = await check_invite(tx, actor, chat_id, data)
    channel = await default_channel(tx)
    name = actor.display_name or actor.login
    internal = Chat(
        channel_id=channel.id,
        direction="agent_to_agent",
        status="request",
        requester_kind="agent",
        requester_id=actor.id,
        requester_name=name,
        target_agent_id=agent.id,
        invited_for_chat_id=access.chat.id,
        last_seq=0,
        created_at=utcnow(),
    )
    tx.session.add(internal)
    await tx.session.flush()
    member = await _add_member(tx, internal, "agent", actor.id, name, "owner")
    await append_event(
        tx,
        internal,
        "invited",
        _author(tx, actor, member),
        data={"invited_for_chat_id": access.chat.id, "agent_invitee_id": agent.id},
    )
    await append_event(
        tx,
        access.chat,
        "invited",
        _author(tx, actor, access.member),
        data={"agent_invitee_name": agent.full_name, "agent_invitee_id": agent.id},
        visible_to_customer=False,
    )
    await _announce_request(tx, internal, channel)
    return internal


async def check_join(tx: Tx, actor: Actor, chat_id: int, data: JoinInput) -> ChatAccess:
    check_chat_enabled(tx)
    access = await access_chat_by_id(tx.session, actor, chat_id)
    if access.chat.status == "closed":
        raise ChatClosed()
    if not actor.is_agent:
        raise PermissionDenied("Only agents join chats.")
    if access.member is None and not access.invited:
        raise PermissionDenied("You need an invitation to join this chat.", code="not_invited")
    permission = "chat_participant" if data.as_ == "participant" else "chat_observer"
    if not has_chat_permission(actor, access.channel.group_id, permission):
        raise PermissionDenied(
            f"You need {permission} on this channel's group.", code="permission_missing"
        )
    if access.member is not None and access.member.role == "owner":
        raise Conflict("You own this chat already.", code="already_owner")
    return access


async def do_join(tx: Tx, actor: Actor, chat_id: int, data: JoinInput) -> Chat:
    access = await check_join(tx, actor, chat_id, data)
    chat = access.chat
    role = data.as_
    member = access.member
    if member is not None and member.active and member.role == role:
        return chat
    if member is None:
        member = await _add_member(
            tx, chat, "agent", actor.id, actor.display_name or actor.login, role
        )
        kind = "joined"
    else:
        member.role = role
        member.active = True
        member.left_at = None
        await tx.session.flush()
        kind = "role_changed"
    # CH-29: customers never learn of observers.
    await append_event(
        tx,
        chat,
        kind,
        _author(tx, actor, member),
        data={"role": role},
        visible_to_customer=role == "participant",
    )
    tx.emit(ChatChanged(chat_id=chat.id, audience=await _audience(tx, chat)))
    return chat


async def check_set_monitor(tx: Tx, actor: Actor, chat_id: int, data: MonitorInput) -> ChatMember:
    check_chat_enabled(tx)
    access = await access_chat_by_id(tx.session, actor, chat_id)
    if not actor.is_agent or access.member is None:
        raise PermissionDenied("Only agents in the chat may monitor it.", code="not_member")
    return access.member


async def do_set_monitor(tx: Tx, actor: Actor, chat_id: int, data: MonitorInput) -> str:
    member = await check_set_monitor(tx, actor, chat_id, data)
    member.monitor = data.level
    await tx.session.flush()
    return data.level


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


# --- housekeeping (CH-40) ------------------------------------------------------------------------


async def do_delete_expired_chats(tx: Tx, now: datetime) -> list[int]:
    """Closed chats older than ChatTTL hours and open ones older than ChatDecayTime days go.
    Articles made from chats stay (they are copies)."""
    closed_before = now - timedelta(hours=int(tx.setting(CHAT_TTL_HOURS)))
    created_before = now - timedelta(days=int(tx.setting(CHAT_DECAY_DAYS)))
    expired = or_(
        (Chat.status == "closed") & (Chat.closed_at < closed_before),
        (Chat.status != "closed") & (Chat.created_at < created_before),
    )
    ids = list(await tx.session.scalars(select(Chat.id).where(expired).order_by(Chat.id)))
    if not ids:
        return []
    # Children first: SQLite enforces ON DELETE CASCADE only with foreign keys on.
    await tx.session.execute(delete(ChatEvent).where(ChatEvent.chat_id.in_(ids)))
    await tx.session.execute(delete(ChatMember).where(ChatMember.chat_id.in_(ids)))
    await tx.session.execute(
        update(Chat).where(Chat.invited_for_chat_id.in_(ids)).values(invited_for_chat_id=None)
    )
    await tx.session.execute(delete(Chat).where(Chat.id.in_(ids)))
    tx.emit(ChatsDeleted(chat_ids=tuple(ids)))
    return ids


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
