"""Reads of the outbox (admin only: callers gate)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.errors import ValidationFailed
from frontdesk.core.pagination import Page, PageRequest
from frontdesk.domain.outbox.actions import STATUSES
from frontdesk.domain.outbox.errors import OutboxItemNotFound
from frontdesk.domain.outbox.models import OutboxItem

SORTS = {
    "created": OutboxItem.created_at,
    "next_attempt": OutboxItem.next_attempt_at,
    "attempts": OutboxItem.attempts,
    "status": OutboxItem.status,
}


async def list_items(
    session: AsyncSession,
    page: PageRequest,
    *,
    status: str | None = None,
    sort: str = "created",
    descending: bool = True,
) -> Page[OutboxItem]:
    if status is not None and status not in STATUSES:
        raise ValidationFailed("status", f"status must be one of: {', '.join(STATUSES)}")
    if sort not in SORTS:
        raise ValidationFailed("sort", f"sort must be one of: {', '.join(SORTS)}")
    column = SORTS[sort]
    where = [] if status is None else [OutboxItem.status == status]
    total = (
        await session.execute(select(func.count()).select_from(OutboxItem).where(*where))
    ).scalar_one()
    order = (column.desc(), OutboxItem.id.desc()) if descending else (column, OutboxItem.id)
    rows = (
        await session.execute(
            select(OutboxItem).where(*where).order_by(*order).limit(page.limit).offset(page.offset)
        )
    ).scalars()
    return Page(items=list(rows), total=total, limit=page.limit, offset=page.offset)


async def get_item(session: AsyncSession, item_id: int) -> OutboxItem:
    item = await session.get(OutboxItem, item_id)
    if item is None:
        raise OutboxItemNotFound()
    return item
