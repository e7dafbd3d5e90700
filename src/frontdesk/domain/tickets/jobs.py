"""Background bodies of the tickets feature (idempotent: safe to run twice)."""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.clock import utcnow
from frontdesk.domain.runtime import Runtime, Tx
from frontdesk.domain.tickets.actions import (
    do_close_expired_pending_tickets,
    do_unlock_timed_out_tickets,
)
from frontdesk.jobs.scheduler import JobScheduler

PENDING_AUTO_CLOSE_JOB = "tickets.pending_auto_close"
PENDING_AUTO_CLOSE_SECONDS = 60
UNLOCK_TIMEOUT_JOB = "tickets.unlock_timeout"
UNLOCK_TIMEOUT_SECONDS = 60

log = structlog.get_logger(__name__)


async def close_expired_pending_tickets(tx: Tx) -> None:
    closed = await do_close_expired_pending_tickets(tx, utcnow())
    if closed:
        log.info("pending_tickets_closed", count=len(closed))


async def unlock_timed_out_tickets(tx: Tx) -> None:
    unlocked = await do_unlock_timed_out_tickets(tx, utcnow())
    if unlocked:
        log.info("tickets_unlocked_after_timeout", count=len(unlocked))


def register(scheduler: JobScheduler, runtime: Runtime) -> None:
    """Periodic jobs of the tickets feature (collected by ``feature_index``)."""

    async def _close(session: AsyncSession) -> None:
        await close_expired_pending_tickets(Tx(session=session, runtime=runtime))

    async def _unlock(session: AsyncSession) -> None:
        await unlock_timed_out_tickets(Tx(session=session, runtime=runtime))

    scheduler.register_periodic(PENDING_AUTO_CLOSE_JOB, _close, seconds=PENDING_AUTO_CLOSE_SECONDS)
    scheduler.register_periodic(UNLOCK_TIMEOUT_JOB, _unlock, seconds=UNLOCK_TIMEOUT_SECONDS)
