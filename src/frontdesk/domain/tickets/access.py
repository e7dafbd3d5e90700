"""Loading tickets for an actor: the only way a protected ticket is read.

Who sees a ticket (OTRS semantics):

- agents with ``ro`` in the group of the ticket's queue, and the ticket's owner and responsible
  (OTRS ``OwnerCheck``/``ResponsibleCheck``: they hold every permission on their own ticket);
- customer users for their own tickets (``customer_user_id``) and their company's tickets
  (``customer_id``), in queues whose group they have ``ro`` in;
- the system actor (jobs) sees everything.

Cannot see → ``TicketNotFound`` (404, the same as a ticket that does not exist). Sees it but
lacks the asked permission → ``PermissionDenied`` (403).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.bus.events import Audience
from frontdesk.core.actor import Actor
from frontdesk.core.errors import PermissionDenied
from frontdesk.domain.ticket_catalogue.models import Queue
from frontdesk.domain.tickets.errors import TicketNotFound
from frontdesk.domain.tickets.models import Ticket
from frontdesk.domain.tickets.schemas import MAX_ID


def is_own_agent_ticket(actor: Actor, ticket: Ticket) -> bool:
    return actor.is_agent and actor.id in (ticket.owner_id, ticket.responsible_id)


def is_own_customer_ticket(actor: Actor, ticket: Ticket) -> bool:
    if not actor.is_customer:
        return False
    if ticket.customer_user_id == actor.id:
        return True
    return actor.customer_id is not None and ticket.customer_id == actor.customer_id


def can_see(actor: Actor, ticket: Ticket, group_id: int) -> bool:
    if actor.kind == "system":
        return True
    if actor.is_agent:
        return actor.has(group_id, "ro") or is_own_agent_ticket(actor, ticket)
    if actor.is_customer:
        return is_own_customer_ticket(actor, ticket) and actor.has(group_id, "ro")
    return False


def hears_of_ticket_event(actor: Actor, audience: Audience) -> bool:
    """Whether an agent's open ticket lists learn of a ticket event with this audience.

    The same rule as ``can_see``, over what the event names: the ticket's owner and responsible
    agent, and the groups of its queue (both queues for a move, so that a list the ticket
    leaves hears of it too). The frame carries only the ticket's id; the list is then read
    again through the usual access rules.
    """
    if not actor.is_agent:
        return False
    if actor.id in audience.agent_ids:
        return True
    return any(actor.has(group_id, "ro") for group_id in audience.group_ids)


def has_ticket_permission(actor: Actor, ticket: Ticket, group_id: int, permission: str) -> bool:
    """Whether ``actor`` holds ``permission`` on this ticket (assumes it can see it)."""
    if actor.kind == "system":
        return True
    if actor.is_agent:
        return actor.has(group_id, permission) or is_own_agent_ticket(actor, ticket)
    # Customers only know ro and rw.
    return permission in ("ro", "rw") and actor.has(group_id, permission)


async def queue_group_id(session: AsyncSession, queue_id: int) -> int:
    group_id = await session.scalar(select(Queue.group_id).where(Queue.id == queue_id))
    assert group_id is not None, "ticket.queue_id is a foreign key"
    return group_id


async def access_ticket_by_id(
    session: AsyncSession, actor: Actor, ticket_id: int, permission: str = "ro"
) -> Ticket:
    ticket = await session.get(Ticket, ticket_id) if 1 <= ticket_id <= MAX_ID else None
    if ticket is None:
        raise TicketNotFound()
    group_id = await queue_group_id(session, ticket.queue_id)
    if not can_see(actor, ticket, group_id):
        raise TicketNotFound()
    if permission != "ro" and not has_ticket_permission(actor, ticket, group_id, permission):
        raise PermissionDenied(
            f"You need the {permission} permission on this ticket's queue.",
            details={"permission": permission},
        )
    return ticket


def visible_tickets_filter(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause on ``Ticket`` selecting exactly the tickets ``access_ticket_by_id`` allows."""
    if actor.kind == "system":
        return true()
    readable_queues = select(Queue.id).where(Queue.group_id.in_(actor.groups_with("ro")))
    in_readable_queue = Ticket.queue_id.in_(readable_queues)
    if actor.is_agent:
        return or_(
            in_readable_queue, Ticket.owner_id == actor.id, Ticket.responsible_id == actor.id
        )
    if actor.is_customer:
        own = Ticket.customer_user_id == actor.id
        if actor.customer_id is not None:
            own = or_(own, Ticket.customer_id == actor.customer_id)
        return own & in_readable_queue
    return false()
