"""Loading protected account objects and the admin gate.

Administration needs ``rw`` in the group named ``admin`` (OTRS semantics). Only administrators
see accounts at all, so a non-administrator gets 403 for every id, existing or not.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.errors import NotFound, PermissionDenied
from frontdesk.db.base import Base
from frontdesk.domain.accounts.models import Agent, CustomerCompany, CustomerUser, Group, Role

ADMIN_GROUP = "admin"

_Model = TypeVar("_Model", bound=Base)
_NOUNS: dict[type[Base], str] = {
    Agent: "agent",
    CustomerUser: "customer user",
    CustomerCompany: "customer company",
    Group: "group",
    Role: "role",
}


async def group_id_by_name(session: AsyncSession, name: str) -> int | None:
    return await session.scalar(select(Group.id).where(Group.name == name, Group.valid.is_(True)))


async def is_admin(session: AsyncSession, actor: Actor) -> bool:
    if not actor.is_agent:
        return False
    admin_group = await group_id_by_name(session, ADMIN_GROUP)
    return admin_group is not None and actor.has(admin_group, "rw")


async def check_admin(session: AsyncSession, actor: Actor) -> None:
    if not await is_admin(session, actor):
        raise PermissionDenied("Only administrators may do this.", code="admin_only")


async def check_admin_or_system(session: AsyncSession, actor: Actor) -> None:
    """Set-up code (first start, demo data) acts as the system; everyone else must be admin."""
    if actor.kind != "system":
        await check_admin(session, actor)


async def _load(session: AsyncSession, actor: Actor, model: type[_Model], object_id: int) -> _Model:
    await check_admin_or_system(session, actor)
    found = await session.get(model, object_id)
    if found is None:
        raise NotFound(f"No {_NOUNS[model]} with id {object_id}.")
    return found


async def access_agent_by_id(session: AsyncSession, actor: Actor, agent_id: int) -> Agent:
    return await _load(session, actor, Agent, agent_id)


async def access_customer_user_by_id(
    session: AsyncSession, actor: Actor, customer_user_id: int
) -> CustomerUser:
    return await _load(session, actor, CustomerUser, customer_user_id)


async def access_customer_company_by_id(
    session: AsyncSession, actor: Actor, company_id: int
) -> CustomerCompany:
    return await _load(session, actor, CustomerCompany, company_id)


async def access_group_by_id(session: AsyncSession, actor: Actor, group_id: int) -> Group:
    return await _load(session, actor, Group, group_id)


async def access_role_by_id(session: AsyncSession, actor: Actor, role_id: int) -> Role:
    return await _load(session, actor, Role, role_id)
