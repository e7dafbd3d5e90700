"""One row per message waiting to leave, being delivered, delivered or given up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.core.clock import utcnow
from frontdesk.db.base import Base


class OutboxItem(Base):
    """``payload`` is what the deliverer of ``kind`` sends, byte for byte on every attempt (an
    e-mail's raw RFC 822 source), so a retry is the same message; ``envelope`` is what travels
    beside it (an e-mail's sender and recipients, Bcc included, which are not in the headers)."""

    __tablename__ = "outbox_item"
    __table_args__ = (Index("ix_outbox_item_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    envelope: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The id the receiver uses to drop a duplicate (an e-mail's Message-ID).
    message_id: Mapped[str | None] = mapped_column(String(250))
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("article.id", ondelete="SET NULL"), index=True
    )
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))  # queued|sending|sent|failed|cancelled
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    # The lease: who is delivering it, and when another worker may take it over.
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claim_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
