"""Who may see and change business calendars: administrators only (``rw`` in ``admin``).

Agents never read a calendar directly; they see what it produces (escalation times on tickets).
A calendar id that does not exist answers 404.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.errors import NotFound
from frontdesk.domain.accounts.access import check_admin
from frontdesk.domain.business_calendars.models import BusinessCalendar
from frontdesk.domain.ticket_catalogue.schemas import MAX_ID


async def access_calendar_by_id(
    session: AsyncSession, actor: Actor, calendar_id: int
) -> BusinessCalendar:
    await check_admin(session, actor)
    calendar = (
        await session.get(BusinessCalendar, calendar_id) if 1 <= calendar_id <= MAX_ID else None
    )
    if calendar is None:
        raise NotFound(f"There is no business calendar with id {calendar_id}.")
    return calendar
