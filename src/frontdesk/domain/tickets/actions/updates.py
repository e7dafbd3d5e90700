"""Changing a ticket's attributes: queue, title, state, priority, people, lock."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.clock import as_utc, isoformat_z, utcnow
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.domain.accounts.models import Agent, CustomerUser
from frontdesk.domain.dynamic_fields.values import ValueChange, plan_values, write_values
from frontdesk.domain.escalations.actions import recompute_escalation
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue.models import (
    Priority,
    Queue,
    Service,
    Sla,
    TicketState,
    TicketType,
)
from frontdesk.domain.tickets.access import (
    access_ticket_by_id,
    has_ticket_permission,
    queue_group_id,
)
from frontdesk.domain.tickets.actions.history import add_history, ticket_audience
from frontdesk.domain.tickets.actions.resolving import (
    PENDING_STATE_TYPES,
    check_assignable_agent,
    check_pending_until,
    deny,
    resolve_customer_user,
    resolve_priority,
    resolve_queue,
    resolve_state,
    resolve_valid,
)
from frontdesk.domain.tickets.errors import TicketAlreadyLocked
from frontdesk.domain.tickets.events import TicketUpdated
from frontdesk.domain.tickets.models import Ticket
from frontdesk.domain.tickets.schemas import TicketUpdate


@dataclass
class Change:
    """One attribute change: the API field, the history row, and the column values to set."""

    field: str
    history_type: str
    old: Any
    new: Any
    columns: dict[str, Any]


@dataclass
class UpdatePlan:
    ticket: Ticket
    group_ids: tuple[int, ...]
    changes: list[Change]
    field_values: list[ValueChange] = field(default_factory=list)

    @property
    def fields(self) -> tuple[str, ...]:
        """What changes, as API field names (``dynamic_fields.<Name>`` for a field value)."""
        return tuple(change.field for change in self.changes) + tuple(
            change.event_field for change in self.field_values
        )


_NOT_NULL = (
    "title",
    "queue_id",
    "state",
    "state_id",
    "priority",
    "priority_id",
    "owner_id",
    "responsible_id",
    "lock",
)


async def _names(session: AsyncSession, model: Any, *ids: int | None) -> list[str | None]:
    names = []
    for value_id in ids:
        row = await session.get(model, value_id) if value_id is not None else None
        names.append(getattr(row, "login", None) or getattr(row, "name", None))
    return names


async def check_update_ticket(
    tx: Tx, actor: Actor, ticket_id: int, data: TicketUpdate
) -> UpdatePlan:
    """Authorise and validate every requested change; return them, changing nothing."""
    session = tx.session
    ticket = await access_ticket_by_id(session, actor, ticket_id)
    if not (actor.is_agent or actor.kind == "system"):
        raise PermissionDenied("Customer users cannot change ticket attributes.")
    present = data.model_fields_set
    for name in _NOT_NULL:
        if name in present and getattr(data, name) is None:
            raise ValidationFailed(name, "must not be null")
    now = utcnow()
    current_group = await queue_group_id(session, ticket.queue_id)
    group_ids = [current_group]

    def require(permission: str, what: str) -> None:
        if not has_ticket_permission(actor, ticket, current_group, permission):
            raise deny(permission, what)

    changes: list[Change] = []
    target_group = current_group

    if "queue_id" in present and data.queue_id != ticket.queue_id:
        assert data.queue_id is not None
        require("move_into", "move this ticket")
        target = await resolve_queue(session, data.queue_id)
        if actor.kind != "system" and not actor.has(target.group_id, "move_into"):
            raise deny("move_into", "move tickets into that queue")
        target_group = target.group_id
        if target_group != current_group:
            group_ids.append(target_group)
        (old_queue,) = await _names(session, Queue, ticket.queue_id)
        changes.append(Change("queue_id", "Move", old_queue, target.name, {"queue_id": target.id}))

    if "title" in present and data.title != ticket.title:
        require("rw", "change the title")
        changes.append(
            Change("title", "TitleUpdate", ticket.title, data.title, {"title": data.title})
        )

    new_state: TicketState | None = None
    if ("state" in present or "state_id" in present) and (
        data.state is not None or data.state_id is not None
    ):
        require("rw", "change the state")
        new_state = await resolve_state(session, data.state, data.state_id, "state")
    effective_state = new_state or await session.get(TicketState, ticket.state_id)
    assert effective_state is not None
    if new_state is not None or "pending_until" in present:
        if "pending_until" in present:
            require("rw", "set the pending time")
        wanted = data.pending_until if "pending_until" in present else ticket.pending_until
        if (
            "pending_until" in present
            and data.pending_until is not None
            and effective_state.state_type not in PENDING_STATE_TYPES
        ):
            raise ValidationFailed("pending_until", "only pending states have a pending time")
        pending_until = check_pending_until(effective_state, wanted, now)
        if pending_until != (as_utc(ticket.pending_until) if ticket.pending_until else None):
            changes.append(
                Change(
                    "pending_until",
                    "SetPendingTime",
                    isoformat_z(ticket.pending_until),
                    isoformat_z(pending_until),
                    {"pending_until": pending_until},
                )
            )
    if new_state is not None and new_state.id != ticket.state_id:
        (old_state,) = await _names(session, TicketState, ticket.state_id)
        changes.append(
            Change("state", "StateUpdate", old_state, new_state.name, {"state_id": new_state.id})
        )

    if ("priority" in present or "priority_id" in present) and (
        data.priority is not None or data.priority_id is not None
    ):
        require("priority", "change the priority")
        priority = await resolve_priority(session, data.priority, data.priority_id, "priority")
        if priority.id != ticket.priority_id:
            (old_priority,) = await _names(session, Priority, ticket.priority_id)
            changes.append(
                Change(
                    "priority",
                    "PriorityUpdate",
                    old_priority,
                    priority.name,
                    {"priority_id": priority.id},
                )
            )

    for field_name, model, history_type in (
        ("type_id", TicketType, "TypeUpdate"),
        ("service_id", Service, "ServiceUpdate"),
        ("sla_id", Sla, "SLAUpdate"),
    ):
        if field_name not in present:
            continue
        value = getattr(data, field_name)
        if value == getattr(ticket, field_name):
            continue
        require("rw", f"change {field_name}")
        if value is not None:
            await resolve_valid(session, model, value)
        old_name, new_name = await _names(session, model, getattr(ticket, field_name), value)
        changes.append(Change(field_name, history_type, old_name, new_name, {field_name: value}))

    if "customer_user" in present:
        require("rw", "change the customer")
        user = (
            await resolve_customer_user(session, data.customer_user) if data.customer_user else None
        )
        if (user.id if user else None) != ticket.customer_user_id:
            (old_login,) = await _names(session, CustomerUser, ticket.customer_user_id)
            changes.append(
                Change(
                    "customer_user",
                    "CustomerUpdate",
                    old_login,
                    user.login if user else None,
                    {
                        "customer_user_id": user.id if user else None,
                        "customer_id": user.customer_id if user else None,
                    },
                )
            )

    new_owner_id = ticket.owner_id
    if "owner_id" in present and data.owner_id != ticket.owner_id:
        assert data.owner_id is not None
        require("owner", "change the owner")
        await check_assignable_agent(session, data.owner_id, target_group, "owner_id")
        new_owner_id = data.owner_id

    if "responsible_id" in present and data.responsible_id != ticket.responsible_id:
        assert data.responsible_id is not None
        require("rw", "change the responsible agent")
        agent = await session.get(Agent, data.responsible_id)
        if agent is None or not agent.valid:
            raise ValidationFailed("responsible_id", "is not a known agent")
        (old_responsible,) = await _names(session, Agent, ticket.responsible_id)
        changes.append(
            Change(
                "responsible_id",
                "ResponsibleUpdate",
                old_responsible,
                agent.login,
                {"responsible_id": agent.id},
            )
        )

    new_lock = ticket.lock_state
    if data.lock == "lock" and "lock" in present:
        require("owner", "lock this ticket")
        if ticket.lock_state == "lock" and ticket.owner_id != actor.id:
            (holder,) = await _names(session, Agent, ticket.owner_id)
            raise TicketAlreadyLocked(holder or "another agent")
        if ticket.lock_state != "lock":
            new_lock = "lock"
            if "owner_id" not in present:
                # Locking takes the ticket: the locking agent becomes its owner (OTRS).
                new_owner_id = actor.id
    elif data.lock == "unlock" and ticket.lock_state == "lock":
        if not (actor.is_agent and actor.id == ticket.owner_id):
            require("rw", "unlock a ticket somebody else holds")
        new_lock = "unlock"
    if new_owner_id != ticket.owner_id:
        old_owner, new_owner = await _names(session, Agent, ticket.owner_id, new_owner_id)
        changes.append(
            Change("owner_id", "OwnerUpdate", old_owner, new_owner, {"owner_id": new_owner_id})
        )
    if new_lock != ticket.lock_state:
        changes.append(
            Change(
                "lock",
                "Lock" if new_lock == "lock" else "Unlock",
                ticket.lock_state,
                new_lock,
                {"lock_state": new_lock},
            )
        )
    field_values: list[ValueChange] = []
    if data.dynamic_fields:
        field_values = await plan_values(session, "ticket", ticket.id, data.dynamic_fields)
        if field_values:  # sending the current values again needs no permission
            require("rw", "change dynamic fields")
    return UpdatePlan(
        ticket=ticket, group_ids=tuple(group_ids), changes=changes, field_values=field_values
    )


async def do_update_ticket(tx: Tx, actor: Actor, ticket_id: int, data: TicketUpdate) -> Ticket:
    plan = await check_update_ticket(tx, actor, ticket_id, data)
    ticket = plan.ticket
    if not plan.fields:
        return ticket
    now = utcnow()
    for change in plan.changes:
        for column, value in change.columns.items():
            setattr(ticket, column, value)
        add_history(
            tx.session,
            ticket.id,
            actor,
            change.history_type,
            {"old": change.old, "new": change.new},
            at=now,
        )
    await write_values(tx.session, ticket.id, plan.field_values)
    for value_change in plan.field_values:
        add_history(
            tx.session,
            ticket.id,
            actor,
            value_change.history_type,
            value_change.history_values(),
            at=now,
        )
    ticket.updated_at = now
    await recompute_escalation(tx, ticket, now=now)
    tx.emit(
        TicketUpdated(
            ticket_id=ticket.id,
            fields=plan.fields,
            audience=ticket_audience(ticket, plan.group_ids, customer=True),
        )
    )
    return ticket
