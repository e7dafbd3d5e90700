"""Names, authors, audiences and the chat's event log: every stored event takes the next seq."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from frontdesk.bus.events import Audience
from frontdesk.core.actor import Actor
from frontdesk.core.clock import isoformat_z, utcnow
from frontdesk.core.errors import PayloadTooLarge, ValidationFailed
from frontdesk.domain.accounts.access import group_id_by_name
from frontdesk.domain.chat.access import member_kind
from frontdesk.domain.chat.events import ChatEventStored
from frontdesk.domain.chat.models import Chat, ChatChannel, ChatEvent, ChatMember
from frontdesk.domain.chat.presence import agents_with_permission
from frontdesk.domain.chat.settings import (
    DEFAULT_AGENT_NAME,
    DEFAULT_AGENT_NAME_NUMBERS,
    MAX_MESSAGE_LENGTH,
    NOTIFICATION_AGENTS_GROUP,
    RECEIVING_AGENTS_GROUP,
)
from frontdesk.domain.runtime import Tx

WRITING_ROLES = ("owner", "participant", "customer")

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
