"""The chat switch, the default channel, who receives and starts chats, channel admin (CH-8)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from frontdesk.core.actor import Actor
from frontdesk.core.errors import Conflict, ValidationFailed
from frontdesk.db.case_insensitive import equals_ignoring_case
from frontdesk.domain.accounts.access import check_admin, group_id_by_name
from frontdesk.domain.accounts.models import Group
from frontdesk.domain.chat.errors import ChannelNotFound, ChatDisabled
from frontdesk.domain.chat.events import ChatChannelChanged
from frontdesk.domain.chat.models import Chat, ChatChannel
from frontdesk.domain.chat.schemas import ChannelCreate, ChannelUpdate
from frontdesk.domain.chat.settings import (
    ACTIVE,
    DEFAULT_CHANNEL,
    RECEIVING_AGENTS_GROUP,
    STARTING_AGENTS_GROUP,
)
from frontdesk.domain.runtime import Tx

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
