"""Sending an article as e-mail: the article, its stored source and the outbox item are
written in the caller's transaction, so a rollback leaves no trace and sends nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.domain.accounts.models import CustomerUser
from frontdesk.domain.email.composing import (
    MailAttachment,
    Mailbox,
    OutgoingMail,
    SubjectRules,
    answer_subject,
    new_message_id,
    parse_recipients,
    refuse_line_breaks,
    render_message,
    threading_after,
    ticket_subject,
)
from frontdesk.domain.email.models import ArticleMail
from frontdesk.domain.email.queries import mail_of_article
from frontdesk.domain.email.schemas import EmailArticleCreate, EmailTicketCreate
from frontdesk.domain.email.settings import (
    FALLBACK_SENDER_EMAIL,
    FALLBACK_SENDER_NAME,
    SUBJECT_FORMAT,
    SUBJECT_FWD,
    SUBJECT_RE,
    TICKET_HOOK,
)
from frontdesk.domain.mail_setup.queries import queue_mail_profile
from frontdesk.domain.outbox.actions import enqueue_email
from frontdesk.domain.runtime import Tx
from frontdesk.domain.tickets import actions as ticket_actions
from frontdesk.domain.tickets.access import access_ticket_by_id
from frontdesk.domain.tickets.models import Article, Ticket
from frontdesk.domain.tickets.schemas import ArticleCreate, TicketCreate, TicketUpdate

# The ticket change an e-mail may carry (the compose screens' "next state").
_NEXT_STATE_FIELDS = ("state", "state_id", "pending_until")


@dataclass(frozen=True)
class SentEmail:
    article: Article
    mail: ArticleMail


def subject_rules(tx: Tx) -> SubjectRules:
    return SubjectRules(
        hook=str(tx.setting(TICKET_HOOK)),
        format=str(tx.setting(SUBJECT_FORMAT)),
        reply_prefix=str(tx.setting(SUBJECT_RE)),
        forward_prefix=str(tx.setting(SUBJECT_FWD)),
    )


async def sender_for_queue(tx: Tx, queue_id: int) -> Mailbox:
    """The address a queue's e-mail goes out from: its system address, else the fallback."""
    profile = await queue_mail_profile(tx.session, queue_id)
    if profile.system_address_email:
        return Mailbox(
            email=profile.system_address_email,
            display_name=_one_line(profile.system_address_display_name or ""),
        )
    return Mailbox(
        email=str(tx.setting(FALLBACK_SENDER_EMAIL)),
        display_name=_one_line(str(tx.setting(FALLBACK_SENDER_NAME))),
    )


