"""What a queue writes e-mail with: its sender address, salutation and signature, the templates
agents pick from and the automatic responses sent for it.

Queues point at a system address, a salutation and a signature (columns of ``queue``); templates
and automatic responses are assigned to queues through their own link tables.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db.base import Base, Timestamps

TEMPLATE_TYPES = ("answer", "create", "forward", "note", "phone_call")
AUTO_RESPONSE_TYPES = (
    "reply_new_ticket",
    "reply_follow_up",
    "reply_reject",
    "reply_new_ticket_on_closed",
)
FOLLOW_UP_POLICIES = ("possible", "reject", "new_ticket")


class SystemAddress(Timestamps, Base):
    """An address the helpdesk sends from and receives at; mail to it lands in ``queue_id``."""

    __tablename__ = "system_address"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(250), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id"), index=True)
    comment: Mapped[str | None] = mapped_column(String(250))
    valid: Mapped[bool] = mapped_column(default=True)


class Salutation(Timestamps, Base):
    """The opening of an agent's answer ("Dear <OTRS_CUSTOMER_UserFirstname>,")."""

    __tablename__ = "salutation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    text: Mapped[str] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(String(250))
    valid: Mapped[bool] = mapped_column(default=True)


class Signature(Timestamps, Base):
    """The closing of an agent's answer, below the body."""

    __tablename__ = "signature"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    text: Mapped[str] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(String(250))
    valid: Mapped[bool] = mapped_column(default=True)


class Template(Timestamps, Base):
    """A prepared text agents insert on one kind of screen (``type``), in the queues it is
    assigned to."""

    __tablename__ = "mail_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str | None] = mapped_column(String(250))
    text: Mapped[str] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(String(250))
    valid: Mapped[bool] = mapped_column(default=True)


class TemplateQueue(Base):
    """Which queues offer a template; the link goes with either side."""

    __tablename__ = "mail_template_queue"

    template_id: Mapped[int] = mapped_column(
        ForeignKey("mail_template.id", ondelete="CASCADE"), primary_key=True
    )
    queue_id: Mapped[int] = mapped_column(
        ForeignKey("queue.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class TemplateAttachment(Base):
    """A file a template attaches to the article it prepares. ``content`` loads only when read;
    ``size`` lets lists show it without loading the bytes."""

    __tablename__ = "mail_template_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("mail_template.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(250))
    size: Mapped[int]
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class AutoResponse(Timestamps, Base):
    """A message sent to the customer without an agent, from ``system_address_id``, when mail
    of its ``type``'s kind arrives in a queue it is assigned to."""

    __tablename__ = "auto_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(250))
    text: Mapped[str] = mapped_column(Text)
    system_address_id: Mapped[int] = mapped_column(ForeignKey("system_address.id"), index=True)
    comment: Mapped[str | None] = mapped_column(String(250))
    valid: Mapped[bool] = mapped_column(default=True)


class AutoResponseQueue(Base):
    """Which queues send an automatic response. ``type`` repeats the response's type so the
    database itself keeps one response per type and queue (two admins assigning at once)."""

    __tablename__ = "auto_response_queue"
    __table_args__ = (UniqueConstraint("queue_id", "type"),)

    auto_response_id: Mapped[int] = mapped_column(
        ForeignKey("auto_response.id", ondelete="CASCADE"), primary_key=True
    )
    queue_id: Mapped[int] = mapped_column(
        ForeignKey("queue.id", ondelete="CASCADE"), primary_key=True
    )
    type: Mapped[str] = mapped_column(String(30))
