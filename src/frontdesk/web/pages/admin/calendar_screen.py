"""The admin screen of business calendars: office hours as one text input per weekday
(``08:00-12:00, 13:00-17:00``) and holidays as lines (``2026-12-24 Company party`` once,
``12-25 Christmas Day`` every year). The form is turned into the API's shape here; the domain
checks it the same way for both.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import BaseModel

from frontdesk.core.actor import Actor
from frontdesk.core.clock import known_timezones
from frontdesk.core.errors import ValidationFailed
from frontdesk.core.input_model import InputModel
from frontdesk.core.pagination import Page, PageRequest
from frontdesk.domain.business_calendars import actions, queries
from frontdesk.domain.business_calendars.schemas import (
    BusinessCalendarCreate,
    BusinessCalendarOut,
    BusinessCalendarUpdate,
    office_hours,
)
from frontdesk.domain.business_calendars.working_time import WEEKDAYS
from frontdesk.domain.runtime import Tx
from frontdesk.web.pages.admin.screen import (
    COMMENT_FIELD,
    VALID_COLUMN,
    AdminScreen,
    Choices,
    ListColumn,
    attr_text,
)
from frontdesk.web.pages.admin_forms import FormField, ui_text

# A recurring holiday keeps a date in a leap year, so 29 February can be one.
YEARLY = 2000
_SPAN = re.compile(r"^\s*(\d\d:\d\d)\s*-\s*(\d\d:\d\d)\s*$")
_HOLIDAY = re.compile(r"^\s*(?:(\d{4})-)?(\d\d)-(\d\d)\s+(.+?)\s*$")
DAY_LABELS = {
    "mon": ui_text("Monday"),
    "tue": ui_text("Tuesday"),
    "wed": ui_text("Wednesday"),
    "thu": ui_text("Thursday"),
    "fri": ui_text("Friday"),
    "sat": ui_text("Saturday"),
    "sun": ui_text("Sunday"),
}


def spans_of(day: str, text: str) -> list[tuple[str, str]]:
    spans: list[tuple[str, str]] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = _SPAN.match(part)
        if match is None:
            raise ValidationFailed(day, f"{part!r} is not a span like 08:00-17:00")
        spans.append((match[1], match[2]))
    try:
        office_hours(spans, day)
    except ValueError as exc:
        raise ValidationFailed(day, str(exc)) from exc
    return spans


def holidays_of(text: str) -> list[dict[str, Any]]:
    holidays: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _HOLIDAY.match(line)
        if match is None:
            raise ValidationFailed(
                "holidays", f"line {number}: write 2026-12-24 Name, or 12-25 Name for every year"
            )
        year, month, day, name = match.groups()
        try:
            when = date(int(year or YEARLY), int(month), int(day))
        except ValueError as exc:
            raise ValidationFailed("holidays", f"line {number}: {exc}") from exc
        holidays.append({"date": when.isoformat(), "name": name, "recurring": year is None})
    return holidays


class CalendarForm(InputModel):
    """The posted form, as text; ``calendar()`` turns it into the domain's input."""

    name: str = ""
    time_zone: str = ""
    mon: str = ""
    tue: str = ""
    wed: str = ""
    thu: str = ""
    fri: str = ""
    sat: str = ""
    sun: str = ""
    holidays: str = ""
    comment: str | None = None
    valid: bool = True

    def fields(self) -> dict[str, Any]:
        week = {day: spans_of(day, getattr(self, day)) for day in WEEKDAYS}
        if not any(week.values()):
            raise ValidationFailed("mon", "the week needs office hours on at least one day")
        return {
            "name": self.name,
            "time_zone": self.time_zone,
            "week": {day: spans for day, spans in week.items() if spans},
            "holidays": holidays_of(self.holidays),
            "comment": self.comment,
            "valid": self.valid,
        }


class CalendarView(BaseModel):
    """A calendar as the form and the list show it."""

    id: int
    name: str
    time_zone: str
    mon: str
    tue: str
    wed: str
    thu: str
    fri: str
    sat: str
    sun: str
    holidays: str
    comment: str | None
    valid: bool

    @classmethod
    def of(cls, calendar: BusinessCalendarOut) -> CalendarView:
        days = {
            day: ", ".join(f"{start}-{end}" for start, end in calendar.week.get(day, []))
            for day in WEEKDAYS
        }
        lines = [
            f"{h.date:%m-%d} {h.name}" if h.recurring else f"{h.date.isoformat()} {h.name}"
            for h in calendar.holidays
        ]
        return cls(
            id=calendar.id,
            name=calendar.name,
            time_zone=calendar.time_zone,
            holidays="\n".join(lines),
            comment=calendar.comment,
            valid=calendar.valid,
            **days,
        )


def office_week_text(item: Any, lookups: dict[str, dict[str, str]]) -> str:
    return "; ".join(f"{day}: {getattr(item, day)}" for day in WEEKDAYS if getattr(item, day))


async def _list(session: Any, actor: Actor, page: PageRequest, **extra: Any) -> Page[CalendarView]:
    found = await queries.calendars_for_actor(session, actor, page, search=extra.get("search"))
    items = [CalendarView.of(item) for item in found.items]
    return Page(items=items, total=found.total, limit=found.limit, offset=found.offset)


async def _get(session: Any, actor: Actor, calendar_id: int) -> CalendarView:
    return CalendarView.of(await queries.calendar_for_actor(session, actor, calendar_id))


async def _create(tx: Tx, actor: Actor, form: CalendarForm) -> object:
    data = BusinessCalendarCreate.model_validate(form.fields())
    return await actions.do_create_calendar(tx, actor, data)


async def _update(tx: Tx, actor: Actor, calendar_id: int, form: CalendarForm) -> object:
    if form.model_fields_set == {"valid"}:  # the list's valid/invalid switch
        data = BusinessCalendarUpdate(valid=form.valid)
    else:
        data = BusinessCalendarUpdate.model_validate(form.fields())
    return await actions.do_update_calendar(tx, actor, calendar_id, data)


async def _time_zone_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    return {"time_zone": [(zone, zone) for zone in sorted(known_timezones())]}


CALENDAR_SCREEN = AdminScreen(
    slug="business-calendars",
    title=ui_text("Business calendars"),
    add_label=ui_text("Add business calendar"),
    fields=(
        FormField("name", ui_text("Name"), required=True, max_length=200),
        FormField(
            "time_zone",
            ui_text("Time zone"),
            "select",
            required=True,
            hint=ui_text("Office hours and holidays are in this zone."),
        ),
        *(
            FormField(
                day,
                DAY_LABELS[day],
                hint=ui_text("Office hours like 08:00-12:00, 13:00-17:00; empty: closed."),
                max_length=200,
            )
            for day in WEEKDAYS
        ),
        FormField(
            "holidays",
            ui_text("Holidays"),
            "textarea",
            hint=ui_text(
                "One per line: 2026-12-24 Company party (once), 12-25 Christmas Day (every year)."
            ),
            max_length=20_000,
        ),
        COMMENT_FIELD,
    ),
    columns=(
        ListColumn(ui_text("Name"), attr_text("name")),
        ListColumn(ui_text("Time zone"), attr_text("time_zone")),
        ListColumn(ui_text("Office hours"), office_week_text),
        VALID_COLUMN,
    ),
    list_page=_list,
    get=_get,
    create_schema=CalendarForm,
    create=_create,
    update_schema=CalendarForm,
    update=_update,
    delete=actions.do_delete_calendar,
    choices=_time_zone_choices,
    searchable=True,
)
