"""Stored setting values. Defaults live in code (the declarations), never in the database.

A global change is first *staged* (``sysconfig_staged``); a *deployment* applies every staged
change at once to the values in force (``sysconfig_value``, ``sysconfig_user_modification``),
records one history row per changed setting and a snapshot of the whole global state.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db.base import Base


class SettingValue(Base):
    """The value in force for one setting: global (agent_id NULL) or one agent's own."""

    __tablename__ = "sysconfig_value"
    __table_args__ = (UniqueConstraint("name", "agent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(250), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"))
    value: Mapped[Any] = mapped_column(JSON)
    changed_at: Mapped[datetime]
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))


class UserModification(Base):
    """Deployed admin decision whether agents may use own values (absent = declared default)."""

    __tablename__ = "sysconfig_user_modification"

    name: Mapped[str] = mapped_column(String(250), primary_key=True)
    active: Mapped[bool]


class ConfigGeneration(Base):
    """A single row counting global changes, so each process notices one cheaply."""

    __tablename__ = "sysconfig_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime]


class StagedChange(Base):
    """A global change waiting for deployment ("dirty"). ``entry`` is the full desired state:
    ``{"value": …}`` when it differs from the default, ``{"users": bool}`` for the allow flag."""

    __tablename__ = "sysconfig_staged"

    name: Mapped[str] = mapped_column(String(250), primary_key=True)
    entry: Mapped[dict[str, Any]] = mapped_column(JSON)
    staged_at: Mapped[datetime]
    staged_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))


class Deployment(Base):
    """One deployment: who, when, why, and every modified global entry in force afterwards."""

    __tablename__ = "sysconfig_deployment"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment: Mapped[str] = mapped_column(String(250))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)


class SettingHistory(Base):
    """One deployed change of one setting: the entry before and after (``{}`` = default)."""

    __tablename__ = "sysconfig_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(250), index=True)
    deployment_id: Mapped[int] = mapped_column(
        ForeignKey("sysconfig_deployment.id", ondelete="CASCADE"), index=True
    )
    previous: Mapped[dict[str, Any]] = mapped_column(JSON)
    entry: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed_at: Mapped[datetime]
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))


class EditLock(Base):
    """An admin's exclusive right to edit one setting until ``expires_at``."""

    __tablename__ = "sysconfig_lock"

    name: Mapped[str] = mapped_column(String(250), primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime]
