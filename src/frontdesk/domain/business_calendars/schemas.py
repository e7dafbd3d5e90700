"""The business calendar as the API and the admin screen write it, checked into working time.

``week`` maps weekday keys (``mon`` … ``sun``) to office-hour spans ``[["08:00", "17:00"]]`` in
the calendar's zone; ``"24:00"`` ends a span at midnight. Spans of a day may not overlap, and a
week needs at least one, or no escalation time could ever be reached.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, time
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import Field, StringConstraints, field_validator, model_validator

from frontdesk.core.input_model import InputModel
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


class BusinessCalendarIn(InputModel):
    name: CalendarName
    time_zone: str = "UTC"
    week: dict[str, Annotated[list[tuple[str, str]], Field(max_length=MAX_SPANS_PER_DAY)]]
    holidays: Annotated[list[HolidayIn], Field(max_length=MAX_HOLIDAYS)] = Field(
        default_factory=list
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError(f"{value!r} is not a known time zone (e.g. Europe/Berlin)")
        return value

    @field_validator("week")
    @classmethod
    def _valid_week(
        cls, value: dict[str, list[tuple[str, str]]]
    ) -> dict[str, list[tuple[str, str]]]:
        unknown = sorted(set(value) - set(WEEKDAYS))
        if unknown:
            raise ValueError(f"unknown weekday {unknown[0]!r}; use {', '.join(WEEKDAYS)}")
        for day, spans in value.items():
            office_hours(spans, day)
        if not any(value.values()):
            raise ValueError("the week needs office hours on at least one day")
        return value

    @model_validator(mode="after")
    def _one_holiday_per_date(self) -> BusinessCalendarIn:
        seen: set[date] = set()
        for holiday in self.holidays:
            if holiday.date in seen:
                raise ValueError(f"two holidays on {holiday.date.isoformat()}")
            seen.add(holiday.date)
        return self

    def working_calendar(self) -> WorkingCalendar:
        return WorkingCalendar(
            time_zone=self.time_zone,
            week=tuple(office_hours(self.week.get(day, []), day) for day in WEEKDAYS),
            holidays=frozenset(h.date for h in self.holidays if not h.recurring),
            yearly_holidays=frozenset(
                (h.date.month, h.date.day) for h in self.holidays if h.recurring
            ),
        )
