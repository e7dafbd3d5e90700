"""Chaos (CH-46, CH-47): two workers behind a round-robin proxy, chats sending, one worker killed
with SIGKILL and restarted, Redis restarted, all mid-stream. Clients reconnect through the proxy
and resume from their last ``seq``, resending unacknowledged messages with the same
``client_message_id``. At the end every acknowledged message is present exactly once, in order,
at every member.

Small and bounded for CI: its own ``redis-server`` on a free port (restarting it disturbs
nothing else), its own two ``frontdesk serve`` processes on the test's fresh database.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from tests.conftest import ADMIN_PASSWORD
from tests.services import require, reserve_port

CHATS = 200  # two members each: 400 sockets
MAX_MESSAGES_PER_MEMBER = 200
SEND_INTERVAL = 1.0  # 400 messages/s offered to the two workers
SEND_AFTER_CHAOS = 1.0  # seconds every member keeps sending once the chaos is over
# The clients behave like the product's (static/js/realtime.js): they keep waiting for an ack
# while the socket lives, and reconnect with a growing, jittered delay. A client that gave up
# after a few seconds and reconnected at once would, on a loaded machine, add a reconnect storm
# of its own making (each reconnect costs the server an auth and a replay) until some members
# never get through.
ACK_TIMEOUT = 15.0  # only to notice a connection that died silently
OPEN_TIMEOUT = 10.0
RECONNECT_FIRST = 0.25  # seconds; doubles per failed attempt up to RECONNECT_MAX
RECONNECT_MAX = 2.0
SEND_LIMIT = 40.0  # seconds for the sending phase, chaos included: the bound of this test
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


# --- processes ------------------------------------------------------------------------------------


class RedisServer:
    def __init__(self, tmp_path: Path) -> None:
        self.port = reserve_port()
        self.dir = tmp_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.dir)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=5)


class Worker:
    def __init__(self, db_url: str, tmp_path: Path, redis_url: str, name: str) -> None:
        self.port = reserve_port()
        self.log = tmp_path / f"worker-{name}.log"
        self.env = {
            **os.environ,
            "FRONTDESK_DATABASE_URL": db_url,
            "FRONTDESK_PORT": str(self.port),
            "FRONTDESK_HOST": "127.0.0.1",
            "FRONTDESK_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "FRONTDESK_DEMO": "0",
            "FRONTDESK_RUN_JOBS": "0",
            "FRONTDESK_DATA_DIR": str(tmp_path),
            "FRONTDESK_LOG_LEVEL": "WARNING",
            "FRONTDESK_REDIS_URL": redis_url,
            "FRONTDESK_BUS_CHANNEL": "frontdesk-chaos",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "frontdesk.cli", "serve"],
                env=self.env,
                stdout=out,
                stderr=out,
            )

    def wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + 60  # generous: CI machines run other suites alongside
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"worker exited early:\n{self.log.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status_code:
                    return
            time.sleep(0.1)
        pytest.fail(f"worker did not start:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=5)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


class RoundRobinProxy:
    """A TCP proxy handing each new connection to the next backend that accepts it."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.turn = 0
        self.server: asyncio.Server | None = None
        self.port = 0
        self.pipes: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        assert self.server is not None
        self.server.close()
        for task in list(self.pipes):
            task.cancel()
        await asyncio.gather(*self.pipes, return_exceptions=True)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(len(self.ports)):
            port = self.ports[self.turn % len(self.ports)]
            self.turn += 1
            try:
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                continue
            for source, sink in ((reader, up_writer), (up_reader, writer)):
                task = asyncio.create_task(self._pipe(source, sink))
                self.pipes.add(task)
                task.add_done_callback(self.pipes.discard)
            return
        writer.close()

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            with contextlib.suppress(Exception):
                sink.close()


@dataclass
class Cluster:
    redis: RedisServer
    workers: list[Worker]
    proxy: RoundRobinProxy

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.proxy.port}"

    def log_tail(self) -> dict[str, str]:
        """The workers' last log lines, to explain a failure."""
        return {w.log.name: w.log.read_text(errors="replace")[-2000:] for w in self.workers}


@pytest.fixture
async def cluster(db_url: str, tmp_path: Path) -> AsyncIterator[Cluster]:
    require(shutil.which(REDIS_SERVER) is not None, "redis-server")
    redis = RedisServer(tmp_path)
    redis.start()
    workers = [Worker(db_url, tmp_path, redis.url, name) for name in ("a", "b")]
    try:
        for worker in workers:  # one after the other: the first prepares the installation
            worker.start()
            await asyncio.to_thread(worker.wait_ready)
        proxy = RoundRobinProxy([w.port for w in workers])
        await proxy.start()
        yield Cluster(redis, workers, proxy)
        await proxy.close()
    finally:
        for worker in workers:
            worker.stop()
        redis.kill()


