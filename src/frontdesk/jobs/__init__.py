"""Background and periodic work: APScheduler triggers, a database claim for once-per-period."""

from frontdesk.jobs.scheduler import (
    HOUSEKEEPING_JOB,
    JobBody,
    JobRunInfo,
    JobScheduler,
    current_job_run,
    delete_old_job_runs,
)

__all__ = [
    "HOUSEKEEPING_JOB",
    "JobBody",
    "JobRunInfo",
    "JobScheduler",
    "current_job_run",
    "delete_old_job_runs",
]
