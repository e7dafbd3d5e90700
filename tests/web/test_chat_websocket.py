"""The live transport /api/v1/ws against a real uvicorn server in this process (both databases):
replay then live without loss or duplicates, acks after commit, resume, error frames, typing,
presence and request notifications."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import uvicorn
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from frontdesk.web.state import WebState
from tests.domain.chat.desk import Desk, make_desk, set_settings
from tests.services import reserve_port

Frame = dict[str, Any]
TIMEOUT = 5.0


@pytest.fixture
async def live_url(app: Any) -> AsyncIterator[str]:
    port = reserve_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.02)
    assert server.started
    yield f"ws://127.0.0.1:{port}/api/v1/ws"
    server.should_exit = True
    await asyncio.wait_for(task, timeout=10)


@pytest.fixture
async def desk(client: httpx.AsyncClient, web: WebState) -> Desk:
    return await make_desk(client, web)


def token_of(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


async def receive_until(
    socket_: ClientConnection, wanted: Callable[[Frame], bool], seen: list[Frame] | None = None
) -> Frame:
    """Frames until one matches (every frame read is appended to ``seen``)."""
    async with asyncio.timeout(TIMEOUT):
        while True:
            frame: Frame = json.loads(await socket_.recv())
            if seen is not None:
                seen.append(frame)
            if wanted(frame):
                return frame


async def quiet(socket_: ClientConnection, seconds: float = 0.3) -> list[Frame]:
    """Every frame that arrives within ``seconds`` (to prove that nothing else came)."""
    frames: list[Frame] = []
    try:
        async with asyncio.timeout(seconds):
            while True:
                frames.append(json.loads(await socket_.recv()))
    except TimeoutError:
        return frames


def chat_events(frames: list[Frame]) -> list[tuple[int, str]]:
    return [(f["seq"], f["event"]["kind"]) for f in frames if f["type"] == "event" and f["seq"]]


async def test_ch46_ch22_subscribe_replays_then_streams_live(desk: Desk, live_url: str) -> None:
    chat_id, visitor = await desk.accepted_public_chat()
    async with connect(f"{live_url}?token={token_of(visitor)}") as ws:
        await ws.send(json.dumps({"type": "subscribe", "chat_id": chat_id, "after_seq": 0}))
        seen: list[Frame] = []
        subscribed = await receive_until(ws, lambda f: f["type"] == "subscribed", seen)
        assert subscribed == {"type": "subscribed", "chat_id": chat_id, "seq": 2}
        assert chat_events(seen) == [(1, "message"), (2, "joined")]
        await desk.say(chat_id, desk.olga, "<script>alert(1)</script>")
        live = await receive_until(ws, lambda f: f["type"] == "event")
        assert live["seq"] == 3
        assert live["event"]["text"] == "<script>alert(1)</script>"
        assert live["event"]["author"] == {"kind": "agent", "name": "Olga Agent"}
        assert await quiet(ws) == []


async def test_ch46_message_acked_after_commit_and_resent_once(desk: Desk, live_url: str) -> None:
    chat_id, visitor = await desk.accepted_public_chat()
    async with connect(f"{live_url}?token={token_of(visitor)}") as ws:
        await ws.send(json.dumps({"type": "subscribe", "chat_id": chat_id, "after_seq": 2}))
        await receive_until(ws, lambda f: f["type"] == "subscribed")
        frame = {"type": "message", "chat_id": chat_id, "text": "hi", "client_message_id": "c1"}
        await ws.send(json.dumps(frame))
        seen: list[Frame] = []
        ack = await receive_until(ws, lambda f: f["type"] == "ack", seen)
        assert ack == {"type": "ack", "chat_id": chat_id, "client_message_id": "c1", "seq": 3}
        assert chat_events(seen) == [(3, "message")]
        await ws.send(json.dumps(frame))  # a resend after a lost ack
        again = await receive_until(ws, lambda f: f["type"] == "ack")
        assert again["seq"] == 3
        assert await quiet(ws) == []
    events = await desk.events(chat_id, desk.olga)
    assert [e.get("text") for e in events].count("hi") == 1


async def test_ch46_reconnect_with_last_seq_gets_exactly_what_was_missed(
    desk: Desk, live_url: str
) -> None:
    chat_id, visitor = await desk.accepted_public_chat()
    async with connect(f"{live_url}?token={token_of(visitor)}") as ws:
        await ws.send(json.dumps({"type": "subscribe", "chat_id": chat_id, "after_seq": 0}))
        await receive_until(ws, lambda f: f["type"] == "subscribed")
    for text in ("a", "b", "c"):
        await desk.say(chat_id, desk.olga, text)
    async with connect(f"{live_url}?token={token_of(visitor)}") as ws:
        await ws.send(json.dumps({"type": "subscribe", "chat_id": chat_id, "after_seq": 2}))
        seen: list[Frame] = []
        await receive_until(ws, lambda f: f["type"] == "subscribed", seen)
        assert [(f["seq"], f["event"]["text"]) for f in seen if f["type"] == "event"] == [
            (3, "a"),
            (4, "b"),
            (5, "c"),
        ]
        await desk.say(chat_id, desk.olga, "d")
        live = await receive_until(ws, lambda f: f["type"] == "event")
        assert live["seq"] == 6


async def test_ch46_concurrent_senders_arrive_in_order_without_gaps(
    desk: Desk, live_url: str
) -> None:
    chat_id, visitor = await desk.accepted_public_chat()
    async with connect(f"{live_url}?token={token_of(desk.olga)}") as watcher:
        await watcher.send(json.dumps({"type": "subscribe", "chat_id": chat_id, "after_seq": 2}))
        await receive_until(watcher, lambda f: f["type"] == "subscribed")
        await asyncio.gather(
            *(desk.say(chat_id, visitor if i % 2 else desk.olga, f"m{i}") for i in range(20))
        )
        seen: list[Frame] = []
        await receive_until(watcher, lambda f: f["type"] == "event" and f["seq"] == 22, seen)
        assert [f["seq"] for f in seen if f["type"] == "event"] == list(range(3, 23))


async def test_ch50_bad_frames_get_error_frames_and_the_socket_stays(
    desk: Desk, live_url: str
) -> None:
    chat_id, visitor = await desk.accepted_public_chat()
    other_chat, _ = await desk.public_chat(name="Walter")
    async with connect(f"{live_url}?token={token_of(visitor)}") as ws:
        cases: list[tuple[str, str]] = [
            ("not json", "malformed_frame"),
            ("[1, 2]", "malformed_frame"),
            (json.dumps({"type": "dance"}), "unknown_frame"),
            (json.dumps({"type": "subscribe", "chat_id": "seven"}), "malformed_frame"),
            (
                json.dumps({"type": "subscribe", "chat_id": chat_id, "after_seq": 99}),
                "after_seq_ahead",
            ),
            (json.dumps({"type": "subscribe", "chat_id": other_chat}), "chat_not_found"),
            (
                json.dumps(
                    {"type": "message", "chat_id": chat_id, "text": "", "client_message_id": "x"}
                ),
                "validation_failed",
            ),
            (json.dumps({"type": "message", "chat_id": chat_id, "text": 5}), "malformed_frame"),
        ]
        for raw, code in cases:
            await ws.send(raw)
            error = await receive_until(ws, lambda f: f["type"] == "error")
            assert error["code"] == code, (raw, error)
        await ws.send(json.dumps({"type": "ping"}))
        assert await receive_until(ws, lambda f: True) == {"type": "pong"}
    assert [e["kind"] for e in await desk.events(chat_id, desk.olga)] == ["message", "joined"]


async def test_ws_without_valid_token_is_closed_4401(live_url: str, desk: Desk) -> None:
    async with connect(f"{live_url}?token=wrong") as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), timeout=TIMEOUT)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_ch49_typing_reaches_members_but_not_observers_typing_to_customers(
    desk: Desk, live_url: str
) -> None:
    chat_id, visitor = await desk.accepted_public_chat()
    await desk.make_available(desk.otto)
    await desk.invite_and_accept(chat_id, desk.otto_id, desk.otto)
    await desk.client.post(
        f"/api/v1/chats/{chat_id}/join", json={"as": "observer"}, headers=desk.otto
    )
    async with (
        connect(f"{live_url}?token={token_of(visitor)}") as customer,
        connect(f"{live_url}?token={token_of(desk.olga)}") as agent,
        connect(f"{live_url}?token={token_of(desk.otto)}") as observer,
    ):
        for ws in (customer, agent, observer):
            await ws.send(json.dumps({"type": "subscribe", "chat_id": chat_id, "after_seq": 4}))
            await receive_until(ws, lambda f: f["type"] == "subscribed")
        await observer.send(json.dumps({"type": "typing", "chat_id": chat_id}))
        typing = await receive_until(agent, lambda f: f["type"] == "event")
        assert typing["seq"] is None
        assert typing["event"] == {
            "kind": "typing",
            "author": {"kind": "agent", "name": "Otto Agent"},
        }
        assert await quiet(customer) == []
        await customer.send(json.dumps({"type": "typing", "chat_id": chat_id}))
        typing = await receive_until(agent, lambda f: f["type"] == "event")
        assert typing["event"]["author"] == {"kind": "visitor", "name": "Vera Visitor"}
        assert (await receive_until(observer, lambda f: f["type"] == "event"))["event"][
            "kind"
        ] == "typing"


async def test_ch17_ch20_request_new_and_gone_over_the_socket(desk: Desk, live_url: str) -> None:
    async with (
        connect(f"{live_url}?token={token_of(desk.olga)}") as olga,
        connect(f"{live_url}?token={token_of(desk.nick)}") as nick,
    ):
        await olga.send(json.dumps({"type": "ping"}))
        await receive_until(olga, lambda f: f["type"] == "pong")
        chat_id, _ = await desk.public_chat(message="help")
        new = await receive_until(olga, lambda f: f["type"] == "request.new")
        assert new["chat"]["id"] == chat_id
        assert new["chat"]["requester_name"] == "Vera Visitor"
        await desk.client.post(f"/api/v1/chats/{chat_id}/accept", headers=desk.olga)
        gone = await receive_until(olga, lambda f: f["type"] == "request.gone")
        assert gone["chat"]["id"] == chat_id
        assert await quiet(nick) == []


async def test_ch33_presence_change_reaches_members_live(desk: Desk, live_url: str) -> None:
    chat_id, visitor = await desk.accepted_public_chat()
    async with connect(f"{live_url}?token={token_of(visitor)}") as customer:
        await customer.send(json.dumps({"type": "subscribe", "chat_id": chat_id, "after_seq": 2}))
        await receive_until(customer, lambda f: f["type"] == "subscribed")
        await desk.client.put(
            "/api/v1/me/chat-availability", json={"availability": "unavailable"}, headers=desk.olga
        )
        presence = await receive_until(customer, lambda f: f["type"] == "event")
        assert presence == {
            "type": "event",
            "chat_id": chat_id,
            "seq": None,
            "event": {"kind": "presence", "presence": "unavailable", "member": {"kind": "agent"}},
        }


async def test_ch32_widget_and_popup_of_one_agent_stay_in_sync(desk: Desk, live_url: str) -> None:
    chat_id, visitor = await desk.accepted_public_chat()
    url = f"{live_url}?token={token_of(desk.olga)}"
    async with connect(url) as widget, connect(url) as popup:
        for ws in (widget, popup):
            await ws.send(json.dumps({"type": "subscribe", "chat_id": chat_id, "after_seq": 2}))
            await receive_until(ws, lambda f: f["type"] == "subscribed")
        await popup.send(
            json.dumps({"type": "message", "chat_id": chat_id, "text": "from the pop-up"})
        )
        for ws in (widget, popup):
            got = await receive_until(ws, lambda f: f["type"] == "event")
            assert (got["seq"], got["event"]["text"]) == (3, "from the pop-up")
        await desk.say(chat_id, visitor, "thanks")
        for ws in (widget, popup):
            got = await receive_until(ws, lambda f: f["type"] == "event")
            assert (got["seq"], got["event"]["text"]) == (4, "thanks")


async def test_ch14_ch36_agent_request_reaches_the_customer_under_the_default_name(
    desk: Desk, live_url: str
) -> None:
    await set_settings(desk.web, {"ChatEngine::DefaultAgentName": "Support Agent"})
    async with connect(f"{live_url}?token={token_of(desk.cora)}") as cora:
        await cora.send(json.dumps({"type": "ping"}))
        await receive_until(cora, lambda f: f["type"] == "pong")
        started = await desk.client.post(
            "/api/v1/chats",
            json={"to_customer_user": "cora", "message": "Can I help?"},
            headers=desk.olga,
        )
        assert started.status_code == 201, started.text
        new = await receive_until(cora, lambda f: f["type"] == "request.new")
        assert new["chat"]["id"] == started.json()["id"]
        assert (new["chat"]["requester_name"], new["chat"]["may_accept"]) == (
            "Support Agent 1",
            True,
        )
        assert "Olga" not in json.dumps(new)
