"""Closing a chat (CH-23) and moving it to another channel (CH-21)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.domain.chat.access import ChatAccess, access_chat_by_id, has_chat_permission
from frontdesk.domain.chat.actions.channels import check_chat_enabled
from frontdesk.domain.chat.actions.event_log import (
    WRITING_ROLES,
    _audience,
    _author,
    append_event,
    chat_summary,
    request_audience,
)
from frontdesk.domain.chat.actions.requests import _announce_request
from frontdesk.domain.chat.errors import ChatClosed
from frontdesk.domain.chat.events import ChatChanged, ChatRequestGone
from frontdesk.domain.chat.models import Chat, ChatChannel
from frontdesk.domain.chat.presence import available_agents
from frontdesk.domain.chat.schemas import ChannelMove
from frontdesk.domain.runtime import Tx

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
