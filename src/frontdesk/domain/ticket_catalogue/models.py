"""The lists tickets choose from: queues, states, priorities, types, services and SLAs.

Administrators maintain them; tickets refer to them. Kept apart from ``domain/tickets`` so the
ticket package holds the ticket's life and this one the catalogue it draws on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db.base import Base, Timestamps

STATE_TYPES = ("new", "open", "closed", "pending reminder", "pending auto", "merged", "removed")


class Queue(Timestamps, Base):
    """Where tickets wait; the queue's group decides who may do what with them."""

    __tablename__ = "queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("permission_group.id"), index=True)
    # Escalation times of the queue's tickets count in this calendar's working time.
    business_calendar_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_calendar.id"), index=True
    )
    # Mail set-up (domain/mail_setup): the address answers go out from, the salutation and
    # signature around them, and what a customer's reply to a closed ticket does.
    # system_address points back at queue: use_alter adds this side of the cycle last, and
    # SET NULL lets the pair be emptied table by table (the delete action refuses an address
    # in use before it ever gets here).
    system_address_id: Mapped[int | None] = mapped_column(
        ForeignKey("system_address.id", use_alter=True, ondelete="SET NULL"), index=True
    )
    salutation_id: Mapped[int | None] = mapped_column(ForeignKey("salutation.id"), index=True)
    signature_id: Mapped[int | None] = mapped_column(ForeignKey("signature.id"), index=True)
    follow_up: Mapped[str] = mapped_column(
        String(20), default="possible", server_default="possible"
    )
    # Escalation targets in working minutes for tickets without an SLA (None: no escalation),
    # and when to warn, as percent of each target (OTRS FirstResponseNotify, …; None: never).
    first_response_minutes: Mapped[int | None]
    first_response_notify: Mapped[int | None]
    update_minutes: Mapped[int | None]
    update_notify: Mapped[int | None]
    solution_minutes: Mapped[int | None]
    solution_notify: Mapped[int | None]
    # OTRS "Unlock timeout": working minutes a locked ticket may go untouched by its owner
    # before the tickets job unlocks it (0: never).
    unlock_timeout: Mapped[int] = mapped_column(default=0, server_default="0")
    comment: Mapped[str | None] = mapped_column(String(250))
    valid: Mapped[bool] = mapped_column(default=True)


class TicketState(Timestamps, Base):
    """A ticket state; its state type drives behaviour (closed, pending, …)."""

    __tablename__ = "ticket_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    state_type: Mapped[str] = mapped_column(String(30))
    comment: Mapped[str | None] = mapped_column(String(250))
    valid: Mapped[bool] = mapped_column(default=True)


class Priority(Timestamps, Base):
    """Priorities are named with their level first: "1 very low" … "5 very high"."""

    __tablename__ = "ticket_priority"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    valid: Mapped[bool] = mapped_column(default=True)


class TicketType(Timestamps, Base):
    """An optional classification such as Incident or Problem."""

    __tablename__ = "ticket_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    valid: Mapped[bool] = mapped_column(default=True)


class Service(Timestamps, Base):
    """A service; services nest through ``parent_id`` and show as "Parent::Child"."""

    __tablename__ = "service"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"), index=True)
    comment: Mapped[str | None] = mapped_column(String(250))
    valid: Mapped[bool] = mapped_column(default=True)


class Sla(Timestamps, Base):
    """Service level: target minutes for first response, update and solution."""

    __tablename__ = "sla"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    first_response_minutes: Mapped[int | None]
    update_minutes: Mapped[int | None]
    solution_minutes: Mapped[int | None]
    # When to warn, as percent of each target time (None: never).
    first_response_notify: Mapped[int | None]
    update_notify: Mapped[int | None]
    solution_notify: Mapped[int | None]
    # The SLA's target times count in this calendar (None: the queue's calendar).
    business_calendar_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_calendar.id"), index=True
    )
    comment: Mapped[str | None] = mapped_column(String(250))
    # Free preferences (e.g. the dialog message shown when a customer picks this SLA).
    preferences: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    valid: Mapped[bool] = mapped_column(default=True)


class SlaService(Base):
    """Which services an SLA applies to."""

    __tablename__ = "sla_service"

    sla_id: Mapped[int] = mapped_column(ForeignKey("sla.id", ondelete="CASCADE"), primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), primary_key=True, index=True
    )
