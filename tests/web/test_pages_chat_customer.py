"""The customer's chat pages: Chats in the menu, a new chat, the chat page, closing it."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.chat.models import Chat
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.domain.chat.desk import make_desk, set_settings
from tests.domain.chat.test_customer_tickets import MISC_QUEUE_ID
from tests.web.test_pages_agent import CUSTOMER_PASSWORD, create_customer_user, log_in


async def chat_count(web: WebState) -> int:
    async with unit_of_work(web.session_factory) as session:
        return int(await session.scalar(select(func.count()).select_from(Chat)) or 0)


async def test_customer_starts_a_chat_and_closes_it(
    client: httpx.AsyncClient, web: WebState, events: RecordedEvents
) -> None:
    desk = await make_desk(client, web)
    await create_customer_user(web, "carla")
    csrf = await log_in(client, "carla", CUSTOMER_PASSWORD, "customer")

    home = await client.get("/customer")
    assert '<a href="/customer/chats" >Chats</a>' in home.text

    form = await client.get("/customer/chats/new")
    assert form.status_code == 200
    assert f'name="channel_id" value="{desk.default_channel_id}"' in form.text

    created = await client.post(
        "/customer/chats/new",
        data={
            "csrf_token": csrf,
            "channel_id": str(desk.default_channel_id),
            "message": "<b>Hi</b>",
        },
    )
    assert created.status_code == 303
    chat_id = int(created.headers["location"].rsplit("/", 1)[1])

    page = await client.get(f"/customer/chats/{chat_id}")
    assert page.status_code == 200
    assert f'data-chat-id="{chat_id}"' in page.text
    assert 'data-status="request"' in page.text
    assert "Waiting for an agent…" in page.text
    assert 'role="log"' in page.text

    listing = await client.get("/customer/chats")
    assert f'<a href="/customer/chats/{chat_id}">Chat {chat_id}</a>' in listing.text
    assert "Waiting for an agent" in listing.text

    closed = await client.post(f"/customer/chats/{chat_id}/close", data={"csrf_token": csrf})
    assert closed.status_code == 303
    page = await client.get(f"/customer/chats/{chat_id}")
    assert 'data-status="closed"' in page.text
    assert "End chat" not in page.text
    assert f'href="/api/v1/chats/{chat_id}/transcript.pdf"' in page.text


async def test_refused_chats_change_nothing(
    client: httpx.AsyncClient, web: WebState, events: RecordedEvents
) -> None:
    desk = await make_desk(client, web)
    await create_customer_user(web, "carla")
    csrf = await log_in(client, "carla", CUSTOMER_PASSWORD, "customer")
    events.clear()

    empty = await client.post(
        "/customer/chats/new",
        data={"csrf_token": csrf, "channel_id": str(desk.default_channel_id), "message": "  "},
    )
    assert empty.status_code == 422
    assert 'aria-invalid="true" aria-describedby="message-error"' in empty.text
    bad_channel = await client.post(
        "/customer/chats/new", data={"csrf_token": csrf, "channel_id": "x", "message": "Hi"}
    )
    assert bad_channel.status_code == 422
    no_csrf = await client.post(
        "/customer/chats/new",
        data={"channel_id": str(desk.default_channel_id), "message": "Hi"},
    )
    assert no_csrf.status_code == 403
    assert await chat_count(web) == 0
    assert events.kinds() == []

    # Someone else's chat looks like no chat at all, and cannot be closed.
    other_id, _visitor = await desk.public_chat()
    events.clear()
    assert (await client.get(f"/customer/chats/{other_id}")).status_code == 404
    refused = await client.post(f"/customer/chats/{other_id}/close", data={"csrf_token": csrf})
    assert refused.status_code == 404
    assert (await desk.chat(other_id, desk.olga))["status"] == "request"
    assert events.kinds() == []


async def test_ch37_customer_turns_an_unanswered_chat_into_a_ticket_then_adds_another(
    client: httpx.AsyncClient, web: WebState, events: RecordedEvents
) -> None:
    await make_desk(client, web)
    await set_settings(web, {"ChatEngine::CustomerThreshold": 0})
    await create_customer_user(web, "carla")
    csrf = await log_in(client, "carla", CUSTOMER_PASSWORD, "customer")
    created = await client.post(
        "/customer/chats/new", data={"csrf_token": csrf, "message": "Printer <b>fire</b>"}
    )
    chat_id = int(created.headers["location"].rsplit("/", 1)[1])

    page = await client.get(f"/customer/chats/{chat_id}")
    assert f'<a href="/customer/chats/{chat_id}/ticket">' in page.text
    form = await client.get(f"/customer/chats/{chat_id}/ticket")
    assert form.status_code == 200
    assert f'value="Chat {chat_id}"' in form.text
    assert "You have no tickets yet." in form.text

    # A bad queue is an inline error, and nothing changes.
    events.clear()
    refused = await client.post(
        f"/customer/chats/{chat_id}/ticket/new",
        data={"csrf_token": csrf, "title": "Printer", "queue_id": "x"},
    )
    assert refused.status_code == 422
    assert 'aria-describedby="queue_id-error"' in refused.text
    assert events.kinds() == []

    done = await client.post(
        f"/customer/chats/{chat_id}/ticket/new",
        data={"csrf_token": csrf, "title": "Printer", "queue_id": str(MISC_QUEUE_ID)},
    )
    assert done.status_code == 303
    ticket_id = int(done.headers["location"].split("/")[3].split("?")[0])
    zoom = await client.get(f"/customer/tickets/{ticket_id}")
    assert "Printer &lt;b&gt;fire&lt;/b&gt;" in zoom.text
    assert "<b>fire</b>" not in zoom.text
    assert 'data-status="closed"' in (await client.get(f"/customer/chats/{chat_id}")).text

    second = await client.post(
        "/customer/chats/new", data={"csrf_token": csrf, "message": "Still burning"}
    )
    second_id = int(second.headers["location"].rsplit("/", 1)[1])
    form = await client.get(f"/customer/chats/{second_id}/ticket")
    assert f'<option value="{ticket_id}"' in form.text
    added = await client.post(
        f"/customer/chats/{second_id}/ticket/add",
        data={"csrf_token": csrf, "ticket_id": str(ticket_id)},
    )
    assert added.status_code == 303
    assert added.headers["location"] == f"/customer/tickets/{ticket_id}"
    assert "Still burning" in (await client.get(f"/customer/tickets/{ticket_id}")).text


async def test_configured_customer_texts_replace_the_built_in_ones(
    client: httpx.AsyncClient, web: WebState
) -> None:
    await make_desk(client, web)
    await set_settings(
        web,
        {
            "ChatEngine::Texts::CustomerFrontend::WaitingForAgent": "Hang on <i>please</i>",
            "ChatEngine::Texts::CustomerFrontend::ChatClosed": "All done",
        },
    )
    await create_customer_user(web, "carla")
    csrf = await log_in(client, "carla", CUSTOMER_PASSWORD, "customer")
    created = await client.post("/customer/chats/new", data={"csrf_token": csrf, "message": "Hi"})
    chat_id = int(created.headers["location"].rsplit("/", 1)[1])
    page = await client.get(f"/customer/chats/{chat_id}")
    assert "Hang on &lt;i&gt;please&lt;/i&gt;" in page.text
    assert "Waiting for an agent…" not in page.text
    assert "All done" in page.text


async def test_ch14_customer_accepts_an_agents_request_then_writes(
    client: httpx.AsyncClient, web: WebState, events: RecordedEvents
) -> None:
    desk = await make_desk(client, web)
    await set_settings(web, {"ChatEngine::DefaultAgentName": "Support"})
    await create_customer_user(web, "carla")
    csrf = await log_in(client, "carla", CUSTOMER_PASSWORD, "customer")
    started = await client.post(
        "/api/v1/chats",
        json={"to_customer_user": "carla", "message": "Can I help?"},
        headers=desk.olga,
    )
    assert started.status_code == 201, started.text
    chat_id = started.json()["id"]

    listing = await client.get("/customer/chats")
    assert "An agent would like to chat with you" in listing.text
    assert f'action="/customer/chats/{chat_id}/accept"' in listing.text
    assert f'aria-label="Decline chat {chat_id}"' in listing.text
    page = await client.get(f"/customer/chats/{chat_id}")
    # The agent is named as customers see agents (CH-36), never by the real name.
    assert "Support 1 would like to chat with you." in page.text
    assert "Olga" not in page.text
    assert "Waiting for an agent…" not in page.text
    assert "End chat" not in page.text
    assert "data-chat-input disabled" in page.text

    # Another customer cannot accept it: the same 404 as for no chat, and nothing changes.
    await create_customer_user(web, "cleo")
    other = httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url))
    async with other:
        other_csrf = await log_in(other, "cleo", CUSTOMER_PASSWORD, "customer")
        events.clear()
        refused = await other.post(
            f"/customer/chats/{chat_id}/accept", data={"csrf_token": other_csrf}
        )
    assert refused.status_code == 404
    assert (await desk.chat(chat_id, desk.olga))["status"] == "request"
    assert events.kinds() == []

    accepted = await client.post(f"/customer/chats/{chat_id}/accept", data={"csrf_token": csrf})
    assert accepted.status_code == 303
    assert accepted.headers["location"] == f"/customer/chats/{chat_id}"
    assert (await desk.chat(chat_id, desk.olga))["status"] == "active"
    page = await client.get(f"/customer/chats/{chat_id}")
    assert 'data-status="active"' in page.text
    assert "would like to chat with you" not in page.text
    assert "End chat" in page.text
    assert "data-chat-input disabled" not in page.text
    written = await client.post(
        f"/api/v1/chats/{chat_id}/messages",
        json={"text": "Yes please", "client_message_id": "c1"},
        headers={"X-CSRF-Token": csrf},
    )
    assert written.status_code == 201, written.text

    # Accepting twice is a clear error page, not a crash.
    events.clear()
    again = await client.post(f"/customer/chats/{chat_id}/accept", data={"csrf_token": csrf})
    assert again.status_code == 409
    assert "Not possible" in again.text
    assert events.kinds() == []


async def test_ch14_customer_declines_an_agents_request(
    client: httpx.AsyncClient, web: WebState
) -> None:
    desk = await make_desk(client, web)
    await create_customer_user(web, "carla")
    csrf = await log_in(client, "carla", CUSTOMER_PASSWORD, "customer")
    started = await client.post(
        "/api/v1/chats",
        json={"to_customer_user": "carla", "message": "Can I help?"},
        headers=desk.olga,
    )
    chat_id = started.json()["id"]
    declined = await client.post(f"/customer/chats/{chat_id}/close", data={"csrf_token": csrf})
    assert declined.status_code == 303
    assert (await desk.chat(chat_id, desk.olga))["status"] == "closed"
    listing = await client.get("/customer/chats")
    assert f'action="/customer/chats/{chat_id}/accept"' not in listing.text
