"""Checkbox: checked or not (stored 1/0; a field never touched has no value at all)."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import ColumnElement

from frontdesk.domain.dynamic_fields.drivers.base import (
    ConfigError,
    FieldCriterion,
    FieldDriver,
    InputKind,
    StoredValue,
)
from frontdesk.domain.dynamic_fields.models import DynamicFieldValue

_TRUE = {"1", "true", "yes", "on", "checked"}
_FALSE = {"0", "false", "no", "off", "unchecked"}


def _as_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    raise ValueError("must be true or false")


class CheckboxDriver(FieldDriver):
    field_type: ClassVar[str] = "checkbox"
    label: ClassVar[str] = "Checkbox"
    input_kind: ClassVar[InputKind] = "checkbox"

    def check_config(self, config: dict[str, Any]) -> dict[str, Any]:
        default = config.get("default", False)
        try:
            return {"default": _as_bool(default if default is not None else False)}
        except ValueError as exc:
            raise ConfigError("default", str(exc)) from exc

    def parse(self, raw: Any, config: dict[str, Any]) -> Any:
        return None if raw is None else _as_bool(raw)

    def parse_form(self, raw: list[str], config: dict[str, Any]) -> Any:
        # An unchecked box sends nothing: the form's hidden marker says the field was shown.
        return any(item.strip().lower() in _TRUE for item in raw)

    def to_rows(self, value: Any) -> list[StoredValue]:
        return [StoredValue(integer=1 if value else 0)]

    def from_rows(self, rows: list[DynamicFieldValue]) -> Any:
        return bool(rows[0].value_int)

    def display(self, value: Any, config: dict[str, Any]) -> str:
        if value is None:
            return ""
        return "Checked" if value else "Unchecked"

    def form_value(self, value: Any) -> list[str]:
        return ["1"] if value else []

    def history_text(self, value: Any, config: dict[str, Any]) -> str:
        return "" if value is None else ("1" if value else "0")

    def search_condition(
        self, criterion: FieldCriterion, config: dict[str, Any]
    ) -> ColumnElement[bool]:
        if criterion.equals is None:
            raise ValueError("give checked or unchecked")
        return DynamicFieldValue.value_int == (1 if _as_bool(criterion.equals) else 0)
