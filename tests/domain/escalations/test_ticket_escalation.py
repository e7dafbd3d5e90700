"""Escalation times kept on tickets and announced by the job, with a frozen clock, on SQLite and
PostgreSQL: a Friday ticket in a Berlin office week, daylight saving, holidays, pending states,
agent answers and SLAs."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select, update

from frontdesk.core.errors import PermissionDenied
from frontdesk.domain.business_calendars import actions as calendar_actions
from frontdesk.domain.business_calendars.schemas import BusinessCalendarUpdate
from frontdesk.domain.escalations.actions import (
    do_announce_escalations,
    do_queue_recomputes_for_changed_targets,
)
from frontdesk.domain.escalations.events import TicketEscalationReached
from frontdesk.domain.ticket_catalogue.models import Sla
from frontdesk.domain.tickets import actions
from frontdesk.domain.tickets.models import Ticket, TicketHistory
from frontdesk.domain.tickets.schemas import ArticleCreate, TicketCreate, TicketUpdate
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.domain.escalations.clock import (
    RAW,
    berlin_calendar,
    freeze,
    set_queue_targets,
    utc,
)
from tests.domain.tickets.people import actor_of, make_agent, transaction

CUSTOMER_CALL = ArticleCreate(channel="phone", sender="customer", body="The printer is on fire")


async def _create(web: WebState, **extra: object) -> int:
    actor = await actor_of(web, "agent", "worker")
    async with transaction(web) as tx:
        ticket = await actions.do_create_ticket(
            tx,
            actor,
            TicketCreate(title="Printer", queue_id=RAW, article=CUSTOMER_CALL, **extra),
        )
        return ticket.id


async def _times(web: WebState, ticket_id: int) -> dict[str, datetime | None]:
    async with transaction(web) as tx:
        ticket = await tx.session.get(Ticket, ticket_id)
        assert ticket is not None
        return {
            "response": ticket.escalation_response_at,
            "update": ticket.escalation_update_at,
            "solution": ticket.escalation_solution_at,
            "earliest": ticket.escalation_at,
            "notice": ticket.escalation_notice_at,
        }


async def _announce(web: WebState, now: datetime) -> list[tuple[int, str]]:
    async with transaction(web) as tx:
        return await do_announce_escalations(tx, now)


async def _escalation_history(web: WebState, ticket_id: int) -> list[tuple[str, object, str]]:
    async with transaction(web) as tx:
        rows = await tx.session.scalars(
            select(TicketHistory)
            .where(
                TicketHistory.ticket_id == ticket_id,
                TicketHistory.history_type.like("Escalation%"),
            )
            .order_by(TicketHistory.id)
        )
        return [(r.history_type, r.values["due_at"], r.actor_kind) for r in rows]


@pytest.fixture
async def berlin_queue(web: WebState) -> int:
    """Raw counts in a Mon-Fri 08:00-17:00 Berlin week: 4 h response warned at half time."""
    calendar_id = await berlin_calendar(
        web, [{"date": "2027-11-01", "name": "All Saints' Day", "recurring": False}]
    )
    await set_queue_targets(
        web,
        RAW,
        business_calendar_id=calendar_id,
        first_response_minutes=240,
        first_response_notify=50,
    )
    await make_agent(web, "worker", ["rw"])
    return calendar_id


async def test_a_friday_ticket_escalates_on_monday_is_announced_once_and_an_answer_stops_it(
    web: WebState,
    berlin_queue: int,
    events: RecordedEvents,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = freeze(monkeypatch, "2027-01-08 15:00")  # Friday 16:00 in Berlin
    ticket_id = await _create(web)
    assert await _times(web, ticket_id) == {
        "response": utc("2027-01-11 10:00"),  # Monday 11:00 in Berlin
        "update": None,
        "solution": None,
        "earliest": utc("2027-01-11 10:00"),
        "notice": utc("2027-01-11 08:00"),  # the warning, Monday 09:00 in Berlin
    }

    # Over the weekend nothing is due; on Monday at 09:30 the warning, once.
    assert await _announce(web, utc("2027-01-10 12:00")) == []
    assert await _announce(web, utc("2027-01-11 08:30")) == [
        (ticket_id, "escalation_response_warning")
    ]
    assert await _announce(web, utc("2027-01-11 08:31")) == []
    assert await _announce(web, utc("2027-01-11 10:00")) == [(ticket_id, "escalation_response")]
    assert await _announce(web, utc("2027-01-11 10:05")) == []
    reached = [e for e in events if isinstance(e, TicketEscalationReached)]
    assert [(e.ticket_id, e.name, e.due_at) for e in reached] == [
        (ticket_id, "escalation_response_warning", "2027-01-11T10:00:00.000Z"),
        (ticket_id, "escalation_response", "2027-01-11T10:00:00.000Z"),
    ]
    assert reached[0].audience.group_ids != ()
    assert (await _times(web, ticket_id))["notice"] is None

    # The agent phones back at 11:30: the response escalation is over.
    clock.set("2027-01-11 10:30")
    actor = await actor_of(web, "agent", "worker")
    async with transaction(web) as tx:
        await actions.do_add_article(
            tx, actor, ticket_id, ArticleCreate(channel="phone", body="Called back")
        )
    assert await _times(web, ticket_id) == dict.fromkeys(
        ("response", "update", "solution", "earliest", "notice")
    )
    assert await _escalation_history(web, ticket_id) == [
        ("EscalationResponseTimeNotifyBefore", "2027-01-11T10:00:00.000Z", "system"),
        ("EscalationResponseTimeStart", "2027-01-11T10:00:00.000Z", "system"),
        ("EscalationResponseTimeStop", "2027-01-11T10:00:00.000Z", "system"),
    ]
    assert await _announce(web, utc("2027-01-12 10:00")) == []


async def test_an_internal_note_is_no_answer(
    web: WebState, berlin_queue: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch, "2027-01-08 15:00")
    ticket_id = await _create(web)
    actor = await actor_of(web, "agent", "worker")
    async with transaction(web) as tx:
        await actions.do_add_article(
            tx, actor, ticket_id, ArticleCreate(channel="internal", body="Looking into it")
        )
    assert (await _times(web, ticket_id))["response"] == utc("2027-01-11 10:00")


@pytest.mark.parametrize(
    ("created", "due"),
    [
        # Friday 16:00 CET before the spring change (28 March 2027): Monday 11:00 CEST.
        ("2027-03-26 15:00", "2027-03-29 09:00"),
        # Friday 16:00 CEST before the autumn change (31 October 2027); Monday 1 November is a
        # holiday: Tuesday 11:00 CET.
        ("2027-10-29 14:00", "2027-11-02 10:00"),
    ],
)
async def test_escalation_across_a_daylight_saving_change_and_a_holiday(
    web: WebState,
    berlin_queue: int,
    monkeypatch: pytest.MonkeyPatch,
    created: str,
    due: str,
) -> None:
    freeze(monkeypatch, created)
    ticket_id = await _create(web)
    assert (await _times(web, ticket_id))["response"] == utc(due)


async def test_a_pending_state_stops_escalation_and_open_restarts_it(
    web: WebState, berlin_queue: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = freeze(monkeypatch, "2027-01-08 15:00")
    ticket_id = await _create(web)
    actor = await actor_of(web, "agent", "worker")
    clock.set("2027-01-11 09:00")
    async with transaction(web) as tx:
        await actions.do_update_ticket(
            tx,
            actor,
            ticket_id,
            TicketUpdate(state="pending reminder", pending_until=utc("2027-01-12 09:00")),
        )
    assert await _times(web, ticket_id) == dict.fromkeys(
        ("response", "update", "solution", "earliest", "notice")
    )
    assert await _announce(web, utc("2027-01-11 12:00")) == []
    # Not reached while it was pending: no Stop entry.
    assert await _escalation_history(web, ticket_id) == []

    clock.set("2027-01-12 09:30")
    async with transaction(web) as tx:
        await actions.do_update_ticket(tx, actor, ticket_id, TicketUpdate(state="open"))
    # Counted from the creation again, so it is escalated at once.
    assert (await _times(web, ticket_id))["earliest"] == utc("2027-01-11 10:00")


async def test_the_sla_wins_over_the_queue_and_the_job_leaves_changed_time_alone(
    web: WebState, berlin_queue: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with transaction(web) as tx:
        sla = Sla(
            name="Gold",
            first_response_minutes=60,
            update_minutes=None,
            solution_minutes=120,
            solution_notify=50,
            preferences={},
        )
        tx.session.add(sla)
        await tx.session.flush()
        sla_id = sla.id
    freeze(monkeypatch, "2027-01-08 15:00")
    ticket_id = await _create(web, sla_id=sla_id)
    # The SLA has no calendar: the queue's counts. No warning of the response (the SLA sets
    # none), the solution warned after an hour.
    assert await _times(web, ticket_id) == {
        "response": utc("2027-01-08 16:00"),  # Friday 17:00 in Berlin
        "update": None,
        "solution": utc("2027-01-11 08:00"),  # Monday 09:00
        "earliest": utc("2027-01-08 16:00"),
        "notice": utc("2027-01-08 16:00"),
    }
    async with transaction(web) as tx:
        before = (await tx.session.get(Ticket, ticket_id)).updated_at  # type: ignore[union-attr]
    assert await _announce(web, utc("2027-01-11 09:00")) == [
        (ticket_id, "escalation_response"),
        (ticket_id, "escalation_solution_warning"),
        (ticket_id, "escalation_solution"),
    ]
    async with transaction(web) as tx:
        ticket = await tx.session.get(Ticket, ticket_id)
        assert ticket is not None and ticket.updated_at == before


async def _job_pass(web: WebState, now: datetime) -> tuple[int, list[tuple[int, str]]]:
    async with transaction(web) as tx:
        queued = await do_queue_recomputes_for_changed_targets(tx, now)
        return queued, await do_announce_escalations(tx, now)


async def test_tickets_from_before_and_a_changed_calendar_are_recomputed_by_the_job(
    web: WebState, berlin_queue: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch, "2027-01-08 15:00")
    ticket_id = await _create(web)
    other = await _create(web, state="closed successful")
    # As a ticket from before escalations were kept: no times yet.
    async with transaction(web) as tx:
        await tx.session.execute(
            update(Ticket).values(escalation_response_at=None, escalation_notice_at=None)
        )
    assert (await _times(web, ticket_id))["response"] is None

    # The first pass takes every ticket with a target; closed ones do not escalate.
    assert await _job_pass(web, utc("2027-01-08 15:01")) == (1, [])
    assert (await _times(web, ticket_id))["response"] == utc("2027-01-11 10:00")
    assert (await _times(web, other))["response"] is None
    assert await _job_pass(web, utc("2027-01-08 15:02")) == (0, [])

    # Monday becomes a holiday: the ticket now escalates on Tuesday at 11:00.
    admin = await actor_of(web, "agent", "admin")
    async with transaction(web) as tx:
        await calendar_actions.do_update_calendar(
            tx,
            admin,
            berlin_queue,
            BusinessCalendarUpdate.model_validate(
                {"holidays": [{"date": "2027-01-11", "name": "Closed", "recurring": False}]}
            ),
        )
    assert await _job_pass(web, utc("2027-01-08 15:03")) == (1, [])
    assert (await _times(web, ticket_id))["response"] == utc("2027-01-12 10:00")
    assert await _job_pass(web, utc("2027-01-08 15:04")) == (0, [])


async def test_a_refused_answer_changes_no_escalation_and_announces_nothing(
    web: WebState,
    berlin_queue: int,
    events: RecordedEvents,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = freeze(monkeypatch, "2027-01-08 15:00")
    ticket_id = await _create(web)
    before = await _times(web, ticket_id)
    await make_agent(web, "reader", ["ro"])
    reader = await actor_of(web, "agent", "reader")
    clock.set("2027-01-11 09:30")
    events.clear()
    with pytest.raises(PermissionDenied):
        async with transaction(web) as tx:
            await actions.do_add_article(
                tx, reader, ticket_id, ArticleCreate(channel="phone", body="Called back")
            )
    assert await _times(web, ticket_id) == before
    assert await _escalation_history(web, ticket_id) == []
    assert events == []
