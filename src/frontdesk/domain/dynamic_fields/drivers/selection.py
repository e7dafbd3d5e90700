"""Dropdown (one key) and multiselect (several keys) from a list of possible values."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import ColumnElement

from frontdesk.domain.dynamic_fields.drivers.base import (
    ConfigError,
    FieldCriterion,
    FieldDriver,
    InputKind,
    StoredValue,
    check_link_config,
    text_condition,
)
from frontdesk.domain.dynamic_fields.models import INDEXED_TEXT_LENGTH, DynamicFieldValue

MAX_POSSIBLE_VALUES = 5_000


class DropdownDriver(FieldDriver):
    field_type: ClassVar[str] = "dropdown"
    label: ClassVar[str] = "Dropdown"
    input_kind: ClassVar[InputKind] = "select"

    def check_config(self, config: dict[str, Any]) -> dict[str, Any]:
        values = config.get("possible_values")
        if not isinstance(values, dict) or not values:
            raise ConfigError("possible_values", "give at least one key with its label")
        if len(values) > MAX_POSSIBLE_VALUES:
            raise ConfigError("possible_values", f"at most {MAX_POSSIBLE_VALUES} values")
        checked_values: dict[str, str] = {}
        for key, label in values.items():
            key_text = str(key).strip()
            if not key_text or len(key_text) > INDEXED_TEXT_LENGTH or "\x00" in key_text:
                raise ConfigError(
                    "possible_values", f"a key has 1 to {INDEXED_TEXT_LENGTH} characters"
                )
            if not isinstance(label, str) or not label.strip() or len(label) > 250:
                raise ConfigError("possible_values", f"the label of {key_text!r} is missing")
            checked_values[key_text] = label.strip()
        checked: dict[str, Any] = {
            "possible_values": checked_values,
            "possible_none": bool(config.get("possible_none", True)),
            "translatable": bool(config.get("translatable", False)),
        }
        default = config.get("default")
        if default not in (None, "", []):
            try:
                checked["default"] = self.parse(default, checked)
            except ValueError as exc:
                raise ConfigError("default", str(exc)) from exc
        link = check_link_config(config)
        if link:
            checked["link"] = link
        return checked

    def _key(self, raw: Any, config: dict[str, Any]) -> str:
        if not isinstance(raw, str | int) or isinstance(raw, bool):
            raise ValueError("must be one of the field's keys")
        key = str(raw)
        if key not in config["possible_values"]:
            raise ValueError(f"{key!r} is not one of the field's values")
        return key

    def parse(self, raw: Any, config: dict[str, Any]) -> Any:
        if raw is None or raw == "":
            return None
        return self._key(raw, config)

    def to_rows(self, value: Any) -> list[StoredValue]:
        return [StoredValue(text=value)]

    def from_rows(self, rows: list[DynamicFieldValue]) -> Any:
        return rows[0].value_text

    def display(self, value: Any, config: dict[str, Any]) -> str:
        if value is None:
            return ""
        labels = config.get("possible_values", {})
        if isinstance(value, list):
            return ", ".join(labels.get(key, key) for key in value)
        return str(labels.get(value, value))

    def search_condition(
        self, criterion: FieldCriterion, config: dict[str, Any]
    ) -> ColumnElement[bool]:
        if criterion.equals is None:
            raise ValueError("give a value to search for")
        return text_condition(
            DynamicFieldValue.value_text, criterion.equals, case_insensitive=False
        )


class MultiselectDriver(DropdownDriver):
    field_type: ClassVar[str] = "multiselect"
    label: ClassVar[str] = "Multiselect"
    input_kind: ClassVar[InputKind] = "multiselect"
    multi_valued: ClassVar[bool] = True

    def parse(self, raw: Any, config: dict[str, Any]) -> Any:
        if raw is None or raw == "" or raw == []:
            return None
        items = raw if isinstance(raw, list) else [raw]
        keys: list[str] = []
        for item in items:
            key = self._key(item, config)
            if key not in keys:
                keys.append(key)
        # Kept in the order of the possible values, so equal sets compare equal.
        order = list(config["possible_values"])
        return sorted(keys, key=order.index)

    def parse_form(self, raw: list[str], config: dict[str, Any]) -> Any:
        return self.parse([item for item in raw if item], config)

    def to_rows(self, value: Any) -> list[StoredValue]:
        return [StoredValue(text=key) for key in value]

    def from_rows(self, rows: list[DynamicFieldValue]) -> Any:
        return [row.value_text for row in rows]