def _one_line(text: str) -> str:
    """A display name as one header line, whatever an administrator typed."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Recipients:
    to: list[Mailbox]
    cc: list[Mailbox]
    bcc: list[Mailbox]


def check_recipients(to: list[str], cc: list[str], bcc: list[str], subject: str) -> Recipients:
    """Valid addresses, at least one in To, and no line break in the subject (header
    injection); each refusal names its field."""
    recipients = Recipients(
        to=parse_recipients(to, "to"),
        cc=parse_recipients(cc, "cc"),
        bcc=parse_recipients(bcc, "bcc"),
    )
    if not recipients.to:
        raise ValidationFailed("to", "needs at least one recipient")
    refuse_line_breaks(subject, "subject")
    return recipients


async def _outgoing(
    tx: Tx,
    ticket: Ticket,
    recipients: Recipients,
    subject: str,
    body: str,
    attachments: list[ticket_actions.PreparedAttachment],
    threading: tuple[str | None, list[str]] = (None, []),
) -> OutgoingMail:
    sender = await sender_for_queue(tx, ticket.queue_id)
    return OutgoingMail(
        sender=sender,
        to=recipients.to,
        cc=recipients.cc,
        subject=ticket_subject(subject, ticket.number, subject_rules(tx)),
        body=body,
        message_id=new_message_id(sender),
        date=utcnow(),
        in_reply_to=threading[0],
        references=threading[1],
        attachments=[
            MailAttachment(filename=a.filename, content_type=a.content_type, content=a.content)
            for a in attachments
        ],
    )


async def _keep_and_queue(
    tx: Tx, ticket: Ticket, article: Article, mail: OutgoingMail, bcc: list[Mailbox]
) -> ArticleMail:
    """Store the exact source beside the article and hand the same bytes to the outbox."""
    article.subject = mail.subject
    article.from_display = mail.sender.formatted()[:250]
    return await keep_and_queue_source(
        tx,
        article,
        render_message(mail),
        message_id=mail.message_id,
        envelope_sender=mail.sender.email,
        from_address=mail.sender.formatted(),
        to=[m.formatted() for m in mail.to],
        cc=[m.formatted() for m in mail.cc],
        bcc=[m.formatted() for m in bcc],
        envelope_recipients=list(dict.fromkeys(m.email for m in (*mail.to, *mail.cc, *bcc))),
        in_reply_to=mail.in_reply_to,
        references=mail.references,
    )


async def keep_and_queue_source(
    tx: Tx,
    article: Article,
    raw: bytes,
    *,
    message_id: str,
    envelope_sender: str,
    from_address: str,
    to: list[str],
    envelope_recipients: list[str],
    cc: Sequence[str] = (),
    bcc: Sequence[str] = (),
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
) -> ArticleMail:
    """Keep an already rendered message as the sent source of ``article`` and queue the same
    bytes, linked to the article (its mail state shows on it). For mail built elsewhere, as
    customer notifications are."""
    stored = ArticleMail(
        article_id=article.id,
        ticket_id=article.ticket_id,
        direction="out",
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=" ".join(references),
        from_address=from_address,
        to_addresses=list(to),
        cc_addresses=list(cc),
        bcc_addresses=list(bcc),
        raw=raw,
    )
    tx.session.add(stored)
    await tx.session.flush()
    await enqueue_email(
        tx,
        raw,
        sender=envelope_sender,
        recipients=envelope_recipients,
        article_id=article.id,
        ticket_id=article.ticket_id,
    )
    return stored


async def check_send_email_article(
    tx: Tx, actor: Actor, ticket_id: int, data: EmailArticleCreate
) -> tuple[Ticket, OutgoingMail, list[Mailbox]]:
    """Everything that can refuse the e-mail, before anything is written: the permission,
    the recipients, header injection, the attachments and the answered article."""
    if not actor.is_agent:
        await access_ticket_by_id(tx.session, actor, ticket_id)  # 404 when not theirs at all
        raise PermissionDenied("Only agents send e-mail from a ticket.")
    ticket = await access_ticket_by_id(tx.session, actor, ticket_id, "rw")
    recipients = check_recipients(data.to or [], data.cc, data.bcc, data.subject)
    attachments = ticket_actions.prepare_attachments(data, tx.runtime.settings.max_upload_bytes, "")
    threading: tuple[str | None, list[str]] = (None, [])
    subject = data.subject
    if data.in_reply_to_article_id is not None:
        answered = await tx.session.get(Article, data.in_reply_to_article_id)
        if answered is None or answered.ticket_id != ticket.id:
            raise ValidationFailed("in_reply_to_article_id", "is not an article of this ticket")
        answered_mail = await mail_of_article(tx.session, answered.id)
        if answered_mail is not None:
            threading = threading_after(answered_mail.message_id, answered_mail.references)
        if not subject.strip():
            subject = answer_subject(answered.subject, subject_rules(tx))
    mail = await _outgoing(tx, ticket, recipients, subject, data.body, attachments, threading)
    return ticket, mail, recipients.bcc


async def do_send_email_article(
    tx: Tx, actor: Actor, ticket_id: int, data: EmailArticleCreate
) -> SentEmail:
    """Write the e-mail article, keep its exact source and queue it; set the next state."""
    ticket, mail, bcc = await check_send_email_article(tx, actor, ticket_id, data)
    article = await ticket_actions.do_add_article(
        tx,
        actor,
        ticket.id,
        ArticleCreate(
            channel="email",
            sender="agent",
            subject=mail.subject,
            body=mail.body,
            visible_for_customer=True,
            attachments=data.attachments,
        ),
    )
    stored = await _keep_and_queue(tx, ticket, article, mail, bcc)
    next_state = {
        name: getattr(data, name)
        for name in _NEXT_STATE_FIELDS
        if name in data.model_fields_set and getattr(data, name) is not None
    }
    if next_state:
        await ticket_actions.do_update_ticket(tx, actor, ticket.id, TicketUpdate(**next_state))
    return SentEmail(article=article, mail=stored)


async def _customer_of_address(tx: Tx, mailbox: Mailbox) -> str | None:
    login = await tx.session.scalar(
        select(CustomerUser.login)
        .where(func.lower(CustomerUser.email) == mailbox.email.lower())
        .order_by(CustomerUser.id)
        .limit(1)
    )
    return str(login) if login is not None else None


async def do_create_email_ticket(tx: Tx, actor: Actor, data: EmailTicketCreate) -> SentEmail:
    """A new ticket whose first article goes out as e-mail, all in the caller's transaction.
    The subject is the ticket's title; the sent subject carries its new number."""
    if not actor.is_agent:
        raise PermissionDenied("Only agents send e-mail from a ticket.")
    recipients = check_recipients(data.to, data.cc, data.bcc, data.subject)
    customer_user = data.customer_user or await _customer_of_address(tx, recipients.to[0])
    ticket = await ticket_actions.do_create_ticket(
        tx,
        actor,
        TicketCreate(
            title=data.subject,
            queue_id=data.queue_id,
            customer_user=customer_user,
            state_id=data.state_id,
            priority_id=data.priority_id,
            pending_until=data.pending_until,
            article=ArticleCreate(
                channel="email",
                sender="agent",
                subject=data.subject,
                body=data.body,
                visible_for_customer=True,
                attachments=data.attachments,
            ),
        ),
    )
    article = await tx.session.scalar(
        select(Article).where(Article.ticket_id == ticket.id).order_by(Article.id).limit(1)
    )
    assert article is not None, "do_create_ticket writes the first article"
    attachments = ticket_actions.prepare_attachments(
        ArticleCreate(body=data.body, attachments=data.attachments),
        tx.runtime.settings.max_upload_bytes,
        "",
    )
    mail = await _outgoing(tx, ticket, recipients, data.subject, data.body, attachments)
    stored = await _keep_and_queue(tx, ticket, article, mail, recipients.bcc)
    return SentEmail(article=article, mail=stored)
