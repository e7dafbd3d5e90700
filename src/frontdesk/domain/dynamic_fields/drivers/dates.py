"""Date and date-time. API values are ISO 8601 text: ``2026-12-07`` and ``2026-12-07T09:30:00Z``;
a date-time without a zone is refused (the system stores UTC and cannot guess the zone)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import ColumnElement

from frontdesk.core.clock import isoformat_z
from frontdesk.domain.dynamic_fields.drivers.base import (
    ConfigError,
    FieldCriterion,
    FieldDriver,
    InputKind,
    StoredValue,
    range_condition,
)
from frontdesk.domain.dynamic_fields.models import DynamicFieldValue


def _parse_date(raw: Any) -> date:
    if not isinstance(raw, str):
        raise ValueError("must be a date as YYYY-MM-DD")
    text = raw.strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{raw!r} is not a date as YYYY-MM-DD") from None


def _parse_datetime(raw: Any) -> datetime:
    if not isinstance(raw, str):
        raise ValueError("must be a date-time such as 2026-12-07T09:30:00Z")
    text = raw.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"{raw!r} is not a date-time such as 2026-12-07T09:30:00Z") from None
    if parsed.tzinfo is None:
        raise ValueError("needs a time zone (Z or an offset such as +01:00)")
    return parsed.astimezone(UTC).replace(microsecond=0)


def _at_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


class DateDriver(FieldDriver):
    field_type: ClassVar[str] = "date"
    label: ClassVar[str] = "Date"
    input_kind: ClassVar[InputKind] = "date"
    ranged: ClassVar[bool] = True

    def check_config(self, config: dict[str, Any]) -> dict[str, Any]:
        checked: dict[str, Any] = {}
        default = config.get("default")
        if default not in (None, ""):
            try:
                checked["default"] = self.parse(default, {})
            except ValueError as exc:
                raise ConfigError("default", str(exc)) from exc
        return checked

    def parse(self, raw: Any, config: dict[str, Any]) -> Any:
        if raw is None or raw == "":
            return None
        return _parse_date(raw).isoformat()

    def to_rows(self, value: Any) -> list[StoredValue]:
        return [StoredValue(date=_at_midnight(date.fromisoformat(value)))]

    def from_rows(self, rows: list[DynamicFieldValue]) -> Any:
        stored = rows[0].value_date
        return stored.date().isoformat() if stored else None

    def _bound(self, raw: str | None, *, end: bool) -> datetime | None:
        if raw in (None, ""):
            return None
        return _at_midnight(_parse_date(raw))

    def search_condition(
        self, criterion: FieldCriterion, config: dict[str, Any]
    ) -> ColumnElement[bool]:
        if criterion.equals not in (None, ""):
            return range_condition(
                DynamicFieldValue.value_date,
                self._bound(criterion.equals, end=False),
                self._bound(criterion.equals, end=True),
            )
        if criterion.start in (None, "") and criterion.end in (None, ""):
            raise ValueError("give a date or a range")
        return range_condition(
            DynamicFieldValue.value_date,
            self._bound(criterion.start, end=False),
            self._bound(criterion.end, end=True),
        )


class DateTimeDriver(DateDriver):
    field_type: ClassVar[str] = "datetime"
    label: ClassVar[str] = "Date and time"
    input_kind: ClassVar[InputKind] = "datetime"

    def parse(self, raw: Any, config: dict[str, Any]) -> Any:
        if raw is None or raw == "":
            return None
        return isoformat_z(_parse_datetime(raw))

    def to_rows(self, value: Any) -> list[StoredValue]:
        return [StoredValue(date=_parse_datetime(value))]

    def from_rows(self, rows: list[DynamicFieldValue]) -> Any:
        stored = rows[0].value_date
        return isoformat_z(stored) if stored else None

    def _bound(self, raw: str | None, *, end: bool) -> datetime | None:
        if raw in (None, ""):
            return None
        assert raw is not None
        if len(raw.strip()) == 10:  # a day: the whole day
            day = _at_midnight(_parse_date(raw))
            return day.replace(hour=23, minute=59, second=59) if end else day
        return _parse_datetime(raw)
