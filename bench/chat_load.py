"""Chat load benchmark: Frontdesk against a bare Starlette broadcast server, same load, same run.

    .venv/bin/python bench/chat_load.py --chats 1000 --big-chats 50 [--config sqlite|pg-redis|both]

Per configuration (SQLite in one process; PostgreSQL + Redis with two worker processes) it
starts ``frontdesk serve`` on a fresh database, opens ``--chats`` public chats of 2 members
(visitor + agent) and ``--big-chats`` chats of 20 members (visitor, owner, 18 participants)
through the API, and drives them over ``/api/v1/ws`` from the Node load generator in
``bench/load`` (its own process, installed with ``npm ci``; its CPU is reported so a saturated
generator shows). Each member is one socket; messages rotate over the members. Two modes:

- ``window``: one message in flight per chat (the next leaves when every other member has it):
  the delivered messages/s is the capacity, with its latency;
- ``rate``: a fixed offered load, ``--rate`` messages/s per chat or, without it, ``--rate-share``
  (half) of the capacity Frontdesk has just shown in window mode for the same chats; both
  servers get the same load: end-to-end latency p50/p99 from send to receipt at every other
  member, and messages lost.

The same rooms then run against ``bench/baseline_broadcast.py`` with as many processes (two
workers fan out over Redis, as Frontdesk's do) and the table prints Frontdesk's deliveries/s as
a share of the bare server's. Only 127.0.0.1 is used. ``--smoke`` runs both configurations and
both modes on a few small chats for a second each; ``--json PATH`` writes one row per
configuration, chat size and mode.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from report import add_common_arguments, emit

BENCH = Path(__file__).resolve().parent
LOAD = BENCH / "load"
ADMIN_PASSWORD = "bench-admin-password"  # noqa: S105 - a throwaway local installation
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_load_generator() -> None:
    if not (LOAD / "node_modules" / "ws").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=LOAD, check=True)  # noqa: S607


def process_tree(pid: int) -> list[int]:
    """The pid and its children (uvicorn's workers)."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        for child in children.read_text().split():
            pids.extend(process_tree(int(child)))
    return pids


def cpu_seconds(pid: int) -> float:
    total = 0.0
    for each in process_tree(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


def rss_kib(pid: int) -> int:
    total = 0
    for each in process_tree(pid):
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited early:\n{log.read_text()[-3000:]}")
        try:
            httpx.get(f"{url}{path}", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"server did not start:\n{log.read_text()[-3000:]}")


def start_frontdesk(db_url: str, data_dir: Path, workers: int, redis: bool) -> Server:
    port = free_port()
    log = data_dir / f"frontdesk-{port}.log"
    env = {
        **os.environ,
        "FRONTDESK_DATABASE_URL": db_url,
        "FRONTDESK_HOST": "127.0.0.1",
        "FRONTDESK_PORT": str(port),
        "FRONTDESK_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "FRONTDESK_DEMO": "0",
        "FRONTDESK_RUN_JOBS": "0",
        "FRONTDESK_DATA_DIR": str(data_dir),
        "FRONTDESK_LOG_LEVEL": "WARNING",
    }
    if redis:
        env["FRONTDESK_REDIS_URL"] = REDIS_URL
        env["FRONTDESK_BUS_CHANNEL"] = f"frontdesk-bench:{uuid.uuid4().hex}"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            [sys.executable, "-m", "frontdesk.cli", "serve", "--workers", str(workers)],
            env=env,
            stdout=out,
            stderr=out,
        )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, process, log, "/healthz")
    return Server(url, process, log)


def start_baseline(data_dir: Path, workers: int = 1, redis: bool = False) -> Server:
    port = free_port()
    log = data_dir / f"baseline-{port}.log"
    command = [sys.executable, str(BENCH / "baseline_broadcast.py"), "--port", str(port)]
    command += ["--workers", str(workers)]
    if redis:
        command += ["--redis", REDIS_URL]
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            command,
            stdout=out,
            stderr=out,
        )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, process, log, "/")
    return Server(url, process, log)


@contextmanager
def postgres_database() -> Iterator[str]:
    import asyncpg  # type: ignore[import-untyped]  # only this configuration needs it

    name = f"frontdesk_bench_{uuid.uuid4().hex[:10]}"

    async def run(statement: str) -> None:
        connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# --- setting up chats through the API ---------------------------------------------------------


