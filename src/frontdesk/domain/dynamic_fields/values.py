"""Values of dynamic fields on tickets and articles (and, later, customer records): reading them
for output, checking a write, storing it, and narrowing a search.

Values are read and written with the object they belong to, under that object's permissions;
this module only decides which fields a reader or writer meets:

* agents and the system meet every valid field of the object type;
* customer users meet a field only where the admin enabled it on a customer screen
  (``customer_ticket_zoom`` to read it, ``customer_ticket_new`` to set it on a new ticket).

Fields that are not valid keep their values but show them to nobody and take no writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.errors import ValidationFailed
from frontdesk.domain.dynamic_fields.drivers.base import FieldCriterion, FieldDriver
from frontdesk.domain.dynamic_fields.drivers.registry import DRIVERS
from frontdesk.domain.dynamic_fields.models import DynamicField, DynamicFieldValue

# The screen that lets customers read a field.
CUSTOMER_READ_SCREEN = "customer_ticket_zoom"
# At most this many fields in one write (an object type rarely has more than a few dozen).
MAX_VALUES_PER_WRITE = 200
READ_CHUNK = 1000


def driver_of(field: DynamicField) -> FieldDriver:
    return DRIVERS[field.field_type]


def on_screen(field: DynamicField, screen: str) -> bool:
    return screen in (field.screens or {})


def mandatory_on(field: DynamicField, screen: str) -> bool:
    return (field.screens or {}).get(screen) == "mandatory"


async def valid_fields(
    session: AsyncSession, object_type: str, *, screen: str | None = None
) -> list[DynamicField]:
    """The object type's valid fields in their order; with ``screen``, those enabled there."""
    rows = await session.scalars(
        select(DynamicField)
        .where(DynamicField.object_type == object_type, DynamicField.valid.is_(True))
        .order_by(DynamicField.field_order, DynamicField.name, DynamicField.id)
    )
    fields = [field for field in rows if field.field_type in DRIVERS]
    if screen is not None:
        fields = [field for field in fields if on_screen(field, screen)]
    return fields


async def readable_fields(
    session: AsyncSession, object_type: str, *, customer: bool
) -> list[DynamicField]:
    return await valid_fields(
        session, object_type, screen=CUSTOMER_READ_SCREEN if customer else None
    )


async def stored_values(
    session: AsyncSession, fields: Sequence[DynamicField], object_ids: Iterable[int]
) -> dict[int, dict[str, Any]]:
    """object id → {field name: canonical value} for the fields that have a value, in field
    order; one query for any number of objects."""
    ids = sorted(set(object_ids))
    result: dict[int, dict[str, Any]] = {object_id: {} for object_id in ids}
    if not ids or not fields:
        return result
    by_id = {field.id: field for field in fields}
    grouped: dict[tuple[int, int], list[DynamicFieldValue]] = defaultdict(list)
    # In chunks: a long ticket's articles would exceed the drivers' limit on bound parameters.
    for start in range(0, len(ids), READ_CHUNK):
        rows = await session.scalars(
            select(DynamicFieldValue)
            .where(
                DynamicFieldValue.field_id.in_(by_id),
                DynamicFieldValue.object_id.in_(ids[start : start + READ_CHUNK]),
            )
            .order_by(DynamicFieldValue.id)
        )
        for row in rows:
            grouped[(row.object_id, row.field_id)].append(row)
    for field in fields:
        driver = driver_of(field)
        for object_id in ids:
            field_rows = grouped.get((object_id, field.id))
            if field_rows:
                result[object_id][field.name] = driver.from_rows(field_rows)
    return result


async def values_of(
    session: AsyncSession, object_type: str, object_ids: Iterable[int], *, customer: bool = False
) -> dict[int, dict[str, Any]]:
    """What the reader sees of the objects' values (see the module docstring)."""
    ids = list(object_ids)
    if not ids:
        return {}
    fields = await readable_fields(session, object_type, customer=customer)
    return await stored_values(session, fields, ids)


@dataclass(frozen=True)
class ValueChange:
    """One field's value going from ``old`` to ``new`` (canonical values, None: empty)."""

    field: DynamicField
    old: Any
    new: Any

    @property
    def history_type(self) -> str:
        return f"DynamicFieldUpdate_{self.field.name}"

    @property
    def event_field(self) -> str:
        return f"dynamic_fields.{self.field.name}"

    def history_values(self) -> dict[str, Any]:
        driver = driver_of(self.field)
        return {
            "field": self.field.name,
            "old": driver.history_text(self.old, self.field.config) or None,
            "new": driver.history_text(self.new, self.field.config) or None,
        }


