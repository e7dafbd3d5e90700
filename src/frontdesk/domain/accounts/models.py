"""Accounts: who can log in, and which groups grant them what."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db.base import Base, Timestamps


class Agent(Timestamps, Base):
    """A staff user who works tickets and chats."""

    __tablename__ = "agent"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(200), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(250))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    valid: Mapped[bool] = mapped_column(default=True)
    # The agent's own language and time zone; "" follows the deployed global setting
    # (Agent::Language, Agent::TimeZone), so a new global value reaches every such agent.
    # (Empty rather than NULL: making the columns nullable rebuilds the table on SQLite, and
    # that rebuild cascades deletes into every table that references agents.)
    language: Mapped[str] = mapped_column(String(20), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class CustomerCompany(Timestamps, Base):
    """A customer organisation; ``customer_id`` is its public key (as in OTRS)."""

    __tablename__ = "customer_company"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(150), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    street: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(250))
    comment: Mapped[str | None] = mapped_column(String(250))
    valid: Mapped[bool] = mapped_column(default=True)


class CustomerUser(Timestamps, Base):
    """An end customer who logs into the portal."""

    __tablename__ = "customer_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(200), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(250))
    phone: Mapped[str | None] = mapped_column(String(150))
    mobile: Mapped[str | None] = mapped_column(String(150))
    customer_id: Mapped[str | None] = mapped_column(
        ForeignKey("customer_company.customer_id", ondelete="RESTRICT"), index=True
    )
    password_hash: Mapped[str | None] = mapped_column(String(255))
    valid: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(String(20), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Group(Timestamps, Base):
    """A permission scope: queues (and later chat channels, calendars) belong to one group."""

    __tablename__ = "permission_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    comment: Mapped[str | None] = mapped_column(String(250))
    valid: Mapped[bool] = mapped_column(default=True)


class Role(Timestamps, Base):
    """A bundle of group permissions handed to agents."""

    __tablename__ = "role"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    comment: Mapped[str | None] = mapped_column(String(250))
    valid: Mapped[bool] = mapped_column(default=True)


class AgentGroupPermission(Base):
    """One permission type an agent holds directly in a group."""

    __tablename__ = "agent_group_permission"

    agent_id: Mapped[int] = mapped_column(
        ForeignKey("agent.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("permission_group.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    permission: Mapped[str] = mapped_column(String(30), primary_key=True)


class RoleGroupPermission(Base):
    """One permission type a role holds in a group."""

    __tablename__ = "role_group_permission"

    role_id: Mapped[int] = mapped_column(
        ForeignKey("role.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("permission_group.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    permission: Mapped[str] = mapped_column(String(30), primary_key=True)


class AgentRole(Base):
    """Membership of an agent in a role."""

    __tablename__ = "agent_role"

    agent_id: Mapped[int] = mapped_column(
        ForeignKey("agent.id", ondelete="CASCADE"), primary_key=True
    )
    role_id: Mapped[int] = mapped_column(
        ForeignKey("role.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CustomerUserGroupPermission(Base):
    """ro/rw of a customer user in a group (which queues they may see and write to)."""

    __tablename__ = "customer_user_group_permission"

    customer_user_id: Mapped[int] = mapped_column(
        ForeignKey("customer_user.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("permission_group.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    permission: Mapped[str] = mapped_column(String(10), primary_key=True)


class AuthToken(Base):
    """A browser session or an API token. Only the SHA-256 of the secret is stored."""

    __tablename__ = "auth_token"
    __table_args__ = (Index("ix_auth_token_realm_user", "realm", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    realm: Mapped[str] = mapped_column(String(20))  # agent | customer
    user_id: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))  # session | api
    csrf_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(index=True)
    revoked: Mapped[bool] = mapped_column(default=False)


class LoginAttempt(Base):
    """A failed login, counted to rate-limit guessing per login name and client address."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_lookup", "realm", "login", "attempted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    realm: Mapped[str] = mapped_column(String(20))
    login: Mapped[str] = mapped_column(String(200))
    # Where the attempt came from (the proxy's X-Forwarded-For when it is trusted); None when
    # the server could not tell.
    client_address: Mapped[str | None] = mapped_column(String(64))
    attempted_at: Mapped[datetime]


__all__ = [
    "Agent",
    "AgentGroupPermission",
    "AgentRole",
    "AuthToken",
    "CustomerCompany",
    "CustomerUser",
    "CustomerUserGroupPermission",
    "Group",
    "LoginAttempt",
    "Role",
    "RoleGroupPermission",
]
