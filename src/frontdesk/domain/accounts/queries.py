"""Read side of accounts: resolving who is behind a token, effective permissions, lists."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime

from sqlalchemy import select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.permissions import expand, expand_customer
from frontdesk.domain.accounts.models import (
    Agent,
    AgentGroupPermission,
    AgentRole,
    AuthToken,
    CustomerUser,
    CustomerUserGroupPermission,
    Group,
    RoleGroupPermission,
)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def agent_group_permissions(
    session: AsyncSession, agent_id: int
) -> dict[int, frozenset[str]]:
    """Union of direct and role permissions per valid group, expanded (rw → every type)."""
    direct = select(AgentGroupPermission.group_id, AgentGroupPermission.permission).where(
        AgentGroupPermission.agent_id == agent_id
    )
    via_roles = (
        select(RoleGroupPermission.group_id, RoleGroupPermission.permission)
        .join(AgentRole, AgentRole.role_id == RoleGroupPermission.role_id)
        .where(AgentRole.agent_id == agent_id)
    )
    combined = union_all(direct, via_roles).subquery()
    rows = await session.execute(
        select(combined.c.group_id, combined.c.permission)
        .join(Group, Group.id == combined.c.group_id)
        .where(Group.valid.is_(True))
    )
    granted: dict[int, set[str]] = defaultdict(set)
    for group_id, permission in rows:
        granted[group_id].add(permission)
    return {group_id: expand(perms) for group_id, perms in granted.items()}


async def customer_group_permissions(
    session: AsyncSession, customer_user_id: int, always_groups: list[str]
) -> dict[int, frozenset[str]]:
    rows = await session.execute(
        select(CustomerUserGroupPermission.group_id, CustomerUserGroupPermission.permission)
        .join(Group, Group.id == CustomerUserGroupPermission.group_id)
        .where(
            CustomerUserGroupPermission.customer_user_id == customer_user_id,
            Group.valid.is_(True),
        )
    )
    granted: dict[int, set[str]] = defaultdict(set)
    for group_id, permission in rows:
        granted[group_id].add(permission)
    if always_groups:
        for group_id in await session.scalars(
            select(Group.id).where(Group.name.in_(always_groups), Group.valid.is_(True))
        ):
            granted[group_id].add("rw")
    return {group_id: expand_customer(perms) for group_id, perms in granted.items()}


async def actor_for_agent(session: AsyncSession, agent: Agent) -> Actor:
    return Actor(
        kind="agent",
        id=agent.id,
        login=agent.login,
        display_name=agent.full_name,
        language=agent.language,
        timezone=agent.timezone,
        group_permissions=await agent_group_permissions(session, agent.id),
    )


async def actor_for_customer(
    session: AsyncSession, user: CustomerUser, always_groups: list[str]
) -> Actor:
    return Actor(
        kind="customer",
        id=user.id,
        login=user.login,
        display_name=user.full_name,
        language=user.language,
        timezone=user.timezone,
        group_permissions=await customer_group_permissions(session, user.id, always_groups),
        customer_id=user.customer_id,
    )


async def find_live_token(
    session: AsyncSession, secret: str, kind: str | None = None
) -> AuthToken | None:
    """The token for this secret if it is neither revoked nor expired."""
    query = select(AuthToken).where(
        AuthToken.token_hash == hash_token(secret),
        AuthToken.revoked.is_(False),
        AuthToken.expires_at > utcnow(),
    )
    if kind is not None:
        query = query.where(AuthToken.kind == kind)
    return (await session.execute(query)).scalar_one_or_none()


async def actor_for_token(
    session: AsyncSession, token: AuthToken, always_groups: list[str]
) -> Actor | None:
    """The actor behind a live token, or None when the user was invalidated since."""
    if token.realm == "agent":
        agent = await session.get(Agent, token.user_id)
        if agent is None or not agent.valid:
            return None
        return await actor_for_agent(session, agent)
    user = await session.get(CustomerUser, token.user_id)
    if user is None or not user.valid:
        return None
    return await actor_for_customer(session, user, always_groups)


async def online_agents(session: AsyncSession, since: datetime) -> list[Agent]:
    """Agents with a browser session active since ``since``, by name."""
    agent_ids = select(AuthToken.user_id).where(
        AuthToken.realm == "agent",
        AuthToken.revoked.is_(False),
        AuthToken.last_seen_at >= since,
    )
    result = await session.scalars(
        select(Agent).where(Agent.id.in_(agent_ids)).order_by(Agent.first_name, Agent.last_name)
    )
    return list(result)
