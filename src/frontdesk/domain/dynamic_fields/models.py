"""Dynamic fields and their values.

Values live in their own table, one row per value (a multiselect has one row per chosen key),
with a column per storage kind so each kind is indexed and searched with its own type.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db.base import Base, Timestamps

OBJECT_TYPES = ("ticket", "article", "customer_user", "customer_company")

# Longest text value kept in the indexed column; longer text (textareas) is in ``value_long``.
INDEXED_TEXT_LENGTH = 255


class DynamicField(Timestamps, Base):
    """``config`` holds what the field's type needs (``drivers/``); ``screens`` maps a screen
    key (``screens.py``) to ``"shown"`` or ``"mandatory"``, absent meaning off."""

    __tablename__ = "dynamic_field"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    field_order: Mapped[int] = mapped_column(default=1)
    object_type: Mapped[str] = mapped_column(String(30), index=True)
    field_type: Mapped[str] = mapped_column(String(30))
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    screens: Mapped[dict[str, Any]] = mapped_column(JSON)
    valid: Mapped[bool] = mapped_column(default=True)


class DynamicFieldValue(Base):
    """One value of one field on one object (ticket id, article id, …)."""

    __tablename__ = "dynamic_field_value"
    __table_args__ = (
        Index("ix_dynamic_field_value_object", "field_id", "object_id"),
        Index("ix_dynamic_field_value_text", "field_id", "value_text"),
        Index("ix_dynamic_field_value_date", "field_id", "value_date"),
        Index("ix_dynamic_field_value_int", "field_id", "value_int"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("dynamic_field.id", ondelete="CASCADE"))
    object_id: Mapped[int]
    value_text: Mapped[str | None] = mapped_column(String(INDEXED_TEXT_LENGTH))
    value_long: Mapped[str | None] = mapped_column(Text)
    value_date: Mapped[datetime | None]
    value_int: Mapped[int | None] = mapped_column(BigInteger)


class DynamicFieldContact(Timestamps, Base):
    """One contact of a "contact with data" field's directory. ``attributes`` holds the
    schema's keys (``Name`` among them; validity is ``valid``); ``search_text`` the folded
    searchable attributes, one per line, for the contact search."""

    __tablename__ = "dynamic_field_contact"
    __table_args__ = (Index("ix_dynamic_field_contact_field_name", "field_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("dynamic_field.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(INDEXED_TEXT_LENGTH))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON)
    search_text: Mapped[str] = mapped_column(Text)
    valid: Mapped[bool] = mapped_column(default=True)
