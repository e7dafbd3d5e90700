"""Reading incoming-mail set-up and failed mail (administrators)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from frontdesk.core.actor import Actor
from frontdesk.core.pagination import Page, PageRequest
from frontdesk.domain.accounts.access import check_admin_or_system
from frontdesk.domain.mail_inbound.access import access_account, access_failure, access_filter
from frontdesk.domain.mail_inbound.models import MailAccount, PostmasterFilter, ReceivedMailFailure
from frontdesk.domain.mail_inbound.schemas import (
    FailedMailOut,
    MailAccountOut,
    PostmasterFilterOut,
)


async def _page(session: AsyncSession, query: Any, order: Any, page: PageRequest) -> Page[Any]:
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await session.scalars(query.order_by(*order).limit(page.limit).offset(page.offset))
    return Page(items=list(rows), total=total, limit=page.limit, offset=page.offset)


async def accounts_for_actor(
    session: AsyncSession, actor: Actor, page: PageRequest, *, valid: bool | None = None
) -> Page[MailAccountOut]:
    await check_admin_or_system(session, actor)
    query = select(MailAccount)
    if valid is not None:
        query = query.where(MailAccount.valid.is_(valid))
    found = await _page(session, query, (MailAccount.host, MailAccount.login, MailAccount.id), page)
    return Page([MailAccountOut.of(r) for r in found.items], found.total, page.limit, page.offset)


async def account_for_actor(session: AsyncSession, actor: Actor, account_id: int) -> MailAccountOut:
    return MailAccountOut.of(await access_account(session, actor, account_id))


async def filters_for_actor(
    session: AsyncSession, actor: Actor, page: PageRequest, *, valid: bool | None = None
) -> Page[PostmasterFilterOut]:
    await check_admin_or_system(session, actor)
    query = select(PostmasterFilter)
    if valid is not None:
        query = query.where(PostmasterFilter.valid.is_(valid))
    found = await _page(session, query, (PostmasterFilter.name, PostmasterFilter.id), page)
    return Page(
        [PostmasterFilterOut.of(r) for r in found.items], found.total, page.limit, page.offset
    )


async def filter_for_actor(
    session: AsyncSession, actor: Actor, filter_id: int
) -> PostmasterFilterOut:
    return PostmasterFilterOut.of(await access_filter(session, actor, filter_id))


async def failures_for_actor(
    session: AsyncSession, actor: Actor, page: PageRequest
) -> Page[FailedMailOut]:
    """Newest first, without loading the raw messages."""
    await check_admin_or_system(session, actor)
    query = select(ReceivedMailFailure).options(defer(ReceivedMailFailure.raw))
    found = await _page(
        session, query, (ReceivedMailFailure.created_at.desc(), ReceivedMailFailure.id.desc()), page
    )
    return Page([FailedMailOut.of(r) for r in found.items], found.total, page.limit, page.offset)


async def failure_source_for_actor(
    session: AsyncSession, actor: Actor, failure_id: int
) -> tuple[FailedMailOut, bytes]:
    row = await access_failure(session, actor, failure_id)
    return FailedMailOut.of(row), row.raw


async def valid_accounts(session: AsyncSession) -> list[MailAccount]:
    rows = await session.scalars(
        select(MailAccount).where(MailAccount.valid.is_(True)).order_by(MailAccount.id)
    )
    return list(rows)
