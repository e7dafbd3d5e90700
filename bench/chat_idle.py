"""Idle connections: the memory one ``frontdesk serve`` process spends per open WebSocket.

    .venv/bin/python bench/chat_idle.py --connections 10000

Starts Frontdesk (SQLite, one process) on a fresh database with ``--chats`` accepted public
chats, and the bare broadcast server of ``bench/baseline_broadcast.py``. The Node load
generator (``bench/load``) opens ``--connections`` authenticated sockets to each — half with the
chats' visitor tokens, half with the agent's token, each subscribed to its chat — and holds them
while this script reads the server's resident memory (VmRSS) before and after. Printed: RSS
growth per connection for both servers and their ratio (target ≤ 1.5×).
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


def hold(spec: dict[str, Any], pid: int, work: Path) -> dict[str, Any]:
    """Open the sockets, sample RSS once they are all open, then let the generator finish."""
    path = work / f"idle-{uuid.uuid4().hex[:8]}.json"
    path.write_text(json.dumps(spec))
    time.sleep(1.0)
    before = rss_kib(pid)
    generator = subprocess.Popen(  # noqa: S603 - our own command line
        ["node", str(LOAD / "load.js"), str(path)],  # noqa: S607 - node from PATH
        stdout=subprocess.PIPE,
        text=True,
    )
    assert generator.stdout is not None
    connected = json.loads(generator.stdout.readline())
    time.sleep(3.0)  # let the server settle (writer tasks started, replays answered)
    after = rss_kib(pid)
    generator.wait(timeout=spec["duration"] + 120)
    return {"before_kib": before, "after_kib": after, **connected}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--chats", type=int, default=100)
    args = parser.parse_args()
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
            "duration": 5,
            "rooms": [
                {"id": r.chat_id, "members": [ws + r.tokens[i % 2] for i in range(per_room)]}
                for r in rooms
            ],
        }
        measured = {"Frontdesk": hold(spec, frontdesk.process.pid, work)}
        frontdesk.stop()
        baseline = start_baseline(work)
        servers.append(baseline)
        bare_ws = baseline.url.replace("http://", "ws://") + "/ws?room="
        spec = {
            "protocol": "baseline",
            "mode": "idle",
            "warmup": 0,
            "duration": 5,
            "rooms": [
                {"id": n, "members": [f"{bare_ws}{n}"] * per_room} for n in range(1, len(rooms) + 1)
            ],
        }
        measured["bare broadcast"] = hold(spec, baseline.process.pid, work)
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"{'server':<16} {'sockets':>8} {'RSS before':>11} {'RSS after':>11} {'KiB/socket':>11}")
    per: dict[str, float] = {}
    for name, row in measured.items():
        per[name] = (row["after_kib"] - row["before_kib"]) / max(1, row["connected"])
        print(
            f"{name:<16} {row['connected']:>8} {row['before_kib']:>8} KiB {row['after_kib']:>8} KiB"
            f" {per[name]:>11.1f}"
        )
    print(f"\nFrontdesk / bare per socket: {per['Frontdesk'] / per['bare broadcast']:.2f}×")


if __name__ == "__main__":
    main()
