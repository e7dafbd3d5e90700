"""Reading business calendars (administrators; ``access.py`` decides)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.pagination import Page, PageRequest
from frontdesk.domain.accounts.access import check_admin
from frontdesk.domain.business_calendars.access import access_calendar_by_id
from frontdesk.domain.business_calendars.models import BusinessCalendar
from frontdesk.domain.business_calendars.schemas import BusinessCalendarOut


async def calendars_for_actor(
    session: AsyncSession,
    actor: Actor,
    page: PageRequest,
    *,
    valid: bool | None = None,
    search: str | None = None,
) -> Page[BusinessCalendarOut]:
    """Calendars by name; ``search`` keeps those whose name contains it (any case)."""
    await check_admin(session, actor)
    query = select(BusinessCalendar)
    if valid is not None:
        query = query.where(BusinessCalendar.valid.is_(valid))
    if search:
        query = query.where(
            func.lower(BusinessCalendar.name).contains(search.lower(), autoescape=True)
        )
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await session.scalars(
        query.order_by(func.lower(BusinessCalendar.name), BusinessCalendar.id)
        .limit(page.limit)
        .offset(page.offset)
    )
    items = [BusinessCalendarOut.of(row) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


async def calendar_for_actor(
    session: AsyncSession, actor: Actor, calendar_id: int
) -> BusinessCalendarOut:
    return BusinessCalendarOut.of(await access_calendar_by_id(session, actor, calendar_id))
