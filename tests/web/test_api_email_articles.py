"""Sending an article as e-mail through the API, on both databases, against a real SMTP relay:
the exact message that arrives, its stored source, and every refusal leaving no trace."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any, cast

import httpx
import pytest

from frontdesk.domain.outbox.delivery import deliver_due
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.domain.email.sending import (
    RECEIVED_ID,
    RECEIVED_REFERENCES,
    SENDER,
    b64,
    received_ticket,
    stored_mails,
    use_sender,
)
from tests.domain.outbox.mail import items
from tests.domain.outbox.relay import smtp_relay
from tests.domain.tickets.people import actor_of, bearer, make_agent, make_customer, transaction

Headers = dict[str, str]


def answer(ticket: dict[str, Any], **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "email",
        "to": ["Jane Customer <jane@customer.example>"],
        "cc": ["boss@example.com"],
        "bcc": ["audit@example.com"],
        "subject": "Re: Printer on fire",
        "body": "Grüße Jane,\nthe printer works again.",
        "in_reply_to_article_id": ticket["first_article_id"],
        "attachments": [
            {"filename": "bericht.txt", "content_type": "text/plain", "content_base64": b64(b"ok")}
        ],
    }
    body.update(fields)
    return body


def parsed(raw: bytes) -> EmailMessage:
    return cast(EmailMessage, message_from_bytes(raw, policy=default_policy))


async def article_count(client: httpx.AsyncClient, headers: Headers, ticket_id: int) -> int:
    response = await client.get(f"/api/v1/tickets/{ticket_id}/articles", headers=headers)
    total: int = response.json()["total"]
    return total


async def test_an_answer_arrives_as_exactly_the_stored_message(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, events: RecordedEvents
) -> None:
    ticket = await received_ticket(client, admin_headers, web)
    with smtp_relay() as relay:
        await use_sender(web, relay.port)
        events.clear()
        response = await client.post(
            f"/api/v1/tickets/{ticket['id']}/articles", json=answer(ticket), headers=admin_headers
        )
        assert response.status_code == 201, response.text
        await deliver_due(web.session_factory, web.runtime, "w1")

    article = response.json()
    subject = f"[Ticket#{ticket['number']}] Re: Printer on fire"
    assert {k: article[k] for k in ("channel", "sender", "visible_for_customer", "subject")} == {
        "channel": "email",
        "sender": "agent",
        "visible_for_customer": True,
        "subject": subject,
    }
    assert article["from_display"] == f"Frontdesk Süpport <{SENDER}>"
    assert events.kinds() == ["ticket.article_created", "outbox.queued"]

    (_, mail) = await stored_mails(web)
    (received,) = relay.received
    assert received.data == mail.raw
    assert received.sender == SENDER
    assert received.recipients == [
        "jane@customer.example",
        "boss@example.com",
        "audit@example.com",
    ]
    message = parsed(received.data)
    assert message["From"] == f"Frontdesk Süpport <{SENDER}>"
    assert b"From: Frontdesk =?utf-8?q?S=C3=BCpport?= <support@frontdesk.example>\r\n" in (
        received.data
    )
    assert message["To"] == "Jane Customer <jane@customer.example>"
    assert message["Cc"] == "boss@example.com"
    assert "Bcc" not in message
    assert b"audit@example.com" not in received.data
    assert message["Subject"] == subject
    assert message["Message-ID"] == mail.message_id
    assert mail.message_id is not None and mail.message_id.endswith("@frontdesk.example>")
    assert message["In-Reply-To"] == RECEIVED_ID
    assert message["References"] == f"{RECEIVED_REFERENCES} {RECEIVED_ID}"
    assert message.get_content_type() == "multipart/mixed"
    body, attachment = message.iter_parts()
    assert body["Content-Type"] == 'text/plain; charset="utf-8"'
    assert cast(EmailMessage, body).get_content() == "Grüße Jane,\r\nthe printer works again.\r\n"
    assert attachment.get_filename() == "bericht.txt"
    assert cast(EmailMessage, attachment).get_content() == "ok"
    assert (mail.direction, mail.in_reply_to, mail.references) == (
        "out",
        RECEIVED_ID,
        f"{RECEIVED_REFERENCES} {RECEIVED_ID}",
    )
    assert (mail.to_addresses, mail.cc_addresses, mail.bcc_addresses) == (
        ["Jane Customer <jane@customer.example>"],
        ["boss@example.com"],
        ["audit@example.com"],
    )
    (item,) = await items(web)
    assert (item.status, item.article_id, item.message_id) == (
        "sent",
        article["id"],
        mail.message_id,
    )

    source = await client.get(
        f"/api/v1/tickets/{ticket['id']}/articles/{article['id']}/source", headers=admin_headers
    )
    assert source.status_code == 200
    assert source.headers["content-type"] == "message/rfc822"
    assert source.content == mail.raw


async def test_subjects_never_stack_markers_or_ticket_numbers(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await received_ticket(client, admin_headers, web)
    await use_sender(web)
    hook = f"[Ticket#{ticket['number']}]"
    response = await client.post(
        f"/api/v1/tickets/{ticket['id']}/articles",
        json=answer(ticket, subject=f"Re: {hook} AW: Re: Printer on fire", attachments=[]),
        headers=admin_headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["subject"] == f"{hook} Re: Printer on fire"


async def test_the_next_state_is_set_with_the_mail(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await received_ticket(client, admin_headers, web)
    await use_sender(web)
    response = await client.post(
        f"/api/v1/tickets/{ticket['id']}/articles",
        json=answer(ticket, state="closed successful"),
        headers=admin_headers,
    )
    assert response.status_code == 201, response.text
    changed = await client.get(f"/api/v1/tickets/{ticket['id']}", headers=admin_headers)
    assert changed.json()["state"] == "closed successful"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"to": ["not-an-address"]}, "to", "not-an-address is not a valid e-mail address"),
        ({"to": ["jane@customer.example", "a@b"]}, "to", "a@b is not a valid e-mail address"),
        ({"to": []}, "to", "needs at least one recipient"),
        ({"cc": ["x@@example.com"]}, "cc", "x@@example.com is not a valid e-mail address"),
        ({"to": ["Eve\r\nBcc: victim@example.com <e@example.com>"]}, "to", None),
        ({"subject": "Hi\r\nBcc: victim@example.com"}, "subject", None),
        ({"subject": "Hi\nX-Evil: 1"}, "subject", None),
        ({"state": "no such state"}, "state", None),
        ({"in_reply_to_article_id": 999999}, "in_reply_to_article_id", None),
        ({"bcc": ["jürgen@example.com"]}, "bcc", None),
    ],
)
async def test_bad_input_is_refused_with_nothing_stored_or_queued(
    client: httpx.AsyncClient,
    admin_headers: Headers,
    web: WebState,
    events: RecordedEvents,
    fields: dict[str, Any],
    field: str,
    message: str | None,
) -> None:
    ticket = await received_ticket(client, admin_headers, web)
    await use_sender(web)
    events.clear()
    response = await client.post(
        f"/api/v1/tickets/{ticket['id']}/articles",
        json=answer(ticket, **fields),
        headers=admin_headers,
    )
    assert response.status_code == 422, response.text
    detail = response.json()["error"]["details"][0]
    assert detail["field"] == field
    if message is not None:
        assert detail["message"] == message
    assert await article_count(client, admin_headers, ticket["id"]) == 1
    assert len(await stored_mails(web)) == 1
    assert await items(web) == []
    assert events == []


async def test_an_agent_without_rw_or_a_customer_cannot_send(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, events: RecordedEvents
) -> None:
    ticket = await received_ticket(client, admin_headers, web)
    await use_sender(web)
    _, reader = await make_agent(web, "reader", ["ro", "note"])
    _, other_customer = await make_customer(web, "bob")
    events.clear()
    url = f"/api/v1/tickets/{ticket['id']}/articles"
    denied = await client.post(url, json=answer(ticket), headers=reader)
    assert denied.status_code == 403
    assert denied.json()["error"]["details"] == {"permission": "rw"}
    assert await article_count(client, admin_headers, ticket["id"]) == 1
    assert len(await stored_mails(web)) == 1
    assert await items(web) == []
    assert events == []
    other = await client.post(url, json=answer(ticket), headers=other_customer)
    assert other.status_code == 404
    jane = await actor_of(web, "customer", "jane")
    async with transaction(web) as tx:
        jane_headers = await bearer(tx, "customer", jane.id)
    own = await client.post(url, json=answer(ticket), headers=jane_headers)
    assert own.status_code == 403
    assert await article_count(client, admin_headers, ticket["id"]) == 1
    assert await items(web) == []
    assert events == []


async def test_an_email_article_without_recipients_is_only_recorded(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await received_ticket(client, admin_headers, web)
    response = await client.post(
        f"/api/v1/tickets/{ticket['id']}/articles",
        json={"channel": "email", "subject": "Noted", "body": "Logged by hand."},
        headers=admin_headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["subject"] == "Noted"
    assert await items(web) == []
    source = await client.get(
        f"/api/v1/tickets/{ticket['id']}/articles/{response.json()['id']}/source",
        headers=admin_headers,
    )
    assert source.status_code == 404
    assert source.json()["error"]["code"] == "mail_source_not_found"


async def test_customers_get_the_source_of_their_own_visible_mail_only(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await received_ticket(client, admin_headers, web)
    await use_sender(web)
    sent = await client.post(
        f"/api/v1/tickets/{ticket['id']}/articles", json=answer(ticket), headers=admin_headers
    )
    url = f"/api/v1/tickets/{ticket['id']}/articles/{sent.json()['id']}/source"
    jane = await actor_of(web, "customer", "jane")
    async with transaction(web) as tx:
        jane_headers = await bearer(tx, "customer", jane.id)
    _, bob = await make_customer(web, "bob")

    own = await client.get(url, headers=jane_headers)
    assert own.status_code == 200
    assert own.content == (await stored_mails(web))[1].raw
    assert b"audit@example.com" not in own.content
    other = await client.get(url, headers=bob)
    assert other.status_code == 404
    assert other.json()["error"]["code"] == "ticket_not_found"


async def test_an_answer_without_a_subject_answers_the_articles_subject(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await received_ticket(client, admin_headers, web)
    await use_sender(web)
    response = await client.post(
        f"/api/v1/tickets/{ticket['id']}/articles",
        json=answer(ticket, subject="", attachments=[]),
        headers=admin_headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["subject"] == f"[Ticket#{ticket['number']}] Re: Printer on fire"


async def test_a_too_large_attachment_is_refused_with_nothing_stored_or_queued(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await received_ticket(client, admin_headers, web)
    await use_sender(web)
    big = [{"filename": "big.bin", "content_base64": b64(b"x" * (1024 * 1024 + 1))}]
    response = await client.post(
        f"/api/v1/tickets/{ticket['id']}/articles",
        json=answer(ticket, attachments=big),
        headers=admin_headers,
    )
    assert response.status_code == 413
    assert await article_count(client, admin_headers, ticket["id"]) == 1
    assert await items(web) == []
