"""Writing dynamic field definitions. Administrators only; every write emits one
``DynamicFieldChanged`` after commit.

Refusals:
* not an administrator → 403 ``admin_only``;
* a name another field has (any case) → 409 ``name_taken``;
* an unknown type → 422 ``field_type``; a configuration the type cannot use → 422
  ``config.<key>``; the type and object type cannot change later;
* deleting a field that holds values → 409 ``in_use`` (set ``valid`` to false instead).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.errors import Conflict, ValidationFailed
from frontdesk.db.case_insensitive import equals_ignoring_case
from frontdesk.domain.accounts.access import check_admin_or_system
from frontdesk.domain.dynamic_fields.access import access_field_by_id
from frontdesk.domain.dynamic_fields.drivers.base import ConfigError
from frontdesk.domain.dynamic_fields.drivers.registry import DRIVERS
from frontdesk.domain.dynamic_fields.errors import FieldNameTaken
from frontdesk.domain.dynamic_fields.events import DynamicFieldChanged, FieldOp
from frontdesk.domain.dynamic_fields.models import DynamicField, DynamicFieldValue
from frontdesk.domain.dynamic_fields.schemas import (
    SECRET_CONFIG_KEYS,
    DynamicFieldCreate,
    DynamicFieldOut,
    DynamicFieldUpdate,
)
from frontdesk.domain.dynamic_fields.screens import DISPLAY_SCREENS
from frontdesk.domain.runtime import Tx


async def _check_name_free(session: AsyncSession, name: str, except_id: int | None = None) -> None:
    query = select(DynamicField.id).where(equals_ignoring_case(DynamicField.name, name))
    if except_id is not None:
        query = query.where(DynamicField.id != except_id)
    if await session.scalar(query) is not None:
        raise FieldNameTaken(name)


def _checked_config(field_type: str, config: dict[str, Any]) -> dict[str, Any]:
    driver = DRIVERS.get(field_type)
    if driver is None:
        raise ValidationFailed("field_type", f"must be one of {', '.join(sorted(DRIVERS))}")
    try:
        return driver.check_config(config)
    except ConfigError as exc:
        raise ValidationFailed(f"config.{exc.key}", exc.message) from exc


def _checked_screens(screens: dict[str, str]) -> dict[str, str]:
    # "mandatory" on a screen that only displays means shown.
    return {
        screen: ("shown" if screen in DISPLAY_SCREENS else mode) for screen, mode in screens.items()
    }


async def _flush(session: AsyncSession, name: str) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:  # two admins saving the same name at once
        raise FieldNameTaken(name) from exc


def _emit(tx: Tx, field_id: int, op: FieldOp) -> None:
    tx.emit(DynamicFieldChanged(field_id=field_id, op=op))


async def do_create_field(tx: Tx, actor: Actor, data: DynamicFieldCreate) -> DynamicFieldOut:
    await check_admin_or_system(tx.session, actor)
    config = _checked_config(data.field_type, data.config)
    await _check_name_free(tx.session, data.name)
    field = DynamicField(
        name=data.name,
        label=data.label,
        field_type=data.field_type,
        object_type=data.object_type,
        field_order=data.field_order,
        config=config,
        screens=_checked_screens(dict(data.screens)),
        valid=data.valid,
    )
    tx.session.add(field)
    await _flush(tx.session, data.name)
    _emit(tx, field.id, "created")
    return DynamicFieldOut.of(field)


async def do_update_field(
    tx: Tx, actor: Actor, field_id: int, data: DynamicFieldUpdate
) -> DynamicFieldOut:
    field = await access_field_by_id(tx.session, actor, field_id)
    changed = data.model_fields_set
    if "name" in changed and data.name is not None and data.name != field.name:
        await _check_name_free(tx.session, data.name, except_id=field.id)
        field.name = data.name
    if "label" in changed and data.label is not None:
        field.label = data.label
    if "field_order" in changed and data.field_order is not None:
        field.field_order = data.field_order
    if "config" in changed and data.config is not None:
        # A stored secret the admin did not send again is kept.
        kept = {k: v for k, v in field.config.items() if k in SECRET_CONFIG_KEYS}
        merged = {**kept, **data.config}
        field.config = _checked_config(field.field_type, merged)
    if "screens" in changed and data.screens is not None:
        field.screens = _checked_screens(dict(data.screens))
    if "valid" in changed and data.valid is not None:
        field.valid = data.valid
    await _flush(tx.session, field.name)
    await tx.session.refresh(field)
    _emit(tx, field.id, "updated")
    return DynamicFieldOut.of(field)


async def do_delete_field(tx: Tx, actor: Actor, field_id: int) -> None:
    field = await access_field_by_id(tx.session, actor, field_id)
    held = await tx.session.scalar(
        select(DynamicFieldValue.id).where(DynamicFieldValue.field_id == field.id).limit(1)
    )
    if held is not None:
        raise Conflict(
            f"The field {field.name!r} holds values; set it invalid instead.", code="in_use"
        )
    await tx.session.delete(field)
    await tx.session.flush()
    _emit(tx, field_id, "deleted")
