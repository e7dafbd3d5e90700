"""The send action in its transaction: a rollback leaves nothing; a retried mail is the same
message; a mail the relay keeps refusing is given up with the relay's answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select

from frontdesk.domain.email.actions import do_send_email_article
from frontdesk.domain.email.schemas import EmailArticleCreate
from frontdesk.domain.outbox.delivery import deliver_due
from frontdesk.domain.tickets.models import Article
from frontdesk.web.state import WebState
from tests.domain.email.sending import received_ticket, stored_mails, use_sender
from tests.domain.outbox.mail import items, set_settings
from tests.domain.outbox.relay import RecordingHandler, smtp_relay
from tests.domain.tickets.people import actor_of, transaction

Headers = dict[str, str]
T0 = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


def reply(ticket_id: int, answered: int) -> EmailArticleCreate:
    return EmailArticleCreate(
        channel="email",
        to=["jane@customer.example"],
        subject="Re: Printer on fire",
        body="Fixed.",
        in_reply_to_article_id=answered,
    )


async def article_total(web: WebState) -> int:
    async with web.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(Article)) or 0)


async def test_a_rolled_back_send_stores_and_queues_nothing(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await received_ticket(client, admin_headers, web)
    await use_sender(web)
    admin = await actor_of(web, "agent", "admin")
    with pytest.raises(RuntimeError):
        async with transaction(web) as tx:
            await do_send_email_article(
                tx, admin, ticket["id"], reply(ticket["id"], ticket["first_article_id"])
            )
            raise RuntimeError("a later step failed")
    assert await article_total(web) == 1
    assert len(await stored_mails(web)) == 1
    assert await items(web) == []


async def test_a_retried_mail_keeps_its_message_id_and_bytes(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await received_ticket(client, admin_headers, web)
    admin = await actor_of(web, "agent", "admin")
    handler = RecordingHandler(refusals=["451 4.3.0 Mailbox busy"])
    with smtp_relay(handler) as relay:
        await use_sender(web, relay.port)
        async with transaction(web) as tx:
            await do_send_email_article(
                tx, admin, ticket["id"], reply(ticket["id"], ticket["first_article_id"])
            )
        factory, config = web.session_factory, web.runtime
        assert await deliver_due(factory, config, "w1", clock=lambda: T0) == 1
        assert await deliver_due(factory, config, "w1", clock=lambda: T0 + timedelta(hours=1)) == 1

    (_, mail) = await stored_mails(web)
    (item,) = await items(web)
    assert (item.status, item.attempts, item.message_id) == ("sent", 2, mail.message_id)
    assert [r.data for r in relay.received] == [mail.raw]


async def test_a_mail_is_given_up_after_the_configured_attempts(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await received_ticket(client, admin_headers, web)
    admin = await actor_of(web, "agent", "admin")
    handler = RecordingHandler(refusals=["451 4.3.0 Try later"] * 2)
    with smtp_relay(handler) as relay:
        await use_sender(web, relay.port)
        await set_settings(web, {"Outbox::MaxAttempts": 2})
        async with transaction(web) as tx:
            sent = await do_send_email_article(
                tx, admin, ticket["id"], reply(ticket["id"], ticket["first_article_id"])
            )
        factory, config = web.session_factory, web.runtime
        for hours in (0, 1, 2):
            moment = T0 + timedelta(hours=hours)
            await deliver_due(factory, config, "w1", clock=lambda moment=moment: moment)

    (item,) = await items(web)
    assert (item.article_id, item.status, item.attempts, item.last_error) == (
        sent.article.id,
        "failed",
        2,
        "SMTP 451 4.3.0 Try later",
    )
    assert relay.received == []
