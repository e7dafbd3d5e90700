"""Reading dynamic field definitions (administrators; ``access.py`` decides)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.pagination import Page, PageRequest
from frontdesk.domain.accounts.access import check_admin_or_system
from frontdesk.domain.dynamic_fields.access import access_field_by_id
from frontdesk.domain.dynamic_fields.models import DynamicField
from frontdesk.domain.dynamic_fields.schemas import DynamicFieldOut


async def fields_for_actor(
    session: AsyncSession,
    actor: Actor,
    page: PageRequest,
    *,
    object_type: str | None = None,
    valid: bool | None = None,
) -> Page[DynamicFieldOut]:
    """Fields in their order, then by name."""
    await check_admin_or_system(session, actor)
    query = select(DynamicField)
    if object_type is not None:
        query = query.where(DynamicField.object_type == object_type)
    if valid is not None:
        query = query.where(DynamicField.valid.is_(valid))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await session.scalars(
        query.order_by(DynamicField.field_order, DynamicField.name, DynamicField.id)
        .limit(page.limit)
        .offset(page.offset)
    )
    items = [DynamicFieldOut.of(row) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


async def field_for_actor(session: AsyncSession, actor: Actor, field_id: int) -> DynamicFieldOut:
    return DynamicFieldOut.of(await access_field_by_id(session, actor, field_id))
