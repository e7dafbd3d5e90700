"""Tickets with a received e-mail to answer, and the sender settings, for the e-mail tests."""

from __future__ import annotations

import base64
from typing import Any

import httpx
from sqlalchemy import select

from frontdesk.domain.email.models import ArticleMail
from frontdesk.domain.tickets.models import Article
from frontdesk.web.state import WebState
from tests.domain.outbox.mail import set_settings
from tests.domain.tickets.people import make_customer, transaction

Headers = dict[str, str]
RAW = 2  # the "Raw" queue of a fresh installation
SENDER = "support@frontdesk.example"
SENDER_NAME = "Frontdesk Süpport"
RECEIVED_ID = "<first.42@customer.example>"
RECEIVED_REFERENCES = "<root.41@customer.example>"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def use_sender(web: WebState, relay_port: int | None = None) -> None:
    values: dict[str, Any] = {
        "Email::FallbackSenderAddress": SENDER,
        "Email::FallbackSenderName": SENDER_NAME,
    }
    if relay_port is not None:
        values |= {"SendmailModule::Host": "127.0.0.1", "SendmailModule::Port": relay_port}
    await set_settings(web, values)


async def received_ticket(
    client: httpx.AsyncClient,
    headers: Headers,
    web: WebState,
    *,
    to: list[str] | None = None,
    cc: list[str] | None = None,
) -> dict[str, Any]:
    """A ticket of customer jane whose first article is an e-mail she sent (with its ids)."""
    await make_customer(web, "jane")
    response = await client.post(
        "/api/v1/tickets",
        json={
            "title": "Printer on fire",
            "queue_id": RAW,
            "customer_user": "jane",
            "article": {
                "channel": "email",
                "sender": "customer",
                "subject": "Printer on fire",
                "body": "It smokes.\n\nJane",
            },
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    ticket: dict[str, Any] = response.json()
    async with transaction(web) as tx:
        article = await tx.session.scalar(select(Article).where(Article.ticket_id == ticket["id"]))
        assert article is not None
        tx.session.add(
            ArticleMail(
                article_id=article.id,
                ticket_id=ticket["id"],
                direction="in",
                message_id=RECEIVED_ID,
                in_reply_to=None,
                references=RECEIVED_REFERENCES,
                from_address="Jane Customer <jane@customer.example>",
                to_addresses=to or [SENDER],
                cc_addresses=cc or [],
                bcc_addresses=[],
                raw=b"Message-ID: " + RECEIVED_ID.encode() + b"\r\n\r\nIt smokes.\r\n",
            )
        )
        ticket["first_article_id"] = article.id
    return ticket


async def stored_mails(web: WebState) -> list[ArticleMail]:
    async with web.session_factory() as session:
        query = select(ArticleMail).order_by(ArticleMail.article_id)
        return list((await session.execute(query)).scalars())


async def set_up_queue_mail(
    client: httpx.AsyncClient, headers: Headers, queue_id: int = RAW
) -> dict[str, int]:
    """The queue's system address, salutation and signature, and one template per screen."""

    async def post(path: str, body: dict[str, Any]) -> int:
        response = await client.post(f"/api/v1/{path}", json=body, headers=headers)
        assert response.status_code == 201, response.text
        created: int = response.json()["id"]
        return created

    ids = {
        "address": await post(
            "system-addresses",
            {"email": "help@acme.example", "display_name": "Acme Help", "queue_id": queue_id},
        ),
        "salutation": await post(
            "salutations", {"name": "Formal", "text": "Dear <OTRS_CUSTOMER_UserFirstname>,"}
        ),
        "signature": await post(
            "signatures", {"name": "Team", "text": "-- \nYour <OTRS_QUEUE> team"}
        ),
    }
    for kind, subject in (("answer", None), ("forward", None), ("create", "Welcome")):
        ids[kind] = await post(
            "templates",
            {
                "name": f"{kind.capitalize()} template",
                "type": kind,
                "subject": subject,
                "text": f"{kind} text for <OTRS_CURRENT_UserFirstname>",
                "queue_ids": [queue_id],
            },
        )
    patched = await client.patch(
        f"/api/v1/queues/{queue_id}",
        json={
            "system_address_id": ids["address"],
            "salutation_id": ids["salutation"],
            "signature_id": ids["signature"],
        },
        headers=headers,
    )
    assert patched.status_code == 200, patched.text
    return ids
