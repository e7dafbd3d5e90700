"""The ticket as the API shows it: one query for many tickets with their catalogue names."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from frontdesk.core.clock import isoformat_z
from frontdesk.domain.accounts.models import Agent, CustomerUser
from frontdesk.domain.dynamic_fields.values import values_of
from frontdesk.domain.ticket_catalogue.models import (
    Priority,
    Queue,
    Service,
    Sla,
    TicketState,
    TicketType,
)
from frontdesk.domain.tickets.models import Ticket
from frontdesk.domain.tickets.schemas import TicketOut

Owner = aliased(Agent)
_Responsible = aliased(Agent)


def _ticket_rows() -> Select[Ticket, str, str, str, str, str | None, str | None, str, str]:
    return (
        select(
            Ticket,
            Queue.name,
            TicketState.name,
            TicketState.state_type,
            Priority.name,
            TicketType.name,
            Sla.name,
            Owner.login,
            _Responsible.login,
        )
        .join(Queue, Queue.id == Ticket.queue_id)
        .join(TicketState, TicketState.id == Ticket.state_id)
        .join(Priority, Priority.id == Ticket.priority_id)
        .join(Owner, Owner.id == Ticket.owner_id)
        .join(_Responsible, _Responsible.id == Ticket.responsible_id)
        .outerjoin(TicketType, TicketType.id == Ticket.type_id)
        .outerjoin(Sla, Sla.id == Ticket.sla_id)
    )


async def service_full_names(session: AsyncSession) -> dict[int, str]:
    """Every service as "Parent::Child" (services nest)."""
    rows = (await session.execute(select(Service.id, Service.name, Service.parent_id))).all()
    by_id = {r.id: (r.name, r.parent_id) for r in rows}
    names: dict[int, str] = {}
    for service_id in by_id:
        parts: list[str] = []
        current: int | None = service_id
        seen: set[int] = set()
        while current is not None and current in by_id and current not in seen:
            seen.add(current)
            name, current = by_id[current]
            parts.append(name)
        names[service_id] = "::".join(reversed(parts))
    return names


async def tickets_out(
    session: AsyncSession, ticket_ids: Sequence[int], *, customer_view: bool = False
) -> list[TicketOut]:
    """The tickets with these ids, in the given order, as the API shows them; with
    ``customer_view``, only the dynamic fields customers may read."""
    if not ticket_ids:
        return []
    field_values = await values_of(session, "ticket", ticket_ids, customer=customer_view)
    rows = (await session.execute(_ticket_rows().where(Ticket.id.in_(ticket_ids)))).all()
    customer_ids = {r[0].customer_user_id for r in rows if r[0].customer_user_id is not None}
    customers: dict[int, str] = {}
    if customer_ids:
        customers = {
            r.id: r.login
            for r in await session.execute(
                select(CustomerUser.id, CustomerUser.login).where(CustomerUser.id.in_(customer_ids))
            )
        }
    services = (
        await service_full_names(session) if any(r[0].service_id is not None for r in rows) else {}
    )
    by_id: dict[int, TicketOut] = {}
    for ticket, queue, state, state_type, priority, type_name, sla, owner, responsible in rows:
        created_at = isoformat_z(ticket.created_at)
        updated_at = isoformat_z(ticket.updated_at)
        assert created_at is not None and updated_at is not None
        by_id[ticket.id] = TicketOut(
            id=ticket.id,
            number=ticket.number,
            title=ticket.title,
            queue_id=ticket.queue_id,
            queue=queue,
            state_id=ticket.state_id,
            state=state,
            state_type=state_type,
            priority_id=ticket.priority_id,
            priority=priority,
            type_id=ticket.type_id,
            type=type_name,
            service_id=ticket.service_id,
            service=services.get(ticket.service_id) if ticket.service_id else None,
            sla_id=ticket.sla_id,
            sla=sla,
            lock="lock" if ticket.lock_state == "lock" else "unlock",
            owner_id=ticket.owner_id,
            owner=owner,
            responsible_id=ticket.responsible_id,
            responsible=responsible,
            customer_user=customers.get(ticket.customer_user_id)
            if ticket.customer_user_id
            else None,
            customer_id=ticket.customer_id,
            pending_until=isoformat_z(ticket.pending_until),
            escalation_response_at=isoformat_z(ticket.escalation_response_at),
            escalation_update_at=isoformat_z(ticket.escalation_update_at),
            escalation_solution_at=isoformat_z(ticket.escalation_solution_at),
            created_at=created_at,
            updated_at=updated_at,
            dynamic_fields=field_values.get(ticket.id, {}),
        )
    return [by_id[i] for i in ticket_ids if i in by_id]


async def ticket_out(
    session: AsyncSession, ticket: Ticket, *, customer_view: bool = False
) -> TicketOut:
    await session.flush()
    (out,) = await tickets_out(session, [ticket.id], customer_view=customer_view)
    return out
