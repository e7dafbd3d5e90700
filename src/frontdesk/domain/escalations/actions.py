"""Writes of escalations: keep a ticket's escalation times, announce warnings and escalations.

``recompute_escalation`` is called by every ticket write that can move an escalation time
(create, a new article, a change of queue, SLA or state); the periodic job
(``jobs.py``) calls ``do_announce_escalations``. Neither commits: the caller's unit of work does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from frontdesk.bus.events import Audience
from frontdesk.core.actor import SYSTEM
from frontdesk.core.clock import as_utc, isoformat_z, utcnow
from frontdesk.domain.business_calendars.models import BusinessCalendar
from frontdesk.domain.business_calendars.schemas import working_calendar_of
from frontdesk.domain.business_calendars.working_time import WorkingCalendar
from frontdesk.domain.escalations.events import NoticeName, TicketEscalationReached
from frontdesk.domain.escalations.models import EscalationSweep, TicketEscalationNotice
from frontdesk.domain.escalations.rules import (
    HISTORY_WORD,
    KINDS,
    NON_ESCALATING_STATE_TYPES,
    Contact,
    Escalation,
    Notice,
    Target,
    Targets,
    TicketFacts,
    choose_targets,
    escalation,
)
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue.models import Queue, Sla, TicketState
from frontdesk.domain.tickets.models import Article, Ticket, TicketHistory

# Tickets the job looks at per run; the rest wait for the next run (a minute later).
ANNOUNCE_BATCH = 500


def queue_targets(queue: Queue) -> Targets:
    return Targets(
        response=Target(queue.first_response_minutes, queue.first_response_notify),
        update=Target(queue.update_minutes, queue.update_notify),
        solution=Target(queue.solution_minutes, queue.solution_notify),
    )


def sla_targets(sla: Sla) -> Targets:
    return Targets(
        response=Target(sla.first_response_minutes, sla.first_response_notify),
        update=Target(sla.update_minutes, sla.update_notify),
        solution=Target(sla.solution_minutes, sla.solution_notify),
    )


async def _calendar(session: AsyncSession, *calendar_ids: int | None) -> WorkingCalendar:
    """The first of these calendars that exists and is valid; else always open."""
    for calendar_id in calendar_ids:
        if calendar_id is None:
            continue
        calendar = await session.get(BusinessCalendar, calendar_id)
        if calendar is not None and calendar.valid:
            return working_calendar_of(calendar)
    return WorkingCalendar.always_open()


async def ticket_calendar(
    session: AsyncSession, ticket: Ticket, queue: Queue | None
) -> WorkingCalendar:
    """The calendar a ticket's times count in, as OTRS picks it: its valid SLA's, else its
    queue's, else none (every minute counts)."""
    sla = await session.get(Sla, ticket.sla_id) if ticket.sla_id is not None else None
    return await _calendar(
        session,
        sla.business_calendar_id if sla is not None and sla.valid else None,
        queue.business_calendar_id if queue else None,
    )


async def _contacts(session: AsyncSession, ticket_id: int) -> tuple[Contact, ...]:
    rows = await session.execute(
        select(Article.created_at, Article.sender_type)
        .where(
            Article.ticket_id == ticket_id,
            Article.visible_for_customer.is_(True),
            Article.sender_type.in_(("agent", "customer")),
        )
        .order_by(Article.created_at, Article.id)
    )
    return tuple(
        Contact(as_utc(at), "agent" if sender == "agent" else "customer") for at, sender in rows
    )


