"""Read side of the ticket catalogue: lists for screens, pages for admin lists, lookups by name.

Two families:

* ``list_*`` / ``page_*`` / ``*_by_name`` take a session and no actor: the caller has decided
  what may be shown (pages pass ``group_ids`` for queues, ``valid_only`` for choices).
* ``*_for_actor`` apply the read rules of ``access.catalogue_read_scope`` for the API.

Lists are ordered by name (case-insensitive); services by ``full_name``. ``valid`` filters of the
``page_*`` functions: ``None`` every entry, ``True`` valid ones, ``False`` invalid ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.pagination import Page, PageRequest
from frontdesk.domain.ticket_catalogue.access import (
    CatalogueReadScope,
    access_priority_by_id,
    access_queue_by_id,
    access_service_by_id,
    access_sla_by_id,
    access_state_by_id,
    access_type_by_id,
    catalogue_read_scope,
)
from frontdesk.domain.ticket_catalogue.models import (
    Priority,
    Queue,
    Service,
    Sla,
    SlaService,
    TicketState,
    TicketType,
)
from frontdesk.domain.ticket_catalogue.schemas import (
    SERVICE_SEPARATOR,
    PriorityOut,
    QueueOut,
    ServiceOut,
    SlaOut,
    StateOut,
    TypeOut,
)

RowT = TypeVar("RowT")
NamedModel = Queue | TicketState | Priority | TicketType | Service | Sla


def _valid_filter(model: type[NamedModel], valid: bool | None) -> list[ColumnElement[bool]]:
    return [] if valid is None else [model.valid.is_(valid)]


def _by_name(model: type[NamedModel]) -> tuple[Any, ...]:
    return (func.lower(model.name), model.name, model.id)


async def _page_rows(
    session: AsyncSession, query: Select[RowT], page: PageRequest
) -> tuple[list[RowT], int]:
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await session.scalars(query.limit(page.limit).offset(page.offset))
    return list(rows), total or 0


def _empty_page(page: PageRequest) -> Page[Any]:
    return Page(items=[], total=0, limit=page.limit, offset=page.offset)


# --- queues -----------------------------------------------------------------------------------


def _queue_query(valid: bool | None, group_ids: Iterable[int] | None) -> Select[Queue]:
    query = select(Queue).where(*_valid_filter(Queue, valid)).order_by(*_by_name(Queue))
    if group_ids is not None:
        query = query.where(Queue.group_id.in_(sorted(group_ids)))
    return query


async def list_queues(
    session: AsyncSession, *, valid_only: bool = False, group_ids: set[int] | None = None
) -> list[QueueOut]:
    """Queues by name; ``group_ids`` keeps those of these groups (None: every queue)."""
    rows = await session.scalars(_queue_query(True if valid_only else None, group_ids))
    return [QueueOut.of(queue) for queue in rows]


async def page_queues(
    session: AsyncSession,
    page: PageRequest,
    *,
    valid: bool | None = None,
    group_ids: set[int] | None = None,
) -> Page[QueueOut]:
    rows, total = await _page_rows(session, _queue_query(valid, group_ids), page)
    return Page([QueueOut.of(q) for q in rows], total, page.limit, page.offset)


async def queue_by_name(session: AsyncSession, name: str) -> QueueOut | None:
    queue = await session.scalar(select(Queue).where(Queue.name == name))
    return None if queue is None else QueueOut.of(queue)


# --- states, priorities, types ----------------------------------------------------------------


async def list_states(session: AsyncSession, *, valid_only: bool = False) -> list[StateOut]:
    query = select(TicketState).where(*_valid_filter(TicketState, True if valid_only else None))
    rows = await session.scalars(query.order_by(*_by_name(TicketState)))
    return [StateOut.of(state) for state in rows]


async def page_states(
    session: AsyncSession, page: PageRequest, *, valid: bool | None = None
) -> Page[StateOut]:
    query = select(TicketState).where(*_valid_filter(TicketState, valid))
    rows, total = await _page_rows(session, query.order_by(*_by_name(TicketState)), page)
    return Page([StateOut.of(s) for s in rows], total, page.limit, page.offset)


async def state_by_name(session: AsyncSession, name: str) -> StateOut | None:
    """The state of exactly this name (valid or not), e.g. ``state_by_name(s, "new")``."""
    state = await session.scalar(select(TicketState).where(TicketState.name == name))
    return None if state is None else StateOut.of(state)


async def list_priorities(session: AsyncSession, *, valid_only: bool = False) -> list[PriorityOut]:
    query = select(Priority).where(*_valid_filter(Priority, True if valid_only else None))
    rows = await session.scalars(query.order_by(*_by_name(Priority)))
    return [PriorityOut.of(priority) for priority in rows]


async def page_priorities(
    session: AsyncSession, page: PageRequest, *, valid: bool | None = None
) -> Page[PriorityOut]:
    query = select(Priority).where(*_valid_filter(Priority, valid))
    rows, total = await _page_rows(session, query.order_by(*_by_name(Priority)), page)
    return Page([PriorityOut.of(p) for p in rows], total, page.limit, page.offset)


async def priority_by_name(session: AsyncSession, name: str) -> PriorityOut | None:
    """The priority of exactly this name (valid or not), e.g. ``"3 normal"``."""
    priority = await session.scalar(select(Priority).where(Priority.name == name))
    return None if priority is None else PriorityOut.of(priority)


async def list_types(session: AsyncSession, *, valid_only: bool = False) -> list[TypeOut]:
    query = select(TicketType).where(*_valid_filter(TicketType, True if valid_only else None))
    rows = await session.scalars(query.order_by(*_by_name(TicketType)))
    return [TypeOut.of(ticket_type) for ticket_type in rows]


async def page_types(
    session: AsyncSession, page: PageRequest, *, valid: bool | None = None
) -> Page[TypeOut]:
    query = select(TicketType).where(*_valid_filter(TicketType, valid))
    rows, total = await _page_rows(session, query.order_by(*_by_name(TicketType)), page)
    return Page([TypeOut.of(t) for t in rows], total, page.limit, page.offset)


# --- services ---------------------------------------------------------------------------------


async def service_full_names(session: AsyncSession) -> dict[int, str]:
    """``{service id: "Parent::Child"}`` for every service (services are few)."""
    rows = (await session.execute(select(Service.id, Service.name, Service.parent_id))).all()
    names = {service_id: name for service_id, name, _ in rows}
    parents = {service_id: parent_id for service_id, _, parent_id in rows}
    full_names: dict[int, str] = {}
    for service_id in names:
        parts: list[str] = []
        seen: set[int] = set()
        current: int | None = service_id
        while current is not None and current in names and current not in seen:
            seen.add(current)
            parts.append(names[current])
            current = parents[current]
        full_names[service_id] = SERVICE_SEPARATOR.join(reversed(parts))
    return full_names


async def _services_by_full_name(session: AsyncSession, valid: bool | None) -> list[ServiceOut]:
    full_names = await service_full_names(session)
    rows = await session.scalars(select(Service).where(*_valid_filter(Service, valid)))
    services = [ServiceOut.of(service, full_names[service.id]) for service in rows]
    return sorted(services, key=lambda s: (s.full_name.lower(), s.full_name, s.id))


async def list_services(session: AsyncSession, *, valid_only: bool = False) -> list[ServiceOut]:
    """Services sorted by ``full_name``, so children follow their parent."""
    return await _services_by_full_name(session, True if valid_only else None)


async def page_services(
    session: AsyncSession, page: PageRequest, *, valid: bool | None = None
) -> Page[ServiceOut]:
    services = await _services_by_full_name(session, valid)
    items = services[page.offset : page.offset + page.limit]
    return Page(items, len(services), page.limit, page.offset)


async def service_out(session: AsyncSession, service: Service) -> ServiceOut:
    full_names = await service_full_names(session)
    return ServiceOut.of(service, full_names.get(service.id, service.name))


# --- SLAs -------------------------------------------------------------------------------------


async def sla_service_ids(session: AsyncSession, sla_ids: Iterable[int]) -> dict[int, list[int]]:
    """``{sla id: [service ids]}`` for these SLAs (every given id is a key)."""
    wanted = sorted(set(sla_ids))
    result: dict[int, list[int]] = {sla_id: [] for sla_id in wanted}
    if not wanted:
        return result
    rows = await session.execute(
        select(SlaService.sla_id, SlaService.service_id)
        .where(SlaService.sla_id.in_(wanted))
        .order_by(SlaService.sla_id, SlaService.service_id)
    )
    for sla_id, service_id in rows:
        result[sla_id].append(service_id)
    return result


async def _slas_out(session: AsyncSession, slas: list[Sla]) -> list[SlaOut]:
    service_ids = await sla_service_ids(session, [sla.id for sla in slas])
    return [SlaOut.of(sla, service_ids[sla.id]) for sla in slas]


async def list_slas(
    session: AsyncSession, *, valid_only: bool = False, service_id: int | None = None
) -> list[SlaOut]:
    """SLAs by name; ``service_id`` keeps those that apply to that service."""
    query = select(Sla).where(*_valid_filter(Sla, True if valid_only else None))
    if service_id is not None:
        applies = select(SlaService.sla_id).where(SlaService.service_id == service_id)
        query = query.where(Sla.id.in_(applies))
    rows = await session.scalars(query.order_by(*_by_name(Sla)))
    return await _slas_out(session, list(rows))


async def page_slas(
    session: AsyncSession, page: PageRequest, *, valid: bool | None = None
) -> Page[SlaOut]:
    query = select(Sla).where(*_valid_filter(Sla, valid)).order_by(*_by_name(Sla))
    rows, total = await _page_rows(session, query, page)
    return Page(await _slas_out(session, rows), total, page.limit, page.offset)


async def sla_out(session: AsyncSession, sla: Sla) -> SlaOut:
    return (await _slas_out(session, [sla]))[0]


# --- for an actor (the API) -------------------------------------------------------------------


def _scoped_valid(scope: CatalogueReadScope, valid: bool | None) -> bool | None:
    """Customers see valid entries only (asking them for invalid ones finds nothing, above)."""
    return True if scope.valid_only else valid


async def queues_for_actor(
    session: AsyncSession, actor: Actor, page: PageRequest, *, valid: bool | None = None
) -> Page[QueueOut]:
    scope = await catalogue_read_scope(session, actor)
    if scope.valid_only and valid is False:
        return _empty_page(page)
    group_ids = None if scope.queue_group_ids is None else set(scope.queue_group_ids)
    return await page_queues(session, page, valid=_scoped_valid(scope, valid), group_ids=group_ids)


async def states_for_actor(
    session: AsyncSession, actor: Actor, page: PageRequest, *, valid: bool | None = None
) -> Page[StateOut]:
    scope = await catalogue_read_scope(session, actor)
    if scope.valid_only and valid is False:
        return _empty_page(page)
    return await page_states(session, page, valid=_scoped_valid(scope, valid))


async def priorities_for_actor(
    session: AsyncSession, actor: Actor, page: PageRequest, *, valid: bool | None = None
) -> Page[PriorityOut]:
    scope = await catalogue_read_scope(session, actor)
    if scope.valid_only and valid is False:
        return _empty_page(page)
    return await page_priorities(session, page, valid=_scoped_valid(scope, valid))


async def types_for_actor(
    session: AsyncSession, actor: Actor, page: PageRequest, *, valid: bool | None = None
) -> Page[TypeOut]:
    scope = await catalogue_read_scope(session, actor)
    if scope.valid_only and valid is False:
        return _empty_page(page)
    return await page_types(session, page, valid=_scoped_valid(scope, valid))


async def services_for_actor(
    session: AsyncSession, actor: Actor, page: PageRequest, *, valid: bool | None = None
) -> Page[ServiceOut]:
    scope = await catalogue_read_scope(session, actor)
    if scope.valid_only and valid is False:
        return _empty_page(page)
    return await page_services(session, page, valid=_scoped_valid(scope, valid))


async def slas_for_actor(
    session: AsyncSession, actor: Actor, page: PageRequest, *, valid: bool | None = None
) -> Page[SlaOut]:
    scope = await catalogue_read_scope(session, actor)
    if scope.valid_only and valid is False:
        return _empty_page(page)
    return await page_slas(session, page, valid=_scoped_valid(scope, valid))


async def queue_for_actor(session: AsyncSession, actor: Actor, queue_id: int) -> QueueOut:
    return QueueOut.of(await access_queue_by_id(session, actor, queue_id))


async def state_for_actor(session: AsyncSession, actor: Actor, state_id: int) -> StateOut:
    return StateOut.of(await access_state_by_id(session, actor, state_id))


async def priority_for_actor(session: AsyncSession, actor: Actor, priority_id: int) -> PriorityOut:
    return PriorityOut.of(await access_priority_by_id(session, actor, priority_id))


async def type_for_actor(session: AsyncSession, actor: Actor, type_id: int) -> TypeOut:
    return TypeOut.of(await access_type_by_id(session, actor, type_id))


async def service_for_actor(session: AsyncSession, actor: Actor, service_id: int) -> ServiceOut:
    return await service_out(session, await access_service_by_id(session, actor, service_id))


async def sla_for_actor(session: AsyncSession, actor: Actor, sla_id: int) -> SlaOut:
    return await sla_out(session, await access_sla_by_id(session, actor, sla_id))
