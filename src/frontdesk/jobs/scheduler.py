"""Periodic and one-off background jobs on APScheduler, with a database claim per period.

Every process (web worker or ``frontdesk worker``) runs its own ``AsyncIOScheduler``. When a
periodic trigger fires, the process tries to INSERT ``JobRun(job_name, period_key)``; the unique
constraint lets exactly one process in the installation win the period. The winner runs the body
in its own unit of work and records the outcome; the others skip.

A body is ``async def body(session: AsyncSession) -> None``. It runs inside a unit of work: it
never commits, the scheduler commits when it returns and rolls back when it raises; events queued
with ``queue_event`` are published after that commit. Bodies that need more (the bus, settings)
close over them at registration: ``scheduler.bus`` and ``scheduler.session_factory`` are there for
that. Bodies must be idempotent: a period is claimed before the body runs, so a crash mid-body
leaves the period ``running``/``failed`` and it is not retried; the next period runs again.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import re
import socket
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from frontdesk.bus.bus import EventBus
from frontdesk.core.clock import utcnow
from frontdesk.db.unit_of_work import after_commit, unit_of_work
from frontdesk.jobs.models import JobRun

log = structlog.get_logger(__name__)

JobBody = Callable[[AsyncSession], Awaitable[None]]

HOUSEKEEPING_JOB = "jobs.housekeeping"
KEEP_RUNS = timedelta(days=7)
_HOUSEKEEPING_SECONDS = 3600
_CRON_GRACE_SECONDS = 60
_ERROR_LIMIT = 1000
_SHUTDOWN_GRACE_SECONDS = 10.0
# user:password@ in URLs and key=value pairs that look like credentials.
_SECRET_PATTERNS = (
    (re.compile(r"(?P<scheme>[a-zA-Z][\w+.-]*://)[^/\s@]+@"), r"\g<scheme>***@"),
    (
        re.compile(r"(?i)(?P<key>password|passwd|pwd|secret|token|api_key)(?P<sep>\s*[=:]\s*)\S+"),
        r"\g<key>\g<sep>***",
    ),
)


@dataclass(frozen=True)
class JobRunInfo:
    """The run in progress, readable from a body through ``current_job_run()``."""

    job_name: str
    period_key: str | None
    worker: str


_current: ContextVar[JobRunInfo | None] = ContextVar("frontdesk_job_run", default=None)


def current_job_run() -> JobRunInfo | None:
    """The job this task is running (name, period key, worker), or None outside a job."""
    return _current.get()


@dataclass
class SchedulerStats:
    """Counters of this process, for tests and health pages."""

    claims_won: dict[str, int] = field(default_factory=dict)
    claims_lost: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)

    @staticmethod
    def bump(counter: dict[str, int], name: str) -> None:
        counter[name] = counter.get(name, 0) + 1


@dataclass(frozen=True)
class _Periodic:
    name: str
    body: JobBody
    seconds: int | None
    cron: CronTrigger | None

    def trigger(self, now: datetime) -> Any:
        if self.cron is not None:
            return self.cron
        assert self.seconds is not None
        # Align every process on multiples of ``seconds`` since the epoch so that they all fire
        # at the same instants and compute the same period key.
        aligned = (math.floor(now.timestamp() / self.seconds) + 1) * self.seconds
        return IntervalTrigger(
            seconds=self.seconds, start_date=datetime.fromtimestamp(aligned, UTC), timezone=UTC
        )

    def period_key(self, now: datetime) -> str:
        if self.cron is None:
            assert self.seconds is not None
            return str(math.floor(now.timestamp() / self.seconds))
        return _cron_fire_time(self.cron, now).isoformat()


def _cron_fire_time(trigger: CronTrigger, now: datetime) -> datetime:
    """The latest scheduled fire time at or before ``now`` (the period this run belongs to)."""
    candidate: datetime | None = trigger.get_next_fire_time(
        None, now - timedelta(seconds=2 * _CRON_GRACE_SECONDS)
    )
    latest: datetime | None = None
    while candidate is not None and candidate <= now:
        latest = candidate
        candidate = trigger.get_next_fire_time(None, candidate + timedelta(microseconds=1))
    if latest is None:  # fired later than the grace window: the second it runs in is the period
        latest = now.replace(microsecond=0)
    return latest.astimezone(UTC)


def describe_error(exc: BaseException) -> str:
    """Exception text for the JobRun row: type and message, credentials masked, truncated."""
    text = f"{type(exc).__name__}: {exc}"
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text if len(text) <= _ERROR_LIMIT else text[: _ERROR_LIMIT - 1] + "…"


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


class JobScheduler:
    """One per process: periodic jobs claimed once per period cluster-wide, and one-off jobs."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        bus: EventBus | None = None,
        worker_id: str | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.bus = bus
        self.worker_id = worker_id or default_worker_id()
        self.stats = SchedulerStats()
        self._periodic: dict[str, _Periodic] = {}
        self._running_periodic: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1},
        )
        self.register_periodic(HOUSEKEEPING_JOB, delete_old_job_runs, seconds=_HOUSEKEEPING_SECONDS)

    # Registration ---------------------------------------------------------------------------

    def register_periodic(
        self, name: str, body: JobBody, *, seconds: int | None = None, cron: str | None = None
    ) -> None:
        """Run ``body`` once per period across the installation.

        ``seconds``: every N seconds, aligned on the epoch (period key ``floor(epoch / N)``).
        ``cron``: a five-field crontab in UTC (period key: the scheduled fire time, ISO 8601).
        """
        if (seconds is None) == (cron is None):
            raise ValueError("give exactly one of seconds= or cron=")
        if seconds is not None and seconds < 1:
            raise ValueError("seconds must be at least 1")
        if name in self._periodic:
            raise ValueError(f"periodic job {name!r} is already registered")
        job = _Periodic(
            name=name,
            body=body,
            seconds=seconds,
            cron=CronTrigger.from_crontab(cron, timezone=UTC) if cron is not None else None,
        )
        self._periodic[name] = job
        grace = seconds if seconds is not None else _CRON_GRACE_SECONDS
        self._scheduler.add_job(
            self._fire_periodic,
            trigger=job.trigger(utcnow()),
            args=[name],
            id=f"periodic:{name}",
            name=name,
            misfire_grace_time=grace,
        )

    @property
    def periodic_jobs(self) -> tuple[str, ...]:
        return tuple(self._periodic)

    # One-off jobs ---------------------------------------------------------------------------

    def run_soon(self, name: str, body: JobBody) -> None:
        """Run ``body`` in this process as soon as possible, in its own unit of work."""
        self._scheduler.add_job(
            self._fire_once,
            trigger="date",
            run_date=utcnow(),
            args=[name, body],
            id=f"once:{name}:{uuid.uuid4().hex}",
            name=name,
            misfire_grace_time=None,
        )

    def enqueue(self, session: AsyncSession, name: str, body: JobBody) -> None:
        """Run ``body`` after ``session`` commits; nothing happens on rollback.

        ``name`` is also the de-duplication key within the transaction: enqueueing the same name
        twice before one commit runs it once (put the object id in the name when that matters).
        """

        async def _start() -> None:
            self.run_soon(name, body)

        after_commit(session, f"jobs.enqueue:{name}", _start)

    # Life cycle -----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    async def start(self) -> None:
        """Start firing triggers on the running event loop."""
        self._scheduler.start()
        log.info("scheduler_started", worker=self.worker_id, periodic=list(self._periodic))

    async def shutdown(self, grace_seconds: float = _SHUTDOWN_GRACE_SECONDS) -> None:
        """Stop the triggers, let running bodies finish for ``grace_seconds``, then cancel them."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
            # AsyncIOScheduler stops in a loop callback; let it run.
            for _ in range(100):
                if not self._scheduler.running:
                    break
                await asyncio.sleep(0.01)
        if self._tasks:
            _done, pending = await asyncio.wait(set(self._tasks), timeout=grace_seconds)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=grace_seconds)
        log.info("scheduler_stopped", worker=self.worker_id)

    # Running --------------------------------------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=f"job:{name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _fire_periodic(self, name: str) -> None:
        # APScheduler cancels its own tasks on shutdown; run the body in a task we own so that
        # shutdown can give it time to finish.
        job = self._periodic[name]
        if name in self._running_periodic:
            log.warning("job_still_running", job=name, worker=self.worker_id)
            return
        self._running_periodic.add(name)
        self._spawn(self._run_periodic(job, job.period_key(utcnow())), name)

    async def _fire_once(self, name: str, body: JobBody) -> None:
        self._spawn(self._run_once(name, body), name)

    async def _claim(self, job: _Periodic, period_key: str) -> int | None:
        async with self.session_factory() as session:
            run = JobRun(
                job_name=job.name,
                period_key=period_key,
                worker=self.worker_id,
                started_at=utcnow(),
                status="running",
            )
            session.add(run)
            try:
                await session.commit()
            except IntegrityError:
                await session.rollback()
                return None
            return run.id

    async def _finish(self, run_id: int, status: str, error: str | None) -> None:
        async with unit_of_work(self.session_factory) as session:
            await session.execute(
                update(JobRun)
                .where(JobRun.id == run_id)
                .values(finished_at=utcnow(), status=status, error=error)
            )

    async def _run_periodic(self, job: _Periodic, period_key: str) -> None:
        bound = log.bind(job=job.name, period_key=period_key, worker=self.worker_id)
        try:
            try:
                run_id = await self._claim(job, period_key)
            except Exception:
                bound.exception("job_claim_failed")
                return
            if run_id is None:
                SchedulerStats.bump(self.stats.claims_lost, job.name)
                bound.debug("job_claimed_elsewhere")
                return
            SchedulerStats.bump(self.stats.claims_won, job.name)
            try:
                status, error = await self._run_body(job.name, period_key, job.body, bound)
            except asyncio.CancelledError:
                # Shutdown ran out of patience: record it, then give in.
                with contextlib.suppress(Exception):
                    await self._finish(run_id, "cancelled", "cancelled at shutdown")
                raise
            try:
                await self._finish(run_id, status, error)
            except Exception:
                bound.exception("job_finish_not_recorded")
        finally:
            self._running_periodic.discard(job.name)

    async def _run_once(self, name: str, body: JobBody) -> None:
        bound = log.bind(job=name, worker=self.worker_id)
        await self._run_body(name, None, body, bound)

    async def _run_body(
        self, name: str, period_key: str | None, body: JobBody, bound: Any
    ) -> tuple[str, str | None]:
        token = _current.set(JobRunInfo(name, period_key, self.worker_id))
        started = asyncio.get_running_loop().time()
        try:
            async with unit_of_work(self.session_factory) as session:
                await body(session)
        except asyncio.CancelledError:
            bound.warning("job_cancelled")
            raise
        except Exception as exc:
            SchedulerStats.bump(self.stats.failed, name)
            bound.exception("job_failed")
            return "failed", describe_error(exc)
        finally:
            _current.reset(token)
        bound.info("job_succeeded", seconds=round(asyncio.get_running_loop().time() - started, 3))
        return "succeeded", None


async def delete_old_job_runs(session: AsyncSession) -> None:
    """Housekeeping: forget JobRun rows older than seven days."""
    result = await session.execute(delete(JobRun).where(JobRun.started_at < utcnow() - KEEP_RUNS))
    log.info("job_runs_deleted", count=getattr(result, "rowcount", None))
