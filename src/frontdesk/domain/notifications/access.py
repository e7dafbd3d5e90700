"""Who may see and change notifications: administrators only (``rw`` in ``admin``). Agents
see notifications only as rows of their own preferences (``queries.preferences_of``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.domain.accounts.access import check_admin
from frontdesk.domain.notifications.errors import NotificationNotFound
from frontdesk.domain.notifications.models import Notification
from frontdesk.domain.ticket_catalogue.schemas import MAX_ID


async def access_notification_by_id(
    session: AsyncSession, actor: Actor, notification_id: int
) -> Notification:
    await check_admin(session, actor)
    row = (
        await session.get(Notification, notification_id) if 1 <= notification_id <= MAX_ID else None
    )
    if row is None:
        raise NotificationNotFound(notification_id)
    return row
