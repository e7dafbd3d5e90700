"""What an e-mail article keeps beyond the article itself: its threading ids and exact source."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.core.clock import utcnow
from frontdesk.db.base import Base

# RFC 5322 caps a header line at 998 characters; a Message-ID longer than that is not one.
MESSAGE_ID_LENGTH = 998


class ArticleMail(Base):
    """One row per e-mail article, received (``direction`` "in") or sent ("out").

    ``raw`` is the message byte for byte as it arrived or left, so an agent can download the
    ``.eml`` and a re-parse sees the same thing. ``message_id`` is indexed because follow-up
    detection and duplicate suppression look it up; the ids keep their angle brackets.
    """

    __tablename__ = "article_mail"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True
    )
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # in|out
    message_id: Mapped[str | None] = mapped_column(String(MESSAGE_ID_LENGTH), index=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(MESSAGE_ID_LENGTH))
    # The References header as received or sent: ids separated by single spaces.
    references: Mapped[str] = mapped_column(Text, default="")
    from_address: Mapped[str] = mapped_column(String(320), default="")
    to_addresses: Mapped[list[str]] = mapped_column(JSON, default=list)
    cc_addresses: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Only for sent mail: who got a blind copy (not in the source by definition).
    bcc_addresses: Mapped[list[str]] = mapped_column(JSON, default=list)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
