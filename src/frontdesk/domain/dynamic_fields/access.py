"""Who may see and change dynamic field definitions: administrators (``rw`` in ``admin``).

Values are read and written with the object they belong to, under that object's permissions.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.errors import NotFound
from frontdesk.domain.accounts.access import check_admin_or_system
from frontdesk.domain.dynamic_fields.models import DynamicField
from frontdesk.domain.ticket_catalogue.schemas import MAX_ID


async def access_field_by_id(session: AsyncSession, actor: Actor, field_id: int) -> DynamicField:
    await check_admin_or_system(session, actor)
    field = await session.get(DynamicField, field_id) if 1 <= field_id <= MAX_ID else None
    if field is None:
        raise NotFound(f"There is no dynamic field with id {field_id}.")
    return field
