"""Loading protected account objects and the admin gate.

Administration needs ``rw`` in the group named ``admin`` (OTRS semantics).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.errors import PermissionDenied
from frontdesk.domain.accounts.models import Group

ADMIN_GROUP = "admin"


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
