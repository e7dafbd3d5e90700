"""Errors of dynamic fields."""

from __future__ import annotations

from frontdesk.core.errors import Conflict, ValidationFailed


class FieldNameTaken(Conflict):
    def __init__(self, name: str) -> None:
        super().__init__(f"A dynamic field named {name!r} already exists.", code="name_taken")


class InvalidFieldValue(ValidationFailed):
    """A value the field's type refuses; the API names it ``dynamic_fields.<Name>``."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"dynamic_fields.{name}", message)


class UnknownField(ValidationFailed):
    def __init__(self, name: str) -> None:
        super().__init__(f"dynamic_fields.{name}", "is not a valid dynamic field of this object")
