"""Sending an article as e-mail: the article, its stored source and the outbox item are
written in the caller's transaction, so a rollback leaves no trace and sends nothing."""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.domain.email.composing import (
    MailAttachment,
    Mailbox,
    OutgoingMail,
    SubjectRules,
    new_message_id,
    parse_recipients,
    refuse_line_breaks,
    render_message,
    threading_after,
    ticket_subject,
)
from frontdesk.domain.email.models import ArticleMail
from frontdesk.domain.email.queries import mail_of_article
from frontdesk.domain.email.schemas import EmailArticleCreate
from frontdesk.domain.email.settings import (
    FALLBACK_SENDER_EMAIL,
    FALLBACK_SENDER_NAME,
    SUBJECT_FORMAT,
    SUBJECT_FWD,
    SUBJECT_RE,
    TICKET_HOOK,
)
from frontdesk.domain.outbox.actions import enqueue_email
from frontdesk.domain.runtime import Tx
from frontdesk.domain.tickets import actions as ticket_actions
from frontdesk.domain.tickets.access import access_ticket_by_id
from frontdesk.domain.tickets.models import Article, Ticket
from frontdesk.domain.tickets.schemas import ArticleCreate, TicketUpdate

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
    """The address a queue's e-mail goes out from."""
    del queue_id
    return Mailbox(
        email=str(tx.setting(FALLBACK_SENDER_EMAIL)),
        display_name=str(tx.setting(FALLBACK_SENDER_NAME)),
    )


async def check_send_email_article(
    tx: Tx, actor: Actor, ticket_id: int, data: EmailArticleCreate
) -> tuple[Ticket, OutgoingMail, list[Mailbox]]:
    """Everything that can refuse the e-mail, before anything is written: the permission,
    the recipients, header injection, the attachments and the answered article."""
    if not actor.is_agent:
        await access_ticket_by_id(tx.session, actor, ticket_id)  # 404 when not theirs at all
        raise PermissionDenied("Only agents send e-mail from a ticket.")
    ticket = await access_ticket_by_id(tx.session, actor, ticket_id, "rw")
    to = parse_recipients(data.to or [], "to")
    if not to:
        raise ValidationFailed("to", "needs at least one recipient")
    cc = parse_recipients(data.cc, "cc")
    bcc = parse_recipients(data.bcc, "bcc")
    refuse_line_breaks(data.subject, "subject")
    attachments = ticket_actions.prepare_attachments(data, tx.runtime.settings.max_upload_bytes, "")
    in_reply_to: str | None = None
    references: list[str] = []
    if data.in_reply_to_article_id is not None:
        answered = await tx.session.get(Article, data.in_reply_to_article_id)
        if answered is None or answered.ticket_id != ticket.id:
            raise ValidationFailed("in_reply_to_article_id", "is not an article of this ticket")
        answered_mail = await mail_of_article(tx.session, answered.id)
        if answered_mail is not None:
            in_reply_to, references = threading_after(
                answered_mail.message_id, answered_mail.references
            )
    sender = await sender_for_queue(tx, ticket.queue_id)
    mail = OutgoingMail(
        sender=sender,
        to=to,
        cc=cc,
        subject=ticket_subject(data.subject, ticket.number, subject_rules(tx)),
        body=data.body,
        message_id=new_message_id(sender),
        date=utcnow(),
        in_reply_to=in_reply_to,
        references=references,
        attachments=[
            MailAttachment(filename=a.filename, content_type=a.content_type, content=a.content)
            for a in attachments
        ],
    )
    return ticket, mail, bcc


async def do_send_email_article(
    tx: Tx, actor: Actor, ticket_id: int, data: EmailArticleCreate
) -> SentEmail:
    """Write the e-mail article, keep its exact source and queue it; set the next state."""
    ticket, mail, bcc = await check_send_email_article(tx, actor, ticket_id, data)
    raw = render_message(mail)
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
    article.from_display = mail.sender.formatted()[:250]
    stored = ArticleMail(
        article_id=article.id,
        ticket_id=ticket.id,
        direction="out",
        message_id=mail.message_id,
        in_reply_to=mail.in_reply_to,
        references=" ".join(mail.references),
        from_address=mail.sender.formatted(),
        to_addresses=[m.formatted() for m in mail.to],
        cc_addresses=[m.formatted() for m in mail.cc],
        bcc_addresses=[m.formatted() for m in bcc],
        raw=raw,
    )
    tx.session.add(stored)
    await tx.session.flush()
    await enqueue_email(
        tx,
        raw,
        sender=mail.sender.email,
        recipients=list(dict.fromkeys(m.email for m in (*mail.to, *mail.cc, *bcc))),
        article_id=article.id,
        ticket_id=ticket.id,
    )
    next_state = {
        name: getattr(data, name)
        for name in _NEXT_STATE_FIELDS
        if name in data.model_fields_set and getattr(data, name) is not None
    }
    if next_state:
        await ticket_actions.do_update_ticket(tx, actor, ticket.id, TicketUpdate(**next_state))
    return SentEmail(article=article, mail=stored)
