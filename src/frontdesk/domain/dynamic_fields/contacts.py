"""The contact directories of "contact with data" fields: adding, changing and retiring
contacts (administrators), reading them, and what a ticket form's lookup offers (agents).

There is no hard delete: a contact is retired by setting it invalid; tickets that link it
keep showing it, but it can no longer be chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.clock import isoformat_z
from frontdesk.core.errors import ValidationFailed
from frontdesk.core.pagination import Page, PageRequest
from frontdesk.db.case_insensitive import folded
from frontdesk.domain.dynamic_fields.access import (
    access_contact,
    access_contact_directory,
    access_field_for_lookup,
)
from frontdesk.domain.dynamic_fields.drivers.contact import (
    NAME_KEY,
    VALID_KEY,
    ContactWithDataDriver,
    contact_search,
)
from frontdesk.domain.dynamic_fields.events import DynamicFieldChanged
from frontdesk.domain.dynamic_fields.models import DynamicField, DynamicFieldContact
from frontdesk.domain.dynamic_fields.schemas import (
    ContactInput,
    ContactOut,
    ContactUpdate,
    OptionOut,
    OptionsOut,
)
from frontdesk.domain.dynamic_fields.values import driver_of
from frontdesk.domain.runtime import Tx

MAX_ATTRIBUTE_LENGTH = 1000


def contact_out(contact: DynamicFieldContact) -> ContactOut:
    return ContactOut(
        id=contact.id,
        field_id=contact.field_id,
        name=contact.name,
        attributes=dict(contact.attributes),
        valid=contact.valid,
        created_at=isoformat_z(contact.created_at) or "",
        updated_at=isoformat_z(contact.updated_at) or "",
    )


def _checked_attributes(field: DynamicField, attributes: dict[str, str]) -> dict[str, str]:
    """Keys of the schema only; every mandatory one filled; ``attributes.<key>`` names a
    refusal."""
    keys = [item["key"] for item in field.config["attributes"] if item["key"] != VALID_KEY]
    checked: dict[str, str] = {}
    for key, value in attributes.items():
        if key not in keys:
            raise ValidationFailed(f"attributes.{key}", "is not an attribute of this field")
        text = value.strip()
        if "\x00" in text or len(text) > MAX_ATTRIBUTE_LENGTH:
            raise ValidationFailed(
                f"attributes.{key}", f"has at most {MAX_ATTRIBUTE_LENGTH} characters, no NUL"
            )
        if text:
            checked[key] = text
    for key in field.config["mandatory"]:
        if key != VALID_KEY and key not in checked:
            raise ValidationFailed(f"attributes.{key}", "is mandatory")
    if len(checked[NAME_KEY]) > 255:
        raise ValidationFailed(f"attributes.{NAME_KEY}", "has at most 255 characters")
    return checked


def _apply(field: DynamicField, contact: DynamicFieldContact, attributes: dict[str, str]) -> None:
    contact.attributes = attributes
    contact.name = attributes[NAME_KEY]
    contact.search_text = "\n".join(
        attributes[key] for key in field.config["searchable"] if attributes.get(key)
    )


async def do_create_contact(tx: Tx, actor: Actor, field_id: int, data: ContactInput) -> ContactOut:
    field = await access_contact_directory(tx.session, actor, field_id)
    contact = DynamicFieldContact(field_id=field.id, valid=data.valid)
    _apply(field, contact, _checked_attributes(field, data.attributes))
    tx.session.add(contact)
    await tx.session.flush()
    tx.emit(DynamicFieldChanged(field_id=field.id, op="updated"))
    return contact_out(contact)


async def do_update_contact(
    tx: Tx, actor: Actor, field_id: int, contact_id: int, data: ContactUpdate
) -> ContactOut:
    field = await access_contact_directory(tx.session, actor, field_id)
    contact = await access_contact(tx.session, field, contact_id)
    if data.attributes is not None:
        _apply(field, contact, _checked_attributes(field, data.attributes))
    if data.valid is not None:
        contact.valid = data.valid
    await tx.session.flush()
    await tx.session.refresh(contact)
    tx.emit(DynamicFieldChanged(field_id=field.id, op="updated"))
    return contact_out(contact)


async def contacts_for_actor(
    session: AsyncSession, actor: Actor, field_id: int, page: PageRequest, search: str | None
) -> Page[ContactOut]:
    """Every contact (invalid ones too) whose searchable attributes contain ``search`` (``*``
    any characters; empty: all), by name."""
    field = await access_contact_directory(session, actor, field_id)
    query = select(DynamicFieldContact).where(DynamicFieldContact.field_id == field.id)
    term = (search or "").replace("\x00", "").strip()
    if term and term != "*":
        query = query.where(contact_search(term))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await session.scalars(
        query.order_by(folded(DynamicFieldContact.name), DynamicFieldContact.id)
        .limit(page.limit)
        .offset(page.offset)
    )
    return Page(
        items=[contact_out(row) for row in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def contact_for_actor(
    session: AsyncSession, actor: Actor, field_id: int, contact_id: int
) -> ContactOut:
    field = await access_contact_directory(session, actor, field_id)
    return contact_out(await access_contact(session, field, contact_id))


async def field_options(
    session: AsyncSession, actor: Actor, field_id: int, term: str
) -> OptionsOut:
    """What a valid field's lookup offers for ``term``: agents and the system see every valid
    field; customers only fields enabled on their screens."""
    field = await access_field_for_lookup(session, actor, field_id)
    found = await driver_of(field).options(session, field, term.replace("\x00", "")[:200], {})
    return OptionsOut(
        items=[OptionOut(key=o.key, value=o.value, columns=list(o.columns)) for o in found]
    )


@dataclass(frozen=True)
class LinkedContact:
    """A contact a ticket links, as the zoom's sidebar box shows it: the field's label and the
    contact's attributes in the field's order, without validity and empty ones."""

    field_name: str
    field_label: str
    contact_id: int
    valid: bool
    attributes: list[tuple[str, str]]


async def linked_contacts(
    session: AsyncSession, fields: list[DynamicField], values: dict[str, Any]
) -> list[LinkedContact]:
    boxes = []
    for field in fields:
        contact_id = values.get(field.name)
        if field.field_type != ContactWithDataDriver.field_type or not isinstance(contact_id, int):
            continue
        contact = await session.get(DynamicFieldContact, contact_id)
        if contact is None or contact.field_id != field.id:
            continue
        labels = {item["key"]: item["label"] for item in field.config["attributes"]}
        shown = [
            (labels[key], contact.attributes[key])
            for key in field.config["sorted"]
            if key != VALID_KEY and key in labels and contact.attributes.get(key)
        ]
        boxes.append(LinkedContact(field.name, field.label, contact.id, contact.valid, shown))
    return boxes
