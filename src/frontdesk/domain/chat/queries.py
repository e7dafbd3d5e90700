"""Read side of the chat: chats as the caller may see them, the event log, channels."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.clock import isoformat_z, utcnow
from frontdesk.core.errors import ValidationFailed
from frontdesk.core.pagination import Page, PageRequest
from frontdesk.core.permissions import CHAT_PERMISSIONS
from frontdesk.domain.accounts.access import check_admin
from frontdesk.domain.accounts.models import Agent, CustomerUser
from frontdesk.domain.chat.access import (
    OFFERED_TO_OWNERS,
    ChatAccess,
    access_chat_by_id,
    has_chat_permission,
)
from frontdesk.domain.chat.actions import (
    SentMessage,
    check_chat_enabled,
    default_channel,
    public_agent_name,
    receives_chats,
    requester_name_for,
    starts_chats,
)
from frontdesk.domain.chat.colours import ChatColours, readable
from frontdesk.domain.chat.event_views import reader_sees, render_row
from frontdesk.domain.chat.models import Chat, ChatChannel, ChatEvent, ChatMember
from frontdesk.domain.chat.presence import (
    available_agents,
    is_available,
    liveness,
    member_presences,
)
from frontdesk.domain.chat.schemas import (
    ChannelChoice,
    ChannelOut,
    ChatOut,
    EventOut,
    MemberOut,
    TranscriptLine,
)
from frontdesk.domain.chat.settings import (
    ACTIVE,
    AGENT_TO_AGENT,
    CHAT_ORDER,
    CUSTOMER_ALLOW_CHANNELS,
    CUSTOMER_AVAILABILITY_CHECK,
    CUSTOMER_THRESHOLD,
    DEFAULT_CHANNEL,
    HTTP_TYPE,
    PUBLIC_ALLOW_CHANNELS,
    PUBLIC_ALLOWED_ORIGINS,
    PUBLIC_AVAILABILITY_CHECK,
    PUBLIC_FALLBACK_URL,
    PUBLIC_PRIMARY_COLOR,
    PUBLIC_TEXT_COLOR,
    TEXT_CUSTOMER_CLOSED,
    TEXT_CUSTOMER_WAITING,
    TEXT_NO_AGENTS_NEW_TICKET,
    TEXT_PUBLIC_CLOSED,
    TEXT_PUBLIC_NO_AGENTS,
    TEXT_PUBLIC_WAITING,
)
from frontdesk.domain.chat.transcript import line_text
from frontdesk.domain.runtime import Tx
from frontdesk.domain.tickets.queries import creatable_queues
from frontdesk.integrations.pdf import TranscriptEntry, render_transcript

EVENT_PAGE = 500


async def chat_out(tx: Tx, actor: Actor, access: ChatAccess) -> ChatOut:
    chat = access.chat
    reader_is_agent = actor.is_agent or actor.kind == "system"
    members = list(
        await tx.session.scalars(
            select(ChatMember).where(ChatMember.chat_id == chat.id).order_by(ChatMember.id)
        )
    )
    presences = await member_presences(tx, members, chat.status)
    shown: list[MemberOut] = []
    for member in members:
        if not reader_is_agent and member.kind == "agent" and member.role == "observer":
            continue  # CH-29, CH-36: observers are invisible to customers
        name = member.display_name
        if member.kind == "agent" and not reader_is_agent:
            name = public_agent_name(tx, member.display_name, member.agent_number)
        shown.append(
            MemberOut(
                kind=member.kind,
                id=member.user_id if (reader_is_agent or member.kind != "agent") else None,
                display_name=name,
                role=member.role if member.active else "left",
                presence=presences[member.id],
            )
        )
    no_agent_text = fallback_url = None
    if chat.status == "request" and chat.direction in OFFERED_TO_OWNERS:
        waited = utcnow() - chat.created_at
        if waited >= timedelta(minutes=int(tx.setting(CUSTOMER_THRESHOLD))) and not reader_is_agent:
            if chat.direction == "public_to_agent":
                no_agent_text = str(tx.setting(TEXT_PUBLIC_NO_AGENTS))
                fallback_url = str(tx.setting(PUBLIC_FALLBACK_URL)) or None
            else:
                no_agent_text = str(tx.setting(TEXT_NO_AGENTS_NEW_TICKET))
    addressee_name, addressed_to_me = await _addressee(tx, actor, chat)
    return ChatOut(
        id=chat.id,
        status=chat.status,
        direction=chat.direction,
        channel_id=access.channel.id,
        channel_name=access.channel.name,
        requester_name=await requester_name_for(tx, chat, reader_is_agent),
        created_at=isoformat_z(chat.created_at) or "",
        accepted_at=isoformat_z(chat.accepted_at),
        closed_at=isoformat_z(chat.closed_at),
        last_seq=chat.last_seq,
        members=shown,
        my_role=access.role,
        monitor=access.member.monitor if access.member is not None and actor.is_agent else None,
        invited_for_chat_id=chat.invited_for_chat_id,
        addressee_name=addressee_name,
        addressed_to_me=addressed_to_me,
        may_accept=await _may_accept(tx, actor, access, addressed_to_me),
        no_agent_text=no_agent_text,
        fallback_url=fallback_url,
    )


async def _may_accept(tx: Tx, actor: Actor, access: ChatAccess, addressed_to_me: bool) -> bool:
    """CH-20: the rule of ``check_accept_chat``, for showing or hiding the accept button."""
    chat = access.chat
    if chat.status != "request" or access.member is not None:
        return False
    if addressed_to_me:
        return True
    return (
        chat.direction in OFFERED_TO_OWNERS
        and has_chat_permission(actor, access.channel.group_id, "chat_owner")
        and await receives_chats(tx, actor)
    )


async def _addressee(tx: Tx, actor: Actor, chat: Chat) -> tuple[str | None, bool]:
    """The agent or customer user an agent's request (CH-13, CH-14) is addressed to."""
    if chat.target_agent_id is not None:
        agent = await tx.session.get(Agent, chat.target_agent_id)
        name = agent.full_name if agent is not None else None
        return name, actor.is_agent and actor.id == chat.target_agent_id
    if chat.target_customer_user_id is not None:
        customer = await tx.session.get(CustomerUser, chat.target_customer_user_id)
        name = customer.full_name if customer is not None else None
        return name, actor.is_customer and actor.id == chat.target_customer_user_id
    return None, False


