"""Writing notifications (administrators), agents' notification preferences, ticket watching
and "My queues".

Refusals:
* a notification write by anyone but an administrator → 403 ``admin_only``;
* a name another notification has (any case) → 409 ``name_taken``;
* a preference for a transport the notification does not use, or "off" for a mandatory one
  → 422 naming ``<notification id>.<transport>``; an unknown notification → 422 naming its id;
* watching a ticket the agent cannot read → 404 (as if it did not exist);
* a queue in "My queues" the agent cannot read → 422 naming ``queue_ids``.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.bus.events import Audience
from frontdesk.core.actor import Actor
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.domain.accounts.access import check_admin_or_system
from frontdesk.domain.notifications.access import access_notification_by_id
from frontdesk.domain.notifications.errors import NotificationNameTaken
from frontdesk.domain.notifications.events import (
    NotificationChanged,
    NotificationOp,
    TicketWatchChanged,
)
from frontdesk.domain.notifications.models import (
    AgentMyQueue,
    Notification,
    NotificationPreference,
    TicketWatcher,
)
from frontdesk.domain.notifications.schemas import (
    NotificationCreate,
    NotificationOut,
    NotificationUpdate,
)
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue.models import Queue
from frontdesk.domain.tickets.access import access_ticket_by_id


async def _check_name_free(session: AsyncSession, name: str, except_id: int | None = None) -> None:
    query = select(Notification.id).where(func.lower(Notification.name) == name.lower())
    if except_id is not None:
        query = query.where(Notification.id != except_id)
    if await session.scalar(query) is not None:
        raise NotificationNameTaken(name)


async def _flush(session: AsyncSession, name: str) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:  # two admins saving the same name at once
        raise NotificationNameTaken(name) from exc


def _emit(tx: Tx, notification_id: int, op: NotificationOp) -> None:
    tx.emit(NotificationChanged(notification_id=notification_id, op=op))


async def do_create_notification(tx: Tx, actor: Actor, data: NotificationCreate) -> NotificationOut:
    await check_admin_or_system(tx.session, actor)
    await _check_name_free(tx.session, data.name)
    row = Notification(
        name=data.name,
        events=list(data.events),
        filters=data.filters.stored(),
        recipients=list(data.recipients),
        transports=list(data.transports),
        messages={lang: text.model_dump() for lang, text in data.messages.items()},
        mandatory=data.mandatory,
        valid=data.valid,
        comment=data.comment,
    )
    tx.session.add(row)
    await _flush(tx.session, data.name)
    _emit(tx, row.id, "created")
    return NotificationOut.of(row)


async def do_update_notification(
    tx: Tx, actor: Actor, notification_id: int, data: NotificationUpdate
) -> NotificationOut:
    row = await access_notification_by_id(tx.session, actor, notification_id)
    present = data.model_fields_set
    if "name" in present and data.name is not None:
        await _check_name_free(tx.session, data.name, except_id=row.id)
        row.name = data.name
    if data.events is not None:
        row.events = list(data.events)
    if data.filters is not None:
        row.filters = data.filters.stored()
    if data.recipients is not None:
        row.recipients = list(data.recipients)
    if data.transports is not None:
        row.transports = list(data.transports)
    if data.messages is not None:
        row.messages = {lang: text.model_dump() for lang, text in data.messages.items()}
    for flag in ("mandatory", "valid", "comment"):
        value = getattr(data, flag)
        if flag in present and value is not None:
            setattr(row, flag, value)
    await _flush(tx.session, row.name)
    await tx.session.refresh(row)
    _emit(tx, row.id, "updated")
    return NotificationOut.of(row)


async def do_delete_notification(tx: Tx, actor: Actor, notification_id: int) -> None:
    row = await access_notification_by_id(tx.session, actor, notification_id)
    await tx.session.delete(row)
    await tx.session.flush()
    _emit(tx, notification_id, "deleted")


# --- preferences -------------------------------------------------------------------------------


def _require_agent(actor: Actor) -> None:
    if not actor.is_agent:
        raise PermissionDenied("Only agents have notification preferences.", code="agents_only")


async def do_set_preferences(tx: Tx, actor: Actor, choices: dict[str, dict[str, bool]]) -> None:
    """Store an agent's on/off per notification and transport (only the ones named)."""
    _require_agent(actor)
    planned: list[tuple[int, str, bool]] = []
    for key, per_transport in choices.items():
        notification_id = int(key) if key.isdigit() else 0
        row = await tx.session.get(Notification, notification_id) if notification_id else None
        if row is None or not row.valid:
            raise ValidationFailed(key, "is not a notification")
        for transport, enabled in per_transport.items():
            field = f"{key}.{transport}"
            if transport not in row.transports:
                raise ValidationFailed(field, "this notification is not sent that way")
            if row.mandatory and not enabled:
                raise ValidationFailed(
                    field, "this notification is mandatory and cannot be switched off"
                )
            planned.append((row.id, transport, enabled))
    for notification_id, transport, enabled in planned:
        existing = await tx.session.get(
            NotificationPreference, (actor.id, notification_id, transport)
        )
        if existing is None:
            tx.session.add(
                NotificationPreference(
                    agent_id=actor.id,
                    notification_id=notification_id,
                    transport=transport,
                    enabled=enabled,
                )
            )
        else:
            existing.enabled = enabled
    await tx.session.flush()


# --- watching ----------------------------------------------------------------------------------


async def do_set_watching(tx: Tx, actor: Actor, ticket_id: int, watching: bool) -> bool:
    """Start or stop watching a ticket; returns whether anything changed. Idempotent."""
    _require_agent(actor)
    ticket = await access_ticket_by_id(tx.session, actor, ticket_id)
    existing = await tx.session.get(TicketWatcher, (ticket.id, actor.id))
    if (existing is not None) == watching:
        return False
    if watching:
        tx.session.add(TicketWatcher(ticket_id=ticket.id, agent_id=actor.id))
    else:
        await tx.session.delete(existing)
    await tx.session.flush()
    tx.emit(
        TicketWatchChanged(
            ticket_id=ticket.id,
            agent_id=actor.id,
            watching=watching,
            audience=Audience(agent_ids=(actor.id,)),
        )
    )
    return True


# --- my queues ---------------------------------------------------------------------------------


async def do_set_my_queues(tx: Tx, actor: Actor, queue_ids: list[int]) -> list[int]:
    """Replace the agent's "My queues"; each must be a valid queue they can read."""
    _require_agent(actor)
    wanted = sorted(set(queue_ids))
    if wanted:
        rows = (
            await tx.session.execute(
                select(Queue.id, Queue.group_id, Queue.valid).where(Queue.id.in_(wanted))
            )
        ).all()
        readable = {r.id for r in rows if r.valid and actor.has(r.group_id, "ro")}
        missing = [queue_id for queue_id in wanted if queue_id not in readable]
        if missing:
            raise ValidationFailed("queue_ids", f"queue {missing[0]} is not a queue you can read")
    await tx.session.execute(delete(AgentMyQueue).where(AgentMyQueue.agent_id == actor.id))
    for queue_id in wanted:
        tx.session.add(AgentMyQueue(agent_id=actor.id, queue_id=queue_id))
    await tx.session.flush()
    return wanted