def ok(response: httpx.Response) -> Any:
    if response.status_code >= 300:
        raise SystemExit(f"{response.request.method} {response.request.url}: {response.text}")
    return response.json() if response.content else None


async def gather_limited(coroutines: list[Any], limit: int = 8) -> list[Any]:
    semaphore = asyncio.Semaphore(limit)

    async def one(coroutine: Any) -> Any:
        async with semaphore:
            return await coroutine

    return list(await asyncio.gather(*(one(c) for c in coroutines)))


@dataclass
class Room:
    chat_id: int
    tokens: list[str]


class Installation:
    """The admin's view of a running server, to prepare chats."""

    def __init__(self, url: str) -> None:
        self.client = httpx.AsyncClient(base_url=url, timeout=60)
        self.admin: dict[str, str] = {}
        self.admin_token = ""
        self.participants: list[tuple[int, str]] = []

    async def prepare(self, participants: int) -> None:
        login = ok(
            await self.client.post(
                "/api/v1/auth/token",
                json={"login": "admin", "password": ADMIN_PASSWORD, "realm": "agent"},
            )
        )
        self.admin_token = login["token"]
        self.admin = {"Authorization": f"Bearer {self.admin_token}"}
        for name, value in {
            # The settings' maxima: every chat of the run comes from this one address.
            "ChatEngine::MessagesPerSecond": 1000,
            "ChatEngine::PublicInterface::OpenRequestsPerIP": 10_000,
            # Preparing many chats takes minutes: the invited agents must stay "available".
            "ChatEngine::AgentOnlineThreshold": 24 * 60,
        }.items():
            ok(
                await self.client.put(
                    f"/api/v1/settings/{quote(name, safe='')}",
                    json={"value": value},
                    headers=self.admin,
                )
            )
        ok(
            await self.client.post(
                "/api/v1/settings/deployments", json={"comment": "bench"}, headers=self.admin
            )
        )
        channels = ok(await self.client.get("/api/v1/chat/channels", headers=self.admin))
        (default,) = [c["id"] for c in channels["items"] if c["is_default"]]
        ok(
            await self.client.put(
                "/api/v1/me/chat-channels", json={"channel_ids": [default]}, headers=self.admin
            )
        )
        ok(
            await self.client.put(
                "/api/v1/me/chat-availability",
                json={"availability": "external"},
                headers=self.admin,
            )
        )
        groups = ok(await self.client.get("/api/v1/groups?limit=100", headers=self.admin))
        (users,) = [g["id"] for g in groups["items"] if g["name"] == "users"]
        for number in range(participants):
            login_name = f"bench{number}"
            agent = ok(
                await self.client.post(
                    "/api/v1/agents",
                    json={
                        "login": login_name,
                        "first_name": "Bench",
                        "last_name": f"Agent {number}",
                        "email": f"{login_name}@example.com",
                        "password": ADMIN_PASSWORD,
                        "valid": True,
                    },
                    headers=self.admin,
                )
            )
            ok(
                await self.client.put(
                    f"/api/v1/groups/{users}/agents/{agent['id']}",
                    json={"permissions": ["ro", "chat_participant"]},
                    headers=self.admin,
                )
            )
            token = ok(
                await self.client.post(
                    "/api/v1/auth/token",
                    json={"login": login_name, "password": ADMIN_PASSWORD, "realm": "agent"},
                )
            )["token"]
            self.participants.append((agent["id"], token))

    async def room(self, members: int) -> Room:
        created = ok(
            await self.client.post(
                "/api/v1/public/chats", json={"name": "Bench Visitor", "message": "hello"}
            )
        )
        chat_id = created["chat"]["id"]
        ok(await self.client.post(f"/api/v1/chats/{chat_id}/accept", headers=self.admin))
        tokens = [created["visitor_token"], self.admin_token]
        for agent_id, token in self.participants[: members - 2]:
            # CH-28: an agent joins an active chat through an accepted invitation.
            agent = {"Authorization": f"Bearer {token}"}
            invitation = ok(
                await self.client.post(
                    f"/api/v1/chats/{chat_id}/invite",
                    json={"agent_id": agent_id},
                    headers=self.admin,
                )
            )
            ok(await self.client.post(f"/api/v1/chats/{invitation['id']}/accept", headers=agent))
            ok(
                await self.client.post(
                    f"/api/v1/chats/{chat_id}/join", json={"as": "participant"}, headers=agent
                )
            )
            tokens.append(token)
        return Room(chat_id, tokens)

    async def rooms(self, count: int, members: int) -> list[Room]:
        return await gather_limited([self.room(members) for _ in range(count)])

    async def close(self) -> None:
        await self.client.aclose()


