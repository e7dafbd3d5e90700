"""A bare Starlette WebSocket broadcast server: the yardstick for bench/chat_load.py.

    .venv/bin/python bench/baseline_broadcast.py --port 8765 [--workers 2 --redis URL]

``ws://127.0.0.1:8765/ws?room=R`` joins room R. A frame ``{"room": R, "text": "…"}`` is parsed,
wrapped in the same envelope Frontdesk sends (``{"type": "event", "chat_id", "seq", "event"}``),
serialised once and sent to every other member of the room. No database, no auth: what any chat
server costs at least on this machine, served by uvicorn with its default WebSocket
implementation (``--ws auto``), one process, like ``frontdesk serve``.

With ``--workers N --redis URL`` it runs N uvicorn workers like ``frontdesk serve --workers N``
and, since members of one room may sit in different processes, every frame goes through one
Redis pub/sub channel that each worker relays to its own members: the least a scaled-out chat
server does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

REDIS_URL = os.environ.get("BASELINE_REDIS_URL", "")
CHANNEL = os.environ.get("BASELINE_CHANNEL", "baseline-broadcast")

rooms: dict[int, set[WebSocket]] = defaultdict(set)
sequence: dict[int, int] = defaultdict(int)
publisher: Any = None


async def deliver(room: int, text: str, sender: int) -> None:
    for member in list(rooms[room]):
        if id(member) != sender:
            try:
                await member.send_text(text)
            except (WebSocketDisconnect, RuntimeError):
                rooms[room].discard(member)


def envelope(room: int, text: str) -> str:
    sequence[room] += 1
    event = {"kind": "message", "text": text}
    return json.dumps({"type": "event", "chat_id": room, "seq": sequence[room], "event": event})


async def room_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    room = int(websocket.query_params.get("room", "0"))
    members = rooms[room]
    members.add(websocket)
    # Over Redis the sender is named by process and socket, so each worker skips only its own.
    origin = f"{os.getpid()}:{id(websocket)}"
    try:
        while True:
            frame = json.loads(await websocket.receive_text())
            text = envelope(room, frame["text"])
            if publisher is None:
                await deliver(room, text, id(websocket))
            else:
                await publisher.publish(CHANNEL, f"{origin}|{room}|{text}")
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        members.discard(websocket)


async def relay(pubsub: Any) -> None:
    pid = str(os.getpid())
    async for message in pubsub.listen():
        if message["type"] != "message":
            continue
        origin, room, text = message["data"].decode().split("|", 2)
        process, socket_id = origin.split(":")
        await deliver(int(room), text, int(socket_id) if process == pid else 0)


@asynccontextmanager
async def lifespan(_app: Starlette) -> AsyncIterator[None]:
    global publisher
    if not REDIS_URL:
        yield
        return
    import redis.asyncio as redis

    publisher = redis.Redis.from_url(REDIS_URL)
    pubsub = publisher.pubsub()
    await pubsub.subscribe(CHANNEL)
    task = asyncio.create_task(relay(pubsub))
    try:
        yield
    finally:
        task.cancel()
        await pubsub.aclose()
        await publisher.aclose()


app = Starlette(routes=[WebSocketRoute("/ws", room_socket)], lifespan=lifespan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--redis", default="", help="Redis URL; needed with more than one worker")
    args = parser.parse_args()
    if args.workers > 1 and not args.redis:
        parser.error("--workers above 1 needs --redis: members of a room span the workers")
    if args.redis:
        os.environ["BASELINE_REDIS_URL"] = args.redis
        os.environ.setdefault("BASELINE_CHANNEL", f"baseline-broadcast:{os.getpid()}")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    uvicorn.run(
        "baseline_broadcast:app",
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        log_level="warning",
        backlog=4096,
    )


if __name__ == "__main__":
    main()
