"""Mail accounts, postmaster filters, mail that could not be processed, and the auto-response
log that keeps Frontdesk out of mail loops."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.core.clock import utcnow
from frontdesk.db.base import Base


class MailAccount(Base):
    """A mailbox the fetch job empties into tickets (OTRS's PostMasterMailAccount)."""

    __tablename__ = "mail_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(10))  # imap|imaps|pop3|pop3s
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int]
    login: Mapped[str] = mapped_column(String(255))
    # Only ever sealed by core.credentials: a database dump does not reveal the password.
    password_sealed: Mapped[str] = mapped_column(Text, default="")
    folder: Mapped[str | None] = mapped_column(String(255))
    dispatch: Mapped[str] = mapped_column(String(10), default="queue")  # queue|recipient
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queue.id"))
    # Trusted accounts may steer a mail with X-Frontdesk-* headers (OTRS's X-OTRS-*).
    trusted: Mapped[bool] = mapped_column(default=False)
    valid: Mapped[bool] = mapped_column(default=True)
    last_fetch_at: Mapped[datetime | None]
    # The outcome of the last fetch as the admin should read it ("" when it went well).
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PostmasterFilter(Base):
    """Header patterns → values set on the new ticket, or "ignore" (OTRS's PostMaster filter)."""

    __tablename__ = "postmaster_filter"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # [{"header", "pattern", "negate"}]: every entry must hold for the filter to apply.
    match: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # {"queue"|"state"|"priority"|"customer_user"|"type"|"ignore": value}
    set_values: Mapped[dict[str, Any]] = mapped_column("set", JSON, default=dict)
    stop: Mapped[bool] = mapped_column(default=False)
    valid: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReceivedMailFailure(Base):
    """A received message that did not become an article: kept for the admin, never lost.

    ``raw`` is the whole message, except for mail refused for its size, where only the header
    block is kept (``size`` says how large it was; the mail stays on the server)."""

    __tablename__ = "received_mail_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(String(20))  # error|too_large
    error: Mapped[str] = mapped_column(Text)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("mail_account.id", ondelete="SET NULL"), index=True
    )
    message_id: Mapped[str | None] = mapped_column(String(998))
    from_address: Mapped[str] = mapped_column(String(320), default="")
    subject: Mapped[str] = mapped_column(String(255), default="")
    size: Mapped[int]
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AutoResponseSent(Base):
    """One automatic answer sent to an address: the hourly per-address limit counts these."""

    __tablename__ = "mail_auto_response_sent"
    __table_args__ = (Index("ix_mail_auto_response_sent_address_sent_at", "address", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(320))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