async def ticket_escalation(session: AsyncSession, ticket: Ticket) -> Escalation:
    """The ticket's escalation as the rules compute it from what is stored now."""
    # By primary key: the write that called this has usually loaded the state already.
    state = await session.get(TicketState, ticket.state_id)
    state_type = state.state_type if state is not None else None
    if state_type is None or state_type in NON_ESCALATING_STATE_TYPES:
        return Escalation()
    queue = await session.get(Queue, ticket.queue_id)
    sla = await session.get(Sla, ticket.sla_id) if ticket.sla_id is not None else None
    if sla is not None and not sla.valid:
        sla = None
    targets = choose_targets(
        queue_targets(queue) if queue else Targets.none(), sla_targets(sla) if sla else None
    )
    if all(targets.of(kind).minutes is None for kind in KINDS):
        return Escalation()
    calendar = await ticket_calendar(session, ticket, queue)
    facts = TicketFacts(
        created_at=as_utc(ticket.created_at),
        state_type=state_type,
        contacts=await _contacts(session, ticket.id),
    )
    return escalation(facts, targets, calendar)


def _history(tx: Tx, ticket_id: int, history_type: str, due_at: datetime, now: datetime) -> None:
    tx.session.add(
        TicketHistory(
            ticket_id=ticket_id,
            history_type=history_type,
            actor_kind=SYSTEM.kind,
            actor_id=None,
            actor_name=SYSTEM.login,
            values={"due_at": isoformat_z(due_at)},
            created_at=now,
        )
    )


async def recompute_escalation(
    tx: Tx, ticket: Ticket, *, now: datetime | None = None
) -> Escalation:
    """Store the ticket's escalation times as the rules give them now.

    An escalation that had been reached and is no longer (an agent answered, the ticket was
    closed or set pending) writes its ``Escalation…TimeStop`` history row.
    """
    now = now or utcnow()
    await tx.session.flush()
    result = await ticket_escalation(tx.session, ticket)
    for kind in KINDS:
        old: datetime | None = getattr(ticket, f"escalation_{kind}_at")
        new = result.due(kind)
        if old is not None and as_utc(old) <= now and (new is None or new > now):
            _history(tx, ticket.id, f"Escalation{HISTORY_WORD[kind]}TimeStop", old, now)
    # The job looks again at the first notice; those already announced it skips.
    first_notice = min((n.at for n in result.notices()), default=None)
    await _store(
        tx.session,
        ticket,
        escalation_response_at=result.due("response"),
        escalation_update_at=result.due("update"),
        escalation_solution_at=result.due("solution"),
        escalation_at=result.earliest,
        escalation_notice_at=first_notice,
    )
    return result


async def _store(session: AsyncSession, ticket: Ticket, **values: datetime | None) -> None:
    """Write escalation columns without touching ``updated_at``: an escalation time moving on
    is not a change of the ticket (lists sorted by "changed" must not jump)."""
    changed = {
        column: value
        for column, value in values.items()
        if (as_utc(old) if (old := getattr(ticket, column)) is not None else None) != value
    }
    if not changed:
        return
    await session.execute(
        update(Ticket)
        .where(Ticket.id == ticket.id)
        .values(**changed, updated_at=Ticket.updated_at)
        .execution_options(synchronize_session=False)
    )
    for column, value in changed.items():
        set_committed_value(ticket, column, value)


def _audience(ticket: Ticket, group_id: int | None) -> Audience:
    return Audience(
        agent_ids=tuple(sorted({ticket.owner_id, ticket.responsible_id})),
        group_ids=(group_id,) if group_id is not None else (),
    )


async def _announce(tx: Tx, ticket: Ticket, notices: list[Notice], now: datetime) -> list[str]:
    """Announce the notices of the ticket not announced before; their names."""
    done = {
        (name, as_utc(due_at))
        for name, due_at in await tx.session.execute(
            select(TicketEscalationNotice.name, TicketEscalationNotice.due_at).where(
                TicketEscalationNotice.ticket_id == ticket.id
            )
        )
    }
    fresh = [n for n in notices if (n.name, n.due_at) not in done]
    if not fresh:
        return []
    group_id = await tx.session.scalar(select(Queue.group_id).where(Queue.id == ticket.queue_id))
    for notice in fresh:
        tx.session.add(
            TicketEscalationNotice(
                ticket_id=ticket.id, name=notice.name, due_at=notice.due_at, sent_at=now
            )
        )
        _history(tx, ticket.id, notice.history_type, notice.due_at, now)
        name: NoticeName = notice.name  # type: ignore[assignment]  # built from KINDS
        tx.emit(
            TicketEscalationReached(
                ticket_id=ticket.id,
                name=name,
                due_at=isoformat_z(notice.due_at) or "",
                audience=_audience(ticket, group_id),
            )
        )
    return [n.name for n in fresh]


