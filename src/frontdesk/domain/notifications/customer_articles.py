"""A notification mailed to the ticket's customer is also an e-mail article on the ticket.

As in OTRS: sender "system", visible to the customer, with the exact source and Message-ID
as sent, so agents see what the customer was told, the customer sees it in the portal and a
reply threads to it. The outbox item is linked to the article, so its mail state shows there.

The history type is ``SendCustomerNotification``, which raises no notification event (see
``triggers.HISTORY_EVENTS``): the article cannot start a chain of notifications of its own.
The Message-ID comes from the delivery key, so a re-evaluated trigger finds its article and
neither writes nor queues anything again.
"""

from __future__ import annotations

from frontdesk.domain.email.actions import keep_and_queue_source
from frontdesk.domain.email.queries import sent_article_of_message_id
from frontdesk.domain.runtime import Tx
from frontdesk.domain.tickets.actions import write_system_mail_article
from frontdesk.domain.tickets.models import Article, Ticket

HISTORY_TYPE = "SendCustomerNotification"


async def send_as_article(
    tx: Tx,
    ticket: Ticket,
    raw: bytes,
    *,
    message_id: str,
    subject: str,
    body: str,
    from_address: str,
    to_address: str,
    envelope_sender: str,
    envelope_recipient: str,
) -> Article | None:
    """Write the article, keep ``raw`` as its source and queue it; None when the article of
    this Message-ID exists already (it was queued with it)."""
    if await sent_article_of_message_id(tx.session, ticket.id, message_id) is not None:
        return None
    article = await write_system_mail_article(
        tx,
        ticket,
        subject=subject,
        body=body,
        from_display=from_address,
        history_type=HISTORY_TYPE,
    )
    await keep_and_queue_source(
        tx,
        article,
        raw,
        message_id=message_id,
        envelope_sender=envelope_sender,
        from_address=from_address,
        to=[to_address],
        envelope_recipients=[envelope_recipient],
    )
    return article
