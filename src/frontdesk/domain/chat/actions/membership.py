"""Inviting, joining and monitoring (CH-28 … CH-30)."""

from __future__ import annotations

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from frontdesk.domain.accounts.models import Agent
from frontdesk.domain.chat.access import ChatAccess, access_chat_by_id, has_chat_permission
from frontdesk.domain.chat.actions.channels import check_chat_enabled, default_channel
from frontdesk.domain.chat.actions.event_log import _add_member, _audience, _author, append_event
from frontdesk.domain.chat.actions.requests import _announce_request
from frontdesk.domain.chat.errors import ChatClosed
from frontdesk.domain.chat.events import ChatChanged
from frontdesk.domain.chat.models import Chat, ChatMember
from frontdesk.domain.chat.presence import agent_available_now, agents_with_permission
from frontdesk.domain.chat.schemas import InviteInput, JoinInput, MonitorInput
from frontdesk.domain.runtime import Tx

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
