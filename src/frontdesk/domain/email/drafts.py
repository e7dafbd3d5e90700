"""What the compose screens start from: the recipients, subject and quoted text of a reply,
reply to all, forward or fresh e-mail, and what the zoom shows of each article's mail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import getaddresses
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.errors import ValidationFailed
from frontdesk.domain.accounts.models import CustomerUser
from frontdesk.domain.email.composing import (
    Mailbox,
    SubjectRules,
    answer_subject,
    forward_subject,
    quote_text,
)
from frontdesk.domain.email.models import ArticleMail
from frontdesk.domain.outbox.models import OutboxItem
from frontdesk.domain.tickets.access import access_ticket_by_id
from frontdesk.domain.tickets.models import Article, Attachment, Ticket
from frontdesk.domain.tickets.schemas import MAX_ID

ComposeMode = Literal["new", "reply", "reply_all", "forward"]
COMPOSE_MODES: tuple[ComposeMode, ...] = ("new", "reply", "reply_all", "forward")


@dataclass
class Draft:
    mode: ComposeMode
    to: str = ""
    cc: str = ""
    subject: str = ""
    body: str = ""
    in_reply_to_article_id: int | None = None
    # The answered or forwarded article's files (a forward may send them on).
    attachments: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ArticleMailInfo:
    """The mail headers of an e-mail article and, for a sent one, how its delivery goes."""

    direction: str
    from_address: str
    to: list[str]
    cc: list[str]
    bcc: list[str]
    delivery_status: str | None = None
    delivery_error: str | None = None


def _addresses(values: list[str]) -> list[tuple[str, str]]:
    return [(name, address) for name, address in getaddresses(values) if address]


def _joined(values: list[str], *, without: set[str]) -> str:
    """Header-style addresses, each once, leaving out ``without`` (lower-case addresses)."""
    seen = set(without)
    kept: list[str] = []
    for name, address in _addresses(values):
        if address.lower() in seen:
            continue
        seen.add(address.lower())
        kept.append(Mailbox(address, name).formatted())
    return ", ".join(kept)


async def _customer_address(session: AsyncSession, ticket: Ticket) -> str:
    if ticket.customer_user_id is None:
        return ""
    customer = await session.get(CustomerUser, ticket.customer_user_id)
    if customer is None or not customer.email:
        return ""
    return Mailbox(customer.email, customer.full_name).formatted()


async def compose_draft(
    session: AsyncSession,
    actor: Actor,
    ticket_id: int,
    mode: ComposeMode,
    article_id: int | None,
    *,
    rules: SubjectRules,
    own_addresses: set[str],
    when: Callable[[datetime], str],
) -> Draft:
    """The prefilled form. ``own_addresses`` (lower case) are the helpdesk's own, never put
    among the recipients of a reply to all; ``when`` formats the quoted article's time."""
    ticket = await access_ticket_by_id(session, actor, ticket_id)
    customer = await _customer_address(session, ticket)
    if mode == "new" or article_id is None:
        return Draft(mode="new", to=customer, subject=ticket.title)
    article = await session.get(Article, article_id) if 1 <= article_id <= MAX_ID else None
    if article is None or article.ticket_id != ticket.id:
        raise ValidationFailed("article_id", "is not an article of this ticket")
    mail = await session.get(ArticleMail, article.id)
    files = [
        (row_id, filename)
        for row_id, filename in (
            await session.execute(
                select(Attachment.id, Attachment.filename)
                .where(Attachment.article_id == article.id)
                .order_by(Attachment.id)
            )
        ).all()
    ]
    if mode == "forward":
        header = [
            "---- Forwarded message ----",
            f"From: {article.from_display}",
            f"Date: {when(article.created_at)}",
            f"Subject: {article.subject}",
            "",
        ]
        return Draft(
            mode=mode,
            subject=forward_subject(article.subject, rules),
            body="\n\n" + "\n".join(header) + "\n" + article.body,
            in_reply_to_article_id=article.id,
            attachments=files,
        )
    if mail is not None and mail.direction == "out":
        # Answering our own mail writes to its recipients again.
        to = _joined(mail.to_addresses, without=own_addresses)
        others = mail.cc_addresses
    elif mail is not None:
        to = _joined([mail.from_address], without=own_addresses)
        others = [*mail.to_addresses, *mail.cc_addresses]
    else:
        to = customer
        others = []
    cc = ""
    if mode == "reply_all":
        taken = own_addresses | {address.lower() for _, address in _addresses([to])}
        cc = _joined(others, without=taken)
    return Draft(
        mode=mode,
        to=to or customer,
        cc=cc,
        subject=answer_subject(article.subject, rules),
        body="\n\n" + quote_text(article.body, when(article.created_at), article.from_display),
        in_reply_to_article_id=article.id,
    )


async def ticket_mail_info(session: AsyncSession, ticket_id: int) -> dict[int, ArticleMailInfo]:
    """Per e-mail article of the ticket: its addresses and the state of its newest delivery."""
    mails = (
        await session.execute(select(ArticleMail).where(ArticleMail.ticket_id == ticket_id))
    ).scalars()
    deliveries: dict[int, OutboxItem] = {}
    items = await session.execute(
        select(OutboxItem)
        .where(OutboxItem.ticket_id == ticket_id, OutboxItem.article_id.is_not(None))
        .order_by(OutboxItem.id)
    )
    for item in items.scalars():
        assert item.article_id is not None
        deliveries[item.article_id] = item
    info: dict[int, ArticleMailInfo] = {}
    for mail in mails:
        delivery = deliveries.get(mail.article_id)
        info[mail.article_id] = ArticleMailInfo(
            direction=mail.direction,
            from_address=mail.from_address,
            to=list(mail.to_addresses),
            cc=list(mail.cc_addresses),
            bcc=list(mail.bcc_addresses),
            delivery_status=delivery.status if delivery else None,
            delivery_error=delivery.last_error if delivery else None,
        )
    return info
