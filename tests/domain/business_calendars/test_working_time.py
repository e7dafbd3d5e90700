"""Working time on a business calendar: exact instants across nights, weekends, holidays and
both daylight-saving changes of Europe/Berlin in 2026 (29 March, 25 October)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from frontdesk.domain.business_calendars.schemas import BusinessCalendarCreate
from frontdesk.domain.business_calendars.working_time import NoWorkingTime, WorkingCalendar

OFFICE = [["08:00", "17:00"]]
WEEKDAYS_ONLY = {"mon": OFFICE, "tue": OFFICE, "wed": OFFICE, "thu": OFFICE, "fri": OFFICE}


def calendar(**fields: object) -> WorkingCalendar:
    data: dict[str, object] = {
        "name": "Support",
        "time_zone": "Europe/Berlin",
        "week": WEEKDAYS_ONLY,
    }
    data.update(fields)
    return BusinessCalendarCreate.model_validate(data).working_calendar()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


@pytest.mark.parametrize(
    ("start", "duration", "due"),
    [
        # Wednesday 10:00 Berlin (CET, UTC+1) plus an hour, inside the day.
        ("2026-01-14 09:00", 60, "2026-01-14 10:00"),
        # Friday 16:30 local + 60 min: 30 min on Friday, 30 min on Monday from 08:00.
        ("2026-01-16 15:30", 60, "2026-01-19 07:30"),
        # Saturday night: the first working minute is Monday 08:00.
        ("2026-01-17 22:00", 1, "2026-01-19 07:01"),
        # Before opening on a weekday: counting starts at 08:00.
        ("2026-01-14 05:00", 30, "2026-01-14 07:30"),
        # Exactly a working day ends at the closing time of the same day.
        ("2026-01-14 07:00", 9 * 60, "2026-01-14 16:00"),
        # A whole working week from Monday 08:00 ends Friday 17:00.
        ("2026-01-12 07:00", 5 * 9 * 60, "2026-01-16 16:00"),
        # Zero from outside hours is due at once, not at the next opening.
        ("2026-01-17 22:00", 0, "2026-01-17 22:00"),
    ],
)
def test_add_working_time(start: str, duration: int, due: str) -> None:
    assert calendar().add(utc(start), minutes(duration)) == utc(due)


def test_spring_forward_keeps_office_hours_on_the_wall_clock() -> None:
    # Friday 27 March 16:00 CET (15:00 UTC) + 2 h: 1 h Friday, then Monday 30 March 08:00 CEST
    # (06:00 UTC) + 1 h. Office hours follow the local clock across the change.
    assert calendar().add(utc("2026-03-27 15:00"), minutes(120)) == utc("2026-03-30 07:00")


def test_fall_back_keeps_office_hours_on_the_wall_clock() -> None:
    # Friday 23 October 16:00 CEST (14:00 UTC) + 2 h: Monday 26 October 08:00 CET is 07:00 UTC.
    assert calendar().add(utc("2026-10-23 14:00"), minutes(120)) == utc("2026-10-26 08:00")


def test_a_span_across_the_clock_change_lasts_what_the_wall_clock_says() -> None:
    # Sunday 29 March, 00:00-06:00 local: the clock jumps from 02:00 to 03:00, so five hours.
    night = calendar(week={"sun": [["00:00", "06:00"]]})
    start = utc("2026-03-28 23:00")  # 00:00 CET
    assert night.between(start, utc("2026-03-29 04:00")) == timedelta(hours=5)
    assert night.add(start, timedelta(hours=5)) == utc("2026-03-29 04:00")  # 06:00 CEST
    # Sunday 25 October, 00:00-06:00 local: 02:00-03:00 happens twice, so seven hours.
    autumn = utc("2026-10-24 22:00")  # 00:00 CEST
    assert night.between(autumn, utc("2026-10-25 05:00")) == timedelta(hours=7)


def test_holidays_are_skipped_one_off_and_yearly() -> None:
    holidays = [
        {"date": "2026-12-25", "name": "Christmas Day", "recurring": True},
        {"date": "2026-12-24", "name": "Company party", "recurring": False},
    ]
    cal = calendar(holidays=holidays)
    # Wednesday 23 December 2026, 16:30 local + 60 min: Thursday 24 (one-off) and Friday 25
    # (yearly) are off, the weekend too: Monday 28 December 08:30 local.
    assert cal.add(utc("2026-12-23 15:30"), minutes(60)) == utc("2026-12-28 07:30")
    # In 2027 the 24th is a working Friday, the 25th a Saturday anyway.
    assert cal.add(utc("2027-12-23 15:30"), minutes(60)) == utc("2027-12-24 07:30")
    # Christmas Day 2028 is a Monday and still a holiday.
    assert cal.add(utc("2028-12-22 15:30"), minutes(60)) == utc("2028-12-26 07:30")


def test_between_is_the_inverse_of_add() -> None:
    cal = calendar(week={**WEEKDAYS_ONLY, "sat": [["09:00", "12:00"], ["13:00", "24:00"]]})
    start = utc("2026-03-25 12:34")
    for n in (0, 1, 59, 540, 541, 3000, 7777):
        assert cal.between(start, cal.add(start, minutes(n))) == minutes(n)
    assert cal.between(utc("2026-01-16 10:00"), utc("2026-01-16 09:00")) == timedelta(0)
    # Friday 16:00 local to Monday 09:00 local: 1 h + Saturday's 3 h and 11 h + 1 h.
    assert cal.between(utc("2026-01-16 15:00"), utc("2026-01-19 08:00")) == timedelta(hours=16)
    assert calendar().between(utc("2026-01-16 15:00"), utc("2026-01-19 08:00")) == timedelta(
        hours=2
    )


def test_always_open_counts_wall_time() -> None:
    cal = WorkingCalendar.always_open()
    assert cal.add(utc("2026-03-28 23:00"), timedelta(hours=30)) == utc("2026-03-30 05:00")
    assert cal.between(utc("2026-03-28 23:00"), utc("2026-03-30 05:00")) == timedelta(hours=30)


def test_a_year_of_holidays_gives_no_working_time_instead_of_a_loop() -> None:
    leap_year = [date(2028, 1, 1) + timedelta(days=n) for n in range(366)]
    every_day = [{"date": day.isoformat(), "name": "x", "recurring": True} for day in leap_year]
    cal = calendar(holidays=every_day)
    with pytest.raises(NoWorkingTime):
        cal.add(utc("2026-01-14 09:00"), minutes(1))
    assert cal.between(utc("2026-01-14 09:00"), utc("2026-02-14 09:00")) == timedelta(0)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"time_zone": "Mars/Olympus"}, "'Mars/Olympus' is not a known time zone"),
        ({"week": {"mon": [["17:00", "08:00"]]}}, "mon: 17:00-08:00 ends before it starts"),
        (
            {"week": {"mon": [["08:00", "12:30"], ["12:00", "17:00"]]}},
            "mon: office hours overlap at 12:00",
        ),
        ({"week": {"mon": [["8:00", "17:00"]]}}, "'8:00' is not a time of day as HH:MM"),
        ({"week": {"mon": [["08:00", "24:30"]]}}, "'24:30' is not a time of day as HH:MM"),
        ({"week": {"mon": [["24:00", "24:00"]]}}, "mon: a span cannot start at 24:00"),
        ({"week": {"monday": OFFICE}}, "unknown weekday 'monday'"),
        ({"week": {"mon": [], "tue": []}}, "the week needs office hours on at least one day"),
        (
            {
                "holidays": [
                    {"date": "2026-05-01", "name": "a"},
                    {"date": "2026-05-01", "name": "b"},
                ]
            },
            "two holidays on 2026-05-01",
        ),
    ],
)
def test_bad_calendars_are_refused_with_the_reason(fields: dict[str, object], message: str) -> None:
    data: dict[str, object] = {
        "name": "Support",
        "time_zone": "Europe/Berlin",
        "week": WEEKDAYS_ONLY,
    }
    data.update(fields)
    with pytest.raises(ValidationError) as caught:
        BusinessCalendarCreate.model_validate(data)
    assert message in str(caught.value)


def test_midnight_end_and_unsorted_spans_are_accepted() -> None:
    cal = calendar(week={"mon": [["13:00", "24:00"], ["00:00", "06:00"]]})
    # Monday 12 January 2026, 05:00 local + 2 h: 1 h until 06:00, then 13:00-14:00.
    assert cal.add(utc("2026-01-12 04:00"), minutes(120)) == utc("2026-01-12 13:00")
    # 23:30 local + 1 h: the 30 minutes until midnight, then next Monday 00:00-00:30.
    assert cal.add(utc("2026-01-12 22:30"), minutes(60)) == utc("2026-01-18 23:30")
