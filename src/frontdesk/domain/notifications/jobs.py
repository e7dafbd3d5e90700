"""The notification sweep: every few seconds, and at once after a ticket change committed in
this process (or, with Redis, in any process)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.bus.events import Event
from frontdesk.domain.notifications.dispatch import dispatch_due
from frontdesk.domain.notifications.triggers import EVENT_TRIGGERS
from frontdesk.domain.runtime import Runtime
from frontdesk.domain.tickets.events import ArticleCreated, TicketCreated, TicketUpdated
from frontdesk.jobs.scheduler import JobBody, JobScheduler

DISPATCH_JOB = "notifications.dispatch"
DISPATCH_NOW_JOB = "notifications.dispatch_now"
DISPATCH_SECONDS = 5
NUDGING_KINDS = frozenset({TicketCreated.kind, ArticleCreated.kind, TicketUpdated.kind})


def register(scheduler: JobScheduler, runtime: Runtime) -> None:
    body = sweep_body(scheduler, runtime)
    scheduler.register_periodic(DISPATCH_JOB, body, seconds=DISPATCH_SECONDS)

    async def _on_event(event: Event) -> None:
        if scheduler.running and (event.kind in NUDGING_KINDS or event.kind in EVENT_TRIGGERS):
            scheduler.run_soon(DISPATCH_NOW_JOB, body)

    runtime.bus.subscribe(_on_event)


def sweep_body(scheduler: JobScheduler, runtime: Runtime) -> JobBody:
    async def _dispatch(session: AsyncSession) -> None:
        # Each trigger is its own transaction, never the sweep's session.
        del session
        await dispatch_due(scheduler.session_factory, runtime)

    return _dispatch
