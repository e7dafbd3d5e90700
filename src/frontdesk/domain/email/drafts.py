"""What the compose screens start from: the recipients, subject and quoted text of a reply,
reply to all, forward or fresh e-mail, and what the zoom shows of each article's mail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.utils import getaddresses
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.errors import ValidationFailed
from frontdesk.domain.accounts.models import Agent, CustomerUser
from frontdesk.domain.email.actions import sender_for_queue, subject_rules
from frontdesk.domain.email.composing import (
    Mailbox,
    answer_subject,
    forward_subject,
    quote_text,
)
from frontdesk.domain.email.models import ArticleMail
from frontdesk.domain.mail_setup.models import (
    SystemAddress,
    Template,
    TemplateAttachment,
    TemplateQueue,
)
from frontdesk.domain.mail_setup.placeholders import (
    PlaceholderContext,
    config_from,
    placeholder_context,
    render_placeholders,
)
from frontdesk.domain.mail_setup.queries import (
    queue_mail_profile,
    template_attachments,
    templates_for_queue,
)
from frontdesk.domain.outbox.models import OutboxItem
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue.models import Queue
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
    # The queue's templates for this screen (id, name), the one applied and its files.
    templates: list[tuple[int, str]] = field(default_factory=list)
    template_id: int | None = None
    template_files: list[tuple[int, str]] = field(default_factory=list)


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


def _paragraphs(*parts: str | None) -> str:
    """Text blocks one blank line apart; an empty block leaves room to write in."""
    return "\n\n".join((part or "").strip("\n") for part in parts if part is not None)


def _template_type(mode: ComposeMode) -> str:
    return "forward" if mode == "forward" else "answer"


async def _chosen_template(
    session: AsyncSession, queue_id: int, template_type: str, template_id: int | None
) -> tuple[list[tuple[int, str]], Template | None]:
    """The templates the queue offers for this screen, and the chosen one (which must be
    among them)."""
    offered = await templates_for_queue(session, queue_id, template_type)
    chosen = None
    if template_id is not None:
        chosen = next((t for t in offered if t.id == template_id), None)
        if chosen is None:
            raise ValidationFailed("template_id", "Choose one of the offered templates.")
    return [(t.id, t.name) for t in offered], chosen


async def own_addresses(tx: Tx, queue_id: int) -> set[str]:
    """The helpdesk's own addresses (lower case): never recipients of a reply to all."""
    rows = await tx.session.scalars(
        select(SystemAddress.email).where(SystemAddress.valid.is_(True))
    )
    sender = await sender_for_queue(tx, queue_id)
    return {email.lower() for email in rows} | {sender.email.lower()}


async def compose_draft(
    tx: Tx,
    actor: Actor,
    ticket_id: int,
    mode: ComposeMode,
    article_id: int | None,
    *,
    template_id: int | None = None,
    when: Callable[[datetime], str],
) -> Draft:
    """The prefilled form: recipients, subject, and a text of the queue's salutation, the
    chosen template and the queue's signature (placeholders rendered), above the quoted or
    forwarded article. ``when`` formats the article's time for the reader."""
    session = tx.session
    # Only who may send it gets the form (the rw permission, as for the send itself).
    ticket = await access_ticket_by_id(session, actor, ticket_id, "rw")
    rules = subject_rules(tx)
    profile = await queue_mail_profile(session, ticket.queue_id)
    context = await placeholder_context(session, ticket.id, actor.id, config=config_from(tx))
    customer = await _customer_address(session, ticket)
    article = None
    if mode != "new" and article_id is not None:
        article = await session.get(Article, article_id) if 1 <= article_id <= MAX_ID else None
        if article is None or article.ticket_id != ticket.id:
            raise ValidationFailed("article_id", "is not an article of this ticket")
    mode = mode if article is not None else "new"
    templates, template = await _chosen_template(
        session, ticket.queue_id, _template_type(mode), template_id
    )

    def rendered(text: str | None) -> str | None:
        return render_placeholders(text, context) if text else None

    template_text = rendered(template.text) if template else ""
    template_subject = rendered(template.subject) if template and template.subject else None
    signature = rendered(profile.signature)
    salutation = rendered(profile.salutation)
    draft = Draft(
        mode=mode,
        templates=templates,
        template_id=template.id if template else None,
        template_files=await _template_files(session, template),
    )
    if article is None:
        draft.to = customer
        draft.subject = template_subject or ticket.title
        draft.body = _paragraphs(salutation, template_text, signature)
        return draft
    draft.in_reply_to_article_id = article.id
    if mode == "forward":
        header = [
            "---- Forwarded message ----",
            f"From: {article.from_display}",
            f"Date: {when(article.created_at)}",
            f"Subject: {article.subject}",
            "",
        ]
        draft.subject = template_subject or forward_subject(article.subject, rules)
        draft.body = _paragraphs(template_text, signature, "\n".join(header) + "\n" + article.body)
        draft.attachments = await _files_of(session, article.id)
        return draft
    to, cc = await _answer_recipients(tx, ticket, article, mode, customer)
    draft.to, draft.cc = to, cc
    draft.subject = template_subject or answer_subject(article.subject, rules)
    draft.body = _paragraphs(
        salutation,
        template_text,
        signature,
        quote_text(article.body, when(article.created_at), article.from_display),
    )
    return draft


