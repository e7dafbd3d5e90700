"""REST routes of business calendars (administrators): ``/api/v1/business-calendars``.

Lists take ``?limit=&offset=&valid=`` and answer ``{"items", "total", "limit", "offset"}``.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from frontdesk.core.pagination import PageRequest
from frontdesk.domain.business_calendars import actions, queries
from frontdesk.domain.business_calendars.schemas import (
    BusinessCalendarCreate,
    BusinessCalendarOut,
    BusinessCalendarUpdate,
)
from frontdesk.domain.ticket_catalogue.schemas import ListOut
from frontdesk.web.dependencies import ApiAdmin, TxDep

router = APIRouter(tags=["business calendars"])


@router.get("/business-calendars")
async def list_calendars(
    tx: TxDep,
    actor: ApiAdmin,
    limit: int | None = None,
    offset: int | None = None,
    valid: bool | None = None,
) -> ListOut[BusinessCalendarOut]:
    page = await queries.calendars_for_actor(
        tx.session, actor, PageRequest.build(limit, offset), valid=valid
    )
    return ListOut[BusinessCalendarOut](
        items=page.items, total=page.total, limit=page.limit, offset=page.offset
    )


@router.post("/business-calendars", status_code=201)
async def create_calendar(
    tx: TxDep, actor: ApiAdmin, data: BusinessCalendarCreate
) -> BusinessCalendarOut:
    return await actions.do_create_calendar(tx, actor, data)


@router.get("/business-calendars/{calendar_id}")
async def get_calendar(tx: TxDep, actor: ApiAdmin, calendar_id: int) -> BusinessCalendarOut:
    return await queries.calendar_for_actor(tx.session, actor, calendar_id)


@router.patch("/business-calendars/{calendar_id}")
async def update_calendar(
    tx: TxDep, actor: ApiAdmin, calendar_id: int, data: BusinessCalendarUpdate
) -> BusinessCalendarOut:
    return await actions.do_update_calendar(tx, actor, calendar_id, data)


@router.delete("/business-calendars/{calendar_id}", status_code=204)
async def delete_calendar(tx: TxDep, actor: ApiAdmin, calendar_id: int) -> Response:
    await actions.do_delete_calendar(tx, actor, calendar_id)
    return Response(status_code=204)
