"""``frontdesk worker``: a process that only runs the job scheduler.

Signals are the caller's business: it sets ``stop`` on SIGTERM/SIGINT.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from frontdesk.bus.bus import EventBus, create_bus
from frontdesk.core.process_settings import ProcessSettings
from frontdesk.db.engine import create_engine, create_session_factory
from frontdesk.jobs.catalogue import JobRegistration, register_feature_jobs
from frontdesk.jobs.scheduler import JobScheduler

log = structlog.get_logger(__name__)


async def run_worker(
    settings: ProcessSettings,
    stop: asyncio.Event | None = None,
    *,
    jobs: Sequence[JobRegistration] = (),
) -> None:
    """Run the scheduler with every registered periodic job until ``stop`` is set.

    Opens its own engine and bus. The schema must already be migrated (``frontdesk migrate``).
    ``jobs`` are extra registrations (a test's).
    """
    engine = create_engine(settings.database_url)
    bus = create_bus(settings.redis_url, channel=settings.bus_channel)
    try:
        await bus.start()
        await run_scheduler(create_session_factory(engine), bus, stop, jobs=jobs)
    finally:
        await bus.stop()
        await engine.dispose()


async def run_scheduler(
    session_factory: async_sessionmaker[AsyncSession],
    bus: EventBus,
    stop: asyncio.Event | None = None,
    *,
    jobs: Sequence[JobRegistration] = (),
) -> None:
    """Run a scheduler on services the caller owns (``frontdesk worker`` passes its runtime's)."""
    stop = stop if stop is not None else asyncio.Event()
    scheduler = JobScheduler(session_factory, bus=bus)
    try:
        register_feature_jobs(scheduler, jobs)
        await scheduler.start()
        log.info("worker_running", worker=scheduler.worker_id, bus=bus.name)
        await stop.wait()
    finally:
        await scheduler.shutdown()
        log.info("worker_stopped", worker=scheduler.worker_id)
