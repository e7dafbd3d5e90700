"""Loading chats for an actor: the only way a protected chat is read.

Who sees a chat (CH-6, CH-7):

- its members (agents of any role, the customer user, the public user);
- the customer user or agent a request is addressed to;
- agents holding a chat permission on the channel's group, while it is a request;
- an agent invited to it who accepted the invitation (they may then join, CH-28);
- a public user only through the token of that one chat.

Cannot see → ``ChatNotFound`` (404, the same as a chat that does not exist).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.permissions import CHAT_PERMISSIONS
from frontdesk.domain.chat.errors import ChatNotFound
from frontdesk.domain.chat.models import Chat, ChatChannel, ChatMember
from frontdesk.domain.chat.schemas import MAX_ID

VISITOR = "visitor"


# Requests of these directions are offered to the owners of the chat's channel (CH-5, CH-20).
OFFERED_TO_OWNERS = ("public_to_agent", "customer_to_agent")


def hash_visitor_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def member_kind(actor: Actor) -> str:
    return "agent" if actor.is_agent else ("customer" if actor.is_customer else VISITOR)


def has_chat_permission(actor: Actor, group_id: int, permission: str | None = None) -> bool:
    """Any chat permission on the group (or the given one; the levels are already expanded)."""
    if not actor.is_agent:
        return False
    held = actor.group_permissions.get(group_id, frozenset())
    if permission is not None:
        return permission in held
    return any(p in held for p in CHAT_PERMISSIONS)


@dataclass
class ChatAccess:
    """A chat as one actor reaches it: the chat, its channel and the actor's membership."""

    chat: Chat
    channel: ChatChannel
    member: ChatMember | None
    invited: bool

    @property
    def role(self) -> str | None:
        return self.member.role if self.member is not None and self.member.active else None


async def actor_for_visitor_token(session: AsyncSession, secret: str) -> Actor | None:
    """The public user behind a visitor token: an actor whose id is their chat's id."""
    chat = await session.scalar(
        select(Chat).where(Chat.visitor_token_hash == hash_visitor_token(secret))
    )
    if chat is None:
        return None
    return Actor(
        kind="visitor", id=chat.id, login=f"visitor:{chat.id}", display_name=chat.requester_name
    )


async def _accepted_invitation(session: AsyncSession, actor: Actor, chat_id: int) -> bool:
    found = await session.scalar(
        select(Chat.id)
        .where(
            Chat.invited_for_chat_id == chat_id,
            Chat.target_agent_id == actor.id,
            Chat.accepted_at.is_not(None),
        )
        .limit(1)
    )
    return found is not None


async def find_member(session: AsyncSession, chat_id: int, actor: Actor) -> ChatMember | None:
    return await session.scalar(
        select(ChatMember).where(
            ChatMember.chat_id == chat_id,
            ChatMember.kind == member_kind(actor),
            ChatMember.user_id == actor.id,
        )
    )


async def access_chat_by_id(
    session: AsyncSession, actor: Actor, chat_id: int, *, for_update: bool = False
) -> ChatAccess:
    if not 1 <= chat_id <= MAX_ID:
        raise ChatNotFound()
    query = select(Chat).where(Chat.id == chat_id)
    if for_update:
        query = query.with_for_update()
    chat = await session.scalar(query)
    if chat is None:
        raise ChatNotFound()
    if actor.kind == "visitor":
        if chat.id != actor.id:
            raise ChatNotFound()
        member = await find_member(session, chat.id, actor)
        return ChatAccess(chat, await _channel(session, chat), member, invited=False)
    if actor.kind == "system":
        return ChatAccess(chat, await _channel(session, chat), None, invited=False)
    member = await find_member(session, chat.id, actor)
    channel = await _channel(session, chat)
    if member is not None:
        return ChatAccess(chat, channel, member, invited=False)
    if actor.is_customer:
        if chat.target_customer_user_id == actor.id:
            return ChatAccess(chat, channel, None, invited=False)
        raise ChatNotFound()
    if not actor.is_agent:
        raise ChatNotFound()
    if chat.target_agent_id == actor.id:
        return ChatAccess(chat, channel, None, invited=False)
    if (
        chat.status == "request"
        and chat.direction in OFFERED_TO_OWNERS
        and has_chat_permission(actor, channel.group_id)
    ):
        return ChatAccess(chat, channel, None, invited=False)
    if await _accepted_invitation(session, actor, chat.id):
        return ChatAccess(chat, channel, None, invited=True)
    raise ChatNotFound()


async def former_request_status(session: AsyncSession, actor: Actor, chat_id: int) -> str | None:
    """The status (active or closed) of a chat that was a request open to this agent for
    accepting and is one no more; None otherwise. Such an agent saw the request and may learn
    what became of it (409), rather than that the chat is unknown (404)."""
    if not actor.is_agent or not 1 <= chat_id <= MAX_ID:
        return None
    chat = await session.get(Chat, chat_id)
    if chat is None or chat.status == "request":
        return None
    if chat.direction not in OFFERED_TO_OWNERS:
        return None
    channel = await _channel(session, chat)
    return chat.status if has_chat_permission(actor, channel.group_id, "chat_owner") else None


async def _channel(session: AsyncSession, chat: Chat) -> ChatChannel:
    channel = await session.get(ChatChannel, chat.channel_id)
    assert channel is not None, "chat.channel_id is a foreign key"
    return channel