async def _files_of(session: AsyncSession, article_id: int) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(Attachment.id, Attachment.filename)
        .where(Attachment.article_id == article_id)
        .order_by(Attachment.id)
    )
    return [(row_id, filename) for row_id, filename in rows.all()]


async def _answer_recipients(
    tx: Tx, ticket: Ticket, article: Article, mode: ComposeMode, customer: str
) -> tuple[str, str]:
    """To and Cc of an answer: the article's sender (or, for our own mail, its recipients);
    a reply to all copies everyone else it went to, except ourselves."""
    ours = await own_addresses(tx, ticket.queue_id)
    mail = await tx.session.get(ArticleMail, article.id)
    if mail is not None and mail.direction == "out":
        to = _joined(mail.to_addresses, without=ours)
        others = list(mail.cc_addresses)
    elif mail is not None:
        to = _joined([mail.from_address], without=ours)
        others = [*mail.to_addresses, *mail.cc_addresses]
    else:
        to, others = customer, []
    cc = ""
    if mode == "reply_all":
        taken = ours | {address.lower() for _, address in _addresses([to])}
        cc = _joined(others, without=taken)
    return to or customer, cc


async def _new_ticket_context(tx: Tx, actor: Actor, queue_id: int) -> PlaceholderContext:
    """Tags of a ticket not yet created: the acting agent and the queue are known."""
    base = await placeholder_context(tx.session, 0, actor.id, config=config_from(tx))
    agent = await tx.session.get(Agent, actor.id) if actor.is_agent else None
    queue = await tx.session.get(Queue, queue_id)
    current = (
        {
            "UserFirstname": agent.first_name,
            "UserLastname": agent.last_name,
            "UserFullname": f"{agent.first_name} {agent.last_name}".strip(),
            "UserEmail": agent.email,
            "UserLogin": agent.login,
        }
        if agent is not None
        else {}
    )
    return replace(base, current_agent=current, ticket={"Queue": queue.name if queue else ""})


async def new_ticket_draft(
    tx: Tx, actor: Actor, queue_id: int | None, template_id: int | None
) -> Draft:
    """The text of a new e-mail ticket in ``queue_id``: the chosen "create" template and the
    queue's signature. There is no ticket yet, so ticket and customer tags render as "-"."""
    if queue_id is None:
        return Draft(mode="new")
    templates, template = await _chosen_template(tx.session, queue_id, "create", template_id)
    profile = await queue_mail_profile(tx.session, queue_id)
    context = await _new_ticket_context(tx, actor, queue_id)
    text = render_placeholders(template.text, context) if template else ""
    signature = render_placeholders(profile.signature, context) if profile.signature else None
    subject = (
        render_placeholders(template.subject, context) if template and template.subject else ""
    )
    return Draft(
        mode="new",
        subject=subject,
        body=_paragraphs(text, signature) if signature or text else "",
        templates=templates,
        template_id=template.id if template else None,
        template_files=await _template_files(tx.session, template),
    )


async def _template_files(
    session: AsyncSession, template: Template | None
) -> list[tuple[int, str]]:
    if template is None:
        return []
    rows = await session.execute(
        select(TemplateAttachment.id, TemplateAttachment.filename)
        .where(TemplateAttachment.template_id == template.id)
        .order_by(TemplateAttachment.id)
    )
    return [(row_id, filename) for row_id, filename in rows.all()]


async def chosen_template_files(
    session: AsyncSession, queue_id: int, template_id: int | None, file_ids: list[int]
) -> list[TemplateAttachment]:
    """The files of a template the queue offers (of any type) that the agent kept ticked;
    anything else is refused, naming the attachments."""
    if not file_ids:
        return []
    offered = await session.scalars(
        select(TemplateQueue.template_id).where(TemplateQueue.queue_id == queue_id)
    )
    if template_id is None or template_id not in set(offered):
        raise ValidationFailed("attachments", "Choose one of the offered files.")
    files = {f.id: f for f in await template_attachments(session, template_id)}
    if any(file_id not in files for file_id in file_ids):
        raise ValidationFailed("attachments", "Choose one of the offered files.")
    return [files[file_id] for file_id in dict.fromkeys(file_ids)]


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
