"""Who may see and change incoming-mail set-up and failed mail: administrators only.

Mail accounts hold credentials and failed mail holds whatever anybody sent, so nothing here is
shown to agents. An id that does not exist answers 404.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.domain.accounts.access import check_admin_or_system
from frontdesk.domain.mail_inbound.errors import (
    FailedMailNotFound,
    MailAccountNotFound,
    PostmasterFilterNotFound,
)
from frontdesk.domain.mail_inbound.models import MailAccount, PostmasterFilter, ReceivedMailFailure
from frontdesk.domain.ticket_catalogue.schemas import MAX_ID


async def access_account(session: AsyncSession, actor: Actor, account_id: int) -> MailAccount:
    await check_admin_or_system(session, actor)
    row = await session.get(MailAccount, account_id) if 1 <= account_id <= MAX_ID else None
    if row is None:
        raise MailAccountNotFound()
    return row


async def access_filter(session: AsyncSession, actor: Actor, filter_id: int) -> PostmasterFilter:
    await check_admin_or_system(session, actor)
    row = await session.get(PostmasterFilter, filter_id) if 1 <= filter_id <= MAX_ID else None
    if row is None:
        raise PostmasterFilterNotFound()
    return row


async def access_failure(
    session: AsyncSession, actor: Actor, failure_id: int
) -> ReceivedMailFailure:
    await check_admin_or_system(session, actor)
    row = await session.get(ReceivedMailFailure, failure_id) if 1 <= failure_id <= MAX_ID else None
    if row is None:
        raise FailedMailNotFound()
    return row