async def do_announce_escalations(
    tx: Tx, now: datetime, *, batch: int = ANNOUNCE_BATCH
) -> list[tuple[int, str]]:
    """Recompute the tickets whose next warning or escalation has come and announce each
    moment once (event + history row); returns (ticket id, notice name) announced.

    Idempotent: what was announced is recorded, and the ticket's next notice moves on.
    """
    tickets = await tx.session.scalars(
        select(Ticket)
        .where(Ticket.escalation_notice_at <= now)
        .order_by(Ticket.escalation_notice_at, Ticket.id)
        .limit(batch)
    )
    announced: list[tuple[int, str]] = []
    for ticket in list(tickets):
        result = await recompute_escalation(tx, ticket, now=now)
        notices = result.notices()
        due = [n for n in notices if n.at <= now]
        announced += [(ticket.id, name) for name in await _announce(tx, ticket, due, now)]
        await _store(
            tx.session,
            ticket,
            escalation_notice_at=min((n.at for n in notices if n.at > now), default=None),
        )
    await tx.session.flush()
    return announced


# --- changed calendars, queues and SLAs ----------------------------------------------------------

SWEEP_ID = 1


def _has_target(model: type[Queue] | type[Sla]) -> ColumnElement[bool]:
    return or_(
        model.first_response_minutes.is_not(None),
        model.update_minutes.is_not(None),
        model.solution_minutes.is_not(None),
    )


async def _latest_change(session: AsyncSession) -> datetime | None:
    latest = [
        await session.scalar(select(func.max(model.updated_at)))
        for model in (BusinessCalendar, Queue, Sla)
    ]
    return max((as_utc(at) for at in latest if at is not None), default=None)


async def do_queue_recomputes_for_changed_targets(tx: Tx, now: datetime) -> int:
    """Queue the tickets of calendars, queues and SLAs changed since the last pass for a
    recompute by ``do_announce_escalations`` (their next notice becomes ``now``); how many.

    Only tickets in a state that escalates: the others get times again on their next change.
    """
    session = tx.session
    sweep = await session.get(EscalationSweep, SWEEP_ID)
    latest = await _latest_change(session)
    escalating = select(TicketState.id).where(
        TicketState.state_type.not_in(NON_ESCALATING_STATE_TYPES)
    )
    if sweep is None:
        affected: ColumnElement[bool] = or_(
            Ticket.queue_id.in_(select(Queue.id).where(_has_target(Queue))),
            Ticket.sla_id.in_(select(Sla.id).where(_has_target(Sla))),
        )
        session.add(EscalationSweep(id=SWEEP_ID, changed_until=latest or now))
    else:
        since = as_utc(sweep.changed_until)
        if latest is None or latest <= since:
            return 0
        calendars = select(BusinessCalendar.id).where(BusinessCalendar.updated_at > since)
        affected = or_(
            Ticket.queue_id.in_(
                select(Queue.id).where(
                    or_(Queue.updated_at > since, Queue.business_calendar_id.in_(calendars))
                )
            ),
            Ticket.sla_id.in_(
                select(Sla.id).where(
                    or_(Sla.updated_at > since, Sla.business_calendar_id.in_(calendars))
                )
            ),
        )
        sweep.changed_until = latest
    result = await session.execute(
        update(Ticket)
        .where(Ticket.state_id.in_(escalating), affected)
        .values(escalation_notice_at=now, updated_at=Ticket.updated_at)
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    return int(getattr(result, "rowcount", 0) or 0)