# --- clients --------------------------------------------------------------------------------------


@dataclass
class Member:
    chat_id: int
    token: str
    name: str
    acked: dict[str, int] = field(default_factory=dict)  # client_message_id → seq
    received: list[tuple[int, str]] = field(default_factory=list)  # (seq, text) of messages
    last_seq: int = 0
    reconnects: int = 0
    # The message in flight when the sending phase ended: maybe stored, never acknowledged.
    unacked: str | None = None
    errors: list[str] = field(default_factory=list)  # error frames and reconnect causes

    def take(self, frame: dict[str, Any]) -> None:
        if frame.get("type") == "error":
            self.errors.append(str(frame.get("code")))
        if frame.get("type") == "event" and frame.get("chat_id") == self.chat_id:
            seq = frame["seq"]
            if seq is None:
                return
            assert seq > self.last_seq, f"{self.name}: seq {seq} after {self.last_seq}"
            self.last_seq = seq
            if frame["event"]["kind"] == "message":
                self.received.append((seq, frame["event"]["text"]))


def reconnect_delay(failures: int) -> float:
    ceiling = min(RECONNECT_MAX, RECONNECT_FIRST * 2 ** (failures - 1))
    return ceiling / 2 + random.random() * ceiling / 2


async def run_member(member: Member, ws_base: str, stop_at: float, calm: asyncio.Event) -> None:
    """Send messages — each until acknowledged, reconnecting on any failure — from before the
    chaos starts until SEND_AFTER_CHAOS seconds after it ended."""
    numbers = iter(range(MAX_MESSAGES_PER_MEMBER))
    to_send = [f"{member.name}-{next(numbers)}"]
    calm_since: float | None = None
    started = time.monotonic()
    failures = 0  # in a row
    while to_send and time.monotonic() < stop_at:
        try:
            async with connect(f"{ws_base}?token={member.token}", open_timeout=OPEN_TIMEOUT) as ws:
                await ws.send(
                    json.dumps(
                        {
                            "type": "subscribe",
                            "chat_id": member.chat_id,
                            "after_seq": member.last_seq,
                        }
                    )
                )
                while to_send:
                    cid = to_send[0]
                    await ws.send(
                        json.dumps(
                            {
                                "type": "message",
                                "chat_id": member.chat_id,
                                "text": cid,
                                "client_message_id": cid,
                            }
                        )
                    )
                    async with asyncio.timeout(ACK_TIMEOUT):
                        while True:
                            frame = json.loads(await ws.recv())
                            member.take(frame)
                            if frame.get("type") == "ack" and frame["client_message_id"] == cid:
                                member.acked[cid] = frame["seq"]
                                to_send.pop(0)
                                failures = 0
                                break
                    if calm.is_set() and calm_since is None:
                        calm_since = time.monotonic()
                    if calm_since is None or time.monotonic() - calm_since < SEND_AFTER_CHAOS:
                        number = next(numbers, None)
                        if number is not None:
                            to_send.append(f"{member.name}-{number}")
                    await asyncio.sleep(SEND_INTERVAL)
        except (OSError, TimeoutError, WebSocketException) as failure:
            member.reconnects += 1
            member.errors.append(f"{time.monotonic() - started:.1f}s {failure!r}"[:160])
            failures += 1
            await asyncio.sleep(reconnect_delay(failures))
    member.unacked = to_send[0] if to_send else None


async def catch_up(member: Member, ws_base: str, newest: int) -> None:
    """Reconnect once more with the last seq and read until the chat's newest event."""
    deadline = time.monotonic() + 20
    while member.last_seq < newest and time.monotonic() < deadline:
        with contextlib.suppress(OSError, TimeoutError, WebSocketException):
            async with connect(f"{ws_base}?token={member.token}", open_timeout=OPEN_TIMEOUT) as ws:
                await ws.send(
                    json.dumps(
                        {
                            "type": "subscribe",
                            "chat_id": member.chat_id,
                            "after_seq": member.last_seq,
                        }
                    )
                )
                async with asyncio.timeout(5):
                    while True:
                        frame = json.loads(await ws.recv())
                        member.take(frame)
                        if frame.get("type") == "subscribed":
                            break
        if member.last_seq < newest:
            await asyncio.sleep(0.3)


