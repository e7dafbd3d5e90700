"""Availability (CH-10, CH-11) and presence (CH-33) of chat members, computed from the database.

The database is the truth for every process: an agent's last sign of life is the newest of
their tokens' ``last_seen_at`` (every authenticated request) and ``ChatAgentState.last_active_at``
(live sockets touch it), so several tabs on several processes count once and correctly.

Availability is reset at each login (CH-10) without a hook in the login: a value chosen before
the agent's newest browser session started no longer counts, and the login default applies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.clock import as_utc, utcnow
from frontdesk.core.permissions import expand
from frontdesk.domain.accounts.models import (
    Agent,
    AgentGroupPermission,
    AgentRole,
    AuthToken,
    Group,
    Role,
    RoleGroupPermission,
)
from frontdesk.domain.accounts.queries import customer_user_online
from frontdesk.domain.accounts.settings import ONLINE_MINUTES
from frontdesk.domain.chat.models import ChatAgentState, ChatChannel, ChatMember
from frontdesk.domain.chat.settings import AGENT_ONLINE_THRESHOLD, AVAILABILITY_ON_LOGIN
from frontdesk.domain.runtime import Tx


@dataclass(frozen=True)
class AgentLiveness:
    availability: str
    last_active_at: datetime | None
    logged_in: bool


async def agents_with_permission(session: AsyncSession, group_id: int, permission: str) -> set[int]:
    """Valid agents holding ``permission`` (after expansion) in the group, directly or by role."""
    direct = select(AgentGroupPermission.agent_id, AgentGroupPermission.permission).where(
        AgentGroupPermission.group_id == group_id
    )
    via_roles = (
        select(AgentRole.agent_id, RoleGroupPermission.permission)
        .join(AgentRole, AgentRole.role_id == RoleGroupPermission.role_id)
        .join(Role, Role.id == RoleGroupPermission.role_id)
        .where(RoleGroupPermission.group_id == group_id, Role.valid.is_(True))
    )
    combined = union_all(direct, via_roles).subquery()
    group_valid = await session.scalar(select(Group.valid).where(Group.id == group_id))
    if not group_valid:
        return set()
    rows = await session.execute(
        select(combined.c.agent_id, combined.c.permission)
        .join(Agent, Agent.id == combined.c.agent_id)
        .where(Agent.valid.is_(True))
    )
    granted: dict[int, set[str]] = defaultdict(set)
    for agent_id, name in rows:
        granted[agent_id].add(name)
    return {agent_id for agent_id, names in granted.items() if permission in expand(names)}


async def liveness(tx: Tx, agent_ids: Iterable[int]) -> dict[int, AgentLiveness]:
    ids = sorted(set(agent_ids))
    if not ids:
        return {}
    now = utcnow()
    tokens = await tx.session.execute(
        select(
            AuthToken.user_id,
            func.max(AuthToken.last_seen_at),
            func.max(AuthToken.created_at).filter(AuthToken.kind == "session"),
        )
        .where(
            AuthToken.realm == "agent",
            AuthToken.user_id.in_(ids),
            AuthToken.revoked.is_(False),
            AuthToken.expires_at > now,
        )
        .group_by(AuthToken.user_id)
    )
    seen: dict[int, tuple[datetime | None, datetime | None]] = {
        user_id: (last_seen, login) for user_id, last_seen, login in tokens
    }
    states = {
        s.agent_id: s
        for s in await tx.session.scalars(
            select(ChatAgentState).where(ChatAgentState.agent_id.in_(ids))
        )
    }
    result: dict[int, AgentLiveness] = {}
    for agent_id in ids:
        last_seen, last_login = seen.get(agent_id, (None, None))
        state = states.get(agent_id)
        default = str(tx.runtime.config.value(AVAILABILITY_ON_LOGIN, agent_id))
        availability = default
        last_active = _as_aware(last_seen)
        if state is not None:
            login_at = _as_aware(last_login)
            if login_at is None or state.availability_set_at >= login_at:
                availability = state.availability
            if state.last_active_at is not None and (
                last_active is None or state.last_active_at > last_active
            ):
                last_active = state.last_active_at
        result[agent_id] = AgentLiveness(availability, last_active, agent_id in seen)
    return result


def _as_aware(value: datetime | None) -> datetime | None:
    """``max()`` over a timestamp column comes back naive from SQLite."""
    return None if value is None else as_utc(value)


def is_recent(tx: Tx, at: datetime | None) -> bool:
    if at is None:
        return False
    minutes = int(tx.setting(AGENT_ONLINE_THRESHOLD))
    return utcnow() - at <= timedelta(minutes=minutes)


def agent_presence(tx: Tx, live: AgentLiveness | None) -> str:
    """CH-33 for an agent who is in the chat: offline, unavailable, away or active."""
    if live is None or not live.logged_in:
        return "offline"
    if live.availability == "unavailable":
        return "unavailable"
    if not is_recent(tx, live.last_active_at):
        return "away"
    return "active"


async def available_agents(tx: Tx, channel: ChatChannel) -> set[int]:
    """CH-11: owners of the channel's group who chose it, are external and were active lately."""
    if not channel.valid:
        return set()
    owners = await agents_with_permission(tx.session, channel.group_id, "chat_owner")
    if not owners:
        return set()
    states = {
        s.agent_id: s
        for s in await tx.session.scalars(
            select(ChatAgentState).where(ChatAgentState.agent_id.in_(owners))
        )
    }
    chose = {a for a in owners if a in states and channel.id in (states[a].channel_ids or [])}
    live = await liveness(tx, chose)
    return {
        agent_id
        for agent_id, state in live.items()
        if state.availability == "external" and is_recent(tx, state.last_active_at)
    }


async def agent_available_now(tx: Tx, agent_id: int, *, external: bool = False) -> bool:
    """An agent others may invite or chat with: switched on and active lately."""
    return is_available(tx, (await liveness(tx, [agent_id])).get(agent_id), external=external)


def is_available(tx: Tx, live: AgentLiveness | None, *, external: bool = False) -> bool:
    """``agent_available_now`` for liveness read beforehand (several agents in one query)."""
    if live is None or not live.logged_in or not is_recent(tx, live.last_active_at):
        return False
    wanted = ("external",) if external else ("internal", "external")
    return live.availability in wanted


async def customer_online(tx: Tx, customer_user_id: int) -> bool:
    """Online as the users-online panel and the customer center show it (SessionActiveTime),
    so a chat offered there is not refused here (CH-14, CH-34)."""
    since = utcnow() - timedelta(minutes=int(tx.setting(ONLINE_MINUTES)))
    return await customer_user_online(tx.session, customer_user_id, since)


async def member_presences(tx: Tx, members: list[ChatMember], chat_status: str) -> dict[int, str]:
    """Presence per member id."""
    agent_ids = [m.user_id for m in members if m.kind == "agent"]
    live = await liveness(tx, agent_ids)
    result: dict[int, str] = {}
    for member in members:
        if not member.active:
            result[member.id] = "inactive"
        elif member.kind == "agent":
            result[member.id] = agent_presence(tx, live.get(member.user_id))
        else:
            # The customer side is there while the chat is open.
            result[member.id] = "active" if chat_status != "closed" else "offline"
    return result
