"""The periodic fetch: every few seconds, each valid mail account whose interval
(``PostMasterMailbox::FetchInterval``) has passed is fetched. The interval is read at every run,
so a changed setting takes effect without a restart."""

from __future__ import annotations

from datetime import timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.clock import as_utc, utcnow
from frontdesk.domain.mail_inbound.fetching import fetch_account
from frontdesk.domain.mail_inbound.models import MailAccount
from frontdesk.domain.mail_inbound.queries import valid_accounts
from frontdesk.domain.mail_inbound.settings import FETCH_INTERVAL
from frontdesk.domain.runtime import Runtime, Tx
from frontdesk.jobs.scheduler import JobScheduler

FETCH_JOB = "mail_inbound.fetch"
TICK_SECONDS = 10

log = structlog.get_logger(__name__)


async def fetch_due_accounts(tx: Tx) -> int:
    """Fetch the accounts that are due; answers how many were fetched."""
    interval = timedelta(seconds=int(tx.setting(FETCH_INTERVAL)))
    now = utcnow()
    due = [
        account.id
        for account in await valid_accounts(tx.session)
        if account.last_fetch_at is None or as_utc(account.last_fetch_at) + interval <= now
    ]
    done = 0
    for account_id in due:
        # Loaded one by one: a rollback after a crashed account expires every loaded row.
        account = await tx.session.get(MailAccount, account_id)
        if account is None:
            continue
        try:
            await fetch_account(tx, account)
        except Exception:  # one broken account must not keep the others waiting
            log.exception("mail_fetch_crashed", account_id=account_id)
            await tx.session.rollback()
        done += 1
    return done


def register(scheduler: JobScheduler, runtime: Runtime) -> None:
    async def _fetch(session: AsyncSession) -> None:
        await fetch_due_accounts(Tx(session=session, runtime=runtime))

    scheduler.register_periodic(FETCH_JOB, _fetch, seconds=TICK_SECONDS)