async def prepare_chats(url: str) -> list[Member]:
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        login = await client.post(
            "/api/v1/auth/token",
            json={"login": "admin", "password": ADMIN_PASSWORD, "realm": "agent"},
        )
        admin_token = login.json()["token"]
        admin = {"Authorization": f"Bearer {admin_token}"}
        for name, value in {
            "ChatEngine::MessagesPerSecond": 1000,
            "ChatEngine::PublicInterface::OpenRequestsPerIP": 1000,
        }.items():
            staged = await client.put(
                f"/api/v1/settings/{quote(name, safe='')}", json={"value": value}, headers=admin
            )
            assert staged.status_code == 200, staged.text
        deployed = await client.post(
            "/api/v1/settings/deployments", json={"comment": "chaos"}, headers=admin
        )
        assert deployed.status_code == 201, deployed.text
        channels = await client.get("/api/v1/chat/channels", headers=admin)
        (default,) = [c["id"] for c in channels.json()["items"] if c["is_default"]]
        await client.put("/api/v1/me/chat-channels", json={"channel_ids": [default]}, headers=admin)
        await client.put(
            "/api/v1/me/chat-availability", json={"availability": "external"}, headers=admin
        )

        async def open_chat(number: int) -> list[Member]:
            # Both workers must have seen the deployment: retry the rare early 429.
            for _ in range(20):
                created = await client.post(
                    "/api/v1/public/chats", json={"name": f"Visitor {number}", "message": "hi"}
                )
                if created.status_code != 429:
                    break
                await asyncio.sleep(0.2)
            assert created.status_code == 201, created.text
            chat_id = created.json()["chat"]["id"]
            accepted = await client.post(f"/api/v1/chats/{chat_id}/accept", headers=admin)
            assert accepted.status_code == 200, accepted.text
            return [
                Member(chat_id, created.json()["visitor_token"], f"v{chat_id}"),
                Member(chat_id, admin_token, f"a{chat_id}"),
            ]

        members: list[Member] = []
        for start in range(0, CHATS, 10):  # ten at a time: quick, and no 30-s SQLite lock waits
            opened = await asyncio.gather(*(open_chat(n) for n in range(start, start + 10)))
            members.extend(member for pair in opened for member in pair)
        return members


async def chaos(cluster: Cluster, calm: asyncio.Event) -> None:
    """SIGKILL worker b, restart it, then restart Redis — while the chats are sending."""
    await asyncio.sleep(1.0)
    victim = cluster.workers[1]
    victim.kill()
    await asyncio.sleep(0.5)
    victim.start()
    await asyncio.to_thread(victim.wait_ready)
    await asyncio.sleep(0.5)
    cluster.redis.kill()
    await asyncio.sleep(0.5)
    cluster.redis.start()
    calm.set()


async def test_ch46_ch47_every_acked_message_once_in_order_through_kill_and_redis_restart(
    cluster: Cluster,
) -> None:
    members = await prepare_chats(cluster.url)
    ws_base = cluster.url.replace("http://", "ws://") + "/api/v1/ws"
    stop_at = time.monotonic() + SEND_LIMIT
    calm = asyncio.Event()
    await asyncio.gather(
        chaos(cluster, calm), *(run_member(m, ws_base, stop_at, calm) for m in members)
    )

    # Every member sent through the whole chaos and had each message acknowledged (resends
    # included): the sending loop only ends after its last message's ack.
    stuck = [m for m in members if not 1 <= len(m.acked) < MAX_MESSAGES_PER_MEMBER]
    if stuck:
        pytest.fail(
            f"{len(stuck)} members without an ack, first: {stuck[0].name} after"
            f" {stuck[0].reconnects} reconnects:\n"
            + "\n".join(stuck[0].errors[-15:])
            + "".join(f"\n--- {name}:\n{tail}" for name, tail in cluster.log_tail().items())
        )
    for member in members:
        assert set(member.acked) == {f"{member.name}-{k}" for k in range(len(member.acked))}
    newest = {m.chat_id: 0 for m in members}
    for member in members:
        newest[member.chat_id] = max([newest[member.chat_id], *member.acked.values()])
    await asyncio.gather(*(catch_up(m, ws_base, newest[m.chat_id]) for m in members))

    by_chat: dict[int, list[Member]] = {}
    for member in members:
        by_chat.setdefault(member.chat_id, []).append(member)
    for chat_id, pair in by_chat.items():
        acked = {cid: seq for m in pair for cid, seq in m.acked.items()}
        expected = sorted((seq, cid) for cid, seq in acked.items())
        for member in pair:
            seqs = [seq for seq, _ in member.received]
            assert seqs == sorted(set(seqs)), f"{member.name}: duplicates or disorder"
            got = [(seq, text) for seq, text in member.received if text in acked]
            assert got == expected, f"chat {chat_id}, {member.name}"
        # Each sender's messages are in the order it sent them; one sent when time ran out may
        # have been stored without its ack reaching the sender, and can only come last.
        for member in pair:
            own = [text for _, text in pair[0].received if text.startswith(member.name + "-")]
            sent_in_order = [f"{member.name}-{k}" for k in range(len(member.acked))]
            assert own in (sent_in_order, [*sent_in_order, member.unacked]), member.name
    assert sum(m.reconnects for m in members) > 0, "the chaos must have cut connections"
