"""REST routes of dynamic field definitions (administrators): ``/api/v1/dynamic-fields``.

Lists take ``?limit=&offset=&object_type=&valid=`` and answer ``{"items", "total", "limit",
"offset"}``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from frontdesk.core.pagination import PageRequest
from frontdesk.domain.dynamic_fields import actions, contacts, queries
from frontdesk.domain.dynamic_fields.schemas import (
    ContactInput,
    ContactOut,
    ContactUpdate,
    DynamicFieldCreate,
    DynamicFieldOut,
    DynamicFieldUpdate,
    OptionsOut,
)
from frontdesk.domain.ticket_catalogue.schemas import ListOut
from frontdesk.web.dependencies import ApiAdmin, ApiCaller, TxDep

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


# --- contacts of "contact with data" fields and lookups ----------------------------------------


@router.get("/dynamic-fields/{field_id}/contacts")
async def list_contacts(
    tx: TxDep,
    actor: ApiAdmin,
    field_id: int,
    search: Annotated[str | None, Query(max_length=200)] = None,
    limit: int | None = None,
    offset: int | None = None,
) -> ListOut[ContactOut]:
    """The field's contacts, invalid ones too, by name; ``search`` with ``*`` wildcards
    matches any searchable attribute."""
    page = await contacts.contacts_for_actor(
        tx.session, actor, field_id, PageRequest.build(limit, offset), search
    )
    return ListOut[ContactOut](
        items=page.items, total=page.total, limit=page.limit, offset=page.offset
    )


@router.post("/dynamic-fields/{field_id}/contacts", status_code=201)
async def create_contact(
    tx: TxDep, actor: ApiAdmin, field_id: int, data: ContactInput
) -> ContactOut:
    return await contacts.do_create_contact(tx, actor, field_id, data)


@router.get("/dynamic-fields/{field_id}/contacts/{contact_id}")
async def get_contact(tx: TxDep, actor: ApiAdmin, field_id: int, contact_id: int) -> ContactOut:
    return await contacts.contact_for_actor(tx.session, actor, field_id, contact_id)


@router.patch("/dynamic-fields/{field_id}/contacts/{contact_id}")
async def update_contact(
    tx: TxDep, actor: ApiAdmin, field_id: int, contact_id: int, data: ContactUpdate
) -> ContactOut:
    """Change attributes or validity; there is no delete (set ``valid`` false)."""
    return await contacts.do_update_contact(tx, actor, field_id, contact_id, data)


@router.get("/dynamic-fields/{field_id}/options")
async def field_options(
    tx: TxDep,
    caller: ApiCaller,
    field_id: int,
    term: Annotated[str, Query(max_length=200)] = "",
) -> OptionsOut:
    """What the field's lookup offers for ``term``: valid contacts, possible values."""
    return await contacts.field_options(tx.session, caller.actor, field_id, term)
