"""The demo's e-mail set-up: the Raw queue answers by e-mail and one ticket came in by mail."""

from __future__ import annotations

from sqlalchemy import select

from frontdesk.demo import load_demo_data
from frontdesk.domain.email.models import ArticleMail
from frontdesk.domain.mail_setup.models import (
    Salutation,
    Signature,
    SystemAddress,
    Template,
    TemplateQueue,
)
from frontdesk.domain.ticket_catalogue.models import Queue
from frontdesk.domain.tickets.models import Ticket
from frontdesk.web.state import WebState
from tests.domain.tickets.people import transaction

RAW = 2


async def test_the_demo_raw_queue_answers_by_e_mail(web: WebState) -> None:
    async with transaction(web) as tx:
        assert await load_demo_data(tx) is True
    async with web.session_factory() as session:
        raw = await session.get(Queue, RAW)
        assert raw is not None
        address = await session.get(SystemAddress, raw.system_address_id)
        salutation = await session.get(Salutation, raw.salutation_id)
        signature = await session.get(Signature, raw.signature_id)
        assert address is not None and salutation is not None and signature is not None
        assert (address.email, address.display_name) == ("support@example.com", "Demo Support")
        assert salutation.text == "Dear <OTRS_CUSTOMER_UserFirstname>,"
        assert signature.text == "Kind regards,\nThe Demo Support team"
        templates = await session.execute(
            select(Template.name, Template.type)
            .join(TemplateQueue, TemplateQueue.template_id == Template.id)
            .where(TemplateQueue.queue_id == RAW)
        )
        assert list(templates) == [("Solved", "answer")]
        sources = await session.execute(
            select(
                Ticket.title, Ticket.queue_id, ArticleMail.direction, ArticleMail.message_id
            ).join(ArticleMail, ArticleMail.ticket_id == Ticket.id)
        )
        assert list(sources) == [
            ("Scanner sends nothing to my inbox", RAW, "in", "<scanner-1@acme.example>")
        ]
