"""Working-time arithmetic on a business calendar: office hours per weekday, holidays, a zone.

Escalation times are "N minutes of working time after an instant": a ticket created on Friday at
16:30 with a 60-minute response time in a 08:00-17:00 week escalates on Monday at 08:30. Hours
are local to the calendar's time zone; durations are real elapsed time, so on the day a clock
changes, a working day of 08:00-17:00 still lasts nine hours, and an interval that spans the
change lasts what the clock on the wall says it lasted (one hour more or less).

Instants in and out are aware UTC datetimes. The walk goes day by day over the calendar's local
dates and never more than ``MAX_SEARCH_DAYS`` ahead, so a calendar without any working hour (all
holidays) gives ``NoWorkingTime`` rather than a loop.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_SEARCH_DAYS = 3 * 366


class NoWorkingTime(ValueError):
    """The calendar has no working hour in the searched span (no hours, or only holidays)."""


@dataclass(frozen=True)
class OfficeHours:
    """One span of a weekday, local time; ``end`` None means midnight at the end of the day."""

    start: time
    end: time | None

    def bounds(self, day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """This span on ``day`` as UTC instants."""
        start = datetime.combine(day, self.start, tzinfo=zone)
        if self.end is None:
            end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
        else:
            end = datetime.combine(day, self.end, tzinfo=zone)
        return start.astimezone(UTC), end.astimezone(UTC)


@dataclass(frozen=True)
class WorkingCalendar:
    """Office hours per weekday (index 0 = Monday), holidays, and the zone the hours are in."""

    time_zone: str
    week: tuple[tuple[OfficeHours, ...], ...]
    holidays: frozenset[date] = frozenset()
    # Holidays that come back every year, as (month, day).
    yearly_holidays: frozenset[tuple[int, int]] = frozenset()
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.week) != len(WEEKDAYS):
            raise ValueError("a week has seven days")
        object.__setattr__(self, "_zone", ZoneInfo(self.time_zone))

    @classmethod
    def always_open(cls) -> WorkingCalendar:
        """Every hour of every day counts (tickets without a calendar escalate in wall time)."""
        day = (OfficeHours(time(0), None),)
        return cls("UTC", (day,) * len(WEEKDAYS))

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays or (day.month, day.day) in self.yearly_holidays

    def spans_from(
        self, instant: datetime, until: datetime | None = None
    ) -> Iterator[tuple[datetime, datetime]]:
        """Working spans (UTC start, end) ending after ``instant``, the first clipped to it.

        They stop before ``until`` if given, else after ``MAX_SEARCH_DAYS`` of local dates.
        """
        instant = instant.astimezone(UTC)
        day = instant.astimezone(self._zone).date()
        last = day + timedelta(days=MAX_SEARCH_DAYS)
        if until is not None:
            last = until.astimezone(self._zone).date()
        while day <= last:
            if not self.is_holiday(day):
                for hours in self.week[day.weekday()]:
                    start, end = hours.bounds(day, self._zone)
                    if until is not None and start >= until:
                        return
                    if end > instant:
                        yield max(start, instant), end
            day += timedelta(days=1)

    def add(self, instant: datetime, duration: timedelta) -> datetime:
        """The instant when ``duration`` of working time has passed since ``instant``.

        A zero duration from outside office hours gives the instant itself, not the next
        opening: nothing is due later than it was asked for.
        """
        if duration < timedelta(0):
            raise ValueError("duration must not be negative")
        if duration == timedelta(0):
            return instant.astimezone(UTC)
        remaining = duration
        for start, end in self.spans_from(instant):
            available = end - start
            if remaining <= available:
                return start + remaining
            remaining -= available
        raise NoWorkingTime(f"no working time within {MAX_SEARCH_DAYS} days of {instant:%Y-%m-%d}")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from ``start`` to ``end`` (zero when ``end`` is not after ``start``)."""
        end = end.astimezone(UTC)
        total = timedelta(0)
        if end <= start.astimezone(UTC):
            return total
        for span_start, span_end in self.spans_from(start, until=end):
            total += min(span_end, end) - span_start
        return total
