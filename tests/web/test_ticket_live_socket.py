"""Live ticket lists over /api/v1/ws (both databases): after "tickets.follow" an agent's socket
hears of every ticket it may see being created or changed, and of nothing else."""

from __future__ import annotations

import json
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from frontdesk.web.state import WebState
from tests.domain.tickets.people import make_agent, make_customer
from tests.web.test_chat_websocket import live_url, quiet, receive_until, token_of

__all__ = ["live_url"]  # the fixture, used by name

Headers = dict[str, str]
RAW, MISC = 2, 4
ADMIN_GROUP = 2


async def create_ticket(
    client: httpx.AsyncClient, headers: Headers, queue_id: int = RAW, **fields: Any
) -> int:
    body: dict[str, Any] = {
        "title": "Printer on fire",
        "queue_id": queue_id,
        "article": {"channel": "phone", "subject": "Call", "body": "It burns."},
        **fields,
    }
    response = await client.post("/api/v1/tickets", json=body, headers=headers)
    assert response.status_code == 201, response.text
    ticket_id: int = response.json()["id"]
    return ticket_id


async def follow(url: str, headers: Headers) -> ClientConnection:
    socket_ = await connect(f"{url}?token={token_of(headers)}")
    await socket_.send(json.dumps({"type": "tickets.follow"}))
    await receive_until(socket_, lambda f: f["type"] == "tickets.following")
    return socket_


async def secret_queue(client: httpx.AsyncClient, admin_headers: Headers) -> int:
    """A queue of the admin group, which agents of the group users do not read."""
    secret = await client.post(
        "/api/v1/queues", json={"name": "Secret", "group_id": ADMIN_GROUP}, headers=admin_headers
    )
    assert secret.status_code == 201, secret.text
    queue_id: int = secret.json()["id"]
    return queue_id


def ticket_frames(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in frames if f["type"] == "ticket.changed"]


async def test_a_followed_list_hears_of_new_and_changed_tickets(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, live_url: str
) -> None:
    _, alice = await make_agent(web, "alice", ["ro", "rw"])
    socket_ = await follow(live_url, alice)
    try:
        ticket_id = await create_ticket(client, admin_headers)
        created = await receive_until(socket_, lambda f: f["type"] == "ticket.changed")
        assert created == {
            "type": "ticket.changed",
            "ticket_id": ticket_id,
            "change": "created",
            "fields": [],
        }
        response = await client.patch(
            f"/api/v1/tickets/{ticket_id}", json={"priority": "4 high"}, headers=admin_headers
        )
        assert response.status_code == 200, response.text
        updated = await receive_until(socket_, lambda f: f["type"] == "ticket.changed")
        assert updated == {
            "type": "ticket.changed",
            "ticket_id": ticket_id,
            "change": "updated",
            "fields": ["priority"],
        }
    finally:
        await socket_.close()


async def test_tickets_an_agent_may_not_see_are_never_told(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, live_url: str
) -> None:
    secret_id = await secret_queue(client, admin_headers)
    # Gina reads only the admin group's queues: Raw (group users) is not hers.
    _, gina = await make_agent(web, "gina", ["ro"], group="admin")
    socket_ = await follow(live_url, gina)
    try:
        hidden = await create_ticket(client, admin_headers)
        response = await client.patch(
            f"/api/v1/tickets/{hidden}", json={"priority": "4 high"}, headers=admin_headers
        )
        assert response.status_code == 200, response.text
        # A ticket in her queue: its frame comes after the others would have.
        hers = await create_ticket(client, admin_headers, queue_id=secret_id)
        seen: list[dict[str, Any]] = []
        await receive_until(socket_, lambda f: f.get("ticket_id") == hers, seen)
        assert [f["ticket_id"] for f in ticket_frames(seen)] == [hers]
        assert ticket_frames(await quiet(socket_)) == []
    finally:
        await socket_.close()


async def test_a_list_the_ticket_leaves_hears_of_it_once_and_then_no_more(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, live_url: str
) -> None:
    secret_id = await secret_queue(client, admin_headers)
    _, mo = await make_agent(web, "mo", ["ro"])  # reads group users (Raw), not admin (Secret)
    ticket_id = await create_ticket(client, admin_headers)
    socket_ = await follow(live_url, mo)
    try:
        moved = await client.patch(
            f"/api/v1/tickets/{ticket_id}", json={"queue_id": secret_id}, headers=admin_headers
        )
        assert moved.status_code == 200, moved.text
        frame = await receive_until(socket_, lambda f: f["type"] == "ticket.changed")
        assert frame == {
            "type": "ticket.changed",
            "ticket_id": ticket_id,
            "change": "updated",
            "fields": ["queue_id"],
        }
        again = await client.patch(
            f"/api/v1/tickets/{ticket_id}", json={"priority": "5 very high"}, headers=admin_headers
        )
        assert again.status_code == 200, again.text
        marker = await create_ticket(client, admin_headers)  # in Raw: mo hears of it
        seen: list[dict[str, Any]] = []
        await receive_until(socket_, lambda f: f.get("ticket_id") == marker, seen)
        assert [f["ticket_id"] for f in ticket_frames(seen)] == [marker]
    finally:
        await socket_.close()


async def test_customers_cannot_follow_ticket_lists(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, live_url: str
) -> None:
    _, cora = await make_customer(web, "cora")
    socket_ = await connect(f"{live_url}?token={token_of(cora)}")
    try:
        await socket_.send(json.dumps({"type": "tickets.follow"}))
        refused = await receive_until(socket_, lambda f: f["type"] == "error")
        assert refused == {
            "type": "error",
            "code": "forbidden",
            "message": "Only agents follow ticket changes.",
        }
        await create_ticket(client, admin_headers, customer_user="cora")
        assert ticket_frames(await quiet(socket_)) == []
    finally:
        await socket_.close()
