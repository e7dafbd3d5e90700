"""Chat: channels, chats, their members, the per-chat event log, and agents' chat state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db.base import Base, Timestamps


class ChatChannel(Timestamps, Base):
    """A chat room a department owns; its group decides who may do what in it."""

    __tablename__ = "chat_channel"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("permission_group.id", ondelete="RESTRICT"))
    valid: Mapped[bool] = mapped_column(default=True)
    comment: Mapped[str | None] = mapped_column(String(250))


class Chat(Base):
    """One conversation. ``last_seq`` is the sequence number of its newest stored event: it is
    incremented inside the writing transaction, so a rollback leaves no gap."""

    __tablename__ = "chat"
    __table_args__ = (Index("ix_chat_status_channel", "status", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("chat_channel.id", ondelete="RESTRICT"))
    direction: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))  # request | active | closed
    requester_kind: Mapped[str] = mapped_column(String(20))  # agent | customer | visitor
    requester_id: Mapped[int | None]
    requester_name: Mapped[str] = mapped_column(String(250))
    # The one the request is addressed to (agent-to-agent, agent-to-customer), if any.
    target_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    target_customer_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer_user.id", ondelete="SET NULL")
    )
    # Public users: only the SHA-256 of their token is kept.
    visitor_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    visitor_email: Mapped[str | None] = mapped_column(String(250))
    visitor_ip: Mapped[str | None] = mapped_column(String(64), index=True)
    # An internal chat opened by an invitation points at the chat the invitee may then join.
    invited_for_chat_id: Mapped[int | None] = mapped_column(
        ForeignKey("chat.id", ondelete="CASCADE"), index=True
    )
    last_seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(index=True)
    accepted_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None] = mapped_column(index=True)


class ChatMember(Base):
    """Someone in a chat: an agent (owner/participant/observer) or the customer side."""

    __tablename__ = "chat_member"
    __table_args__ = (
        UniqueConstraint("chat_id", "kind", "user_id"),
        Index("ix_chat_member_user", "kind", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chat.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # agent | customer | visitor
    user_id: Mapped[int]  # agent id, customer user id, or the chat id for a visitor
    display_name: Mapped[str] = mapped_column(String(250))
    role: Mapped[str] = mapped_column(String(20))  # owner | participant | observer | customer
    # Numbering for DefaultAgentNameNumbers: stable per agent within the chat.
    agent_number: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    monitor: Mapped[str] = mapped_column(String(20), default="off")
    joined_at: Mapped[datetime]
    left_at: Mapped[datetime | None]


class ChatEvent(Base):
    """One stored event of a chat, numbered 1, 2, 3 … per chat without gaps."""

    __tablename__ = "chat_event"
    __table_args__ = (
        UniqueConstraint("chat_id", "seq"),
        # Resending with the same client id returns the stored message (NULLs never collide).
        UniqueConstraint("chat_id", "author_kind", "author_id", "client_message_id"),
        # The rate limit counts a chat's messages of the last second: it reads only those rows,
        # however long the chat and however high MessagesPerSecond.
        Index("ix_chat_event_chat_id_created_at", "chat_id", "created_at"),
        # A batch looks up its (chat, client id) pairs before it knows the authors, which lead
        # the unique key above: through it, every message of the chat would be read.
        Index("ix_chat_event_chat_id_client_message_id", "chat_id", "client_message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chat.id", ondelete="CASCADE"))
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(30))
    author_kind: Mapped[str] = mapped_column(String(20))  # agent | customer | visitor | system
    author_id: Mapped[int | None]
    author_name: Mapped[str] = mapped_column(String(250))
    # The name customers and public users see (DefaultAgentName for agents when set).
    author_public_name: Mapped[str] = mapped_column(String(250))
    text: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    client_message_id: Mapped[str | None] = mapped_column(String(100))
    visible_to_customer: Mapped[bool]
    created_at: Mapped[datetime]


class ChatAgentState(Base):
    """An agent's chat availability, active channels and last sign of life on a live socket."""

    __tablename__ = "chat_agent_state"

    agent_id: Mapped[int] = mapped_column(
        ForeignKey("agent.id", ondelete="CASCADE"), primary_key=True
    )
    availability: Mapped[str] = mapped_column(String(20))
    availability_set_at: Mapped[datetime]
    channel_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    last_active_at: Mapped[datetime | None]


__all__ = ["Chat", "ChatAgentState", "ChatChannel", "ChatEvent", "ChatMember"]
