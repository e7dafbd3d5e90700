"""Events of ticket notifications."""

from __future__ import annotations

from typing import ClassVar, Literal

from frontdesk.bus.events import Event

NotificationOp = Literal["created", "updated", "deleted"]


class NotificationChanged(Event):
    """An administrator created, changed or deleted a notification."""

    kind: ClassVar[str] = "notification.changed"
    notification_id: int
    op: NotificationOp


class TicketWatchChanged(Event):
    """An agent started or stopped watching a ticket (their own open pages refresh)."""

    kind: ClassVar[str] = "notification.watch_changed"
    ticket_id: int
    agent_id: int
    watching: bool
