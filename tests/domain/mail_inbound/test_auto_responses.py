"""Automatic responses to received mail: the queue's follow-up policy, dispatch by recipient,
the loop protection (automatic mail and more than N answers an hour get none), and the answer
kept as a system article of its ticket."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

import httpx
from sqlalchemy import select

from frontdesk.domain.email.models import ArticleMail
from frontdesk.domain.tickets.models import Article, TicketHistory
from frontdesk.web.state import WebState
from tests.domain.mail_inbound.corpus import corpus_mail, plain_mail
from tests.domain.mail_inbound.stored import (
    Headers,
    close_ticket,
    counts,
    post_mail,
    state_name,
    ticket,
)
from tests.domain.outbox.mail import items, set_settings

MISC = 4


async def set_up_mail(client: httpx.AsyncClient, headers: Headers) -> None:
    """sales@ leads to Misc; Misc answers new tickets, follow-ups and rejections."""
    address = await client.post(
        "/api/v1/system-addresses",
        headers=headers,
        json={"email": "sales@example.com", "display_name": "Sales Team", "queue_id": MISC},
    )
    assert address.status_code == 201, address.text
    for kind, subject, text in (
        (
            "reply_new_ticket",
            "We got it: <OTRS_CUSTOMER_SUBJECT>",
            "Ticket <OTRS_TICKET_TicketNumber>.",
        ),
        ("reply_follow_up", "Thanks for your reply", "Added to your ticket."),
        ("reply_reject", "Ticket closed", "This ticket is closed; please write a new mail."),
        ("reply_new_ticket_on_closed", "New ticket", "Your old ticket was closed."),
    ):
        created = await client.post(
            "/api/v1/auto-responses",
            headers=headers,
            json={
                "name": kind,
                "type": kind,
                "subject": subject,
                "text": text,
                "system_address_id": address.json()["id"],
                "queue_ids": [MISC],
            },
        )
        assert created.status_code == 201, created.text


async def sent(web: WebState) -> list[tuple[str, str, str]]:
    """Queued auto-responses: (recipients, subject, Auto-Submitted)."""
    found = []
    for item in await items(web):
        message = message_from_bytes(item.payload, policy=default)
        found.append(
            (
                ",".join(item.envelope["recipients"]),
                str(message["Subject"]),
                str(message["Auto-Submitted"]),
            )
        )
    return found


async def ticket_articles(web: WebState, ticket_id: int) -> list[tuple[str, str, str]]:
    """The ticket's articles in order: (sender, history entry, subject)."""
    async with web.session_factory() as session:
        rows = await session.execute(
            select(Article.sender_type, TicketHistory.history_type, Article.subject)
            .join(TicketHistory, TicketHistory.article_id == Article.id)
            .where(Article.ticket_id == ticket_id)
            .order_by(Article.id)
        )
        return [(sender, history, subject) for sender, history, subject in rows.all()]


