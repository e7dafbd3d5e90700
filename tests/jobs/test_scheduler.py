"""The job scheduler: once per period across processes, after-commit one-offs, bookkeeping."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from frontdesk.core.clock import utcnow
from frontdesk.db.engine import create_engine, create_session_factory
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.jobs import HOUSEKEEPING_JOB, JobScheduler, current_job_run, delete_old_job_runs
from frontdesk.jobs.catalogue import register_feature_jobs
from frontdesk.jobs.models import JobRun
from frontdesk.jobs.scheduler import _cron_fire_time, describe_error

WORKER_SCRIPT = Path(__file__).with_name("worker_script.py")
WAIT = 5.0


async def eventually(check: Callable[[], Awaitable[bool]], within: float = WAIT) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(0.05)


@pytest.fixture
async def factory(job_db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(job_db_url)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def scheduler(
    factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[JobScheduler]:
    scheduler = JobScheduler(factory, worker_id="test-worker")
    await scheduler.start()
    yield scheduler
    await scheduler.shutdown(grace_seconds=2)


# Two worker processes, one database ------------------------------------------------------------


def _run_two_workers(database_url: str, job_name: str, seconds_after_start: float) -> list[dict]:
    stop_at = time.time() + seconds_after_start
    command = [sys.executable, str(WORKER_SCRIPT), database_url, job_name, str(stop_at)]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(2)
    ]
    results: list[dict] = []
    try:
        for process in processes:
            output, _ = process.communicate(timeout=seconds_after_start + 30)
            assert process.returncode == 0, output
            lines = [line for line in output.splitlines() if line.startswith("RESULT ")]
            assert len(lines) == 1, output
            results.append(json.loads(lines[0].removeprefix("RESULT ")))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    return results


async def _assert_once_per_period(database_url: str) -> None:
    job_name = f"test.probe.{uuid.uuid4().hex[:8]}"
    started = time.time()
    # Each interpreter needs ~2 s to import and start (much more on a busy machine), then both
    # run side by side for the rest of the 10 s.
    results = await asyncio.to_thread(_run_two_workers, database_url, job_name, 10.0)
    elapsed = time.time() - started

    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            runs = (
                await connection.execute(
                    select(JobRun.period_key, JobRun.worker, JobRun.status).where(
                        JobRun.job_name == job_name
                    )
                )
            ).all()
            probes = (
                await connection.execute(
                    text("SELECT period_key, worker FROM job_probe WHERE job_name = :n"),
                    {"n": job_name},
                )
            ).all()
    finally:
        await engine.dispose()

    run_keys = [row.period_key for row in runs]
    probe_keys = [row.period_key for row in probes]
    # Each period claimed once, its body ran once, by the worker that claimed it.
    assert len(run_keys) == len(set(run_keys))
    assert sorted(probe_keys) == sorted(run_keys)
    assert {(r.period_key, r.worker) for r in runs} == {(p.period_key, p.worker) for p in probes}
    assert {row.status for row in runs} == {"succeeded"}
    # Periods are whole seconds of the epoch, consecutive, and there are not more than seconds.
    keys = sorted(int(key) for key in run_keys)
    assert len(keys) >= 3
    assert keys == list(range(keys[0], keys[0] + len(keys)))
    assert len(keys) <= elapsed + 1
    # Both processes competed: every period one of them won and the other lost.
    assert sum(result["won"] for result in results) == len(keys)
    assert sum(result["lost"] for result in results) >= 1
    assert len({result["worker"] for result in results}) == 2


async def test_two_worker_processes_run_each_period_once_on_sqlite(sqlite_url: str) -> None:
    await _assert_once_per_period(sqlite_url)


@pytest.mark.postgres
async def test_two_worker_processes_run_each_period_once_on_postgresql(postgres_url: str) -> None:
    await _assert_once_per_period(postgres_url)


# One-off jobs after commit ------------------------------------------------------------------


async def test_enqueued_job_runs_only_after_commit(
    scheduler: JobScheduler, factory: async_sessionmaker[AsyncSession]
) -> None:
    ran: list[str] = []
    done = asyncio.Event()

    def body_for(label: str) -> Callable[[AsyncSession], Awaitable[None]]:
        async def body(session: AsyncSession) -> None:
            run = current_job_run()
            assert run is not None
            assert run.period_key is None
            await session.execute(
                text("INSERT INTO job_probe (job_name, worker) VALUES (:n, :w)"),
                {"n": label, "w": run.worker},
            )
            ran.append(label)
            done.set()

        return body

    with pytest.raises(RuntimeError, match="abort"):
        async with unit_of_work(factory) as session:
            scheduler.enqueue(session, "rolled-back", body_for("rolled-back"))
            raise RuntimeError("abort")

    async with unit_of_work(factory) as session:
        scheduler.enqueue(session, "committed", body_for("committed"))
        scheduler.enqueue(session, "committed", body_for("duplicate"))
        await asyncio.sleep(0.3)
        assert ran == []  # not before the commit

    await asyncio.wait_for(done.wait(), timeout=WAIT)
    await asyncio.sleep(0.3)
    assert ran == ["committed"]
    async with factory() as session:
        rows = (await session.execute(text("SELECT job_name, worker FROM job_probe"))).all()
    assert [tuple(row) for row in rows] == [("committed", "test-worker")]


async def test_run_soon_runs_in_its_own_transaction_and_survives_failures(
    scheduler: JobScheduler,
) -> None:
    done = asyncio.Event()

    async def failing(session: AsyncSession) -> None:
        await session.execute(
            text("INSERT INTO job_probe (job_name, worker) VALUES ('failing', 'x')")
        )
        raise RuntimeError("boom")

    async def succeeding(session: AsyncSession) -> None:
        done.set()

    scheduler.run_soon("failing", failing)
    scheduler.run_soon("succeeding", succeeding)

    await asyncio.wait_for(done.wait(), timeout=WAIT)

    async def failure_counted() -> bool:
        return scheduler.stats.failed.get("failing") == 1

    await eventually(failure_counted)
    async with scheduler.session_factory() as session:
        count = (await session.execute(text("SELECT count(*) FROM job_probe"))).scalar_one()
    assert count == 0  # the failing body's insert was rolled back


# Periodic bookkeeping -----------------------------------------------------------------------


async def test_failed_periodic_run_is_recorded_without_secrets(
    scheduler: JobScheduler, factory: async_sessionmaker[AsyncSession]
) -> None:
    async def failing(session: AsyncSession) -> None:
        raise ConnectionError("cannot reach postgresql://frontdesk:hunter2@db:5432/x " + "y" * 3000)

    scheduler.register_periodic("test.failing", failing, seconds=1)

    async def recorded() -> bool:
        async with factory() as session:
            row = (
                await session.execute(select(JobRun).where(JobRun.job_name == "test.failing"))
            ).scalar_one_or_none()
            return row is not None and row.finished_at is not None

    await eventually(recorded, within=4)
    async with factory() as session:
        run = (
            (await session.execute(select(JobRun).where(JobRun.job_name == "test.failing")))
            .scalars()
            .first()
        )
    assert run is not None
    assert run.status == "failed"
    assert run.worker == "test-worker"
    assert run.error is not None
    assert run.error.startswith("ConnectionError: cannot reach postgresql://***@db:5432/x")
    assert "hunter2" not in run.error
    assert len(run.error) == 1000
    assert run.finished_at is not None and run.finished_at >= run.started_at


def test_registration_is_checked() -> None:
    scheduler = JobScheduler(async_sessionmaker(), worker_id="w")

    async def body(session: AsyncSession) -> None:
        return None

    assert scheduler.periodic_jobs == (HOUSEKEEPING_JOB,)
    with pytest.raises(ValueError, match="exactly one"):
        scheduler.register_periodic("x", body)
    with pytest.raises(ValueError, match="exactly one"):
        scheduler.register_periodic("x", body, seconds=5, cron="* * * * *")
    with pytest.raises(ValueError, match="at least 1"):
        scheduler.register_periodic("x", body, seconds=0)
    with pytest.raises(ValueError, match="already registered"):
        scheduler.register_periodic(HOUSEKEEPING_JOB, body, seconds=5)

    register_feature_jobs(scheduler, [lambda s: s.register_periodic("x", body, cron="0 3 * * *")])
    assert scheduler.periodic_jobs == (HOUSEKEEPING_JOB, "x")


def test_cron_period_is_the_scheduled_fire_time_in_utc() -> None:
    trigger = CronTrigger.from_crontab("*/15 * * * *", timezone=UTC)
    late = datetime(2024, 5, 1, 10, 30, 7, 250000, tzinfo=UTC)
    assert _cron_fire_time(trigger, late) == datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    assert _cron_fire_time(trigger, late).isoformat() == "2024-05-01T10:30:00+00:00"
    on_time = datetime(2024, 5, 1, 10, 45, tzinfo=UTC)
    assert _cron_fire_time(trigger, on_time) == on_time


def test_describe_error_masks_credentials() -> None:
    text_ = describe_error(ValueError("login failed: password=s3cret token: abc url=redis://:pw@h"))
    assert text_ == "ValueError: login failed: password=*** token: *** url=redis://***@h"


async def test_housekeeping_deletes_runs_older_than_seven_days(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    now = utcnow()
    async with unit_of_work(factory) as session:
        for key, age in (("old", timedelta(days=8)), ("recent", timedelta(days=6))):
            session.add(
                JobRun(
                    job_name="test.housekeeping",
                    period_key=key,
                    worker="w",
                    started_at=now - age,
                    finished_at=now - age,
                    status="succeeded",
                )
            )

    async with unit_of_work(factory) as session:
        await delete_old_job_runs(session)

    async with factory() as session:
        keys = (
            await session.execute(
                select(JobRun.period_key).where(JobRun.job_name == "test.housekeeping")
            )
        ).scalars()
        assert list(keys) == ["recent"]
        total = (await session.execute(select(func.count()).select_from(JobRun))).scalar_one()
        assert total == 1
