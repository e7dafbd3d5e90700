"""Customer HTML pages: my tickets, a new ticket, the ticket zoom with its reply form."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from frontdesk.web.state import WebState
from tests.conftest import ADMIN_PASSWORD, RecordedEvents
from tests.domain.email.sending import use_sender
from tests.web.test_pages_agent import (
    CUSTOMER_PASSWORD,
    articles_of,
    create_customer_user,
    create_phone_ticket,
    log_in,
    ticket_row,
)


@pytest.fixture
async def agent_csrf(client: httpx.AsyncClient) -> str:
    return await log_in(client, "admin", ADMIN_PASSWORD, "agent")


@pytest.fixture
async def other_client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The customer's browser, apart from the agent's."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def test_customer_pages_need_customer_login(client: httpx.AsyncClient) -> None:
    response = await client.get("/customer")
    assert response.status_code == 303
    assert response.headers["location"] == "/customer/login?next=/customer"


async def test_reply_is_visible_to_the_customer_and_a_note_is_not(
    client: httpx.AsyncClient,
    agent_csrf: str,
    other_client: httpx.AsyncClient,
    web: WebState,
) -> None:
    await create_customer_user(web, "carla")
    ticket_id = await create_phone_ticket(
        client,
        agent_csrf,
        title="Invoice missing",
        body="Where is my invoice?",
        customer_user="carla",
    )
    number = (await ticket_row(web, ticket_id)).number
    await use_sender(web)
    first_article = (await articles_of(web, ticket_id))[0]
    reply = await client.post(
        f"/agent/tickets/{ticket_id}/email",
        data={
            "csrf_token": agent_csrf,
            "mode": "reply",
            "in_reply_to_article_id": str(first_article.id),
            "to": "carla@example.com",
            "subject": "Re: Invoice missing",
            "body": "We sent it again.",
        },
    )
    assert reply.status_code == 303, reply.text
    note = await client.post(
        f"/agent/tickets/{ticket_id}/note",
        data={"csrf_token": agent_csrf, "body": "Accounting forgot it."},
    )
    assert note.status_code == 303
    stored = await articles_of(web, ticket_id)
    assert [(a.channel, a.visible_for_customer) for a in stored] == [
        ("phone", True),
        ("email", True),
        ("internal", False),
    ]

    await log_in(other_client, "carla", CUSTOMER_PASSWORD, "customer")
    listing = await other_client.get("/customer")
    assert f'<a href="/customer/tickets/{ticket_id}" tabindex="-1">{number}</a>' in listing.text
    title_link = f'<a href="/customer/tickets/{ticket_id}" data-row-open>Invoice missing</a>'
    assert title_link in listing.text

    zoom = await other_client.get(f"/customer/tickets/{ticket_id}")
    assert zoom.status_code == 200
    assert f"Ticket#{number}</span> — Invoice missing" in zoom.text
    assert "Where is my invoice?" in zoom.text
    assert "We sent it again." in zoom.text
    assert "Accounting forgot it." not in zoom.text


async def test_customer_cannot_open_another_customers_ticket(
    client: httpx.AsyncClient,
    agent_csrf: str,
    other_client: httpx.AsyncClient,
    web: WebState,
    events: RecordedEvents,
) -> None:
    await create_customer_user(web, "carla")
    await create_customer_user(web, "mallory")
    ticket_id = await create_phone_ticket(
        client, agent_csrf, title="Carla's secret", customer_user="carla"
    )
    csrf = await log_in(other_client, "mallory", CUSTOMER_PASSWORD, "customer")
    before = len(await articles_of(web, ticket_id))
    events.clear()

    zoom = await other_client.get(f"/customer/tickets/{ticket_id}")
    assert zoom.status_code == 404
    assert "<h1>Not found</h1>" in zoom.text
    assert "Carla&#39;s secret" not in zoom.text
    nonexistent = await other_client.get("/customer/tickets/999999")
    assert nonexistent.status_code == 404
    assert nonexistent.text == zoom.text

    reply = await other_client.post(
        f"/customer/tickets/{ticket_id}/reply", data={"csrf_token": csrf, "body": "Mine now"}
    )
    assert reply.status_code == 404
    assert "Carla&#39;s secret" not in reply.text
    assert len(await articles_of(web, ticket_id)) == before
    assert events == []

    listing = await other_client.get("/customer")
    assert "Carla&#39;s secret" not in listing.text
    assert "You have no tickets yet." in listing.text


async def test_customer_creates_a_ticket_and_replies(
    other_client: httpx.AsyncClient, web: WebState, events: RecordedEvents
) -> None:
    await create_customer_user(web, "carla")
    csrf = await log_in(other_client, "carla", CUSTOMER_PASSWORD, "customer")
    events.clear()

    form = await other_client.get("/customer/tickets/new")
    assert form.status_code == 200
    assert 'for="queue_id"' in form.text and 'for="title"' in form.text

    invalid = await other_client.post(
        "/customer/tickets/new", data={"csrf_token": csrf, "queue_id": "2", "title": "No text"}
    )
    assert invalid.status_code == 422
    assert 'id="body-error"' in invalid.text
    assert 'value="No text"' in invalid.text
    assert events == []

    created = await other_client.post(
        "/customer/tickets/new",
        data={
            "csrf_token": csrf,
            "queue_id": "2",
            "title": "<script>alert(1)</script>",
            "body": "Help <b>please</b>",
        },
    )
    assert created.status_code == 303
    ticket_id = int(created.headers["location"].split("/")[3].split("?")[0])
    ticket = await ticket_row(web, ticket_id)
    assert ticket.customer_user_id is not None
    assert ticket.queue_id == 2

    zoom = await other_client.get(created.headers["location"])
    assert "Your request has been received." in zoom.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in zoom.text
    assert "<script>alert" not in zoom.text
    assert "Help &lt;b&gt;please&lt;/b&gt;" in zoom.text

    events.clear()
    reply = await other_client.post(
        f"/customer/tickets/{ticket_id}/reply",
        data={"csrf_token": csrf, "subject": "More", "body": "Any news?"},
    )
    assert reply.status_code == 303
    last = (await articles_of(web, ticket_id))[-1]
    assert (last.sender_type, last.channel, last.visible_for_customer, last.body) == (
        "customer",
        "email",
        True,
        "Any news?",
    )
    assert events.kinds() == ["ticket.article_created"]


async def test_customer_post_without_csrf_token_is_rejected(
    other_client: httpx.AsyncClient, web: WebState, events: RecordedEvents
) -> None:
    await create_customer_user(web, "carla")
    await log_in(other_client, "carla", CUSTOMER_PASSWORD, "customer")
    events.clear()
    response = await other_client.post(
        "/customer/tickets/new", data={"queue_id": "2", "title": "Forged", "body": "x"}
    )
    assert response.status_code == 403
    listing = await other_client.get("/customer")
    assert "Forged" not in listing.text
    assert events == []