# --- driving the load -------------------------------------------------------------------------


@dataclass
class Scenario:
    name: str
    rooms: int
    members: int


def run_generator(
    spec: dict[str, Any],
    server_pid: int,
    work_dir: Path,
    timeout: float,
    on_connected: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Run the load generator; ``on_connected`` is called once every socket is open.

    The server's CPU is counted from then on, so the connect phase (thousands of sockets
    authenticating and replaying) does not blur the cost of the load itself."""
    path = work_dir / f"load-{uuid.uuid4().hex[:8]}.json"
    path.write_text(json.dumps(spec))
    errors = work_dir / f"{path.stem}.stderr"
    with errors.open("w") as stderr:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            ["node", str(LOAD / "load.js"), str(path)],  # noqa: S607 - node from PATH
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        killer = threading.Timer(timeout, process.kill)
        killer.start()
        before = cpu_seconds(server_pid)
        started = time.monotonic()
        last = ""
        try:
            assert process.stdout is not None
            for line in process.stdout:
                if line.strip():
                    last = line
                if '"connected"' in line:
                    before, started = cpu_seconds(server_pid), time.monotonic()
                    if on_connected is not None:
                        on_connected()
            returncode = process.wait()
        finally:
            killer.cancel()
    wall = time.monotonic() - started
    if returncode != 0:
        raise SystemExit(f"load generator failed:\n{errors.read_text()[-3000:]}")
    result: dict[str, Any] = json.loads(last)
    # Server CPU while the load ran (warm-up and measured seconds), as cores busy.
    result["server_cpu_percent"] = (cpu_seconds(server_pid) - before) / max(wall, 1e-6) * 100
    return result


def start_profiler(pid: int, out: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """py-spy sampling the server (and its workers) once the sockets are open: collapsed stacks,
    one line per stack with its sample count, the input of ``profile_top``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    command = [spy, "record", "--pid", str(pid), "--subprocesses", "--format", "raw"]
    # --gil: only samples that hold the GIL, i.e. Python at work, not the loops waiting.
    command += ["--rate", "250", "--gil", "--nonblocking", "--output", str(out)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), out  # noqa: S603


def stop_profiler(process: subprocess.Popen[bytes], out: Path) -> None:
    process.send_signal(2)  # py-spy writes its file on SIGINT
    process.wait(timeout=60)
    print(profile_top(out), flush=True)


def function_of(frame: str) -> str:
    """``name (path/file.py:line)`` as ``name file.py``: lines of one function add up."""
    name, _, place = frame.partition(" (")
    return f"{name} {place.rsplit('/', 1)[-1].split(':')[0]}"


def profile_top(path: Path, count: int = 15) -> str:
    """The functions most samples were in (self) and under (total), from collapsed stacks."""
    own: dict[str, int] = {}
    total: dict[str, int] = {}
    samples = 0
    for line in path.read_text().splitlines():
        stack, _, number = line.rpartition(" ")
        if not stack:
            continue
        hits = int(number)
        samples += hits
        frames = [function_of(frame) for frame in stack.split(";")[1:]]  # [0] names the process
        if not frames:
            continue
        own[frames[-1]] = own.get(frames[-1], 0) + hits
        for frame in set(frames):
            total[frame] = total.get(frame, 0) + hits
    lines = [f"  profile {path.name}: {samples} samples"]
    for title, table in (("self", own), ("total", total)):
        lines.append(f"  top {title}:")
        for frame, hits in sorted(table.items(), key=lambda item: -item[1])[:count]:
            lines.append(f"    {hits / max(1, samples) * 100:5.1f} %  {frame}")
    return "\n".join(lines)


