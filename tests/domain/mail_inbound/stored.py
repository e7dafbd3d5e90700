"""Reading back what incoming mail stored, for the tests."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from frontdesk.domain.email.models import ArticleMail
from frontdesk.domain.mail_inbound.models import ReceivedMailFailure
from frontdesk.domain.tickets.models import Article, Attachment, Ticket
from frontdesk.web.state import WebState

Headers = dict[str, str]
RFC822 = {"Content-Type": "message/rfc822"}


async def post_mail(client: httpx.AsyncClient, headers: Headers, raw: bytes) -> httpx.Response:
    return await client.post("/api/v1/mail/inbound", content=raw, headers={**headers, **RFC822})


async def count(web: WebState, model: Any) -> int:
    async with web.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def counts(web: WebState) -> tuple[int, int, int, int]:
    """Tickets, articles, article sources, failures."""
    return (
        await count(web, Ticket),
        await count(web, Article),
        await count(web, ArticleMail),
        await count(web, ReceivedMailFailure),
    )


async def ticket(web: WebState, ticket_id: int) -> Ticket:
    async with web.session_factory() as session:
        row = await session.get(Ticket, ticket_id)
        assert row is not None
        return row


async def article(web: WebState, article_id: int) -> Article:
    async with web.session_factory() as session:
        row = await session.get(Article, article_id)
        assert row is not None
        return row


async def source(web: WebState, article_id: int) -> ArticleMail:
    async with web.session_factory() as session:
        row = await session.get(ArticleMail, article_id)
        assert row is not None
        return row


async def attachments(web: WebState, article_id: int) -> list[tuple[str, str, str, int]]:
    async with web.session_factory() as session:
        rows = await session.scalars(
            select(Attachment).where(Attachment.article_id == article_id).order_by(Attachment.id)
        )
        return [(a.filename, a.content_type, a.disposition, a.size) for a in rows]


async def failures(web: WebState) -> list[ReceivedMailFailure]:
    async with web.session_factory() as session:
        rows = await session.scalars(select(ReceivedMailFailure).order_by(ReceivedMailFailure.id))
        return list(rows)


async def state_name(web: WebState, ticket_id: int) -> str:
    from frontdesk.domain.ticket_catalogue.models import TicketState

    async with web.session_factory() as session:
        name = await session.scalar(
            select(TicketState.name)
            .join(Ticket, Ticket.state_id == TicketState.id)
            .where(Ticket.id == ticket_id)
        )
        assert name is not None
        return name


async def close_ticket(web: WebState, ticket_id: int) -> None:
    from sqlalchemy import update

    from frontdesk.domain.ticket_catalogue.models import TicketState

    async with web.session_factory() as session:
        closed = await session.scalar(
            select(TicketState.id).where(TicketState.name == "closed successful")
        )
        await session.execute(update(Ticket).where(Ticket.id == ticket_id).values(state_id=closed))
        await session.commit()
