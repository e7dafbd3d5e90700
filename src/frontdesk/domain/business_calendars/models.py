"""Business calendars: the office hours and holidays escalation times are counted in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db.base import Base, Timestamps


class BusinessCalendar(Timestamps, Base):
    """``week`` and ``holidays`` are stored as the API writes them (``schemas.py`` checks them):
    ``{"mon": [["08:00", "17:00"]], …}`` and ``[{"date", "name", "recurring"}]``."""

    __tablename__ = "business_calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64))
    week: Mapped[dict[str, Any]] = mapped_column(JSON)
    holidays: Mapped[list[Any]] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(String(250))
    valid: Mapped[bool] = mapped_column(default=True)
