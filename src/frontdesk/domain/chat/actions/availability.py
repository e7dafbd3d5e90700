"""The agent's availability and active channels (CH-9, CH-10), and presence announcements."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.db.engine import upsert_insert
from frontdesk.domain.chat.access import has_chat_permission
from frontdesk.domain.chat.actions.channels import check_chat_enabled
from frontdesk.domain.chat.events import ChatPresenceChanged
from frontdesk.domain.chat.models import Chat, ChatAgentState, ChatChannel, ChatMember
from frontdesk.domain.chat.presence import agent_presence, liveness
from frontdesk.domain.chat.schemas import ActiveChannelsInput, AvailabilityInput
from frontdesk.domain.runtime import Tx

# "Chosen before any login": the login default applies until the agent picks a value.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)

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
