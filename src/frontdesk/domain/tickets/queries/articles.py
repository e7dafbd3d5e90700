"""A ticket's articles and attachments as the zoom and the API show them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from frontdesk.core.actor import Actor
from frontdesk.core.clock import isoformat_z
from frontdesk.domain.dynamic_fields.values import values_of
from frontdesk.domain.tickets.access import access_ticket_by_id
from frontdesk.domain.tickets.errors import ArticleNotFound, AttachmentNotFound
from frontdesk.domain.tickets.models import Article, ArticleSeen, Attachment, Ticket
from frontdesk.domain.tickets.schemas import (
    MAX_ID,
    ArticleOut,
    AttachmentDirection,
    AttachmentOut,
    ChatLine,
)


def attachment_direction(sender_type: str, visible_for_customer: bool) -> AttachmentDirection:
    if not visible_for_customer:
        return "internal"
    return "incoming" if sender_type == "customer" else "outgoing"


def attachment_out(
    attachment: Attachment, sender_type: str, visible_for_customer: bool
) -> AttachmentOut:
    return AttachmentOut(
        id=attachment.id,
        article_id=attachment.article_id,
        filename=attachment.filename,
        content_type=attachment.content_type,
        size=attachment.size,
        inline=attachment.disposition == "inline",
        direction=attachment_direction(sender_type, visible_for_customer),
    )


def attachment_rows() -> Select[Attachment, str, bool]:
    """Attachments with their article's sender and visibility; everything but the content:
    lists never load file bytes."""
    return (
        select(Attachment, Article.sender_type, Article.visible_for_customer)
        .join(Article, Article.id == Attachment.article_id)
        .options(
            defer(Attachment.content),
        )
        .order_by(Attachment.article_id, Attachment.id)
    )


def _chat_transcript(article: Article) -> list[ChatLine]:
    """The transcript a chat article carries in ``channel_data``; malformed lines are skipped.

    The chat feature stores ``messages`` (every stored chat event, with the name each author
    showed the customer); only customer-visible messages are rendered, because the article may
    be shown to the customer. ``transcript`` (time/from/text) is the simple form other sources
    (imports, tests) write.
    """
    if article.channel != "chat" or not isinstance(article.channel_data, dict):
        return []
    messages = article.channel_data.get("messages")
    if isinstance(messages, list):
        return [
            ChatLine(
                time=str(line.get("at", "")),
                sender=str(line.get("author_public_name", "")),
                text=line["text"],
            )
            for line in messages
            if isinstance(line, dict)
            and line.get("kind") == "message"
            and line.get("visible_to_customer") is True
            and isinstance(line.get("text"), str)
        ]
    lines = article.channel_data.get("transcript")
    if not isinstance(lines, list):
        return []
    return [
        ChatLine(
            time=str(line.get("time", "")),
            sender=str(line.get("from", "")),
            text=str(line.get("text", "")),
        )
        for line in lines
        if isinstance(line, dict) and isinstance(line.get("text"), str)
    ]


def _sms_number(article: Article) -> str | None:
    if article.channel != "sms" or not isinstance(article.channel_data, dict):
        return None
    for key in ("phone_number", "phone", "to", "from"):
        value = article.channel_data.get(key)
        if isinstance(value, str) and value:
            return value
    return None


async def articles_out(
    session: AsyncSession, articles: Sequence[Article], *, customer_view: bool = False
) -> list[ArticleOut]:
    """Articles as the API shows them, with their attachments (one query for all) and the
    dynamic fields the reader may see."""
    ids = [a.id for a in articles]
    field_values = await values_of(session, "article", ids, customer=customer_view)
    by_article: dict[int, list[AttachmentOut]] = {}
    if ids:
        attachments_query = attachment_rows().where(Attachment.article_id.in_(ids))
        for attachment, sender_type, visible in await session.execute(attachments_query):
            by_article.setdefault(attachment.article_id, []).append(
                attachment_out(attachment, sender_type, visible)
            )
    result = []
    for article in articles:
        created_at = isoformat_z(article.created_at)
        assert created_at is not None
        result.append(
            ArticleOut(
                id=article.id,
                ticket_id=article.ticket_id,
                channel=article.channel,
                sender=article.sender_type,
                visible_for_customer=article.visible_for_customer,
                subject=article.subject,
                body=article.body,
                from_display=article.from_display,
                created_at=created_at,
                attachments=by_article.get(article.id, []),
                chat_transcript=_chat_transcript(article),
                sms_number=_sms_number(article),
                dynamic_fields=field_values.get(article.id, {}),
            )
        )
    return result


async def list_articles(session: AsyncSession, actor: Actor, ticket: Ticket) -> list[ArticleOut]:
    """The ticket's articles, oldest first; customers get only those visible to them."""
    query = select(Article).where(Article.ticket_id == ticket.id).order_by(Article.id)
    if actor.is_customer:
        query = query.where(Article.visible_for_customer.is_(True))
    articles = list(await session.scalars(query))
    return await articles_out(session, articles, customer_view=actor.is_customer)


async def unread_article_ids(
    session: AsyncSession, actor: Actor, ticket_id: int, article_ids: Sequence[int]
) -> set[int]:
    """Which of these articles of the ticket the agent has not seen yet (no ``ArticleSeen``
    row). Customers have no unread marker: the empty set. Selected by ticket, not by listing
    the ids: a long ticket would exceed the drivers' limit on bound parameters."""
    if not actor.is_agent or not article_ids:
        return set()
    seen = await session.scalars(
        select(ArticleSeen.article_id)
        .join(Article, Article.id == ArticleSeen.article_id)
        .where(ArticleSeen.agent_id == actor.id, Article.ticket_id == ticket_id)
    )
    return set(article_ids) - set(seen)


async def article_out(
    session: AsyncSession, article: Article, *, customer_view: bool = False
) -> ArticleOut:
    """One article as the API shows it (for the answer to the one who just wrote it)."""
    await session.flush()
    (out,) = await articles_out(session, [article], customer_view=customer_view)
    return out


async def get_attachment(
    session: AsyncSession, actor: Actor, ticket_id: int, article_id: int, attachment_id: int
) -> Attachment:
    """An attachment with its content, if the actor may read its article (404 otherwise)."""
    ticket = await access_ticket_by_id(session, actor, ticket_id)
    if not (1 <= article_id <= MAX_ID and 1 <= attachment_id <= MAX_ID):
        raise AttachmentNotFound()
    article = await session.get(Article, article_id)
    if article is None or article.ticket_id != ticket.id:
        raise ArticleNotFound()
    if actor.is_customer and not article.visible_for_customer:
        raise ArticleNotFound()
    attachment = await session.get(Attachment, attachment_id)
    if attachment is None or attachment.article_id != article.id:
        raise AttachmentNotFound()
    return attachment
