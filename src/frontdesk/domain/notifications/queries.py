"""Reading notifications (administrators), an agent's preferences, watching and My queues."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.pagination import Page, PageRequest
from frontdesk.domain.accounts.access import check_admin
from frontdesk.domain.notifications.access import access_notification_by_id
from frontdesk.domain.notifications.models import (
    AgentMyQueue,
    Notification,
    NotificationPreference,
    TicketWatcher,
)
from frontdesk.domain.notifications.schemas import NotificationOut, PreferenceOut
from frontdesk.domain.ticket_catalogue.models import Queue
from frontdesk.domain.tickets.access import access_ticket_by_id


async def notifications_for_actor(
    session: AsyncSession,
    actor: Actor,
    page: PageRequest,
    *,
    valid: bool | None = None,
    search: str | None = None,
) -> Page[NotificationOut]:
    """Notifications by name; ``search`` keeps those whose name contains it (any case)."""
    await check_admin(session, actor)
    query = select(Notification)
    if valid is not None:
        query = query.where(Notification.valid.is_(valid))
    if search:
        query = query.where(func.lower(Notification.name).contains(search.lower(), autoescape=True))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await session.scalars(
        query.order_by(func.lower(Notification.name), Notification.id)
        .limit(page.limit)
        .offset(page.offset)
    )
    items = [NotificationOut.of(row) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


async def notification_for_actor(
    session: AsyncSession, actor: Actor, notification_id: int
) -> NotificationOut:
    return NotificationOut.of(await access_notification_by_id(session, actor, notification_id))


async def preferences_of(session: AsyncSession, actor: Actor) -> list[PreferenceOut]:
    """Every valid notification with the agent's on/off per transport (no choice = on; a
    mandatory notification is always on)."""
    if not actor.is_agent:
        return []
    own = {
        (p.notification_id, p.transport): p.enabled
        for p in await session.scalars(
            select(NotificationPreference).where(NotificationPreference.agent_id == actor.id)
        )
    }
    rows = await session.scalars(
        select(Notification)
        .where(Notification.valid.is_(True))
        .order_by(func.lower(Notification.name), Notification.id)
    )
    return [
        PreferenceOut(
            notification_id=row.id,
            name=row.name,
            mandatory=row.mandatory,
            transports={
                transport: row.mandatory or own.get((row.id, transport), True)
                for transport in row.transports
            },
        )
        for row in rows
    ]


async def is_watching(session: AsyncSession, actor: Actor, ticket_id: int) -> bool:
    if not actor.is_agent:
        return False
    ticket = await access_ticket_by_id(session, actor, ticket_id)
    return await session.get(TicketWatcher, (ticket.id, actor.id)) is not None


async def watcher_ids(session: AsyncSession, ticket_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(TicketWatcher.agent_id)
            .where(TicketWatcher.ticket_id == ticket_id)
            .order_by(TicketWatcher.agent_id)
        )
    )


async def my_queue_ids(session: AsyncSession, actor: Actor) -> list[int]:
    if not actor.is_agent:
        return []
    return list(
        await session.scalars(
            select(AgentMyQueue.queue_id)
            .where(AgentMyQueue.agent_id == actor.id)
            .order_by(AgentMyQueue.queue_id)
        )
    )


async def readable_queues(session: AsyncSession, actor: Actor) -> list[tuple[int, str]]:
    """Valid queues the agent can read, by name: what "My queues" may hold."""
    if not actor.is_agent:
        return []
    rows = await session.execute(
        select(Queue.id, Queue.name)
        .where(Queue.valid.is_(True), Queue.group_id.in_(actor.groups_with("ro")))
        .order_by(func.lower(Queue.name), Queue.id)
    )
    return [(row.id, row.name) for row in rows]
