"""REST routes of the ticket catalogue: queues, states, priorities, types, services, SLAs.

Reads (lists and single entries) are open to agents and customer users under the rules of
``domain/ticket_catalogue/access.py``; writes are for administrators. Lists take
``?limit=&offset=&valid=`` and answer ``{"items", "total", "limit", "offset"}``.
"""

from __future__ import annotations

from typing import TypeVar

from fastapi import APIRouter, Response

from frontdesk.core.pagination import Page, PageRequest
from frontdesk.domain.ticket_catalogue import actions, queries
from frontdesk.domain.ticket_catalogue.schemas import (
    ListOut,
    PriorityCreate,
    PriorityOut,
    PriorityUpdate,
    QueueCreate,
    QueueOut,
    QueueUpdate,
    ServiceCreate,
    ServiceOut,
    ServiceUpdate,
    SlaCreate,
    SlaOut,
    SlaUpdate,
    StateCreate,
    StateOut,
    StateUpdate,
    TypeCreate,
    TypeOut,
    TypeUpdate,
)
from frontdesk.web.dependencies import ApiAdmin, ApiCaller, TxDep

router = APIRouter(tags=["ticket catalogue"])

ItemT = TypeVar("ItemT")


def _list_out(page: Page[ItemT]) -> ListOut[ItemT]:
    return ListOut[ItemT](items=page.items, total=page.total, limit=page.limit, offset=page.offset)


def _deleted() -> Response:
    return Response(status_code=204)


# --- queues -----------------------------------------------------------------------------------


@router.get("/queues")
async def list_queues(
    tx: TxDep,
    caller: ApiCaller,
    limit: int | None = None,
    offset: int | None = None,
    valid: bool | None = None,
) -> ListOut[QueueOut]:
    """Admins: every queue. Agents: queues of groups they hold a ticket permission in.
    Customers: valid queues of groups they have ``rw`` in."""
    page = PageRequest.build(limit, offset)
    return _list_out(await queries.queues_for_actor(tx.session, caller.actor, page, valid=valid))


@router.post("/queues", status_code=201)
async def create_queue(tx: TxDep, actor: ApiAdmin, data: QueueCreate) -> QueueOut:
    return await actions.do_create_queue(tx, actor, data)


@router.get("/queues/{queue_id}")
async def get_queue(tx: TxDep, caller: ApiCaller, queue_id: int) -> QueueOut:
    return await queries.queue_for_actor(tx.session, caller.actor, queue_id)


@router.patch("/queues/{queue_id}")
async def update_queue(tx: TxDep, actor: ApiAdmin, queue_id: int, data: QueueUpdate) -> QueueOut:
    return await actions.do_update_queue(tx, actor, queue_id, data)


@router.delete("/queues/{queue_id}", status_code=204)
async def delete_queue(tx: TxDep, actor: ApiAdmin, queue_id: int) -> Response:
    await actions.do_delete_queue(tx, actor, queue_id)
    return _deleted()


# --- states -----------------------------------------------------------------------------------


@router.get("/states")
async def list_states(
    tx: TxDep,
    caller: ApiCaller,
    limit: int | None = None,
    offset: int | None = None,
    valid: bool | None = None,
) -> ListOut[StateOut]:
    page = PageRequest.build(limit, offset)
    return _list_out(await queries.states_for_actor(tx.session, caller.actor, page, valid=valid))


@router.post("/states", status_code=201)
async def create_state(tx: TxDep, actor: ApiAdmin, data: StateCreate) -> StateOut:
    return await actions.do_create_state(tx, actor, data)


@router.get("/states/{state_id}")
async def get_state(tx: TxDep, caller: ApiCaller, state_id: int) -> StateOut:
    return await queries.state_for_actor(tx.session, caller.actor, state_id)


@router.patch("/states/{state_id}")
async def update_state(tx: TxDep, actor: ApiAdmin, state_id: int, data: StateUpdate) -> StateOut:
    return await actions.do_update_state(tx, actor, state_id, data)


@router.delete("/states/{state_id}", status_code=204)
async def delete_state(tx: TxDep, actor: ApiAdmin, state_id: int) -> Response:
    await actions.do_delete_state(tx, actor, state_id)
    return _deleted()


# --- priorities -------------------------------------------------------------------------------


@router.get("/priorities")
async def list_priorities(
    tx: TxDep,
    caller: ApiCaller,
    limit: int | None = None,
    offset: int | None = None,
    valid: bool | None = None,
) -> ListOut[PriorityOut]:
    page = PageRequest.build(limit, offset)
    return _list_out(
        await queries.priorities_for_actor(tx.session, caller.actor, page, valid=valid)
    )


@router.post("/priorities", status_code=201)
async def create_priority(tx: TxDep, actor: ApiAdmin, data: PriorityCreate) -> PriorityOut:
    return await actions.do_create_priority(tx, actor, data)


