"""When a ticket escalates: pure functions of its facts, its targets and a working calendar.

The rule (docs/architecture/escalations.md), after OTRS:

* **response**: from the ticket's creation until the first agent article the customer can see;
  once there is one, the ticket has no response escalation any more;
* **update**: from the moment the ticket started waiting for us: the oldest customer article
  no agent has answered yet, else the latest agent article the customer saw, else the creation;
* **solution**: from the creation until the ticket is closed;
* no escalation at all while the state type is pending, closed, merged or removed;
* the SLA's targets win over the queue's (all of them: a ticket with an SLA follows its SLA);
  the calendar is the SLA's, else the queue's, else always open;
* each target may warn at a percent of its time (``*_notify``), counted in working time too.

Internal articles and system articles change nothing: only what the customer saw counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from frontdesk.domain.business_calendars.working_time import NoWorkingTime, WorkingCalendar

Kind = Literal["response", "update", "solution"]
KINDS: tuple[Kind, ...] = ("response", "update", "solution")
# States that do not escalate: waiting for someone else, or done.
NON_ESCALATING_STATE_TYPES = ("pending reminder", "pending auto", "closed", "merged", "removed")


@dataclass(frozen=True)
class Target:
    """One escalation target: working minutes, and the percent of them after which to warn."""

    minutes: int | None
    notify_percent: int | None = None


@dataclass(frozen=True)
class Targets:
    response: Target
    update: Target
    solution: Target

    @classmethod
    def none(cls) -> Targets:
        return cls(Target(None), Target(None), Target(None))

    def of(self, kind: Kind) -> Target:
        target: Target = getattr(self, kind)
        return target


@dataclass(frozen=True)
class Contact:
    """An article the customer can see, by who wrote it (``agent`` or ``customer``)."""

    at: datetime
    sender: Literal["agent", "customer"]


@dataclass(frozen=True)
class TicketFacts:
    created_at: datetime
    state_type: str
    # Oldest first.
    contacts: tuple[Contact, ...]


@dataclass(frozen=True)
class Deadline:
    """One kind's escalation instant and, if the target warns, the instant of its warning."""

    kind: Kind
    due_at: datetime
    warning_at: datetime | None


@dataclass(frozen=True)
class Notice:
    """A moment the periodic job announces once: ``name`` is the notification event name."""

    name: str
    history_type: str
    at: datetime
    kind: Kind
    due_at: datetime


@dataclass(frozen=True)
class Escalation:
    response: Deadline | None = None
    update: Deadline | None = None
    solution: Deadline | None = None

    def due(self, kind: Kind) -> datetime | None:
        deadline: Deadline | None = getattr(self, kind)
        return deadline.due_at if deadline else None

    @property
    def deadlines(self) -> tuple[Deadline, ...]:
        return tuple(d for d in (self.response, self.update, self.solution) if d is not None)

    @property
    def earliest(self) -> datetime | None:
        """The first of the three escalation instants (the ticket is escalated from then)."""
        return min((d.due_at for d in self.deadlines), default=None)

    def notices(self) -> list[Notice]:
        """Every warning and escalation moment, earliest first."""
        found = []
        for deadline in self.deadlines:
            word = HISTORY_WORD[deadline.kind]
            if deadline.warning_at is not None:
                found.append(
                    Notice(
                        f"escalation_{deadline.kind}_warning",
                        f"Escalation{word}TimeNotifyBefore",
                        deadline.warning_at,
                        deadline.kind,
                        deadline.due_at,
                    )
                )
            found.append(
                Notice(
                    f"escalation_{deadline.kind}",
                    f"Escalation{word}TimeStart",
                    deadline.due_at,
                    deadline.kind,
                    deadline.due_at,
                )
            )
        return sorted(found, key=lambda notice: (notice.at, notice.name))


HISTORY_WORD: dict[Kind, str] = {"response": "Response", "update": "Update", "solution": "Solution"}


def choose_targets(queue: Targets, sla: Targets | None) -> Targets:
    """A ticket with an SLA follows the SLA; without one, its queue."""
    return sla if sla is not None else queue


def first_response_at(contacts: Sequence[Contact]) -> datetime | None:
    """When an agent first wrote something the customer saw."""
    return next((c.at for c in contacts if c.sender == "agent"), None)


def waiting_since(created_at: datetime, contacts: Sequence[Contact]) -> datetime:
    """Where the update time starts (OTRS): the oldest customer article of the latest run of
    customer articles, else the latest agent article, else the creation of the ticket."""
    oldest_unanswered: datetime | None = None
    for contact in reversed(contacts):
        if contact.sender == "agent":
            return oldest_unanswered or contact.at
        oldest_unanswered = contact.at
    return oldest_unanswered or created_at


def _deadline(
    kind: Kind, start: datetime, target: Target, calendar: WorkingCalendar
) -> Deadline | None:
    if target.minutes is None or target.minutes <= 0:
        return None
    try:
        due_at = calendar.add(start, timedelta(minutes=target.minutes))
        warning_at = None
        percent = target.notify_percent
        if percent is not None and 0 < percent < 100:
            warning_at = calendar.add(start, timedelta(minutes=target.minutes * percent / 100))
    except NoWorkingTime:  # a calendar without office hours never lets a ticket escalate
        return None
    return Deadline(kind, due_at, warning_at)


def escalation(facts: TicketFacts, targets: Targets, calendar: WorkingCalendar) -> Escalation:
    """The ticket's escalation instants, computed from scratch."""
    if facts.state_type in NON_ESCALATING_STATE_TYPES:
        return Escalation()
    response = None
    if first_response_at(facts.contacts) is None:
        response = _deadline("response", facts.created_at, targets.response, calendar)
    since = waiting_since(facts.created_at, facts.contacts)
    return Escalation(
        response=response,
        update=_deadline("update", since, targets.update, calendar),
        solution=_deadline("solution", facts.created_at, targets.solution, calendar),
    )
