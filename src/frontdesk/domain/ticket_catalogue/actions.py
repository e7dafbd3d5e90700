"""Writes of the ticket catalogue: create, change and delete queues, states, priorities, types,
services and SLAs. Administrators only.

Each write is ``check_<verb>_<noun>`` (authorise + validate, no change; returns the entry it
checked) then ``do_<verb>_<noun>`` (calls the check, changes, queues one ``CatalogueChanged``).
Actions never commit.

Rules beyond the input shapes:

* names are unique per kind, compared case-insensitively (services: among siblings) → 409
  ``name_taken``;
* a queue's ``group_id``, a service's ``parent_id`` and an SLA's ``service_ids`` must exist → 422
  naming the field; a service cannot become its own ancestor → 422 ``parent_id``;
* an entry a ticket refers to cannot be deleted, nor a service with children → 409 ``in_use``
  (set ``valid`` to false instead);
* the states and the priority the system itself picks by name (``SYSTEM_STATE_NAMES``,
  ``SYSTEM_PRIORITY_NAMES``) cannot be deleted, renamed or made invalid, and a system state keeps
  its state type → 409 ``in_use``.
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import BaseModel
from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from frontdesk.core.actor import Actor
from frontdesk.core.errors import DomainError, ValidationFailed
from frontdesk.db.case_insensitive import equals_ignoring_case
from frontdesk.domain.accounts.access import check_admin
from frontdesk.domain.accounts.models import Group
from frontdesk.domain.business_calendars.models import BusinessCalendar
from frontdesk.domain.mail_setup.models import Salutation, Signature, SystemAddress
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue import queries
from frontdesk.domain.ticket_catalogue.access import ENTITY_LABELS, load_entry
from frontdesk.domain.ticket_catalogue.errors import InUse, NameTaken
from frontdesk.domain.ticket_catalogue.events import (
    CatalogueChanged,
    CatalogueEntity,
    CatalogueOp,
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
    DIALOG_MESSAGE_KEY,
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
from frontdesk.domain.tickets.models import Ticket

# Escalation targets of queues and SLAs (minutes and notify-before percent), set as given.
ESCALATION_TARGETS = (
    "first_response_minutes",
    "first_response_notify",
    "update_minutes",
    "update_notify",
    "solution_minutes",
    "solution_notify",
)


# States ticket actions look up by name: new tickets, follow-ups, closing, merging, removing.
SYSTEM_STATE_NAMES: Final = frozenset(
    {"new", "open", "closed successful", "closed unsuccessful", "merged", "removed"}
)
# The priority a ticket gets when its creator names none.
SYSTEM_PRIORITY_NAMES: Final = frozenset({"3 normal"})

NamedModel = Queue | TicketState | Priority | TicketType | Service | Sla


# --- shared rules -----------------------------------------------------------------------------


async def _check_name_free(
    session: AsyncSession,
    model: type[NamedModel],
    name: str,
    *,
    except_id: int | None = None,
    scope: ColumnElement[bool] | None = None,
) -> None:
    query = select(model.id).where(equals_ignoring_case(model.name, name))
    if except_id is not None:
        query = query.where(model.id != except_id)
    if scope is not None:
        query = query.where(scope)
    if await session.scalar(query.limit(1)) is not None:
        raise NameTaken(ENTITY_LABELS[model], name)


async def _check_unused_by_tickets(
    session: AsyncSession, column: InstrumentedAttribute[Any], entry_id: int, label: str
) -> None:
    used = await session.scalar(select(Ticket.id).where(column == entry_id).limit(1))
    if used is not None:
        raise InUse(f"Tickets use this {label}: set it invalid instead of deleting it.")


async def _flush(session: AsyncSession, on_conflict: DomainError) -> None:
    """Flush; a constraint that still fails (a concurrent write) becomes ``on_conflict``."""
    try:
        await session.flush()
    except IntegrityError as error:
        raise on_conflict from error


def _apply(entry: NamedModel, data: BaseModel, columns: tuple[str, ...]) -> None:
    """Copy the given columns present in the request onto the entry."""
    for column in columns:
        if column in data.model_fields_set:
            setattr(entry, column, getattr(data, column))


def _emit(tx: Tx, entity: CatalogueEntity, entity_id: int, op: CatalogueOp) -> None:
    tx.emit(CatalogueChanged(entity=entity, entity_id=entity_id, op=op))


# --- queues -----------------------------------------------------------------------------------


async def _check_group_exists(session: AsyncSession, group_id: int) -> None:
    if await session.get(Group, group_id) is None:
        raise ValidationFailed("group_id", f"There is no group with id {group_id}.")


async def _check_calendar_exists(session: AsyncSession, calendar_id: int | None) -> None:
    if calendar_id is not None and await session.get(BusinessCalendar, calendar_id) is None:
        raise ValidationFailed(
            "business_calendar_id", f"There is no business calendar with id {calendar_id}."
        )


async def _check_mail_setup_exists(session: AsyncSession, data: QueueCreate | QueueUpdate) -> None:
    for field, model, label in (
        ("system_address_id", SystemAddress, "system address"),
        ("salutation_id", Salutation, "salutation"),
        ("signature_id", Signature, "signature"),
    ):
        entry_id = getattr(data, field)
        if entry_id is not None and await session.get(model, entry_id) is None:
            raise ValidationFailed(field, f"There is no {label} with id {entry_id}.")


async def check_create_queue(tx: Tx, actor: Actor, data: QueueCreate) -> None:
    await check_admin(tx.session, actor)
    await _check_group_exists(tx.session, data.group_id)
    await _check_calendar_exists(tx.session, data.business_calendar_id)
    await _check_mail_setup_exists(tx.session, data)
    await _check_name_free(tx.session, Queue, data.name)


async def do_create_queue(tx: Tx, actor: Actor, data: QueueCreate) -> QueueOut:
    await check_create_queue(tx, actor, data)
    queue = Queue(
        name=data.name,
        group_id=data.group_id,
        business_calendar_id=data.business_calendar_id,
        system_address_id=data.system_address_id,
        salutation_id=data.salutation_id,
        signature_id=data.signature_id,
        follow_up=data.follow_up,
        **data.model_dump(include=set(ESCALATION_TARGETS)),
        unlock_timeout=data.unlock_timeout,
        comment=data.comment,
        valid=data.valid,
    )
    tx.session.add(queue)
    await _flush(tx.session, NameTaken("queue", data.name))
    _emit(tx, "queue", queue.id, "created")
    return QueueOut.of(queue)


async def check_update_queue(tx: Tx, actor: Actor, queue_id: int, data: QueueUpdate) -> Queue:
    await check_admin(tx.session, actor)
    queue = await load_entry(tx.session, Queue, queue_id)
    if data.group_id is not None:
        await _check_group_exists(tx.session, data.group_id)
    await _check_calendar_exists(tx.session, data.business_calendar_id)
    await _check_mail_setup_exists(tx.session, data)
    if data.name is not None:
        await _check_name_free(tx.session, Queue, data.name, except_id=queue.id)
    return queue


async def do_update_queue(tx: Tx, actor: Actor, queue_id: int, data: QueueUpdate) -> QueueOut:
    queue = await check_update_queue(tx, actor, queue_id, data)
    _apply(queue, data, ("name", "group_id", "business_calendar_id", "comment", "valid"))
    _apply(queue, data, ("system_address_id", "salutation_id", "signature_id", "follow_up"))
    _apply(queue, data, (*ESCALATION_TARGETS, "unlock_timeout"))
    await _flush(tx.session, NameTaken("queue", queue.name))
    _emit(tx, "queue", queue.id, "updated")
    return QueueOut.of(queue)


async def check_delete_queue(tx: Tx, actor: Actor, queue_id: int) -> Queue:
    await check_admin(tx.session, actor)
    queue = await load_entry(tx.session, Queue, queue_id)
    await _check_unused_by_tickets(tx.session, Ticket.queue_id, queue.id, "queue")
    return queue


async def do_delete_queue(tx: Tx, actor: Actor, queue_id: int) -> None:
    queue = await check_delete_queue(tx, actor, queue_id)
    await tx.session.delete(queue)
    await _flush(tx.session, InUse("Something still refers to this queue."))
    _emit(tx, "queue", queue_id, "deleted")


# --- states -----------------------------------------------------------------------------------


def _check_system_state_kept(state: TicketState, data: StateUpdate) -> None:
    if state.name not in SYSTEM_STATE_NAMES:
        return
    renamed = data.name is not None and data.name != state.name
    retyped = data.state_type is not None and data.state_type != state.state_type
    if renamed or retyped or data.valid is False:
        raise InUse(
            f"The system relies on the state {state.name!r}: "
            "it keeps its name, state type and validity."
        )


async def check_create_state(tx: Tx, actor: Actor, data: StateCreate) -> None:
    await check_admin(tx.session, actor)
    await _check_name_free(tx.session, TicketState, data.name)


async def do_create_state(tx: Tx, actor: Actor, data: StateCreate) -> StateOut:
    await check_create_state(tx, actor, data)
    state = TicketState(
        name=data.name, state_type=data.state_type, comment=data.comment, valid=data.valid
    )
    tx.session.add(state)
    await _flush(tx.session, NameTaken("state", data.name))
    _emit(tx, "state", state.id, "created")
    return StateOut.of(state)


async def check_update_state(tx: Tx, actor: Actor, state_id: int, data: StateUpdate) -> TicketState:
    await check_admin(tx.session, actor)
    state = await load_entry(tx.session, TicketState, state_id)
    _check_system_state_kept(state, data)
    if data.name is not None:
        await _check_name_free(tx.session, TicketState, data.name, except_id=state.id)
    return state


async def do_update_state(tx: Tx, actor: Actor, state_id: int, data: StateUpdate) -> StateOut:
    state = await check_update_state(tx, actor, state_id, data)
    _apply(state, data, ("name", "state_type", "comment", "valid"))
    await _flush(tx.session, NameTaken("state", state.name))
    _emit(tx, "state", state.id, "updated")
    return StateOut.of(state)


async def check_delete_state(tx: Tx, actor: Actor, state_id: int) -> TicketState:
    await check_admin(tx.session, actor)
    state = await load_entry(tx.session, TicketState, state_id)
    if state.name in SYSTEM_STATE_NAMES:
        raise InUse(f"The system relies on the state {state.name!r}; it cannot be deleted.")
    await _check_unused_by_tickets(tx.session, Ticket.state_id, state.id, "state")
    return state


async def do_delete_state(tx: Tx, actor: Actor, state_id: int) -> None:
    state = await check_delete_state(tx, actor, state_id)
    await tx.session.delete(state)
    await _flush(tx.session, InUse("Something still refers to this state."))
    _emit(tx, "state", state_id, "deleted")


# --- priorities -------------------------------------------------------------------------------


async def check_create_priority(tx: Tx, actor: Actor, data: PriorityCreate) -> None:
    await check_admin(tx.session, actor)
    await _check_name_free(tx.session, Priority, data.name)


async def do_create_priority(tx: Tx, actor: Actor, data: PriorityCreate) -> PriorityOut:
    await check_create_priority(tx, actor, data)
    priority = Priority(name=data.name, valid=data.valid)
    tx.session.add(priority)
    await _flush(tx.session, NameTaken("priority", data.name))
    _emit(tx, "priority", priority.id, "created")
    return PriorityOut.of(priority)


async def check_update_priority(
    tx: Tx, actor: Actor, priority_id: int, data: PriorityUpdate
) -> Priority:
    await check_admin(tx.session, actor)
    priority = await load_entry(tx.session, Priority, priority_id)
    if priority.name in SYSTEM_PRIORITY_NAMES:
        renamed = data.name is not None and data.name != priority.name
        if renamed or data.valid is False:
            raise InUse(
                f"The system relies on the priority {priority.name!r}: "
                "it keeps its name and validity."
            )
    if data.name is not None:
        await _check_name_free(tx.session, Priority, data.name, except_id=priority.id)
    return priority


async def do_update_priority(
    tx: Tx, actor: Actor, priority_id: int, data: PriorityUpdate
) -> PriorityOut:
    priority = await check_update_priority(tx, actor, priority_id, data)
    _apply(priority, data, ("name", "valid"))
    await _flush(tx.session, NameTaken("priority", priority.name))
    _emit(tx, "priority", priority.id, "updated")
    return PriorityOut.of(priority)


async def check_delete_priority(tx: Tx, actor: Actor, priority_id: int) -> Priority:
    await check_admin(tx.session, actor)
    priority = await load_entry(tx.session, Priority, priority_id)
    if priority.name in SYSTEM_PRIORITY_NAMES:
        raise InUse(f"The system relies on the priority {priority.name!r}; it cannot be deleted.")
    await _check_unused_by_tickets(tx.session, Ticket.priority_id, priority.id, "priority")
    return priority


async def do_delete_priority(tx: Tx, actor: Actor, priority_id: int) -> None:
    priority = await check_delete_priority(tx, actor, priority_id)
    await tx.session.delete(priority)
    await _flush(tx.session, InUse("Something still refers to this priority."))
    _emit(tx, "priority", priority_id, "deleted")


# --- types ------------------------------------------------------------------------------------


async def check_create_type(tx: Tx, actor: Actor, data: TypeCreate) -> None:
    await check_admin(tx.session, actor)
    await _check_name_free(tx.session, TicketType, data.name)


async def do_create_type(tx: Tx, actor: Actor, data: TypeCreate) -> TypeOut:
    await check_create_type(tx, actor, data)
    ticket_type = TicketType(name=data.name, valid=data.valid)
    tx.session.add(ticket_type)
    await _flush(tx.session, NameTaken("type", data.name))
    _emit(tx, "type", ticket_type.id, "created")
    return TypeOut.of(ticket_type)


async def check_update_type(tx: Tx, actor: Actor, type_id: int, data: TypeUpdate) -> TicketType:
    await check_admin(tx.session, actor)
    ticket_type = await load_entry(tx.session, TicketType, type_id)
    if data.name is not None:
        await _check_name_free(tx.session, TicketType, data.name, except_id=ticket_type.id)
    return ticket_type


async def do_update_type(tx: Tx, actor: Actor, type_id: int, data: TypeUpdate) -> TypeOut:
    ticket_type = await check_update_type(tx, actor, type_id, data)
    _apply(ticket_type, data, ("name", "valid"))
    await _flush(tx.session, NameTaken("type", ticket_type.name))
    _emit(tx, "type", ticket_type.id, "updated")
    return TypeOut.of(ticket_type)


async def check_delete_type(tx: Tx, actor: Actor, type_id: int) -> TicketType:
    await check_admin(tx.session, actor)
    ticket_type = await load_entry(tx.session, TicketType, type_id)
    await _check_unused_by_tickets(tx.session, Ticket.type_id, ticket_type.id, "type")
    return ticket_type


async def do_delete_type(tx: Tx, actor: Actor, type_id: int) -> None:
    ticket_type = await check_delete_type(tx, actor, type_id)
    await tx.session.delete(ticket_type)
    await _flush(tx.session, InUse("Something still refers to this type."))
    _emit(tx, "type", type_id, "deleted")


# --- services ---------------------------------------------------------------------------------


def _siblings(parent_id: int | None) -> ColumnElement[bool]:
    return Service.parent_id.is_(None) if parent_id is None else Service.parent_id == parent_id


async def _check_parent(
    session: AsyncSession, parent_id: int | None, service_id: int | None
) -> None:
    """The parent exists, and (for an existing service) is neither it nor a descendant of it."""
    if parent_id is None:
        return
    rows = await session.execute(select(Service.id, Service.parent_id))
    parents: dict[int, int | None] = {service_id: parent for service_id, parent in rows}
    if parent_id not in parents:
        raise ValidationFailed("parent_id", f"There is no service with id {parent_id}.")
    seen: set[int] = set()
    current: int | None = parent_id
    while current is not None and current not in seen:
        if current == service_id:
            raise ValidationFailed("parent_id", "A service cannot be its own ancestor.")
        seen.add(current)
        current = parents.get(current)


async def check_create_service(tx: Tx, actor: Actor, data: ServiceCreate) -> None:
    await check_admin(tx.session, actor)
    await _check_parent(tx.session, data.parent_id, None)
    await _check_name_free(tx.session, Service, data.name, scope=_siblings(data.parent_id))


async def do_create_service(tx: Tx, actor: Actor, data: ServiceCreate) -> ServiceOut:
    await check_create_service(tx, actor, data)
    service = Service(
        name=data.name, parent_id=data.parent_id, comment=data.comment, valid=data.valid
    )
    tx.session.add(service)
    await _flush(tx.session, NameTaken("service", data.name))
    _emit(tx, "service", service.id, "created")
    return await queries.service_out(tx.session, service)


async def check_update_service(
    tx: Tx, actor: Actor, service_id: int, data: ServiceUpdate
) -> Service:
    await check_admin(tx.session, actor)
    service = await load_entry(tx.session, Service, service_id)
    changes = data.model_fields_set
    parent_id = data.parent_id if "parent_id" in changes else service.parent_id
    if "parent_id" in changes:
        await _check_parent(tx.session, parent_id, service.id)
    if data.name is not None or "parent_id" in changes:
        name = data.name if data.name is not None else service.name
        await _check_name_free(
            tx.session, Service, name, except_id=service.id, scope=_siblings(parent_id)
        )
    return service


async def do_update_service(
    tx: Tx, actor: Actor, service_id: int, data: ServiceUpdate
) -> ServiceOut:
    service = await check_update_service(tx, actor, service_id, data)
    _apply(service, data, ("name", "parent_id", "comment", "valid"))
    await _flush(tx.session, NameTaken("service", service.name))
    _emit(tx, "service", service.id, "updated")
    return await queries.service_out(tx.session, service)


async def check_delete_service(tx: Tx, actor: Actor, service_id: int) -> Service:
    await check_admin(tx.session, actor)
    service = await load_entry(tx.session, Service, service_id)
    child = await tx.session.scalar(select(Service.id).where(Service.parent_id == service.id))
    if child is not None:
        raise InUse("This service has child services: delete or move them first.")
    await _check_unused_by_tickets(tx.session, Ticket.service_id, service.id, "service")
    return service


async def do_delete_service(tx: Tx, actor: Actor, service_id: int) -> None:
    """Deletes the service and its links to SLAs (the SLAs stay)."""
    service = await check_delete_service(tx, actor, service_id)
    await tx.session.execute(delete(SlaService).where(SlaService.service_id == service_id))
    await tx.session.delete(service)
    await _flush(tx.session, InUse("Something still refers to this service."))
    _emit(tx, "service", service_id, "deleted")


# --- SLAs -------------------------------------------------------------------------------------


async def _check_services_exist(session: AsyncSession, service_ids: list[int]) -> None:
    wanted = set(service_ids)
    if not wanted:
        return
    found = set(await session.scalars(select(Service.id).where(Service.id.in_(sorted(wanted)))))
    missing = sorted(wanted - found)
    if missing:
        listed = ", ".join(str(service_id) for service_id in missing)
        raise ValidationFailed("service_ids", f"There are no services with ids {listed}.")


async def _set_sla_services(session: AsyncSession, sla_id: int, service_ids: list[int]) -> None:
    await session.execute(delete(SlaService).where(SlaService.sla_id == sla_id))
    for service_id in sorted(set(service_ids)):
        session.add(SlaService(sla_id=sla_id, service_id=service_id))


def _with_dialog_message(preferences: dict[str, Any], message: str | None) -> dict[str, Any]:
    """A copy of the preferences with the dialog message set, or removed when empty."""
    updated = dict(preferences)
    if message and message.strip():
        updated[DIALOG_MESSAGE_KEY] = message
    else:
        updated.pop(DIALOG_MESSAGE_KEY, None)
    return updated


async def check_create_sla(tx: Tx, actor: Actor, data: SlaCreate) -> None:
    await check_admin(tx.session, actor)
    await _check_services_exist(tx.session, data.service_ids)
    await _check_calendar_exists(tx.session, data.business_calendar_id)
    await _check_name_free(tx.session, Sla, data.name)


async def do_create_sla(tx: Tx, actor: Actor, data: SlaCreate) -> SlaOut:
    await check_create_sla(tx, actor, data)
    sla = Sla(
        name=data.name,
        **data.model_dump(include=set(ESCALATION_TARGETS)),
        business_calendar_id=data.business_calendar_id,
        comment=data.comment,
        preferences=_with_dialog_message({}, data.dialog_message),
        valid=data.valid,
    )
    tx.session.add(sla)
    await _flush(tx.session, NameTaken("SLA", data.name))
    await _set_sla_services(tx.session, sla.id, data.service_ids)
    await _flush(tx.session, ValidationFailed("service_ids", "A service was deleted meanwhile."))
    _emit(tx, "sla", sla.id, "created")
    return await queries.sla_out(tx.session, sla)


async def check_update_sla(tx: Tx, actor: Actor, sla_id: int, data: SlaUpdate) -> Sla:
    await check_admin(tx.session, actor)
    sla = await load_entry(tx.session, Sla, sla_id)
    if data.service_ids is not None:
        await _check_services_exist(tx.session, data.service_ids)
    await _check_calendar_exists(tx.session, data.business_calendar_id)
    if data.name is not None:
        await _check_name_free(tx.session, Sla, data.name, except_id=sla.id)
    return sla


async def do_update_sla(tx: Tx, actor: Actor, sla_id: int, data: SlaUpdate) -> SlaOut:
    sla = await check_update_sla(tx, actor, sla_id, data)
    _apply(
        sla,
        data,
        ("name", *ESCALATION_TARGETS, "business_calendar_id", "comment", "valid"),
    )
    if "dialog_message" in data.model_fields_set:
        sla.preferences = _with_dialog_message(sla.preferences or {}, data.dialog_message)
    await _flush(tx.session, NameTaken("SLA", sla.name))
    if data.service_ids is not None:
        await _set_sla_services(tx.session, sla.id, data.service_ids)
        await _flush(
            tx.session, ValidationFailed("service_ids", "A service was deleted meanwhile.")
        )
    _emit(tx, "sla", sla.id, "updated")
    return await queries.sla_out(tx.session, sla)


async def check_delete_sla(tx: Tx, actor: Actor, sla_id: int) -> Sla:
    await check_admin(tx.session, actor)
    sla = await load_entry(tx.session, Sla, sla_id)
    await _check_unused_by_tickets(tx.session, Ticket.sla_id, sla.id, "SLA")
    return sla


async def do_delete_sla(tx: Tx, actor: Actor, sla_id: int) -> None:
    sla = await check_delete_sla(tx, actor, sla_id)
    await tx.session.execute(delete(SlaService).where(SlaService.sla_id == sla_id))
    await tx.session.delete(sla)
    await _flush(tx.session, InUse("Something still refers to this SLA."))
    _emit(tx, "sla", sla_id, "deleted")
