"""What every ticket write records and tells: history rows and the audience of its events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.bus.events import Audience
from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.domain.tickets.models import Ticket, TicketHistory


def actor_name(actor: Actor) -> str:
    return actor.login


def add_history(
    session: AsyncSession,
    ticket_id: int,
    actor: Actor,
    history_type: str,
    values: dict[str, Any],
    *,
    article_id: int | None = None,
    at: datetime | None = None,
) -> None:
    session.add(
        TicketHistory(
            ticket_id=ticket_id,
            history_type=history_type,
            article_id=article_id,
            actor_kind=actor.kind,
            actor_id=actor.id if actor.kind != "system" else None,
            actor_name=actor_name(actor),
            values=values,
            created_at=at or utcnow(),
        )
    )


def ticket_audience(ticket: Ticket, group_ids: tuple[int, ...], *, customer: bool) -> Audience:
    agents = tuple(sorted({ticket.owner_id, ticket.responsible_id}))
    customers = (ticket.customer_user_id,) if customer and ticket.customer_user_id else ()
    return Audience(agent_ids=agents, group_ids=group_ids, customer_user_ids=customers)
