"""Stored setting values. Defaults live in code (the declarations), never in the database."""

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


class ConfigGeneration(Base):
    """A single row counting global changes, so each process notices one cheaply."""

    __tablename__ = "sysconfig_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime]
