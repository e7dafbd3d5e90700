"""Automatic answers to received mail, and the loop protection around them.

No answer goes to mail that is itself automatic (``Auto-Submitted`` other than ``no``,
``Precedence: bulk/junk/list``, mailing lists, bounces from ``<>`` or MAILER-DAEMON, delivery
reports, other auto-replies) or that came from one of our own system addresses, and one address
gets at most ``PostMaster::MaxAutoResponsesPerAddress`` answers an hour: two helpdesks answering
each other stop there. Every answer carries ``Auto-Submitted: auto-replied`` so that others'
systems do not answer it either (RFC 3834).

As in OTRS, every answer is also an article of its ticket (sender "system", visible to the
customer, channel e-mail, its source kept as an outgoing ``ArticleMail``), so agents see what
the customer was told. A rejected follow-up gets no article of its own, but the rejection is
kept on the ticket it answered.
"""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid

import structlog
from sqlalchemy import func, select

from frontdesk.core.clock import utcnow
from frontdesk.domain.email.models import ArticleMail
from frontdesk.domain.mail_inbound.models import AutoResponseSent
from frontdesk.domain.mail_inbound.parsing import ParsedMail, clean_header
from frontdesk.domain.mail_inbound.settings import AUTO_RESPONSES_PER_HOUR
from frontdesk.domain.mail_setup.models import SystemAddress
from frontdesk.domain.mail_setup.placeholders import (
    config_from,
    placeholder_context,
    render_placeholders,
)
from frontdesk.domain.mail_setup.queries import auto_response_for, system_address_by_email
from frontdesk.domain.outbox.actions import enqueue_email
from frontdesk.domain.runtime import Tx
from frontdesk.domain.tickets.actions import write_system_mail_article
from frontdesk.domain.tickets.models import Article, Ticket

log = structlog.get_logger(__name__)

_DAEMON = re.compile(r"^(mailer-daemon|postmaster|mail-daemon)@", re.IGNORECASE)
_AUTO_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Loop", "X-Frontdesk-Loop")
# The history entry of each kind of answer (OTRS's names; the timeline labels them).
HISTORY_TYPES = {
    "reply_new_ticket": "SendAutoReply",
    "reply_new_ticket_on_closed": "SendAutoReply",
    "reply_follow_up": "SendAutoFollowUp",
    "reply_reject": "SendAutoReject",
}


def automatic_reason(mail: ParsedMail) -> str | None:
    """Why a mail is automatic (and must get no answer), or None for mail a person wrote."""
    auto_submitted = mail.header("Auto-Submitted").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return "auto_submitted"
    if mail.header("Precedence").strip().lower() in ("bulk", "junk", "list"):
        return "precedence"
    if mail.header("List-Id") or mail.header("List-Unsubscribe"):
        return "mailing_list"
    if mail.header("Return-Path").strip() == "<>" or _DAEMON.match(mail.from_address):
        return "bounce"
    if mail.header("Content-Type").lower().startswith("multipart/report"):
        return "bounce"
    if any(mail.header(name) for name in _AUTO_HEADERS):
        return "auto_reply"
    return None


async def _answers_in_last_hour(tx: Tx, address: str) -> int:
    since = utcnow() - timedelta(hours=1)
    count = await tx.session.scalar(
        select(func.count())
        .select_from(AutoResponseSent)
        .where(AutoResponseSent.address == address, AutoResponseSent.sent_at >= since)
    )
    return int(count or 0)


async def send_auto_response(
    tx: Tx, ticket: Ticket, mail: ParsedMail, kind: str, hook: str
) -> bool:
    """Queue the queue's automatic response of ``kind`` to the sender, unless loop protection
    says no. Answers whether one was queued."""
    recipient = mail.from_address.strip().lower()
    bound = log.bind(ticket_id=ticket.id, kind=kind, message_id=mail.message_id)
    if not recipient:
        return False
    reason = automatic_reason(mail)
    if reason is not None:
        bound.info("auto_response_skipped", reason=reason)
        return False
    # The queue's response first: most queues send none, and then whether the sender is one
    # of our own addresses needs no query.
    response = await auto_response_for(tx.session, ticket.queue_id, kind)
    if response is None:
        return False
    if await system_address_by_email(tx.session, recipient) is not None:
        bound.info("auto_response_skipped", reason="own_address")
        return False
    sender = await tx.session.get(SystemAddress, response.system_address_id)
    if sender is None or not sender.valid:
        return False
    limit = int(tx.setting(AUTO_RESPONSES_PER_HOUR))
    if await _answers_in_last_hour(tx, recipient) >= limit:
        bound.warning("auto_response_limit_reached", address=recipient, limit=limit)
        return False

    context = await placeholder_context(tx.session, ticket.id, None, config=config_from(tx))
    subject = clean_header(render_placeholders(response.subject, context))
    tag = f"[{hook}{ticket.number}]"
    if ticket.number not in subject:
        subject = f"{tag} {subject}".strip()
    message = EmailMessage(policy=SMTP)
    message["From"] = formataddr((sender.display_name, sender.email))
    message["To"] = recipient
    message["Subject"] = subject[:900]
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=sender.email.rpartition("@")[2] or None)
    if mail.message_id:
        message["In-Reply-To"] = mail.message_id
        message["References"] = " ".join([*mail.references, mail.message_id][-10:])
    message["Auto-Submitted"] = "auto-replied"
    message["X-Frontdesk-Loop"] = "yes"
    body = render_placeholders(response.text, context)
    message.set_content(body)
    raw = message.as_bytes()
    article = await _store_article(tx, ticket, kind, message, body, raw)
    await enqueue_email(
        tx,
        raw,
        sender=sender.email,
        recipients=[recipient],
        article_id=article.id,
        ticket_id=ticket.id,
    )
    tx.session.add(AutoResponseSent(address=recipient))
    await tx.session.flush()
    bound.info("auto_response_queued", address=recipient)
    return True


async def _store_article(
    tx: Tx, ticket: Ticket, kind: str, message: EmailMessage, body: str, raw: bytes
) -> Article:
    """The answer as an article of ``ticket``, written by the system, with its source."""
    article = await write_system_mail_article(
        tx,
        ticket,
        subject=str(message["Subject"]),
        body=body,
        from_display=str(message["From"]),
        history_type=HISTORY_TYPES.get(kind, "SendAutoReply"),
    )
    tx.session.add(
        ArticleMail(
            article_id=article.id,
            ticket_id=ticket.id,
            direction="out",
            message_id=str(message["Message-ID"]),
            in_reply_to=str(message["In-Reply-To"]) if message["In-Reply-To"] else None,
            references=str(message["References"] or ""),
            from_address=str(message["From"]),
            to_addresses=[str(message["To"])],
            cc_addresses=[],
            bcc_addresses=[],
            raw=raw,
        )
    )
    await tx.session.flush()
    return article
