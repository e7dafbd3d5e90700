"""The periodic job of escalations: recompute the tickets of changed calendars, queues and
SLAs, and announce warnings and escalations as their moment comes."""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.clock import utcnow
from frontdesk.domain.escalations.actions import (
    do_announce_escalations,
    do_queue_recomputes_for_changed_targets,
)
from frontdesk.domain.runtime import Runtime, Tx
from frontdesk.jobs.scheduler import JobScheduler

ANNOUNCE_JOB = "escalations.announce"
ANNOUNCE_SECONDS = 60

log = structlog.get_logger(__name__)


async def announce_escalations(tx: Tx) -> None:
    now = utcnow()
    queued = await do_queue_recomputes_for_changed_targets(tx, now)
    if queued:
        log.info("escalations_recompute_queued", count=queued)
    announced = await do_announce_escalations(tx, now)
    if announced:
        log.info("escalations_announced", count=len(announced))


def register(scheduler: JobScheduler, runtime: Runtime) -> None:
    """Periodic jobs of escalations (collected by ``feature_index``)."""

    async def _announce(session: AsyncSession) -> None:
        await announce_escalations(Tx(session=session, runtime=runtime))

    scheduler.register_periodic(ANNOUNCE_JOB, _announce, seconds=ANNOUNCE_SECONDS)
