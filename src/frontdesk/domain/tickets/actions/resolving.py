"""Lookups shared by the ticket writes: catalogue values, assignable agents, pending
times and the refusal a missing permission gets.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.clock import as_utc
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.db.case_insensitive import equals_ignoring_case
from frontdesk.domain.accounts.models import Agent, CustomerUser
from frontdesk.domain.accounts.queries import agent_group_permissions
from frontdesk.domain.ticket_catalogue.models import (
    Priority,
    Queue,
    Service,
    Sla,
    TicketState,
    TicketType,
)

PENDING_STATE_TYPES = ("pending reminder", "pending auto")
# States a ticket cannot be put into by hand: they belong to merging and deleting.
UNSETTABLE_STATE_TYPES = ("merged", "removed")


async def resolve_state(
    session: AsyncSession, name: str | None, state_id: int | None, field_name: str
) -> TicketState:
    if state_id is not None:
        state = await session.get(TicketState, state_id)
        field_name = "state_id"
    else:
        state = await session.scalar(select(TicketState).where(TicketState.name == name))
    if state is None or not state.valid or state.state_type in UNSETTABLE_STATE_TYPES:
        raise ValidationFailed(field_name, "is not a state a ticket can be set to")
    return state


async def resolve_priority(
    session: AsyncSession, name: str | None, priority_id: int | None, field_name: str
) -> Priority:
    if priority_id is not None:
        priority = await session.get(Priority, priority_id)
        field_name = "priority_id"
    else:
        priority = await session.scalar(select(Priority).where(Priority.name == name))
    if priority is None or not priority.valid:
        raise ValidationFailed(field_name, "is not a known priority")
    return priority


async def resolve_valid(
    session: AsyncSession, model: type[TicketType] | type[Service] | type[Sla], value_id: int
) -> None:
    row: TicketType | Service | Sla | None = await session.get(model, value_id)
    if row is None or not row.valid:
        field_name = {TicketType: "type_id", Service: "service_id", Sla: "sla_id"}[model]
        raise ValidationFailed(field_name, "does not exist")


async def resolve_queue(session: AsyncSession, queue_id: int) -> Queue:
    queue = await session.get(Queue, queue_id)
    if queue is None or not queue.valid:
        raise ValidationFailed("queue_id", "is not a known queue")
    return queue


async def resolve_customer_user(session: AsyncSession, login: str) -> CustomerUser:
    user = await session.scalar(
        select(CustomerUser).where(equals_ignoring_case(CustomerUser.login, login.strip()))
    )
    if user is None:
        raise ValidationFailed("customer_user", "is not a known customer user")
    return user


async def check_assignable_agent(
    session: AsyncSession, agent_id: int, group_id: int, field_name: str
) -> Agent:
    """An agent who may own tickets of the group: valid, with ``owner`` (or rw) in it."""
    agent = await session.get(Agent, agent_id)
    if agent is None or not agent.valid:
        raise ValidationFailed(field_name, "is not a known agent")
    permissions = await agent_group_permissions(session, agent_id)
    if "owner" not in permissions.get(group_id, frozenset()):
        raise ValidationFailed(field_name, "this agent may not own tickets of this queue")
    return agent


def check_pending_until(
    state: TicketState, pending_until: datetime | None, now: datetime
) -> datetime | None:
    """Pending states need a time in the future; other states keep none."""
    if state.state_type not in PENDING_STATE_TYPES:
        return None
    if pending_until is None:
        raise ValidationFailed("pending_until", "a pending state needs a pending time")
    if as_utc(pending_until) <= now:
        raise ValidationFailed("pending_until", "must be in the future")
    return as_utc(pending_until)


def deny(permission: str, what: str) -> PermissionDenied:
    return PermissionDenied(
        f"You need the {permission} permission to {what}.", details={"permission": permission}
    )
