"""Reads of the e-mail channel's stored headers and sources."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.domain.email.models import ArticleMail


async def ticket_of_message_ids(session: AsyncSession, message_ids: Iterable[str]) -> int | None:
    """The ticket a reply belongs to: the newest article whose Message-ID is one of
    ``message_ids`` (an In-Reply-To plus References list), or None."""
    ids = [message_id for message_id in message_ids if message_id]
    if not ids:
        return None
    return await session.scalar(
        select(ArticleMail.ticket_id)
        .where(ArticleMail.message_id.in_(ids))
        .order_by(ArticleMail.article_id.desc())
        .limit(1)
    )


async def received_message_exists(session: AsyncSession, message_id: str) -> bool:
    """Whether a received message with this Message-ID is stored already (duplicate delivery)."""
    found = await session.scalar(
        select(ArticleMail.article_id)
        .where(ArticleMail.message_id == message_id, ArticleMail.direction == "in")
        .limit(1)
    )
    return found is not None


async def mail_of_article(session: AsyncSession, article_id: int) -> ArticleMail | None:
    return await session.get(ArticleMail, article_id)


async def sent_article_of_message_id(
    session: AsyncSession, ticket_id: int, message_id: str
) -> int | None:
    """The ticket's article sent with this Message-ID, if one is stored (a message built from a
    deterministic id is written once however often its cause is evaluated)."""
    return await session.scalar(
        select(ArticleMail.article_id)
        .where(
            ArticleMail.ticket_id == ticket_id,
            ArticleMail.message_id == message_id,
            ArticleMail.direction == "out",
        )
        .limit(1)
    )
