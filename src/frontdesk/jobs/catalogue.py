"""Which periodic jobs a process runs.

The scheduler registers its own housekeeping job. Feature jobs (``domain/<feature>/jobs.py``)
are registered by functions of type ``JobRegistration``; the ``jobs`` layer may not import
``domain`` (import-linter "Layers" contract), so the caller above both (the CLI, the web app)
passes the features' registrations in ``extra``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from frontdesk.jobs.scheduler import JobScheduler

JobRegistration = Callable[[JobScheduler], None]

# Registrations that live below the domain layer (none yet besides the scheduler's housekeeping).
FEATURE_JOBS: tuple[JobRegistration, ...] = ()


def register_feature_jobs(scheduler: JobScheduler, extra: Sequence[JobRegistration] = ()) -> None:
    """Register every periodic job on ``scheduler``: the catalogue's, then ``extra``."""
    for registration in (*FEATURE_JOBS, *extra):
        registration(scheduler)
