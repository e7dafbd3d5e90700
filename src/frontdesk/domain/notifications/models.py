"""Notifications, the agents' choices about them, ticket watchers and agents' "My queues"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.core.clock import utcnow
from frontdesk.db.base import Base, Timestamps


class Notification(Timestamps, Base):
    """One ticket notification: the ``events`` that start it, the ``filters`` a ticket must
    pass, whom it goes to (``recipients``), how (``transports``) and in which words
    (``messages``: ``{"en": {"subject", "body"}}``). A ``mandatory`` one cannot be switched off
    by agents."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    recipients: Mapped[list[Any]] = mapped_column(JSON, default=list)
    transports: Mapped[list[str]] = mapped_column(JSON, default=list)
    messages: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)
    mandatory: Mapped[bool] = mapped_column(default=False)
    valid: Mapped[bool] = mapped_column(default=True)
    comment: Mapped[str] = mapped_column(String(250), default="")


class NotificationPreference(Base):
    """An agent's own choice for one notification and transport; no row means "on" (OTRS'
    ``AgentEnabledByDefault`` for e-mail)."""

    __tablename__ = "notification_preference"

    agent_id: Mapped[int] = mapped_column(
        ForeignKey("agent.id", ondelete="CASCADE"), primary_key=True
    )
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notification.id", ondelete="CASCADE"), primary_key=True
    )
    transport: Mapped[str] = mapped_column(String(40), primary_key=True)
    enabled: Mapped[bool]


class NotificationSent(Base):
    """What one trigger sent to whom and how: written with the messages, so a trigger that is
    evaluated again (its first evaluation's commit was not seen) sends nothing twice, and the
    record of who was told what. ``recipient`` is ``agent:<id>`` or ``customer:<id>``."""

    __tablename__ = "notification_sent"

    trigger_id: Mapped[int] = mapped_column(
        ForeignKey("notification_trigger.id", ondelete="CASCADE"), primary_key=True
    )
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notification.id", ondelete="CASCADE"), primary_key=True
    )
    recipient: Mapped[str] = mapped_column(String(60), primary_key=True)
    transport: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TicketWatcher(Base):
    """An agent watches a ticket (OTRS ``ticket_watcher``): the ``watchers`` recipients."""

    __tablename__ = "ticket_watcher"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True
    )
    agent_id: Mapped[int] = mapped_column(
        ForeignKey("agent.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AgentMyQueue(Base):
    """A queue in an agent's "My queues" (OTRS ``personal_queues``): the ``my_queues``
    recipients."""

    __tablename__ = "agent_my_queue"

    agent_id: Mapped[int] = mapped_column(
        ForeignKey("agent.id", ondelete="CASCADE"), primary_key=True
    )
    queue_id: Mapped[int] = mapped_column(
        ForeignKey("queue.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class NotificationTrigger(Base):
    """A notification-relevant change, written in the transaction of the change itself
    (``triggers.py``) and turned into messages by the notification sweep (``dispatch.py``),
    which marks it ``done`` in the transaction that queues the messages (kept, not deleted: on
    SQLite a deleted last id is handed out again). A trigger that keeps failing waits longer
    each time and is given up (``failed``) after a few attempts."""

    __tablename__ = "notification_trigger"
    __table_args__ = (
        Index("ix_notification_trigger_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(60))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("article.id", ondelete="SET NULL"))
    actor_kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued|done|failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
