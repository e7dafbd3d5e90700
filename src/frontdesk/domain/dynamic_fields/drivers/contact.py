"""Contact with data: each field is a small contact directory of its own (sites, technicians,
partners), and a ticket links one contact of it.

The field's ``config`` holds the attribute schema only; the contacts are rows of
``dynamic_field_contact``. A ticket stores the contact's id; names are looked up when shown,
so a renamed contact shows its current name and is found by it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.db.case_insensitive import folded
from frontdesk.domain.dynamic_fields.drivers.base import (
    ConfigError,
    FieldCriterion,
    FieldDriver,
    InputKind,
    Option,
    StoredValue,
    like_pattern,
)
from frontdesk.domain.dynamic_fields.models import (
    DynamicField,
    DynamicFieldContact,
    DynamicFieldValue,
)
from frontdesk.domain.ticket_catalogue.schemas import MAX_ID

NAME_KEY = "Name"
VALID_KEY = "ValidID"
REQUIRED_KEYS = (NAME_KEY, VALID_KEY)
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_]{1,50}$")
MAX_ATTRIBUTES = 50
OPTION_LIMIT = 20


def _key_list(config: dict[str, Any], name: str, known: list[str]) -> list[str]:
    raw = config.get(name) or []
    if isinstance(raw, str):  # "Phone, Email" as OTRS writes it
        raw = raw.split(",")
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ConfigError(name, "must be a list of attribute keys")
    keys: list[str] = []
    for item in (item.strip() for item in raw):
        if item and item in known and item not in keys:
            keys.append(item)  # unknown keys are dropped, as OTRS does
    return keys


def contact_search(term: str) -> ColumnElement[bool]:
    """Contacts with a searchable attribute containing ``term`` (``*`` any characters), in
    any case."""
    pattern = f"%{like_pattern(term.strip())}%"
    return folded(DynamicFieldContact.search_text).like(folded(literal(pattern)), escape="\\")


class ContactWithDataDriver(FieldDriver):
    field_type: ClassVar[str] = "contact_with_data"
    label: ClassVar[str] = "Contact with data"
    input_kind: ClassVar[InputKind] = "lookup"

    def check_config(self, config: dict[str, Any]) -> dict[str, Any]:
        attributes = config.get("attributes")
        if not isinstance(attributes, list) or not attributes:
            raise ConfigError("attributes", "give the attributes as a list of {key, label}")
        if len(attributes) > MAX_ATTRIBUTES:
            raise ConfigError("attributes", f"at most {MAX_ATTRIBUTES} attributes")
        checked: list[dict[str, str]] = []
        for attribute in attributes:
            if not isinstance(attribute, dict):
                raise ConfigError("attributes", "every attribute is {key, label}")
            key = str(attribute.get("key") or "").strip()
            label = str(attribute.get("label") or "").strip()
            if not KEY_PATTERN.match(key):
                raise ConfigError("attributes", f"{key!r}: a key has 1 to 50 letters and digits")
            if not label or len(label) > 200:
                raise ConfigError("attributes", f"the label of {key!r} is missing")
            if any(item["key"] == key for item in checked):
                raise ConfigError("attributes", f"{key!r} is there twice")
            checked.append({"key": key, "label": label})
        keys = [item["key"] for item in checked]
        missing = [key for key in REQUIRED_KEYS if key not in keys]
        if missing:
            raise ConfigError("attributes", f"needs the attributes {', '.join(missing)}")
        mandatory = [*REQUIRED_KEYS, *_key_list(config, "mandatory", keys)]
        searchable = [NAME_KEY, *_key_list(config, "searchable", keys)]
        sorted_keys = _key_list(config, "sorted", keys)
        rest = sorted((key for key in keys if key not in sorted_keys), key=str.casefold)
        return {
            "attributes": checked,
            "mandatory": list(dict.fromkeys(mandatory)),
            "searchable": list(dict.fromkeys(searchable)),
            "sorted": sorted_keys + rest,
            "translatable": bool(config.get("translatable", False)),
        }

    def parse(self, raw: Any, config: dict[str, Any]) -> Any:
        if raw is None or raw == "":
            return None
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            raise ValueError("must be the id of a contact")
        text = str(raw).strip()
        if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
            raise ValueError("must be the id of a contact")
        return int(text)

    async def check_value(self, session: AsyncSession, field: DynamicField, value: Any) -> None:
        contact = await session.get(DynamicFieldContact, value)
        if contact is None or contact.field_id != field.id or not contact.valid:
            raise ValueError(f"{value} is not a valid contact of this field")

    def to_rows(self, value: Any) -> list[StoredValue]:
        return [StoredValue(integer=value)]

    def from_rows(self, rows: list[DynamicFieldValue]) -> Any:
        return int(rows[0].value_int) if rows[0].value_int is not None else None

    def history_text(self, value: Any, config: dict[str, Any]) -> str:
        return "" if value is None else str(value)

    async def describe(
        self, session: AsyncSession, field: DynamicField, values: Iterable[Any]
    ) -> dict[Any, str]:
        ids = sorted({value for value in values if isinstance(value, int)})
        if not ids:
            return {}
        rows = await session.execute(
            select(DynamicFieldContact.id, DynamicFieldContact.name).where(
                DynamicFieldContact.id.in_(ids), DynamicFieldContact.field_id == field.id
            )
        )
        return {row.id: row.name for row in rows}

    async def options(
        self, session: AsyncSession, field: DynamicField, term: str, context: dict[str, Any]
    ) -> list[Option]:
        query = select(DynamicFieldContact).where(
            DynamicFieldContact.field_id == field.id, DynamicFieldContact.valid.is_(True)
        )
        if term.strip():
            query = query.where(contact_search(term))
        rows = await session.scalars(
            query.order_by(folded(DynamicFieldContact.name), DynamicFieldContact.id).limit(
                OPTION_LIMIT
            )
        )
        return [Option(key=str(row.id), value=row.name) for row in rows]

    def search_condition(
        self, criterion: FieldCriterion, config: dict[str, Any]
    ) -> ColumnElement[bool]:
        """By the contact's current name (``*`` a wildcard), or by its id (``#12``)."""
        if criterion.equals is None:
            raise ValueError("give a contact name to search for")
        term = criterion.equals.strip()
        if term.startswith("#") and term[1:].isdigit():
            return DynamicFieldValue.value_int == int(term[1:])
        by_name = select(DynamicFieldContact.id).where(
            folded(DynamicFieldContact.name).like(folded(literal(like_pattern(term))), escape="\\")
        )
        return DynamicFieldValue.value_int.in_(by_name)
