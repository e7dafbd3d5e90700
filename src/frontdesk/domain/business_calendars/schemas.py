"""The business calendar as the API and the admin screen write it, checked into working time.

``week`` maps weekday keys (``mon`` … ``sun``) to office-hour spans ``[["08:00", "17:00"]]`` in
the calendar's zone; ``"24:00"`` ends a span at midnight. Spans of a day may not overlap, and a
week needs at least one, or no escalation time could ever be reached.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, time
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, field_validator

from frontdesk.core.clock import isoformat_z, known_timezones
from frontdesk.core.input_model import InputModel
from frontdesk.domain.business_calendars.models import BusinessCalendar
from frontdesk.domain.business_calendars.working_time import (
    WEEKDAYS,
    OfficeHours,
    WorkingCalendar,
)

_CLOCK = re.compile(r"^(?P<hour>[01]\d|2[0-4]):(?P<minute>[0-5]\d)$")
MAX_SPANS_PER_DAY = 12
MAX_HOLIDAYS = 1000

CalendarName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]
HolidayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _clock(value: str) -> time | None:
    """``"08:30"`` as a time; ``"24:00"`` as None (midnight at the end of the day)."""
    match = _CLOCK.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not a time of day as HH:MM")
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour == 24:
        if minute:
            raise ValueError(f"{value!r} is not a time of day as HH:MM")
        return None
    return time(hour, minute)


def office_hours(spans: list[tuple[str, str]], day: str) -> tuple[OfficeHours, ...]:
    """A day's spans, checked (start before end, no overlap) and in order."""
    parsed: list[OfficeHours] = []
    for start_text, end_text in spans:
        start, end = _clock(start_text), _clock(end_text)
        if start is None:
            raise ValueError(f"{day}: a span cannot start at 24:00")
        if end is not None and end <= start:
            raise ValueError(f"{day}: {start_text}-{end_text} ends before it starts")
        parsed.append(OfficeHours(start, end))
    parsed.sort(key=lambda hours: hours.start)
    for earlier, later in itertools.pairwise(parsed):
        if earlier.end is None or earlier.end > later.start:
            raise ValueError(f"{day}: office hours overlap at {later.start:%H:%M}")
    return tuple(parsed)


class HolidayIn(InputModel):
    date: date
    name: HolidayName
    # Every year on this month and day (New Year's Day), or only on this date (Easter 2027).
    recurring: bool = False


def _known_zone(value: str) -> str:
    if value not in known_timezones():
        raise ValueError(f"{value!r} is not a known time zone (e.g. Europe/Berlin)")
    return value


def _valid_week(value: dict[str, list[tuple[str, str]]]) -> dict[str, list[tuple[str, str]]]:
    unknown = sorted(set(value) - set(WEEKDAYS))
    if unknown:
        raise ValueError(f"unknown weekday {unknown[0]!r}; use {', '.join(WEEKDAYS)}")
    for day, spans in value.items():
        office_hours(spans, day)
    if not any(value.values()):
        raise ValueError("the week needs office hours on at least one day")
    # Stored in weekday order with each day's spans sorted, as the calendar reads them.
    return {day: sorted(value[day]) for day in WEEKDAYS if value.get(day)}


def _one_holiday_per_date(value: list[HolidayIn]) -> list[HolidayIn]:
    seen: set[date] = set()
    for holiday in value:
        if holiday.date in seen:
            raise ValueError(f"two holidays on {holiday.date.isoformat()}")
        seen.add(holiday.date)
    return sorted(value, key=lambda holiday: holiday.date)


TimeZone = Annotated[str, AfterValidator(_known_zone)]
Week = Annotated[
    dict[str, Annotated[list[tuple[str, str]], Field(max_length=MAX_SPANS_PER_DAY)]],
    AfterValidator(_valid_week),
]
Holidays = Annotated[
    list[HolidayIn], Field(max_length=MAX_HOLIDAYS), AfterValidator(_one_holiday_per_date)
]
Comment = Annotated[str, StringConstraints(max_length=250)] | None


class BusinessCalendarCreate(InputModel):
    name: CalendarName
    time_zone: TimeZone = "UTC"
    week: Week
    holidays: Holidays = Field(default_factory=list)
    comment: Comment = None
    valid: bool = True

    def working_calendar(self) -> WorkingCalendar:
        return working_calendar(self.time_zone, self.week, self.holidays)


class BusinessCalendarUpdate(InputModel):
    """Only the fields present change; ``name``, ``week`` and ``time_zone`` refuse null."""

    name: CalendarName | None = None
    time_zone: TimeZone | None = None
    week: Week | None = None
    holidays: Holidays | None = None
    comment: Comment = None
    valid: bool | None = None

    @field_validator("name", "time_zone", "week", "holidays", "valid", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("must not be null")
        return value


class HolidayOut(BaseModel):
    date: date
    name: str
    recurring: bool


class BusinessCalendarOut(BaseModel):
    id: int
    name: str
    time_zone: str
    week: dict[str, list[tuple[str, str]]]
    holidays: list[HolidayOut]
    comment: str | None
    valid: bool
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, calendar: BusinessCalendar) -> BusinessCalendarOut:
        return cls(
            id=calendar.id,
            name=calendar.name,
            time_zone=calendar.time_zone,
            week={day: [(s, e) for s, e in spans] for day, spans in calendar.week.items()},
            holidays=[HolidayOut.model_validate(h) for h in calendar.holidays],
            comment=calendar.comment,
            valid=calendar.valid,
            created_at=isoformat_z(calendar.created_at),
            updated_at=isoformat_z(calendar.updated_at),
        )


def working_calendar(
    time_zone: str,
    week: dict[str, list[tuple[str, str]]],
    holidays: list[HolidayIn] | list[HolidayOut],
) -> WorkingCalendar:
    return WorkingCalendar(
        time_zone=time_zone,
        week=tuple(office_hours(week.get(day, []), day) for day in WEEKDAYS),
        holidays=frozenset(h.date for h in holidays if not h.recurring),
        yearly_holidays=frozenset((h.date.month, h.date.day) for h in holidays if h.recurring),
    )


def working_calendar_of(calendar: BusinessCalendar) -> WorkingCalendar:
    """The stored calendar, ready for working-time arithmetic."""
    out = BusinessCalendarOut.of(calendar)
    return working_calendar(out.time_zone, out.week, out.holidays)
