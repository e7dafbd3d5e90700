"""Text (one line) and textarea (several lines), with a default and regex rules."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from sqlalchemy import ColumnElement

from frontdesk.domain.dynamic_fields.drivers.base import (
    ConfigError,
    FieldCriterion,
    FieldDriver,
    InputKind,
    StoredValue,
    check_link_config,
    check_regex_config,
    text_condition,
)
from frontdesk.domain.dynamic_fields.models import INDEXED_TEXT_LENGTH, DynamicFieldValue


class TextDriver(FieldDriver):
    field_type: ClassVar[str] = "text"
    label: ClassVar[str] = "Text"
    input_kind: ClassVar[InputKind] = "text"
    max_length: ClassVar[int] = INDEXED_TEXT_LENGTH

    def check_config(self, config: dict[str, Any]) -> dict[str, Any]:
        checked: dict[str, Any] = {"regex": check_regex_config(config)}
        default = config.get("default")
        if default not in (None, ""):
            if not isinstance(default, str):
                raise ConfigError("default", "must be text")
            try:
                checked["default"] = self._checked(default, checked["regex"])
            except ValueError as exc:
                raise ConfigError("default", str(exc)) from exc
        link = check_link_config(config)
        if link:
            checked["link"] = link
        return checked

    def _checked(self, value: str, rules: list[dict[str, str]]) -> str:
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        if len(value) > self.max_length:
            raise ValueError(f"has at most {self.max_length} characters")
        for rule in rules:
            if not re.search(rule["pattern"], value):
                raise ValueError(rule["error"] or f"does not match {rule['pattern']!r}")
        return value

    def parse(self, raw: Any, config: dict[str, Any]) -> Any:
        if raw is None:
            return None
        if not isinstance(raw, str):
            raise ValueError("must be text")
        value = raw if self.input_kind == "textarea" else raw.strip()
        if not value.strip():
            return None
        return self._checked(value, config.get("regex") or [])

    def to_rows(self, value: Any) -> list[StoredValue]:
        return [StoredValue(text=value)]

    def from_rows(self, rows: list[DynamicFieldValue]) -> Any:
        return rows[0].value_text


class TextareaDriver(TextDriver):
    field_type: ClassVar[str] = "textarea"
    label: ClassVar[str] = "Textarea"
    input_kind: ClassVar[InputKind] = "textarea"
    max_length: ClassVar[int] = 20_000

    def to_rows(self, value: Any) -> list[StoredValue]:
        # The indexed column keeps the start for sorting; the whole text is searched.
        return [StoredValue(text=value[:INDEXED_TEXT_LENGTH], long=value)]

    def from_rows(self, rows: list[DynamicFieldValue]) -> Any:
        return rows[0].value_long

    def search_condition(
        self, criterion: FieldCriterion, config: dict[str, Any]
    ) -> ColumnElement[bool]:
        if criterion.equals is None:
            raise ValueError("give a value to search for")
        return text_condition(DynamicFieldValue.value_long, criterion.equals)