@router.get("/priorities/{priority_id}")
async def get_priority(tx: TxDep, caller: ApiCaller, priority_id: int) -> PriorityOut:
    return await queries.priority_for_actor(tx.session, caller.actor, priority_id)


@router.patch("/priorities/{priority_id}")
async def update_priority(
    tx: TxDep, actor: ApiAdmin, priority_id: int, data: PriorityUpdate
) -> PriorityOut:
    return await actions.do_update_priority(tx, actor, priority_id, data)


@router.delete("/priorities/{priority_id}", status_code=204)
async def delete_priority(tx: TxDep, actor: ApiAdmin, priority_id: int) -> Response:
    await actions.do_delete_priority(tx, actor, priority_id)
    return _deleted()


# --- types ------------------------------------------------------------------------------------


@router.get("/types")
async def list_types(
    tx: TxDep,
    caller: ApiCaller,
    limit: int | None = None,
    offset: int | None = None,
    valid: bool | None = None,
) -> ListOut[TypeOut]:
    page = PageRequest.build(limit, offset)
    return _list_out(await queries.types_for_actor(tx.session, caller.actor, page, valid=valid))


@router.post("/types", status_code=201)
async def create_type(tx: TxDep, actor: ApiAdmin, data: TypeCreate) -> TypeOut:
    return await actions.do_create_type(tx, actor, data)


@router.get("/types/{type_id}")
async def get_type(tx: TxDep, caller: ApiCaller, type_id: int) -> TypeOut:
    return await queries.type_for_actor(tx.session, caller.actor, type_id)


@router.patch("/types/{type_id}")
async def update_type(tx: TxDep, actor: ApiAdmin, type_id: int, data: TypeUpdate) -> TypeOut:
    return await actions.do_update_type(tx, actor, type_id, data)


@router.delete("/types/{type_id}", status_code=204)
async def delete_type(tx: TxDep, actor: ApiAdmin, type_id: int) -> Response:
    await actions.do_delete_type(tx, actor, type_id)
    return _deleted()


# --- services ---------------------------------------------------------------------------------


@router.get("/services")
async def list_services(
    tx: TxDep,
    caller: ApiCaller,
    limit: int | None = None,
    offset: int | None = None,
    valid: bool | None = None,
) -> ListOut[ServiceOut]:
    """Sorted by ``full_name`` ("Parent::Child"), so children follow their parent."""
    page = PageRequest.build(limit, offset)
    return _list_out(await queries.services_for_actor(tx.session, caller.actor, page, valid=valid))


@router.post("/services", status_code=201)
async def create_service(tx: TxDep, actor: ApiAdmin, data: ServiceCreate) -> ServiceOut:
    return await actions.do_create_service(tx, actor, data)


@router.get("/services/{service_id}")
async def get_service(tx: TxDep, caller: ApiCaller, service_id: int) -> ServiceOut:
    return await queries.service_for_actor(tx.session, caller.actor, service_id)


@router.patch("/services/{service_id}")
async def update_service(
    tx: TxDep, actor: ApiAdmin, service_id: int, data: ServiceUpdate
) -> ServiceOut:
    return await actions.do_update_service(tx, actor, service_id, data)


@router.delete("/services/{service_id}", status_code=204)
async def delete_service(tx: TxDep, actor: ApiAdmin, service_id: int) -> Response:
    await actions.do_delete_service(tx, actor, service_id)
    return _deleted()


# --- SLAs -------------------------------------------------------------------------------------


@router.get("/slas")
async def list_slas(
    tx: TxDep,
    caller: ApiCaller,
    limit: int | None = None,
    offset: int | None = None,
    valid: bool | None = None,
) -> ListOut[SlaOut]:
    page = PageRequest.build(limit, offset)
    return _list_out(await queries.slas_for_actor(tx.session, caller.actor, page, valid=valid))


@router.post("/slas", status_code=201)
async def create_sla(tx: TxDep, actor: ApiAdmin, data: SlaCreate) -> SlaOut:
    return await actions.do_create_sla(tx, actor, data)


@router.get("/slas/{sla_id}")
async def get_sla(tx: TxDep, caller: ApiCaller, sla_id: int) -> SlaOut:
    return await queries.sla_for_actor(tx.session, caller.actor, sla_id)


@router.patch("/slas/{sla_id}")
async def update_sla(tx: TxDep, actor: ApiAdmin, sla_id: int, data: SlaUpdate) -> SlaOut:
    return await actions.do_update_sla(tx, actor, sla_id, data)


@router.delete("/slas/{sla_id}", status_code=204)
async def delete_sla(tx: TxDep, actor: ApiAdmin, sla_id: int) -> Response:
    await actions.do_delete_sla(tx, actor, sla_id)
    return _deleted()
