"""The one place that lists the field types. A new type is a module with a ``FieldDriver``
subclass and one line here."""

from __future__ import annotations

from frontdesk.domain.dynamic_fields.drivers.base import FieldDriver
from frontdesk.domain.dynamic_fields.drivers.checkbox import CheckboxDriver
from frontdesk.domain.dynamic_fields.drivers.contact import ContactWithDataDriver
from frontdesk.domain.dynamic_fields.drivers.dates import DateDriver, DateTimeDriver
from frontdesk.domain.dynamic_fields.drivers.selection import DropdownDriver, MultiselectDriver
from frontdesk.domain.dynamic_fields.drivers.text import TextareaDriver, TextDriver

DRIVERS: dict[str, FieldDriver] = {
    driver.field_type: driver
    for driver in (
        TextDriver(),
        TextareaDriver(),
        CheckboxDriver(),
        DropdownDriver(),
        MultiselectDriver(),
        DateDriver(),
        DateTimeDriver(),
        ContactWithDataDriver(),
    )
}


def register(driver: FieldDriver) -> None:
    """Add a type defined outside this package (a feature that brings its own field type)."""
    DRIVERS[driver.field_type] = driver


def driver_for(field_type: str) -> FieldDriver:
    return DRIVERS[field_type]
