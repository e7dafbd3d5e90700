"""Idle connections: the memory one ``frontdesk serve`` process spends per open WebSocket.

    .venv/bin/python bench/chat_idle.py --connections 10000

Starts Frontdesk (SQLite, one process) on a fresh database with ``--chats`` accepted public
chats, and the bare broadcast server of ``bench/baseline_broadcast.py``. The Node load
generator (``bench/load``) opens ``--connections`` authenticated sockets to each — half with the
chats' visitor tokens, half with the agent's token, each subscribed to its chat — and holds them
while this script reads the server's resident memory (VmRSS) before and after. Printed: RSS
growth per connection for both servers and their ratio (target ≤ 1.2×). ``--smoke`` holds 200
sockets on 4 chats; ``--json PATH`` writes the row.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from chat_load import (
    LOAD,
    Installation,
    Server,
    ensure_load_generator,
    rss_kib,
    start_baseline,
    start_frontdesk,
)
from report import add_common_arguments, emit

TARGET_RATIO = 1.2


def hold(spec: dict[str, Any], pid: int, work: Path, settle: float) -> dict[str, Any]:
    """Open the sockets, sample RSS once they are all open, then let the generator finish."""
    path = work / f"idle-{uuid.uuid4().hex[:8]}.json"
    path.write_text(json.dumps(spec))
    time.sleep(settle)
    before = rss_kib(pid)
    generator = subprocess.Popen(  # noqa: S603 - our own command line
        ["node", str(LOAD / "load.js"), str(path)],  # noqa: S607 - node from PATH
        stdout=subprocess.PIPE,
        text=True,
    )
    assert generator.stdout is not None
    connected = json.loads(generator.stdout.readline())
    time.sleep(3 * settle)  # let the server settle (writer tasks started, replays answered)
    after = rss_kib(pid)
    generator.wait(timeout=spec["duration"] + 120)
    return {"before_kib": before, "after_kib": after, **connected}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_common_arguments(parser)
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--chats", type=int, default=100)
    args = parser.parse_args()
    if args.smoke:
        args.connections, args.chats = 200, 4
    settle = 0.3 if args.smoke else 1.0
    ensure_load_generator()
    work = Path(tempfile.mkdtemp(prefix="frontdesk-chat-idle-"))
    servers: list[Server] = []
    try:
        frontdesk = start_frontdesk(f"sqlite+aiosqlite:///{work / 'idle.db'}", work, 1, False)
        servers.append(frontdesk)
        installation = Installation(frontdesk.url)

        async def prepare() -> list[Any]:
            await installation.prepare(0)
            rooms = await installation.rooms(args.chats, 2)
            await installation.close()
            return rooms

        rooms = asyncio.run(prepare())
        per_room = args.connections // len(rooms)
        ws = frontdesk.url.replace("http://", "ws://") + "/api/v1/ws?token="
        spec = {
            "protocol": "frontdesk",
            "mode": "idle",
            "warmup": 0,
            "duration": 1 if args.smoke else 5,
            "rooms": [
                {"id": r.chat_id, "members": [ws + r.tokens[i % 2] for i in range(per_room)]}
                for r in rooms
            ],
        }
        measured = {"Frontdesk": hold(spec, frontdesk.process.pid, work, settle)}
        frontdesk.stop()
        baseline = start_baseline(work)
        servers.append(baseline)
        bare_ws = baseline.url.replace("http://", "ws://") + "/ws?room="
        spec = {
            "protocol": "baseline",
            "mode": "idle",
            "warmup": 0,
            "duration": 1 if args.smoke else 5,
            "rooms": [
                {"id": n, "members": [f"{bare_ws}{n}"] * per_room} for n in range(1, len(rooms) + 1)
            ],
        }
        measured["bare broadcast"] = hold(spec, baseline.process.pid, work, settle)
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    per = {
        name: (row["after_kib"] - row["before_kib"]) / max(1, row["connected"])
        for name, row in measured.items()
    }
    ratio = per["Frontdesk"] / per["bare broadcast"] if per["bare broadcast"] > 0 else float("nan")
    row = {
        "connections": measured["Frontdesk"]["connected"],
        "baseline_connections": measured["bare broadcast"]["connected"],
        "rss_before_kib": measured["Frontdesk"]["before_kib"],
        "rss_after_kib": measured["Frontdesk"]["after_kib"],
        "kib_per_socket": round(per["Frontdesk"], 1),
        "baseline_kib_per_socket": round(per["bare broadcast"], 1),
        "ratio": round(ratio, 2),
        f"ratio_le_{TARGET_RATIO}": ratio <= TARGET_RATIO,
    }
    emit("chat_idle", [row], args.json)


if __name__ == "__main__":
    main()
