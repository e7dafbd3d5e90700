"""What the escalation job has announced: one row per ticket, notice and escalation instant.

A rerun of the job finds the row and announces nothing twice; a new escalation instant (the
customer wrote again, the SLA changed) is a new row and is announced again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db.base import Base


class TicketEscalationNotice(Base):
    __tablename__ = "ticket_escalation_notice"
    __table_args__ = (UniqueConstraint("ticket_id", "name", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    # The notification event name, e.g. "escalation_response_warning".
    name: Mapped[str] = mapped_column(String(40))
    # The escalation instant the notice belongs to (for a warning: the one it warns of).
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime]


class EscalationSweep(Base):
    """How far the job has looked at changed calendars, queues and SLAs (one row).

    ``changed_until`` is the latest ``updated_at`` among them that the job has handled: their
    tickets were queued for a recompute. No row yet: the job has never run, and every ticket
    with a target is recomputed once (the tickets that were there before escalations came).
    """

    __tablename__ = "escalation_sweep"

    id: Mapped[int] = mapped_column(primary_key=True)
    changed_until: Mapped[datetime]
