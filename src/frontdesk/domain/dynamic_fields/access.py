"""Who may see and change dynamic field definitions and contact directories: administrators
(``rw`` in ``admin``). Lookups (``/options``): agents and the system for every valid field,
customers for valid fields enabled on their screens.

Values are read and written with the object they belong to, under that object's permissions.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.errors import NotFound, PermissionDenied
from frontdesk.domain.accounts.access import check_admin_or_system
from frontdesk.domain.dynamic_fields.drivers.contact import ContactWithDataDriver
from frontdesk.domain.dynamic_fields.models import DynamicField, DynamicFieldContact
from frontdesk.domain.dynamic_fields.screens import CUSTOMER_SCREENS
from frontdesk.domain.ticket_catalogue.schemas import MAX_ID


async def access_field_by_id(session: AsyncSession, actor: Actor, field_id: int) -> DynamicField:
    await check_admin_or_system(session, actor)
    field = await session.get(DynamicField, field_id) if 1 <= field_id <= MAX_ID else None
    if field is None:
        raise NotFound(f"There is no dynamic field with id {field_id}.")
    return field


async def access_contact_directory(
    session: AsyncSession, actor: Actor, field_id: int
) -> DynamicField:
    """A contact-with-data field, for managing its contacts (administrators)."""
    await check_admin_or_system(session, actor)
    field = await session.get(DynamicField, field_id) if 1 <= field_id <= MAX_ID else None
    if field is None or field.field_type != ContactWithDataDriver.field_type:
        raise NotFound(f"There is no contact-with-data field with id {field_id}.")
    return field


async def access_contact(
    session: AsyncSession, field: DynamicField, contact_id: int
) -> DynamicFieldContact:
    """A contact of a directory the caller may manage (``access_contact_directory``)."""
    contact = (
        await session.get(DynamicFieldContact, contact_id) if 1 <= contact_id <= MAX_ID else None
    )
    if contact is None or contact.field_id != field.id:
        raise NotFound(f"The field {field.name!r} has no contact with id {contact_id}.")
    return contact


async def access_field_for_lookup(
    session: AsyncSession, actor: Actor, field_id: int
) -> DynamicField:
    if not (actor.is_agent or actor.is_customer or actor.kind == "system"):
        raise PermissionDenied("Only agents and customer users use field lookups.")
    field = await session.get(DynamicField, field_id) if 1 <= field_id <= MAX_ID else None
    visible = field is not None and field.valid
    if field is not None and visible and actor.is_customer:
        visible = bool(set(field.screens or {}) & CUSTOMER_SCREENS)
    if field is None or not visible:
        raise NotFound(f"There is no dynamic field with id {field_id}.")
    return field