async def get_chat(tx: Tx, actor: Actor, chat_id: int) -> ChatOut:
    check_chat_enabled(tx)
    return await chat_out(tx, actor, await access_chat_by_id(tx.session, actor, chat_id))


def visible_chats_filter(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause on ``Chat`` selecting the chats ``access_chat_by_id`` lets through
    (without accepted invitations, which show up as the internal chat instead)."""
    if actor.kind == "visitor":
        return Chat.id == actor.id
    kind = "agent" if actor.is_agent else "customer"
    is_member = Chat.id.in_(
        select(ChatMember.chat_id).where(ChatMember.kind == kind, ChatMember.user_id == actor.id)
    )
    if actor.is_customer:
        return or_(is_member, Chat.target_customer_user_id == actor.id)
    if not actor.is_agent:
        return false()
    groups: set[int] = set()
    for permission in CHAT_PERMISSIONS:
        groups |= actor.groups_with(permission)
    open_requests = and_(
        Chat.status == "request",
        Chat.direction.in_(OFFERED_TO_OWNERS),
        Chat.channel_id.in_(select(ChatChannel.id).where(ChatChannel.group_id.in_(groups))),
    )
    return or_(is_member, Chat.target_agent_id == actor.id, open_requests)


async def list_chats(tx: Tx, actor: Actor, status: str | None, page: PageRequest) -> Page[ChatOut]:
    """CH-18, CH-35: the caller's requests and chats; ChatOrder puts new ones first or last."""
    check_chat_enabled(tx)
    where = visible_chats_filter(actor)
    if status is not None:
        where = and_(where, Chat.status == status)
    total = await tx.session.scalar(select(func.count()).select_from(Chat).where(where)) or 0
    order = Chat.id.desc() if tx.setting(CHAT_ORDER, actor) == "prepend" else Chat.id.asc()
    chats = list(
        await tx.session.scalars(
            select(Chat).where(where).order_by(order).limit(page.limit).offset(page.offset)
        )
    )
    items = [
        await chat_out(tx, actor, await access_chat_by_id(tx.session, actor, chat.id))
        for chat in chats
    ]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@dataclass(frozen=True)
class EventBatch:
    """Events after a seq as one reader sees them; ``covered_through`` counts the events the
    reader may not see too, so the next call starts after them."""

    events: list[EventOut]
    covered_through: int
    complete: bool


async def events_after(
    session: AsyncSession, actor: Actor, access: ChatAccess, after_seq: int, limit: int = EVENT_PAGE
) -> EventBatch:
    """Stored events after ``after_seq`` that this reader may see, in order (CH-46)."""
    if after_seq < 0:
        raise ValidationFailed("after_seq", "must not be negative")
    if after_seq > access.chat.last_seq:
        raise ValidationFailed(
            "after_seq", "is ahead of the chat's newest event", code="after_seq_ahead"
        )
    reader_is_agent = actor.is_agent or actor.kind == "system"
    rows = list(
        await session.scalars(
            select(ChatEvent)
            .where(ChatEvent.chat_id == access.chat.id, ChatEvent.seq > after_seq)
            .order_by(ChatEvent.seq)
            .limit(limit)
        )
    )
    events = [
        EventOut(chat_id=row.chat_id, seq=row.seq, event=render_row(row, reader_is_agent))
        for row in rows
        if reader_sees(row, reader_is_agent)
    ]
    covered = rows[-1].seq if rows else after_seq
    return EventBatch(events=events, covered_through=covered, complete=len(rows) < limit)


async def last_seq_of(session: AsyncSession, chat_id: int) -> int:
    return int(await session.scalar(select(Chat.last_seq).where(Chat.id == chat_id)) or 0)


async def channel_choices(tx: Tx, actor: Actor) -> list[ChannelChoice]:
    """CH-11: the channels the caller may pick, each telling whether an agent is available."""
    check_chat_enabled(tx)
    default = await default_channel(tx)
    channels = list(
        await tx.session.scalars(
            select(ChatChannel).where(ChatChannel.valid.is_(True)).order_by(ChatChannel.name)
        )
    )
    if actor.is_agent:
        channels = [c for c in channels if has_chat_permission(actor, c.group_id)]
        allow, check = True, False
    elif actor.is_customer:
        allow = bool(tx.setting(CUSTOMER_ALLOW_CHANNELS))
        check = bool(tx.setting(CUSTOMER_AVAILABILITY_CHECK))
    else:
        allow = bool(tx.setting(PUBLIC_ALLOW_CHANNELS))
        check = bool(tx.setting(PUBLIC_AVAILABILITY_CHECK))
    if not allow:
        channels = [default]
    result = []
    for channel in channels:
        available = bool(await available_agents(tx, channel))
        if check and not available:
            continue
        result.append(
            ChannelChoice(
                id=channel.id,
                name=channel.name,
                is_default=channel.id == default.id,
                available=available,
            )
        )
    return result


def channel_out(tx: Tx, channel: ChatChannel) -> ChannelOut:
    return ChannelOut(
        id=channel.id,
        name=channel.name,
        group_id=channel.group_id,
        valid=channel.valid,
        comment=channel.comment,
        is_default=channel.name == tx.setting(DEFAULT_CHANNEL),
        created_at=channel.created_at,
        updated_at=channel.updated_at,
    )


async def list_channels(tx: Tx, actor: Actor, page: PageRequest) -> Page[ChannelOut]:
    """CH-8: every channel for the admin screen, the default one created on demand."""
    await check_admin(tx.session, actor)
    await default_channel(tx)
    total = await tx.session.scalar(select(func.count()).select_from(ChatChannel)) or 0
    rows = await tx.session.scalars(
        select(ChatChannel).order_by(ChatChannel.name).limit(page.limit).offset(page.offset)
    )
    return Page(
        items=[channel_out(tx, c) for c in rows], total=total, limit=page.limit, offset=page.offset
    )


def page_body(page: Page[Any]) -> dict[str, Any]:
    return {"items": [item.model_dump(mode="json") for item in page.items], "total": page.total}


async def chat_events(
    tx: Tx, actor: Actor, chat_id: int, after_seq: int, limit: int = EVENT_PAGE
) -> EventBatch:
    check_chat_enabled(tx)
    access = await access_chat_by_id(tx.session, actor, chat_id)
    return await events_after(tx.session, actor, access, after_seq, limit)


def visitor_actor(chat: Chat) -> Actor:
    return Actor(
        kind="visitor", id=chat.id, login=f"visitor:{chat.id}", display_name=chat.requester_name
    )


ANONYMOUS_VISITOR = Actor(kind="visitor", id=0, login="visitor", display_name="Visitor")
"""A public user before their first chat: may only list the channels offered to them."""


async def public_chat_out(tx: Tx, chat: Chat) -> ChatOut:
    """The new public chat as its visitor sees it."""
    visitor = visitor_actor(chat)
    return await chat_out(tx, visitor, await access_chat_by_id(tx.session, visitor, chat.id))


def sent_message_out(actor: Actor, sent: SentMessage) -> dict[str, Any]:
    return {
        "chat_id": sent.event.chat_id,
        "seq": sent.event.seq,
        "client_message_id": sent.event.client_message_id,
        "duplicate": not sent.created,
        "event": render_row(sent.event, actor.is_agent),
    }


async def transcript_pdf(tx: Tx, actor: Actor, chat_id: int) -> bytes:
    """CH-31, CH-35, CH-38: the chat as this reader sees it (names, visible events) as PDF."""
    check_chat_enabled(tx)
    access = await access_chat_by_id(tx.session, actor, chat_id)
    chat = access.chat
    reader_is_agent = actor.is_agent
    rows = list(
        await tx.session.scalars(
            select(ChatEvent).where(ChatEvent.chat_id == chat.id).order_by(ChatEvent.seq)
        )
    )
    members = list(
        await tx.session.scalars(
            select(ChatMember).where(ChatMember.chat_id == chat.id).order_by(ChatMember.id)
        )
    )
    names = [
        public_agent_name(tx, m.display_name, m.agent_number)
        if m.kind == "agent" and not reader_is_agent
        else m.display_name
        for m in members
        if reader_is_agent or not (m.kind == "agent" and m.role == "observer")
    ]
    entries = []
    for row in rows:
        if not reader_sees(row, reader_is_agent):
            continue
        line = TranscriptLine(
            seq=row.seq,
            kind=row.kind,
            at=isoformat_z(row.created_at) or "",
            author_kind=row.author_kind,
            author_name=row.author_name,
            author_public_name=row.author_public_name,
            text=row.text,
            visible_to_customer=row.visible_to_customer,
        )
        who = row.author_name if reader_is_agent else row.author_public_name
        entries.append(TranscriptEntry(line.at, who, line_text(line, reader_is_agent, row.data)))
    details = [
        f"Channel: {access.channel.name}",
        f"Started: {isoformat_z(chat.created_at)}",
        f"Closed: {isoformat_z(chat.closed_at) or '-'}",
        "Members: " + ", ".join(names),
    ]
    title = f"Chat {chat.id}: {await requester_name_for(tx, chat, reader_is_agent)}"
    return await asyncio.to_thread(render_transcript, title, details, entries)


# --- the agent's chat screens (chat manager, toolbar, preferences) ----------------------------


async def channel_for_admin(tx: Tx, actor: Actor, channel_id: int) -> ChannelOut:
    """CH-8: one channel for the admin edit form."""
    from frontdesk.domain.chat.actions import access_channel_for_admin

    return channel_out(tx, await access_channel_for_admin(tx, actor, channel_id))


@dataclass(frozen=True)
class AgentChatState:
    """What the toolbar switch (CH-10) and the channel preferences (CH-9) show."""

    availability: str
    active_channel_ids: list[int]
    channels: list[ChannelChoice]


async def agent_chat_state(tx: Tx, actor: Actor) -> AgentChatState:
    from frontdesk.core.errors import PermissionDenied
    from frontdesk.domain.chat.models import ChatAgentState

    check_chat_enabled(tx)
    if not actor.is_agent:
        raise PermissionDenied("Only agents may do this.")
    live = (await liveness(tx, [actor.id])).get(actor.id)
    state = await tx.session.get(ChatAgentState, actor.id)
    channels = await channel_choices(tx, actor)
    return AgentChatState(
        availability=live.availability if live is not None else "internal",
        active_channel_ids=list(state.channel_ids or []) if state is not None else [],
        channels=channels,
    )


@dataclass(frozen=True)
class QueueChoice:
    id: int
    name: str


@dataclass(frozen=True)
class ChatManagerView:
    """What the chat manager needs besides the live data: where new widgets go (CH-18), the
    channels whose requests this agent may accept (CH-20) and the queues a phone ticket may
    go to (CH-26)."""

    state: AgentChatState
    chat_order: str
    accepting_channel_ids: list[int]
    phone_ticket_queues: list[QueueChoice]


async def chat_manager_view(tx: Tx, actor: Actor) -> ChatManagerView:

    state = await agent_chat_state(tx, actor)
    accepting: list[int] = []
    if await receives_chats(tx, actor):
        groups = actor.groups_with("chat_owner")
        accepting = list(
            await tx.session.scalars(
                select(ChatChannel.id)
                .where(ChatChannel.valid.is_(True), ChatChannel.group_id.in_(groups))
                .order_by(ChatChannel.id)
            )
        )
    queues = await creatable_queues(tx.session, actor)
    return ChatManagerView(
        state=state,
        chat_order=str(tx.setting(CHAT_ORDER, actor)),
        accepting_channel_ids=accepting,
        phone_ticket_queues=[QueueChoice(queue.id, queue.name) for queue in queues],
    )


async def chat_partner_ids(tx: Tx, actor: Actor, agent_ids: list[int]) -> set[int]:
    """CH-13: of these agents, those the caller may start a chat with now (the users-online
    widget shows a chat control for them only). None while the chat or agent-to-agent chats
    are off, or when the caller may not start chats."""

    if not (tx.setting(ACTIVE) and tx.setting(AGENT_TO_AGENT)) or not actor.is_agent:
        return set()
    if not await starts_chats(tx, actor):
        return set()
    live = await liveness(tx, [agent_id for agent_id in agent_ids if agent_id != actor.id])
    return {agent_id for agent_id, state in live.items() if is_available(tx, state)}


@dataclass(frozen=True)
class AgentChoice:
    id: int
    name: str


async def invitable_agents(tx: Tx, actor: Actor, chat_id: int) -> list[AgentChoice]:
    """CH-28: agents the caller may invite into a chat: chat permission on its channel's group,
    switched on and active lately, and not in the chat yet."""
    from frontdesk.domain.chat.presence import agent_available_now, agents_with_permission

    check_chat_enabled(tx)
    access = await access_chat_by_id(tx.session, actor, chat_id)
    candidates = await agents_with_permission(
        tx.session, access.channel.group_id, "chat_participant"
    )
    members = set(
        await tx.session.scalars(
            select(ChatMember.user_id).where(
                ChatMember.chat_id == chat_id, ChatMember.kind == "agent"
            )
        )
    )
    wanted = sorted(candidates - members - {actor.id})
    if not wanted:
        return []
    agents = await tx.session.scalars(select(Agent).where(Agent.id.in_(wanted)))
    result = [
        AgentChoice(agent.id, f"{agent.first_name} {agent.last_name}")
        for agent in agents
        if await agent_available_now(tx, agent.id)
    ]
    return sorted(result, key=lambda choice: choice.name)


# --- embedding the public chat (CH-48) -----------------------------------------------------------


def embedding_origins(tx: Tx) -> list[str]:
    """Origins (scheme://host[:port]) of other web sites allowed to embed the public chat;
    ``*`` allows every site. This server's own pages may always embed it."""
    return [str(origin).strip().rstrip("/") for origin in tx.setting(PUBLIC_ALLOWED_ORIGINS)]


def origin_may_embed(tx: Tx, origin: str, own_origin: str) -> bool:
    allowed = embedding_origins(tx)
    return origin == own_origin or "*" in allowed or origin.rstrip("/") in allowed


@dataclass(frozen=True)
class PublicChatOffer:
    """What the public chat page offers a visitor now (CH-16, CH-37, CH-45)."""

    channels: list[ChannelChoice]
    no_agent_text: str | None
    fallback_url: str | None


async def public_chat_offer(tx: Tx) -> PublicChatOffer:
    channels = await channel_choices(tx, ANONYMOUS_VISITOR)
    if any(channel.available for channel in channels):
        return PublicChatOffer(channels, None, None)
    fallback = str(tx.setting(PUBLIC_FALLBACK_URL)) or None
    return PublicChatOffer(channels, str(tx.setting(TEXT_PUBLIC_NO_AGENTS)), fallback)


def frontend_texts(tx: Tx, frontend: str) -> dict[str, str]:
    """The configured fixed texts of the customer or public chat; a missing key means the
    built-in text in the reader's language."""
    settings = {
        "customer": {"waiting": TEXT_CUSTOMER_WAITING, "closed": TEXT_CUSTOMER_CLOSED},
        "public": {"waiting": TEXT_PUBLIC_WAITING, "closed": TEXT_PUBLIC_CLOSED},
    }[frontend]
    texts = {key: str(tx.setting(setting)).strip() for key, setting in settings.items()}
    return {key: text for key, text in texts.items() if text}


def chat_colours(tx: Tx) -> ChatColours:
    """The public chat's and the customer chat's colours, the text kept readable (4.5:1)."""
    return readable(str(tx.setting(PUBLIC_PRIMARY_COLOR)), str(tx.setting(PUBLIC_TEXT_COLOR)))


def server_origin(tx: Tx, host: str) -> str:
    """This server as web pages elsewhere reach it: HttpType and the host asked for."""
    return f"{tx.setting(HTTP_TYPE)}://{host}"
