"""The outbox sweep: every few seconds, and at once when something was queued in this process
(or, with Redis, in any process)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.bus.events import Event
from frontdesk.domain.outbox.delivery import deliver_due
from frontdesk.domain.outbox.events import OutboxQueued
from frontdesk.domain.runtime import Runtime
from frontdesk.jobs.scheduler import JobBody, JobScheduler

DELIVER_JOB = "outbox.deliver"
DELIVER_NOW_JOB = "outbox.deliver_now"
DELIVER_SECONDS = 5


def register(scheduler: JobScheduler, runtime: Runtime) -> None:
    body = sweep_body(scheduler, runtime)
    scheduler.register_periodic(DELIVER_JOB, body, seconds=DELIVER_SECONDS)
    deliver_when_queued(scheduler, runtime, body)


def sweep_body(scheduler: JobScheduler, runtime: Runtime) -> JobBody:
    async def _deliver(session: AsyncSession) -> None:
        # Each claim and each outcome is its own short transaction, never the sweep's session:
        # no transaction stays open while a relay is being talked to.
        del session
        await deliver_due(scheduler.session_factory, runtime, scheduler.worker_id)

    return _deliver


def deliver_when_queued(scheduler: JobScheduler, runtime: Runtime, body: JobBody) -> None:
    """The after-commit nudge: ``outbox.queued`` starts a sweep in this process at once."""

    async def _on_event(event: Event) -> None:
        if event.kind == OutboxQueued.kind and scheduler.running:
            scheduler.run_soon(DELIVER_NOW_JOB, body)

    runtime.bus.subscribe(_on_event)
