"""CH-47: two real server processes share one database and Redis; a message sent to a member
connected to process A reaches a member connected to process B, and request notifications
cross too. Each test has its own bus channel, so parallel runs do not hear each other."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.conftest import ADMIN_PASSWORD
from tests.services import REDIS_URL, redis_available, require, reserve_port

Frame = dict[str, Any]
TIMEOUT = 10.0


def _start(
    db_url: str, tmp_path: Path, channel: str, name: str
) -> tuple[str, subprocess.Popen[bytes]]:
    port = reserve_port()
    log = tmp_path / f"{name}.log"
    env = {
        **os.environ,
        "FRONTDESK_DATABASE_URL": db_url,
        "FRONTDESK_PORT": str(port),
        "FRONTDESK_HOST": "127.0.0.1",
        "FRONTDESK_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "FRONTDESK_DEMO": "0",
        "FRONTDESK_RUN_JOBS": "0",
        "FRONTDESK_DATA_DIR": str(tmp_path),
        "FRONTDESK_LOG_LEVEL": "WARNING",
        "FRONTDESK_REDIS_URL": REDIS_URL,
        "FRONTDESK_BUS_CHANNEL": channel,
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "frontdesk.cli", "serve"], env=env, stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server {name} exited early:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return url, process
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    process.wait(timeout=10)
    pytest.fail(f"server {name} did not start within 60 s:\n{log.read_text()}")


@pytest.fixture
def two_servers(db_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    require(redis_available(), "Redis (127.0.0.1:6379)")
    channel = f"frontdesk-test:{uuid.uuid4().hex}"
    first = _start(db_url, tmp_path, channel, "a")  # one after the other: the first creates admin
    second = _start(db_url, tmp_path, channel, "b")
    yield first[0], second[0]
    for _, process in (first, second):
        process.terminate()
    for _, process in (first, second):
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


async def receive_until(ws: ClientConnection, wanted: Callable[[Frame], bool]) -> Frame:
    async with asyncio.timeout(TIMEOUT):
        while True:
            frame: Frame = json.loads(await ws.recv())
            if wanted(frame):
                return frame


def ws_url(http_url: str, token: str) -> str:
    return http_url.replace("http://", "ws://") + f"/api/v1/ws?token={token}"


async def test_ch47_messages_and_requests_cross_processes(two_servers: tuple[str, str]) -> None:
    url_a, url_b = two_servers
    async with (
        httpx.AsyncClient(base_url=url_a, timeout=10) as a,
        httpx.AsyncClient(base_url=url_b, timeout=10) as b,
    ):
        login = await a.post(
            "/api/v1/auth/token",
            json={"login": "admin", "password": ADMIN_PASSWORD, "realm": "agent"},
        )
        admin = {"Authorization": f"Bearer {login.json()['token']}"}
        channels = await a.get("/api/v1/chat/channels", headers=admin)
        (default,) = [c["id"] for c in channels.json()["items"] if c["is_default"]]
        await a.put("/api/v1/me/chat-channels", json={"channel_ids": [default]}, headers=admin)
        await a.put(
            "/api/v1/me/chat-availability", json={"availability": "external"}, headers=admin
        )
        async with connect(ws_url(url_a, login.json()["token"])) as agent_ws:
            await agent_ws.send(json.dumps({"type": "ping"}))
            await receive_until(agent_ws, lambda f: f["type"] == "pong")
            # A request made on B reaches the agent on A.
            created = await b.post("/api/v1/public/chats", json={"name": "Vera", "message": "hi"})
            assert created.status_code == 201, created.text
            chat_id = created.json()["chat"]["id"]
            visitor_token = created.json()["visitor_token"]
            new = await receive_until(agent_ws, lambda f: f["type"] == "request.new")
            assert new["chat"]["id"] == chat_id
            accepted = await a.post(f"/api/v1/chats/{chat_id}/accept", headers=admin)
            assert accepted.status_code == 200
            await agent_ws.send(
                json.dumps({"type": "subscribe", "chat_id": chat_id, "after_seq": 2})
            )
            await receive_until(agent_ws, lambda f: f["type"] == "subscribed")
            async with connect(ws_url(url_b, visitor_token)) as visitor_ws:
                await visitor_ws.send(
                    json.dumps({"type": "subscribe", "chat_id": chat_id, "after_seq": 2})
                )
                await receive_until(visitor_ws, lambda f: f["type"] == "subscribed")
                # The agent writes through A, the visitor on B reads it live…
                sent = await a.post(
                    f"/api/v1/chats/{chat_id}/messages", json={"text": "Hello Vera"}, headers=admin
                )
                assert sent.json()["seq"] == 3
                got = await receive_until(visitor_ws, lambda f: f["type"] == "event")
                assert (got["seq"], got["event"]["text"]) == (3, "Hello Vera")
                # …and the visitor's message on B reaches the agent on A.
                await visitor_ws.send(
                    json.dumps(
                        {
                            "type": "message",
                            "chat_id": chat_id,
                            "text": "Hi!",
                            "client_message_id": "v1",
                        }
                    )
                )
                ack = await receive_until(visitor_ws, lambda f: f["type"] == "ack")
                assert ack["seq"] == 4
                seen = await receive_until(
                    agent_ws, lambda f: f["type"] == "event" and f["seq"] == 4
                )
                assert seen["event"]["text"] == "Hi!"
