"""The notification sweep: every few seconds, and at once after a ticket change committed in
this process (or, with Redis, in any process)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.bus.events import Event
from frontdesk.core.clock import utcnow
from frontdesk.db.unit_of_work import after_commit
from frontdesk.domain.notifications.dispatch import delete_old_triggers, dispatch_due
from frontdesk.domain.notifications.triggers import EVENT_TRIGGERS, queue_pending_reminders
from frontdesk.domain.runtime import Runtime
from frontdesk.domain.tickets.events import ArticleCreated, TicketCreated, TicketUpdated
from frontdesk.jobs.scheduler import JobBody, JobScheduler

DISPATCH_JOB = "notifications.dispatch"
DISPATCH_NOW_JOB = "notifications.dispatch_now"
DISPATCH_SECONDS = 5
PENDING_REMINDER_JOB = "notifications.pending_reminders"
PENDING_REMINDER_SECONDS = 60
HOUSEKEEPING_JOB = "notifications.housekeeping"
HOUSEKEEPING_CRON = "23 3 * * *"
NUDGING_KINDS = frozenset({TicketCreated.kind, ArticleCreated.kind, TicketUpdated.kind})


def register(scheduler: JobScheduler, runtime: Runtime) -> None:
    body = sweep_body(scheduler, runtime)
    scheduler.register_periodic(DISPATCH_JOB, body, seconds=DISPATCH_SECONDS)

    async def _on_event(event: Event) -> None:
        if scheduler.running and (event.kind in NUDGING_KINDS or event.kind in EVENT_TRIGGERS):
            scheduler.run_soon(DISPATCH_NOW_JOB, body)

    runtime.bus.subscribe(_on_event)

    async def _dispatch_now() -> None:
        if scheduler.running:
            scheduler.run_soon(DISPATCH_NOW_JOB, body)

    async def _remind(session: AsyncSession) -> None:
        if await queue_pending_reminders(session, utcnow()):
            after_commit(session, DISPATCH_NOW_JOB, _dispatch_now)

    scheduler.register_periodic(PENDING_REMINDER_JOB, _remind, seconds=PENDING_REMINDER_SECONDS)

    async def _housekeeping(session: AsyncSession) -> None:
        await delete_old_triggers(session, utcnow())

    scheduler.register_periodic(HOUSEKEEPING_JOB, _housekeeping, cron=HOUSEKEEPING_CRON)


def sweep_body(scheduler: JobScheduler, runtime: Runtime) -> JobBody:
    async def _dispatch(session: AsyncSession) -> None:
        # Each trigger is its own transaction, never the sweep's session.
        del session
        await dispatch_due(scheduler.session_factory, runtime)

    return _dispatch