async def test_a_new_ticket_by_recipient_gets_the_queues_answer(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    await set_up_mail(client, admin_headers)
    raw = plain_mail(1, to="Sales <SALES@example.com>", subject="Offer for 10 printers")
    created = (await post_mail(client, admin_headers, raw)).json()
    opened = await ticket(web, created["ticket_id"])
    assert opened.queue_id == MISC
    [item] = await items(web)
    message = message_from_bytes(item.payload, policy=default)
    assert item.envelope == {"sender": "sales@example.com", "recipients": ["cora@example.com"]}
    assert item.ticket_id == opened.id
    assert str(message["From"]) == "Sales Team <sales@example.com>"
    assert str(message["Subject"]) == f"[Ticket#{opened.number}] We got it: Offer for 10 printers"
    assert str(message["In-Reply-To"]) == "<1.in@example.com>"
    assert str(message["Auto-Submitted"]) == "auto-replied"
    assert message.get_content() == f"Ticket {opened.number}.\r\n"  # SMTP line ends

    # Agents see what the customer was told: a system article with the sent source.
    assert await ticket_articles(web, opened.id) == [
        ("customer", "EmailCustomer", "Offer for 10 printers"),
        ("system", "SendAutoReply", f"[Ticket#{opened.number}] We got it: Offer for 10 printers"),
    ]
    async with web.session_factory() as session:
        answer = await session.scalar(
            select(Article).where(Article.ticket_id == opened.id).order_by(Article.id.desc())
        )
        assert answer is not None
        mail = await session.get(ArticleMail, answer.id)
    assert (answer.channel, answer.visible_for_customer) == ("email", True)
    assert answer.body == f"Ticket {opened.number}."
    assert answer.from_display == "Sales Team <sales@example.com>"
    assert item.article_id == answer.id
    assert mail is not None
    assert (mail.direction, mail.ticket_id) == ("out", opened.id)
    assert mail.message_id == str(message["Message-ID"])
    assert mail.in_reply_to == "<1.in@example.com>"
    assert mail.from_address == "Sales Team <sales@example.com>"
    assert (mail.to_addresses, mail.cc_addresses, mail.bcc_addresses) == (
        ["cora@example.com"],
        [],
        [],
    )
    assert mail.raw == item.payload


async def test_automatic_mail_gets_no_answer(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    await set_up_mail(client, admin_headers)
    for name in ("bounce.eml", "auto-reply.eml", "bulk.eml"):
        raw = corpus_mail(name).replace(b"To: support@frontdesk.test", b"To: sales@example.com")
        response = await post_mail(client, admin_headers, raw)
        assert response.status_code == 201, (name, response.text)
    assert (await counts(web))[0] == 3  # tickets, all in Misc
    assert await sent(web) == []


async def test_one_address_gets_at_most_n_answers_an_hour(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    await set_up_mail(client, admin_headers)
    await set_settings(web, {"PostMaster::MaxAutoResponsesPerAddress": 2})
    for number in range(1, 5):
        raw = plain_mail(number, to="sales@example.com", subject=f"Loop {number}")
        assert (await post_mail(client, admin_headers, raw)).status_code == 201
    assert [recipient for recipient, _subject, _auto in await sent(web)] == [
        "cora@example.com",
        "cora@example.com",
    ]
    assert (await counts(web))[0] == 4  # every mail is still a ticket


async def test_follow_up_policies_of_a_closed_ticket(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    await set_up_mail(client, admin_headers)
    opened = (await post_mail(client, admin_headers, plain_mail(1, to="sales@example.com"))).json()
    number = (await ticket(web, opened["ticket_id"])).number
    await close_ticket(web, opened["ticket_id"])
    reply = f"Re: [Ticket#{number}] Printer on fire"

    await client.patch(
        f"/api/v1/queues/{MISC}", headers=admin_headers, json={"follow_up": "reject"}
    )
    rejected = await post_mail(
        client, admin_headers, plain_mail(2, to="sales@example.com", subject=reply)
    )
    assert (rejected.status_code, rejected.json()) == (
        200,
        {"ignored": True, "reason": "follow_up_rejected"},
    )
    # The rejected mail is no article; the rejection is kept on the ticket it answered.
    assert (await counts(web))[0] == 1
    assert await ticket_articles(web, opened["ticket_id"]) == [
        ("customer", "EmailCustomer", "Printer on fire"),
        ("system", "SendAutoReply", f"[Ticket#{number}] We got it: Printer on fire"),
        ("system", "SendAutoReject", f"[Ticket#{number}] Ticket closed"),
    ]
    assert await state_name(web, opened["ticket_id"]) == "closed successful"
    assert (await sent(web))[-1][1] == f"[Ticket#{number}] Ticket closed"

    await client.patch(
        f"/api/v1/queues/{MISC}", headers=admin_headers, json={"follow_up": "new_ticket"}
    )
    fresh = (
        await post_mail(client, admin_headers, plain_mail(3, to="sales@example.com", subject=reply))
    ).json()
    assert fresh["follow_up"] is False and fresh["ticket_id"] != opened["ticket_id"]
    assert await state_name(web, opened["ticket_id"]) == "closed successful"
    new_number = (await ticket(web, fresh["ticket_id"])).number
    assert (await sent(web))[-1][1] == f"[Ticket#{new_number}] New ticket"

    await client.patch(
        f"/api/v1/queues/{MISC}", headers=admin_headers, json={"follow_up": "possible"}
    )
    reopened = (
        await post_mail(client, admin_headers, plain_mail(4, to="sales@example.com", subject=reply))
    ).json()
    assert (reopened["ticket_id"], reopened["follow_up"]) == (opened["ticket_id"], True)
    assert await state_name(web, opened["ticket_id"]) == "open"
    assert (await sent(web))[-1][1] == f"[Ticket#{number}] Thanks for your reply"
    assert (await ticket_articles(web, opened["ticket_id"]))[3:] == [
        ("customer", "FollowUp", reply),
        ("system", "SendAutoFollowUp", f"[Ticket#{number}] Thanks for your reply"),
    ]
    assert await ticket_articles(web, fresh["ticket_id"]) == [
        ("customer", "EmailCustomer", reply),
        ("system", "SendAutoReply", f"[Ticket#{new_number}] New ticket"),
    ]


async def test_a_subject_with_crlf_cannot_inject_into_the_answer(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    await set_up_mail(client, admin_headers)
    raw = plain_mail(
        1, to="sales@example.com", subject="=?utf-8?q?Hi=0D=0ABcc:_victim@example.com?="
    )
    created = (await post_mail(client, admin_headers, raw)).json()
    [item] = await items(web)
    message = message_from_bytes(item.payload, policy=default)
    number = (await ticket(web, created["ticket_id"])).number
    assert str(message["Subject"]) == f"[Ticket#{number}] We got it: Hi Bcc: victim@example.com"
    assert message["Bcc"] is None
    assert item.envelope["recipients"] == ["cora@example.com"]
