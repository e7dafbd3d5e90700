"""Who may read the catalogue, and loading one entry for an actor.

Writing is for administrators only (``rw`` in group ``admin``: ``accounts.access.check_admin``).

Reading (the choices a ticket screen offers):

* administrators read everything, valid or not;
* other agents read every state, priority, type, service and SLA (valid or not: an existing
  ticket may still show an invalid one), but only the queues of groups in which they hold at
  least one ticket permission (``ro`` … ``rw``) — a queue they cannot see does not exist for them;
* customer users read valid entries only, and only the queues whose group they have ``rw`` in
  (the queues they may create tickets in);
* anyone else (visitors, the system through the API) is refused.

An entry the actor may not read answers exactly like one that does not exist (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.errors import NotFound, PermissionDenied
from frontdesk.core.permissions import TICKET_PERMISSIONS
from frontdesk.domain.accounts.access import is_admin
from frontdesk.domain.ticket_catalogue.models import (
    Priority,
    Queue,
    Service,
    Sla,
    TicketState,
    TicketType,
)
from frontdesk.domain.ticket_catalogue.schemas import MAX_ID

EntryT = TypeVar("EntryT", Queue, TicketState, Priority, TicketType, Service, Sla)

ENTITY_LABELS: dict[type[object], str] = {
    Queue: "queue",
    TicketState: "state",
    Priority: "priority",
    TicketType: "type",
    Service: "service",
    Sla: "SLA",
}


@dataclass(frozen=True, slots=True)
class CatalogueReadScope:
    """What of the catalogue an actor may read."""

    valid_only: bool
    # Groups whose queues the actor may see; None means every queue.
    queue_group_ids: frozenset[int] | None


async def catalogue_read_scope(session: AsyncSession, actor: Actor) -> CatalogueReadScope:
    if await is_admin(session, actor):
        return CatalogueReadScope(valid_only=False, queue_group_ids=None)
    if actor.is_agent:
        ticket_permissions = frozenset(TICKET_PERMISSIONS)
        groups = frozenset(
            group_id
            for group_id, permissions in actor.group_permissions.items()
            if permissions & ticket_permissions
        )
        return CatalogueReadScope(valid_only=False, queue_group_ids=groups)
    if actor.is_customer:
        return CatalogueReadScope(valid_only=True, queue_group_ids=actor.groups_with("rw"))
    raise PermissionDenied("Only agents and customer users may read the ticket catalogue.")


def not_found(model: type[EntryT], entry_id: int) -> NotFound:
    return NotFound(f"There is no {ENTITY_LABELS[model]} with id {entry_id}.")


async def load_entry(session: AsyncSession, model: type[EntryT], entry_id: int) -> EntryT:
    """The entry with this id, for administrators and actions (no read rules), or 404."""
    entry = await session.get(model, entry_id) if 1 <= entry_id <= MAX_ID else None
    if entry is None:
        raise not_found(model, entry_id)
    return entry


async def _access_entry(
    session: AsyncSession, actor: Actor, model: type[EntryT], entry_id: int
) -> EntryT:
    scope = await catalogue_read_scope(session, actor)
    entry = await load_entry(session, model, entry_id)
    if scope.valid_only and not entry.valid:
        raise not_found(model, entry_id)
    hidden_queue = (
        isinstance(entry, Queue)
        and scope.queue_group_ids is not None
        and entry.group_id not in scope.queue_group_ids
    )
    if hidden_queue:
        raise not_found(model, entry_id)
    return entry


async def access_queue_by_id(session: AsyncSession, actor: Actor, queue_id: int) -> Queue:
    return await _access_entry(session, actor, Queue, queue_id)


async def access_state_by_id(session: AsyncSession, actor: Actor, state_id: int) -> TicketState:
    return await _access_entry(session, actor, TicketState, state_id)


async def access_priority_by_id(session: AsyncSession, actor: Actor, priority_id: int) -> Priority:
    return await _access_entry(session, actor, Priority, priority_id)


async def access_type_by_id(session: AsyncSession, actor: Actor, type_id: int) -> TicketType:
    return await _access_entry(session, actor, TicketType, type_id)


async def access_service_by_id(session: AsyncSession, actor: Actor, service_id: int) -> Service:
    return await _access_entry(session, actor, Service, service_id)


async def access_sla_by_id(session: AsyncSession, actor: Actor, sla_id: int) -> Sla:
    return await _access_entry(session, actor, Sla, sla_id)
