"""A ticket's history (agents only)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.clock import isoformat_z
from frontdesk.domain.tickets.models import Ticket, TicketHistory
from frontdesk.domain.tickets.queries.listing import require_agent
from frontdesk.domain.tickets.schemas import HistoryActor, HistoryOut


async def ticket_history(session: AsyncSession, ticket: Ticket) -> list[HistoryOut]:
    rows = await session.scalars(
        select(TicketHistory).where(TicketHistory.ticket_id == ticket.id).order_by(TicketHistory.id)
    )
    result = []
    for row in rows:
        time = isoformat_z(row.created_at)
        assert time is not None
        result.append(
            HistoryOut(
                id=row.id,
                type=row.history_type,
                article_id=row.article_id,
                actor=HistoryActor(kind=row.actor_kind, id=row.actor_id, name=row.actor_name),
                time=time,
                values=dict(row.values),
            )
        )
    return result


async def agent_ticket_history(
    session: AsyncSession, actor: Actor, ticket: Ticket
) -> list[HistoryOut]:
    """The history for the API: agents only (as in OTRS, customers never see the history)."""
    require_agent(actor)
    return await ticket_history(session, ticket)
