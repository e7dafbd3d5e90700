"""REST routes of dynamic field definitions (administrators): ``/api/v1/dynamic-fields``.

Lists take ``?limit=&offset=&object_type=&valid=`` and answer ``{"items", "total", "limit",
"offset"}``.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response

from frontdesk.core.pagination import PageRequest
from frontdesk.domain.dynamic_fields import actions, queries
from frontdesk.domain.dynamic_fields.schemas import (
    DynamicFieldCreate,
    DynamicFieldOut,
    DynamicFieldUpdate,
)
from frontdesk.domain.ticket_catalogue.schemas import ListOut
from frontdesk.web.dependencies import ApiAdmin, TxDep

router = APIRouter(tags=["dynamic fields"])


@router.get("/dynamic-fields")
async def list_fields(
    tx: TxDep,
    actor: ApiAdmin,
    limit: int | None = None,
    offset: int | None = None,
    object_type: Literal["ticket", "article", "customer_user", "customer_company"] | None = None,
    valid: bool | None = None,
) -> ListOut[DynamicFieldOut]:
    page = await queries.fields_for_actor(
        tx.session, actor, PageRequest.build(limit, offset), object_type=object_type, valid=valid
    )
    return ListOut[DynamicFieldOut](
        items=page.items, total=page.total, limit=page.limit, offset=page.offset
    )


@router.post("/dynamic-fields", status_code=201)
async def create_field(tx: TxDep, actor: ApiAdmin, data: DynamicFieldCreate) -> DynamicFieldOut:
    return await actions.do_create_field(tx, actor, data)


@router.get("/dynamic-fields/{field_id}")
async def get_field(tx: TxDep, actor: ApiAdmin, field_id: int) -> DynamicFieldOut:
    return await queries.field_for_actor(tx.session, actor, field_id)


@router.patch("/dynamic-fields/{field_id}")
async def update_field(
    tx: TxDep, actor: ApiAdmin, field_id: int, data: DynamicFieldUpdate
) -> DynamicFieldOut:
    return await actions.do_update_field(tx, actor, field_id, data)


@router.delete("/dynamic-fields/{field_id}", status_code=204)
async def delete_field(tx: TxDep, actor: ApiAdmin, field_id: int) -> Response:
    await actions.do_delete_field(tx, actor, field_id)
    return Response(status_code=204)