def _refused(prefix: str, name: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{prefix}dynamic_fields.{name}", message)


async def plan_values(
    session: AsyncSession,
    object_type: str,
    object_id: int | None,
    raw: dict[str, Any] | None,
    *,
    customer_screen: str | None = None,
    error_prefix: str = "",
) -> list[ValueChange]:
    """Check the values an API call or form sends for one object; return the changes, writing
    nothing. ``object_id`` None is a new object. ``customer_screen`` is set when a customer
    writes: then only fields enabled on that screen are accepted. A refusal is a 422 naming
    ``dynamic_fields.<Name>`` (after ``error_prefix``)."""
    if not raw:
        return []
    if len(raw) > MAX_VALUES_PER_WRITE:
        raise ValidationFailed(
            f"{error_prefix}dynamic_fields", f"at most {MAX_VALUES_PER_WRITE} fields at once"
        )
    fields = {
        field.name: field
        for field in await valid_fields(session, object_type, screen=customer_screen)
    }
    wanted: list[tuple[DynamicField, Any]] = []
    for name, raw_value in raw.items():
        field = fields.get(name)
        if field is None:
            raise _refused(error_prefix, name, "is not a valid dynamic field of this object")
        driver = driver_of(field)
        try:
            value = driver.parse(raw_value, field.config)
            if value is not None:
                await driver.check_value(session, field, value)
        except ValueError as exc:
            raise _refused(error_prefix, name, str(exc)) from exc
        wanted.append((field, value))
    current: dict[str, Any] = {}
    if object_id is not None:
        current = (await stored_values(session, [f for f, _ in wanted], [object_id]))[object_id]
    return [
        ValueChange(field=field, old=current.get(field.name), new=new)
        for field, new in wanted
        if new != current.get(field.name)
    ]


async def write_values(
    session: AsyncSession, object_id: int, changes: Sequence[ValueChange]
) -> None:
    """Store planned changes: each field's rows are replaced by the new value's rows."""
    for change in changes:
        await session.execute(
            delete(DynamicFieldValue).where(
                DynamicFieldValue.field_id == change.field.id,
                DynamicFieldValue.object_id == object_id,
            )
        )
        if change.new is None:
            continue
        for stored in driver_of(change.field).to_rows(change.new):
            session.add(
                DynamicFieldValue(
                    field_id=change.field.id,
                    object_id=object_id,
                    value_text=stored.text,
                    value_long=stored.long,
                    value_date=stored.date,
                    value_int=stored.integer,
                )
            )


def missing_mandatory(
    fields: Iterable[DynamicField], screen: str, values: dict[str, Any]
) -> list[DynamicField]:
    """The fields mandatory on ``screen`` that ``values`` leaves empty."""
    return [
        field
        for field in fields
        if mandatory_on(field, screen) and values.get(field.name) in (None, "", [])
    ]


async def matching_objects(
    session: AsyncSession,
    object_type: str,
    criterion: FieldCriterion,
    *,
    customer: bool = False,
    error_field: str | None = None,
) -> Select[int]:
    """The ids of objects whose value of the criterion's field matches, as a subquery for
    ``Ticket.id.in_(…)``. Terms are bound parameters; ``*`` is the only wildcard. An unknown
    field or a term the type cannot read is a 422 naming ``error_field`` (default
    ``df.<Name>``, as the search URL names it)."""
    name = error_field or f"df.{criterion.name}"
    # PostgreSQL text cannot hold NUL: no stored value has one, so it is dropped from the terms.
    criterion = replace(
        criterion,
        **{
            part: value.replace("\x00", "")
            for part in ("equals", "start", "end")
            if isinstance(value := getattr(criterion, part), str)
        },
    )
    fields = {
        field.name: field
        for field in await readable_fields(session, object_type, customer=customer)
    }
    field = fields.get(criterion.name)
    if field is None:
        raise ValidationFailed(name, "is not a valid dynamic field of this object")
    try:
        condition = driver_of(field).search_condition(criterion, field.config)
    except ValueError as exc:
        raise ValidationFailed(name, str(exc)) from exc
    return select(DynamicFieldValue.object_id).where(
        DynamicFieldValue.field_id == field.id, condition
    )


FILTER_PREFIX = "df."
FILTER_PARTS = {"": "equals", "from": "start", "to": "end"}
MAX_FILTERS = 20
MAX_TERM_LENGTH = 255


def criteria_from_params(pairs: Iterable[tuple[str, str]]) -> list[FieldCriterion] | None:
    """``df.<Name>=`` (``*`` a wildcard), ``df.<Name>.from=`` and ``df.<Name>.to=`` of a query
    string (the API's search, the search page), one criterion per field; other keys ignored.
    Empty values are left out, so an untouched search form narrows nothing."""
    parts: dict[str, dict[str, str]] = {}
    for key, value in pairs:
        if not key.startswith(FILTER_PREFIX):
            continue
        name, _, bound = key[len(FILTER_PREFIX) :].partition(".")
        part = FILTER_PARTS.get(bound)
        if not name or part is None:
            raise ValidationFailed(key, "use df.<Name>, df.<Name>.from or df.<Name>.to")
        if len(value) > MAX_TERM_LENGTH:
            raise ValidationFailed(key, f"has at most {MAX_TERM_LENGTH} characters")
        if value.strip():
            parts.setdefault(name, {})[part] = value.strip()
    if len(parts) > MAX_FILTERS:
        raise ValidationFailed("df", f"at most {MAX_FILTERS} field filters")
    return [FieldCriterion(name=name, **given) for name, given in parts.items()] or None
