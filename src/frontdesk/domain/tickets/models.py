"""The ticket core, after the OTRS model: a ticket lives in a queue whose group scopes access.

Queues, states, priorities, types, services and SLAs are in ``domain/ticket_catalogue``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db.base import Base, Timestamps

CHANNELS = ("email", "phone", "internal", "chat", "sms")
SENDER_TYPES = ("agent", "customer", "system")
LOCK_VALUES = ("lock", "unlock")


class TicketNumberCounter(Base):
    """The per-day counter behind date-based ticket numbers."""

    __tablename__ = "ticket_number_counter"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    counter: Mapped[int] = mapped_column(default=0)


class Ticket(Timestamps, Base):
    """A customer request and everything said about it."""

    __tablename__ = "ticket"
    __table_args__ = (
        CheckConstraint("lock_state IN ('lock', 'unlock')", name="lock_state"),
        Index("ix_ticket_queue_state_created", "queue_id", "state_id", "created_at", "id"),
        Index("ix_ticket_escalation_at", "escalation_at"),
        Index("ix_ticket_escalation_notice_at", "escalation_notice_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(50), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id"), index=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("ticket_state.id"), index=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("ticket_priority.id"))
    type_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_type.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"))
    sla_id: Mapped[int | None] = mapped_column(ForeignKey("sla.id"))
    lock_state: Mapped[str] = mapped_column(String(10), default="unlock")
    owner_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), index=True)
    responsible_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    customer_user_id: Mapped[int | None] = mapped_column(ForeignKey("customer_user.id"), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(150), index=True)
    pending_until: Mapped[datetime | None]
    created_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    created_by_customer_user_id: Mapped[int | None] = mapped_column(ForeignKey("customer_user.id"))
    # Escalation times in UTC, kept by domain/escalations on every change (None: does not
    # escalate); ``escalation_at`` is the earliest of the three, ``escalation_notice_at`` the
    # next warning or escalation the periodic job has to look at.
    escalation_response_at: Mapped[datetime | None]
    escalation_update_at: Mapped[datetime | None]
    escalation_solution_at: Mapped[datetime | None]
    escalation_at: Mapped[datetime | None]
    escalation_notice_at: Mapped[datetime | None]


class TicketStateCount(Base):
    """How many tickets are in each (queue, state): kept exact by database triggers on ``ticket``
    (migration 0007), never written by the application. The queue overview and the total of a
    queue view read it instead of counting tickets."""

    __tablename__ = "ticket_state_count"

    queue_id: Mapped[int] = mapped_column(
        ForeignKey("queue.id", ondelete="CASCADE"), primary_key=True
    )
    state_id: Mapped[int] = mapped_column(
        ForeignKey("ticket_state.id", ondelete="CASCADE"), primary_key=True
    )
    ticket_count: Mapped[int]


class Article(Base):
    """One message on a ticket, through one communication channel."""

    __tablename__ = "article"
    __table_args__ = (
        CheckConstraint("channel IN ('email', 'phone', 'internal', 'chat', 'sms')", name="channel"),
        CheckConstraint("sender_type IN ('agent', 'customer', 'system')", name="sender_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    sender_type: Mapped[str] = mapped_column(String(20))
    visible_for_customer: Mapped[bool]
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    from_display: Mapped[str] = mapped_column(String(250))
    # Channel-specific data (e.g. phone number of an SMS, the chat id) lives here.
    channel_data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    created_by_customer_user_id: Mapped[int | None] = mapped_column(ForeignKey("customer_user.id"))
    created_at: Mapped[datetime]


class ArticleSeen(Base):
    """An agent has seen an article (OTRS' per-user article flag "Seen"): articles without a
    row for the agent are shown as unread."""

    __tablename__ = "article_seen"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True
    )
    agent_id: Mapped[int] = mapped_column(
        ForeignKey("agent.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    seen_at: Mapped[datetime]


class Attachment(Base):
    """A file on an article. Content stays in the database: transactional and never executed."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(150))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    disposition: Mapped[str] = mapped_column(String(20), default="attachment")
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class TicketHistory(Base):
    """One row per change: what happened, who did it, when, and the values involved."""

    __tablename__ = "ticket_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    history_type: Mapped[str] = mapped_column(String(50))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("article.id", ondelete="SET NULL"))
    actor_kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None]
    actor_name: Mapped[str] = mapped_column(String(250))
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]


class SavedTicketView(Base):
    """A ticket list an agent saved under a name: the queue view's filter and sort, as the
    query string of its URL (only the list's own parameters)."""

    __tablename__ = "ticket_saved_view"
    __table_args__ = (UniqueConstraint("agent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    query: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime]
