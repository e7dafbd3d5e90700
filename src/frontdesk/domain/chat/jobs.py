"""Background bodies of the chat feature (idempotent: safe to run twice)."""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.clock import utcnow
from frontdesk.domain.chat.actions import do_delete_expired_chats
from frontdesk.domain.runtime import Runtime, Tx
from frontdesk.jobs.scheduler import JobScheduler

HOUSEKEEPING_JOB = "chat.housekeeping"
HOUSEKEEPING_SECONDS = 600

log = structlog.get_logger(__name__)


async def delete_expired_chats(tx: Tx) -> None:
    """CH-40: the scheduler claims each period once cluster-wide, so this runs once per period."""
    deleted = await do_delete_expired_chats(tx, utcnow())
    if deleted:
        log.info("chats_deleted", count=len(deleted))


def register(scheduler: JobScheduler, runtime: Runtime) -> None:
    async def _housekeeping(session: AsyncSession) -> None:
        await delete_expired_chats(Tx(session=session, runtime=runtime))

    scheduler.register_periodic(HOUSEKEEPING_JOB, _housekeeping, seconds=HOUSEKEEPING_SECONDS)
