"""E-mail: one MIME message per recipient, queued in the outbox in the caller's transaction.

The Message-ID comes from the delivery key, so a trigger that is evaluated twice (a worker died
after queuing) would produce the same message, and the outbox sends the stored bytes on every
attempt.

To the ticket's customer the message is also an article on the ticket (``customer_articles``).

The subject carries the ticket number as ticket mail does (``Ticket::Hook``,
``Ticket::SubjectFormat``), so an answer to a notification is recognised as a follow-up.
"""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import TYPE_CHECKING

from frontdesk.core.clock import utcnow
from frontdesk.domain.email.actions import subject_rules
from frontdesk.domain.email.composing import MAIL_POLICY, ticket_subject
from frontdesk.domain.notifications import settings
from frontdesk.domain.notifications.customer_articles import send_as_article
from frontdesk.domain.outbox.actions import enqueue_email
from frontdesk.domain.runtime import Tx
from frontdesk.domain.tickets.models import Ticket

if TYPE_CHECKING:
    from frontdesk.domain.notifications.transports import Recipient, Rendered


class EmailTransport:
    name = "email"
    label = "Email"

    async def send(self, tx: Tx, recipient: Recipient, rendered: Rendered) -> None:
        if not recipient.email:
            return
        sender = str(tx.setting(settings.SENDER_EMAIL))
        ticket = await tx.session.get(Ticket, rendered.ticket_id)
        # Header values never carry line breaks a user typed (they would end the header).
        subject = " ".join(rendered.subject.split())
        if ticket is not None:
            subject = ticket_subject(subject, ticket.number, subject_rules(tx))
        sender_name = str(tx.setting(settings.SENDER_NAME))
        domain = str(tx.setting(settings.FQDN))
        raw = build_message(
            sender=sender,
            sender_name=sender_name,
            recipient=recipient,
            subject=subject,
            rendered=rendered,
            domain=domain,
        )
        if recipient.kind == "customer" and ticket is not None:
            # What the customer is told is on the ticket too (agents' mail is not).
            await send_as_article(
                tx,
                ticket,
                raw,
                message_id=message_id(rendered.delivery_key, domain),
                subject=subject,
                body=rendered.body,
                from_address=formataddr((sender_name, sender)),
                to_address=formataddr((recipient.name, recipient.email)),
                envelope_sender=sender,
                envelope_recipient=recipient.email,
            )
            return
        await enqueue_email(
            tx,
            raw,
            sender=sender,
            recipients=[recipient.email],
            article_id=rendered.article_id,
            ticket_id=rendered.ticket_id,
        )


def message_id(delivery_key: str, domain: str) -> str:
    digest = hashlib.sha256(delivery_key.encode()).hexdigest()[:32]
    return f"<notification.{digest}@{domain or 'localhost'}>"


def build_message(
    *,
    sender: str,
    sender_name: str,
    recipient: Recipient,
    subject: str,
    rendered: Rendered,
    domain: str,
) -> bytes:
    # The product's policy folds a long subject after its first word (no leading blank).
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = formataddr((sender_name, sender))
    message["To"] = formataddr((recipient.name, recipient.email))
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id(rendered.delivery_key, domain)
    message["Auto-Submitted"] = "auto-generated"
    message["X-Frontdesk-Loop"] = "yes"
    message.set_content(rendered.body, charset="utf-8")
    return message.as_bytes(policy=MAIL_POLICY)
