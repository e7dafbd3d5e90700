"""A frozen clock for escalation tests, and a Berlin office week with targets on a queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from frontdesk.core.actor import SYSTEM
from frontdesk.domain.business_calendars import actions as calendar_actions
from frontdesk.domain.business_calendars.schemas import BusinessCalendarCreate
from frontdesk.domain.escalations import actions as escalation_actions
from frontdesk.domain.ticket_catalogue.models import Queue
from frontdesk.domain.tickets.actions import articles as ticket_articles
from frontdesk.domain.tickets.actions import creation as ticket_creation
from frontdesk.domain.tickets.actions import history as ticket_history
from frontdesk.domain.tickets.actions import seen as ticket_seen
from frontdesk.domain.tickets.actions import updates as ticket_updates
from frontdesk.web.state import WebState
from tests.domain.tickets.people import transaction

OFFICE = [["08:00", "17:00"]]
WEEK = {"mon": OFFICE, "tue": OFFICE, "wed": OFFICE, "thu": OFFICE, "fri": OFFICE}
RAW, JUNK, MISC = 2, 3, 4


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class FrozenClock:
    """``utcnow`` of the ticket and escalation actions, standing still until moved."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, text: str) -> datetime:
        self.now = utc(text)
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def freeze(monkeypatch: pytest.MonkeyPatch, text: str) -> FrozenClock:
    clock = FrozenClock(utc(text))
    # Each module of the ticket actions that reads the clock imported ``utcnow`` itself.
    ticket_modules = (ticket_articles, ticket_creation, ticket_history, ticket_seen, ticket_updates)
    for module in (*ticket_modules, escalation_actions):
        monkeypatch.setattr(module, "utcnow", clock)
    return clock


async def berlin_calendar(web: WebState, holidays: list[dict[str, object]] | None = None) -> int:
    async with transaction(web) as tx:
        calendar = await calendar_actions.do_create_calendar(
            tx,
            SYSTEM,
            BusinessCalendarCreate.model_validate(
                {
                    "name": "Berlin office",
                    "time_zone": "Europe/Berlin",
                    "week": WEEK,
                    "holidays": holidays or [],
                }
            ),
        )
        return calendar.id


async def set_queue_targets(web: WebState, queue_id: int, **values: int | None) -> None:
    """Escalation targets of a queue (no admin form for them yet: written as the admin would)."""
    async with transaction(web) as tx:
        await tx.session.execute(update(Queue).where(Queue.id == queue_id).values(**values))
