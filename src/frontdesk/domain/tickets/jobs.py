"""Background bodies of the tickets feature (idempotent: safe to run twice)."""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.clock import utcnow
from frontdesk.domain.tickets.actions import do_close_expired_pending_tickets
from frontdesk.jobs.scheduler import JobScheduler

PENDING_AUTO_CLOSE_JOB = "tickets.pending_auto_close"
PENDING_AUTO_CLOSE_SECONDS = 60

log = structlog.get_logger(__name__)


async def close_expired_pending_tickets(session: AsyncSession) -> None:
    closed = await do_close_expired_pending_tickets(session, utcnow())
    if closed:
        log.info("pending_tickets_closed", count=len(closed))


def register_ticket_jobs(scheduler: JobScheduler) -> None:
    """A ``JobRegistration``: pass it in ``register_feature_jobs(..., extra=...)``."""
    scheduler.register_periodic(
        PENDING_AUTO_CLOSE_JOB, close_expired_pending_tickets, seconds=PENDING_AUTO_CLOSE_SECONDS
    )
