"""A bare Starlette WebSocket broadcast server: the yardstick for bench/chat_load.py.

    .venv/bin/python bench/baseline_broadcast.py --port 8765

``ws://127.0.0.1:8765/ws?room=R`` joins room R. A frame ``{"room": R, "text": "…"}`` is parsed,
wrapped in the same envelope Frontdesk sends (``{"type": "event", "chat_id", "seq", "event"}``),
serialised once and sent to every other member of the room. No database, no auth, no bus: what
any chat server costs at least on this machine, served by uvicorn with its default WebSocket
implementation (``--ws auto``), one process, like ``frontdesk serve``.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict

import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

rooms: dict[int, set[WebSocket]] = defaultdict(set)
sequence: dict[int, int] = defaultdict(int)


async def room_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    room = int(websocket.query_params.get("room", "0"))
    members = rooms[room]
    members.add(websocket)
    try:
        while True:
            frame = json.loads(await websocket.receive_text())
            sequence[room] += 1
            text = json.dumps(
                {
                    "type": "event",
                    "chat_id": room,
                    "seq": sequence[room],
                    "event": {"kind": "message", "text": frame["text"]},
                }
            )
            for member in list(members):
                if member is not websocket:
                    try:
                        await member.send_text(text)
                    except (WebSocketDisconnect, RuntimeError):
                        members.discard(member)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        members.discard(websocket)


app = Starlette(routes=[WebSocketRoute("/ws", room_socket)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", backlog=4096)


if __name__ == "__main__":
    main()
