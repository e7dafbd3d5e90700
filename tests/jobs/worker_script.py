"""Run in a separate OS process by test_scheduler: a worker with one test job, until a deadline.

Usage: python worker_script.py DATABASE_URL JOB_NAME STOP_AT_EPOCH
The job (every second) inserts a job_probe row naming its period key and this worker. At exit the
script prints ``RESULT {"worker": ..., "won": n, "lost": n}``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.process_settings import ProcessSettings
from frontdesk.jobs.scheduler import JobScheduler, current_job_run
from frontdesk.jobs.worker import run_worker


async def probe(session: AsyncSession) -> None:
    run = current_job_run()
    assert run is not None
    await session.execute(
        text("INSERT INTO job_probe (job_name, period_key, worker) VALUES (:n, :p, :w)"),
        {"n": run.job_name, "p": run.period_key, "w": run.worker},
    )


async def main(url: str, name: str, stop_at: float) -> None:
    schedulers: list[JobScheduler] = []

    def register(scheduler: JobScheduler) -> None:
        schedulers.append(scheduler)
        scheduler.register_periodic(name, probe, seconds=1)

    stop = asyncio.Event()
    asyncio.get_running_loop().call_later(max(0.0, stop_at - time.time()), stop.set)
    await run_worker(ProcessSettings(database_url=url, redis_url=None), stop, jobs=[register])
    (scheduler,) = schedulers
    result = {
        "worker": scheduler.worker_id,
        "won": scheduler.stats.claims_won.get(name, 0),
        "lost": scheduler.stats.claims_lost.get(name, 0),
    }
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
