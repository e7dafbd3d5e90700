"""The escalation rules as pure functions: exact instants in a Mon-Fri 08:00-17:00 Berlin week,
across a weekend, both daylight-saving changes of 2026 (29 March, 25 October) and holidays."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from frontdesk.domain.business_calendars.schemas import BusinessCalendarCreate
from frontdesk.domain.business_calendars.working_time import WorkingCalendar
from frontdesk.domain.escalations.rules import (
    Contact,
    Escalation,
    Target,
    Targets,
    TicketFacts,
    choose_targets,
    escalation,
    waiting_since,
)

OFFICE = [["08:00", "17:00"]]
WEEK = {"mon": OFFICE, "tue": OFFICE, "wed": OFFICE, "thu": OFFICE, "fri": OFFICE}


def berlin(holidays: list[dict[str, object]] | None = None) -> WorkingCalendar:
    data = {"name": "Support", "time_zone": "Europe/Berlin", "week": WEEK}
    return BusinessCalendarCreate.model_validate(
        {**data, "holidays": holidays or []}
    ).working_calendar()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def facts(created: str, *contacts: tuple[str, str], state_type: str = "open") -> TicketFacts:
    return TicketFacts(
        created_at=utc(created),
        state_type=state_type,
        contacts=tuple(Contact(utc(at), sender) for at, sender in contacts),  # type: ignore[arg-type]
    )


RESPONSE_4H = Targets(Target(240), Target(None), Target(None))


@pytest.mark.parametrize(
    ("created", "due"),
    [
        # Friday 16:00 CET: one hour on Friday, three on Monday: Monday 11:00 CET.
        ("2026-01-09 15:00", "2026-01-12 10:00"),
        # Friday 16:00 CET before the spring change; Monday 11:00 is CEST (UTC+2).
        ("2026-03-27 15:00", "2026-03-30 09:00"),
        # Friday 16:00 CEST before the autumn change; Monday 11:00 is CET (UTC+1).
        ("2026-10-23 14:00", "2026-10-26 10:00"),
        # Saturday: nothing counts before Monday 08:00; four hours later, 12:00 CET.
        ("2026-01-10 11:00", "2026-01-12 11:00"),
    ],
)
def test_response_time_counts_only_office_hours(created: str, due: str) -> None:
    result = escalation(facts(created, (created, "customer")), RESPONSE_4H, berlin())
    assert result == Escalation(response=result.response)
    assert result.due("response") == utc(due)
    assert result.earliest == utc(due)


def test_holidays_are_skipped_one_off_and_recurring() -> None:
    holidays = [
        {"date": "2026-10-26", "name": "Company day", "recurring": False},
        {"date": "2020-10-27", "name": "Every year", "recurring": True},
    ]
    result = escalation(facts("2026-10-23 14:00"), RESPONSE_4H, berlin(holidays))
    # Friday's hour, then Monday and Tuesday are off: Wednesday 11:00 CET.
    assert result.due("response") == utc("2026-10-28 10:00")


def test_the_first_visible_agent_answer_ends_the_response_time() -> None:
    calendar = berlin()
    unanswered = facts("2026-01-09 15:00", ("2026-01-09 15:00", "customer"))
    answered = facts(
        "2026-01-09 15:00", ("2026-01-09 15:00", "customer"), ("2026-01-12 08:30", "agent")
    )
    assert escalation(unanswered, RESPONSE_4H, calendar).due("response") == utc("2026-01-12 10:00")
    assert escalation(answered, RESPONSE_4H, calendar) == Escalation()


def test_update_time_waits_since_the_oldest_unanswered_customer_article() -> None:
    contacts = [
        ("2026-01-12 08:00", "customer"),  # Monday 09:00 CET
        ("2026-01-12 09:00", "agent"),  # answered at 10:00
        ("2026-01-12 12:00", "customer"),  # 13:00, unanswered …
        ("2026-01-12 13:00", "customer"),  # … and again at 14:00
    ]
    assert waiting_since(utc("2026-01-12 08:00"), []) == utc("2026-01-12 08:00")
    assert waiting_since(utc("2026-01-12 08:00"), [Contact(utc(a), s) for a, s in contacts]) == (  # type: ignore[arg-type]
        utc("2026-01-12 12:00")
    )
    targets = Targets(Target(None), Target(300), Target(None))
    result = escalation(facts("2026-01-12 08:00", *contacts), targets, berlin())
    # 13:00 CET plus five working hours: four on Monday, one on Tuesday: Tuesday 09:00 CET.
    assert result.due("update") == utc("2026-01-13 08:00")
    # After an agent answer the update time starts again from the answer.
    answered = facts("2026-01-12 08:00", *contacts, ("2026-01-13 07:30", "agent"))
    assert escalation(answered, targets, berlin()).due("update") == utc("2026-01-13 12:30")


def test_solution_time_runs_from_creation_until_closed() -> None:
    targets = Targets(Target(None), Target(None), Target(9 * 60 * 2))
    open_ticket = facts("2026-01-09 15:00", ("2026-01-12 08:00", "agent"))
    # Two working days from Friday 16:00 CET: Tuesday 16:00 CET.
    assert escalation(open_ticket, targets, berlin()).due("solution") == utc("2026-01-13 15:00")
    closed = facts("2026-01-09 15:00", state_type="closed")
    assert escalation(closed, targets, berlin()) == Escalation()


@pytest.mark.parametrize("state_type", ["pending reminder", "pending auto", "merged", "removed"])
def test_pending_and_finished_states_do_not_escalate(state_type: str) -> None:
    targets = Targets(Target(60), Target(60), Target(60))
    assert escalation(facts("2026-01-09 15:00", state_type=state_type), targets, berlin()) == (
        Escalation()
    )


def test_warnings_come_at_their_percent_of_the_working_time() -> None:
    targets = Targets(Target(240, 50), Target(None), Target(480, 75))
    result = escalation(facts("2026-01-09 15:00"), targets, berlin())
    assert [(n.name, n.history_type, n.at) for n in result.notices()] == [
        # Half of four hours: Friday's hour and Monday 08:00-09:00 CET.
        (
            "escalation_response_warning",
            "EscalationResponseTimeNotifyBefore",
            utc("2026-01-12 08:00"),
        ),
        ("escalation_response", "EscalationResponseTimeStart", utc("2026-01-12 10:00")),
        # Six of eight hours: Friday's hour and five on Monday.
        (
            "escalation_solution_warning",
            "EscalationSolutionTimeNotifyBefore",
            utc("2026-01-12 12:00"),
        ),
        ("escalation_solution", "EscalationSolutionTimeStart", utc("2026-01-12 14:00")),
    ]


def test_the_sla_wins_over_the_queue_and_always_open_counts_every_hour() -> None:
    queue = Targets(Target(240), Target(None), Target(None))
    sla = Targets(Target(60), Target(None), Target(None))
    assert choose_targets(queue, sla) is sla
    assert choose_targets(queue, None) is queue
    result = escalation(
        facts("2026-01-09 15:00"), choose_targets(queue, sla), WorkingCalendar.always_open()
    )
    assert result.due("response") == utc("2026-01-09 16:00")


def test_no_targets_and_no_working_hours_mean_no_escalation() -> None:
    assert escalation(facts("2026-01-09 15:00"), Targets.none(), berlin()) == Escalation()
    closed_week = WorkingCalendar("Europe/Berlin", ((),) * 7)
    assert escalation(facts("2026-01-09 15:00"), RESPONSE_4H, closed_week) == Escalation()
