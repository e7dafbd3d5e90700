"""Writing business calendars. Administrators only; every write emits one
``BusinessCalendarChanged`` after commit.

Refusals:
* not an administrator → 403 ``admin_only``;
* a name another calendar has (any case) → 409 ``name_taken``;
* the calendar does not exist → 404;
* deleting a calendar a queue or SLA counts in → 409 ``in_use``;
* office hours, zone or holidays that do not make a calendar → 422 (``schemas.py``).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.errors import Conflict
from frontdesk.domain.accounts.access import check_admin_or_system
from frontdesk.domain.business_calendars.access import access_calendar_by_id
from frontdesk.domain.business_calendars.errors import CalendarNameTaken
from frontdesk.domain.business_calendars.events import BusinessCalendarChanged, CalendarOp
from frontdesk.domain.business_calendars.models import BusinessCalendar
from frontdesk.domain.business_calendars.schemas import (
    BusinessCalendarCreate,
    BusinessCalendarOut,
    BusinessCalendarUpdate,
)
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue.models import Queue, Sla


async def _check_name_free(session: AsyncSession, name: str, except_id: int | None = None) -> None:
    query = select(BusinessCalendar.id).where(func.lower(BusinessCalendar.name) == name.lower())
    if except_id is not None:
        query = query.where(BusinessCalendar.id != except_id)
    if await session.scalar(query) is not None:
        raise CalendarNameTaken(name)


async def _flush(session: AsyncSession, name: str) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:  # two admins saving the same name at once
        raise CalendarNameTaken(name) from exc


def _emit(tx: Tx, calendar_id: int, op: CalendarOp) -> None:
    tx.emit(BusinessCalendarChanged(calendar_id=calendar_id, op=op))


async def do_create_calendar(
    tx: Tx, actor: Actor, data: BusinessCalendarCreate
) -> BusinessCalendarOut:
    await check_admin_or_system(tx.session, actor)
    await _check_name_free(tx.session, data.name)
    calendar = BusinessCalendar(
        name=data.name,
        time_zone=data.time_zone,
        week=data.week,
        holidays=[holiday.model_dump(mode="json") for holiday in data.holidays],
        comment=data.comment,
        valid=data.valid,
    )
    tx.session.add(calendar)
    await _flush(tx.session, data.name)
    _emit(tx, calendar.id, "created")
    return BusinessCalendarOut.of(calendar)


async def do_update_calendar(
    tx: Tx, actor: Actor, calendar_id: int, data: BusinessCalendarUpdate
) -> BusinessCalendarOut:
    calendar = await access_calendar_by_id(tx.session, actor, calendar_id)
    changed = data.model_fields_set
    if "name" in changed and data.name is not None:
        await _check_name_free(tx.session, data.name, except_id=calendar.id)
        calendar.name = data.name
    if "time_zone" in changed and data.time_zone is not None:
        calendar.time_zone = data.time_zone
    if "week" in changed and data.week is not None:
        calendar.week = data.week
    if "holidays" in changed and data.holidays is not None:
        calendar.holidays = [holiday.model_dump(mode="json") for holiday in data.holidays]
    if "comment" in changed:
        calendar.comment = data.comment
    if "valid" in changed and data.valid is not None:
        calendar.valid = data.valid
    await _flush(tx.session, calendar.name)
    await tx.session.refresh(calendar)
    _emit(tx, calendar.id, "updated")
    return BusinessCalendarOut.of(calendar)


async def do_delete_calendar(tx: Tx, actor: Actor, calendar_id: int) -> None:
    calendar = await access_calendar_by_id(tx.session, actor, calendar_id)
    for model, what in ((Queue, "queue"), (Sla, "SLA")):
        user = await tx.session.scalar(
            select(model.name).where(model.business_calendar_id == calendar_id).limit(1)
        )
        if user is not None:
            raise Conflict(
                f"The {what} {user!r} counts in this calendar; give it another one first.",
                code="in_use",
            )
    await tx.session.delete(calendar)
    await tx.session.flush()
    _emit(tx, calendar_id, "deleted")
