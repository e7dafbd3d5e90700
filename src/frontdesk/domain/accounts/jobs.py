"""Background bodies of the accounts feature (idempotent: safe to run twice)."""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.clock import utcnow
from frontdesk.domain.accounts.actions import do_delete_stale_login_data
from frontdesk.domain.runtime import Runtime, Tx
from frontdesk.jobs.scheduler import JobScheduler

HOUSEKEEPING_JOB = "accounts.housekeeping"
HOUSEKEEPING_SECONDS = 3600

log = structlog.get_logger(__name__)


async def delete_stale_login_data(tx: Tx) -> None:
    attempts, tokens = await do_delete_stale_login_data(tx, utcnow())
    if attempts or tokens:
        log.info("login_data_deleted", failed_logins=attempts, tokens=tokens)


def register(scheduler: JobScheduler, runtime: Runtime) -> None:
    """Periodic jobs of the accounts feature (collected by ``feature_index``)."""

    async def _housekeeping(session: AsyncSession) -> None:
        await delete_stale_login_data(Tx(session=session, runtime=runtime))

    scheduler.register_periodic(HOUSEKEEPING_JOB, _housekeeping, seconds=HOUSEKEEPING_SECONDS)
