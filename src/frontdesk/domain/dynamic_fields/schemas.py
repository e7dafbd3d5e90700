"""Input and output shapes of dynamic fields (API and admin pages)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from frontdesk.core.clock import isoformat_z
from frontdesk.domain.dynamic_fields.models import OBJECT_TYPES, DynamicField
from frontdesk.domain.dynamic_fields.screens import SCREENS, ScreenMode

ObjectType = Literal["ticket", "article", "customer_user", "customer_company"]
assert set(OBJECT_TYPES) == set(ObjectType.__args__)  # type: ignore[attr-defined]

NAME_PATTERN = re.compile(r"^[A-Za-z0-9]{1,200}$")
# Keys of a type's configuration that are never sent back (credentials).
SECRET_CONFIG_KEYS = frozenset({"password"})


def _check_screens(value: dict[str, ScreenMode] | None) -> dict[str, ScreenMode] | None:
    if value is None:
        return None
    unknown = sorted(set(value) - set(SCREENS))
    if unknown:
        raise ValueError(f"unknown screens: {', '.join(unknown)}")
    return value


class DynamicFieldInput(BaseModel):
    @field_validator("name", check_fields=False)
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is not None and not NAME_PATTERN.match(value):
            raise ValueError("has 1 to 200 letters and digits, nothing else")
        return value

    @field_validator("label", check_fields=False)
    @classmethod
    def _label(cls, value: str | None) -> str | None:
        if value is not None and (not value.strip() or "\x00" in value):
            raise ValueError("must not be empty")
        return value.strip() if value is not None else None

    @field_validator("screens", check_fields=False)
    @classmethod
    def _screens(cls, value: dict[str, ScreenMode] | None) -> dict[str, ScreenMode] | None:
        return _check_screens(value)


class DynamicFieldCreate(DynamicFieldInput):
    name: str
    label: str = Field(max_length=200)
    field_type: str = Field(max_length=30)
    object_type: ObjectType = "ticket"
    field_order: int = Field(default=1, ge=1, le=100_000)
    config: dict[str, Any] = Field(default_factory=dict)
    screens: dict[str, ScreenMode] = Field(default_factory=dict)
    valid: bool = True


class DynamicFieldUpdate(DynamicFieldInput):
    """Only the fields present change. The type and object type are fixed at creation."""

    name: str | None = None
    label: str | None = Field(default=None, max_length=200)
    field_order: int | None = Field(default=None, ge=1, le=100_000)
    config: dict[str, Any] | None = None
    screens: dict[str, ScreenMode] | None = None
    valid: bool | None = None


class DynamicFieldOut(BaseModel):
    id: int
    name: str
    label: str
    field_type: str
    object_type: ObjectType
    field_order: int
    config: dict[str, Any]
    screens: dict[str, ScreenMode]
    valid: bool
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, field: DynamicField) -> DynamicFieldOut:
        return cls(
            id=field.id,
            name=field.name,
            label=field.label,
            field_type=field.field_type,
            object_type=field.object_type,
            field_order=field.field_order,
            config={k: v for k, v in field.config.items() if k not in SECRET_CONFIG_KEYS},
            screens=field.screens,
            valid=field.valid,
            created_at=isoformat_z(field.created_at) or "",
            updated_at=isoformat_z(field.updated_at) or "",
        )


class ContactInput(BaseModel):
    """A contact of a "contact with data" field: its attributes by schema key (``Name``
    among them) and whether it can still be chosen."""

    attributes: dict[str, str] = Field(max_length=50)
    valid: bool = True


class ContactUpdate(BaseModel):
    """Only what is present changes; ``attributes`` replaces them all."""

    attributes: dict[str, str] | None = Field(default=None, max_length=50)
    valid: bool | None = None


class ContactOut(BaseModel):
    id: int
    field_id: int
    name: str
    attributes: dict[str, str]
    valid: bool
    created_at: str
    updated_at: str


class OptionOut(BaseModel):
    key: str
    value: str
    columns: list[tuple[str, str]] = Field(default_factory=list)


class OptionsOut(BaseModel):
    items: list[OptionOut]