def wait_idle(pid: int, interval: float = 1.0, limit: float = 180.0) -> None:
    """A server that could not keep up is still working off the last run's backlog: let it
    finish (below 10 % of a core for ``interval`` seconds) so runs do not measure each other."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(interval)
        if cpu_seconds(pid) - before < 0.1 * interval:
            return


def frontdesk_spec(
    url: str, rooms: list[Room], mode: str, rate: float, args: argparse.Namespace
) -> dict[str, Any]:
    ws = url.replace("http://", "ws://") + "/api/v1/ws?token="
    return {
        "protocol": "frontdesk",
        "mode": mode,
        "rate": rate,
        "warmup": args.warmup,
        "duration": args.duration,
        "rooms": [{"id": r.chat_id, "members": [ws + t for t in r.tokens]} for r in rooms],
    }


def baseline_spec(
    url: str, scenario: Scenario, mode: str, rate: float, args: argparse.Namespace
) -> dict[str, Any]:
    ws = url.replace("http://", "ws://") + "/ws?room="
    return {
        "protocol": "baseline",
        "mode": mode,
        "rate": rate,
        "warmup": args.warmup,
        "duration": args.duration,
        "rooms": [
            {"id": room, "members": [f"{ws}{room}"] * scenario.members}
            for room in range(1, scenario.rooms + 1)
        ],
    }


Row = dict[str, Any]
DEFAULT_RATE = 0.2  # messages/s per chat when rate mode runs without a window run to go by


def run_configuration(
    label: str, db_url: str, workers: int, redis: bool, args: argparse.Namespace, work: Path
) -> list[Row]:
    scenarios = [
        Scenario(f"{args.chats}×2", args.chats, 2),
        Scenario(f"{args.big_chats}×{args.big_members}", args.big_chats, args.big_members),
    ]
    scenarios = [s for s in scenarios if s.rooms > 0]
    rows: list[Row] = []
    server = start_frontdesk(db_url, work, workers, redis)
    baseline = start_baseline(work, workers, redis)
    try:
        installation = Installation(server.url)

        async def prepare() -> dict[str, list[Room]]:
            started = time.monotonic()
            await installation.prepare(args.big_members - 2 if args.big_chats else 0)
            made = {s.name: await installation.rooms(s.rooms, s.members) for s in scenarios}
            print(f"  {label}: chats prepared in {time.monotonic() - started:.1f} s", flush=True)
            await installation.close()
            return made

        made = asyncio.run(prepare())
        timeout = args.warmup + args.duration + 180
        # Window first: with no --rate, rate mode offers --rate-share of the capacity Frontdesk
        # has just shown for the same chats, so "half the load" is measured, not guessed.
        modes = sorted(args.modes, key=lambda mode: mode != "window")
        for scenario in scenarios:
            capacity: float | None = None  # Frontdesk's messages/s in window mode
            for mode in modes:
                rate = offered_rate(args, scenario, capacity)
                for kind in ("frontdesk", "baseline"):
                    if kind == "frontdesk":
                        spec = frontdesk_spec(server.url, made[scenario.name], mode, rate, args)
                        pid = server.process.pid
                    else:
                        spec = baseline_spec(baseline.url, scenario, mode, rate, args)
                        pid = baseline.process.pid
                    wait_idle(pid, 0.2 if args.smoke else 1.0)
                    profilers: list[tuple[subprocess.Popen[bytes], Path]] = []
                    on_connected = None
                    if args.profile and kind == "frontdesk":
                        name = f"{label}-{scenario.name}-{mode}".replace(" ", "").replace(",", "-")
                        out = args.profile / f"{name}.txt"

                        def on_connected(
                            pid: int = pid,
                            out: Path = out,
                            profilers: list[tuple[subprocess.Popen[bytes], Path]] = profilers,
                        ) -> None:
                            profilers.append(start_profiler(pid, out))

                    result = run_generator(spec, pid, work, timeout, on_connected)
                    for profiler in profilers:
                        stop_profiler(*profiler)
                    row = {
                        "config": label,
                        "chats": scenario.name,
                        "rooms": scenario.rooms,
                        "members": scenario.members,
                        "server": kind,
                        "offered_per_chat": rate if mode == "rate" else None,
                        **result,
                    }
                    if kind == "frontdesk" and mode == "window":
                        capacity = result["messages_per_s"]
                    rows.append(row)
                    print("  " + summary(row), flush=True)
                    if row.get("error_codes"):
                        print(f"    error codes: {row['error_codes']}", flush=True)
    finally:
        server.stop()
        baseline.stop()
    return rows


def offered_rate(args: argparse.Namespace, scenario: Scenario, capacity: float | None) -> float:
    """Messages/s per chat in rate mode: ``--rate``, else a share of the window capacity."""
    if args.rate is not None:
        return float(args.rate)
    if capacity is None:
        return DEFAULT_RATE
    return round(args.rate_share * capacity / scenario.rooms, 3)


def summary(row: Row) -> str:
    return (
        f"{row['config']:<22} {row['chats']:<8} {row['mode']:<7} {row['server']:<9} "
        f"{row['messages_per_s']:>9.0f} {row['deliveries_per_s']:>11.0f} "
        f"{fmt(row['p50_ms']):>7} {fmt(row['p99_ms']):>7} "
        f"{row['server_cpu_percent']:>7.0f}% {row['cpu_percent']:>7.0f}% "
        f"{row['open']:>6}/{row['connections']:<6} {row['errors'] + row['lost']:>5}"
    )


def fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'configuration':<22} {'chats':<8} {'mode':<7} {'server':<9} "
        f"{'msg/s':>9} {'deliver/s':>11} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'srv CPU':>8} {'gen CPU':>8} {'open/conns':>13} {'err':>5}"
    )
    print()
    print(header)
    print("-" * len(header))
    for row in rows:
        print(summary(row))


def share_rows(rows: list[Row]) -> list[Row]:
    """One row per configuration, chat size and mode: Frontdesk beside the bare server."""
    by_key = {(r["config"], r["chats"], r["mode"], r["server"]): r for r in rows}
    shares = []
    for (config, chats, mode, server), row in by_key.items():
        if server != "frontdesk":
            continue
        bare = by_key[(config, chats, mode, "baseline")]
        base = bare["deliveries_per_s"]
        shares.append(
            {
                "config": config,
                "mode": mode,
                "chats": row["rooms"],
                "members": row["members"],
                "deliveries_per_s": round(row["deliveries_per_s"], 1),
                "baseline_deliveries_per_s": round(base, 1),
                "share": round(row["deliveries_per_s"] / base, 3) if base else float("nan"),
                "p50_ms": row["p50_ms"],
                "p99_ms": row["p99_ms"],
                "baseline_p50_ms": bare["p50_ms"],
                "baseline_p99_ms": bare["p99_ms"],
                "offered_messages_per_s": (
                    round(row["offered_per_chat"] * row["rooms"], 1)
                    if row["offered_per_chat"] is not None
                    else None
                ),
                "lost": row["lost"],
                "errors": row["errors"],
                "server_cpu_percent": round(row["server_cpu_percent"]),
                "baseline_cpu_percent": round(bare["server_cpu_percent"]),
            }
        )
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--chats", type=int, default=1000, help="2-member chats")
    add_common_arguments(parser)
    parser.add_argument("--big-chats", type=int, default=50, help="chats of --big-members")
    parser.add_argument("--big-members", type=int, default=20, help="members of a big chat")
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="messages/s per chat in rate mode (default: --rate-share of the window capacity)",
    )
    parser.add_argument(
        "--rate-share",
        type=float,
        default=0.5,
        help="rate mode's load as a share of Frontdesk's window capacity for the same chats",
    )
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--modes", nargs="+", default=["rate", "window"])
    parser.add_argument("--config", choices=["sqlite", "pg-redis", "both"], default="both")
    parser.add_argument("--workers", type=int, default=2, help="worker processes with PostgreSQL")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="sample the Frontdesk server with py-spy during each run; stacks and top entries",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder for a look")
    args = parser.parse_args()
    if args.smoke:
        args.chats, args.big_chats, args.big_members = 4, 2, 3
        args.warmup, args.duration = 0.3, 0.7
    ensure_load_generator()
    rows: list[Row] = []
    work = Path(tempfile.mkdtemp(prefix="frontdesk-chat-load-"))
    try:
        if args.config in ("sqlite", "both"):
            db = f"sqlite+aiosqlite:///{work / 'bench.db'}"
            rows += run_configuration("SQLite, 1 process", db, 1, False, args, work)
        if args.config in ("pg-redis", "both"):
            with postgres_database() as db:
                label = f"PG+Redis, {args.workers} workers"
                rows += run_configuration(label, db, args.workers, True, args, work)
    finally:
        if args.keep:
            print(f"kept {work} (database, server and generator logs)")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print_table(rows)
    emit("chat_load", share_rows(rows), args.json)


if __name__ == "__main__":
    main()
