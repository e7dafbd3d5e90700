"""Frontdesk side by side with django-helpdesk 2.6.1: the same data, the same machine, one run.

    .venv/bin/python bench/peers/django_helpdesk.py [--tickets 100000] [--backend both]

django-helpdesk is installed from the package index into its own virtualenv under
``bench/.work/`` (made once, reused while its requirements stay the same) and never becomes a
Frontdesk dependency. Per backend, both helpdesks get fresh databases loaded with the same
generated data set (``_dataset.py``: tickets in four queues, a fifth of them open, a first
message and two follow-ups each); each is served by one worker process — gunicorn with one
sync worker for the peer (its WSGI default), ``frontdesk serve --workers 1`` for Frontdesk —
and timed over HTTP on 127.0.0.1 as a logged-in agent, each operation as a browser does it:

- keyword search for a word from a follow-up and a word from a title: Frontdesk's search page
  against django-helpdesk's ticket list page plus the table data it then loads
  (``datatables_ticket_list``), and each one's JSON alone (``/api/v1/tickets?query=``);
- the open tickets of one queue: Frontdesk's queue view against the peer's list filtered by
  queue and open states (page + table data);
- a ticket page; creating a ticket through the agent's form (the POST, not the redirect).

It prints p50/p95 of both and the ratio peer/Frontdesk (p50) with the issue's targets: search
≥ 30× faster, the rest at least as fast. ``found`` says how many tickets each search returned:
django-helpdesk does not search follow-ups, so its follow-up search finds nothing (and still
scans). ``--smoke`` loads 1,000 tickets and takes a few samples.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

PEERS = Path(__file__).resolve().parent
BENCH = PEERS.parent
sys.path[:0] = [str(BENCH), str(PEERS)]

import _dataset  # noqa: E402

from chat_load import ADMIN_PASSWORD, Server, free_port, start_frontdesk, wait_healthy  # noqa: E402
from report import add_common_arguments, emit  # noqa: E402

PEER_VERSION = "2.6.1"
PEER_REQUIREMENTS = [
    f"django-helpdesk=={PEER_VERSION}",
    "gunicorn==27.0.1",
    "psycopg[binary]==3.3.9",
]
SITE = PEERS / "django_helpdesk_site"
WORK = BENCH / ".work"
PEER_PASSWORD = "peer-bench-password-1"  # noqa: S105 - a throwaway installation
POSTGRES_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
SEARCH_TARGET = 30.0
OTHER_TARGET = 1.0
FRONTDESK_QUEUE_IDS = (2, 3, 4, 1)  # four of a new installation's queues, one per data set queue


@dataclass
class Timing:
    p50: float
    p95: float
    found: int | None = None


Operation = Callable[[], int | None]  # returns how many tickets it found, where that applies


# --- the peer's installation ------------------------------------------------------------------


def peer_python() -> Path:
    """The peer's virtualenv, made on first use and kept for the next run."""
    key = hashlib.sha256(" ".join(PEER_REQUIREMENTS).encode()).hexdigest()[:10]
    venv = WORK / f"django-helpdesk-{PEER_VERSION}-{key}"
    python = venv / "bin" / "python"
    if (venv / ".complete").exists():
        return python
    shutil.rmtree(venv, ignore_errors=True)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)  # noqa: S603
    subprocess.run(  # noqa: S603 - our own command line
        [str(python), "-m", "pip", "install", "--quiet", *PEER_REQUIREMENTS], check=True
    )
    (venv / ".complete").write_text("")
    print(f"  django-helpdesk {PEER_VERSION} installed in {time.monotonic() - started:.0f} s")
    return python


def load_peer(python: Path, database: str, count: int) -> None:
    environment = {**os.environ, "PEER_DATABASE": database, "PYTHONPATH": ""}
    done = subprocess.run(  # noqa: S603 - our own command line
        [str(python), "load.py", str(count), PEER_PASSWORD],
        cwd=SITE,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"loading django-helpdesk failed:\n{done.stderr[-3000:]}")
    print(f"  django-helpdesk: {done.stdout.strip()}", flush=True)


def start_peer(python: Path, database: str, work: Path) -> Server:
    port = free_port()
    log = work / f"peer-{port}.log"
    environment = {**os.environ, "PEER_DATABASE": database, "PYTHONPATH": ""}
    command = [str(python), "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}"]
    command += ["--chdir", str(SITE), "--log-level", "warning", "wsgi:application"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=environment, stdout=out, stderr=out)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, process, log, "/helpdesk/login/")
    return Server(url, process, log)


# --- Frontdesk's installation -----------------------------------------------------------------


async def load_frontdesk(url: str, count: int) -> None:
    """The data set into a migrated database, with the admin agent the server logs in as."""
    from sqlalchemy import insert

    from frontdesk.bus import create_bus
    from frontdesk.core.process_settings import ProcessSettings
    from frontdesk.db.engine import create_engine, create_session_factory
    from frontdesk.db.migrate import upgrade
    from frontdesk.db.unit_of_work import unit_of_work
    from frontdesk.domain.accounts.bootstrap import ensure_admin
    from frontdesk.domain.runtime import Runtime, Tx
    from frontdesk.domain.tickets.models import Article, Ticket
    from frontdesk.feature_index import load_features
    from frontdesk.sysconfig.store import SettingsStore

    started = time.monotonic()
    load_features()
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    factory = create_session_factory(engine)
    bus = create_bus(None)
    await bus.start()
    config = SettingsStore(factory, bus)
    await config.reload()
    runtime = Runtime(bus=bus, config=config, settings=ProcessSettings(database_url=url))
    now = datetime.now(UTC)
    try:
        async with unit_of_work(factory) as session:
            await ensure_admin(Tx(session=session, runtime=runtime), ADMIN_PASSWORD)
        batch: list[_dataset.GeneratedTicket] = []

        async def store(batch: list[_dataset.GeneratedTicket]) -> None:
            async with unit_of_work(factory) as session:
                result = await session.execute(
                    insert(Ticket).returning(Ticket.id),
                    [
                        {
                            "number": f"P{generated.index:012d}",
                            "title": generated.title,
                            "queue_id": FRONTDESK_QUEUE_IDS[generated.queue],
                            "state_id": 2 if generated.is_open else 3,
                            "priority_id": 3,
                            "lock_state": "unlock",
                            "owner_id": 1,
                            "responsible_id": 1,
                            "created_at": generated.created,
                            "updated_at": now,
                        }
                        for generated in batch
                    ],
                )
                articles = []
                for ticket_id, generated in zip(result.scalars(), batch, strict=True):
                    texts = (generated.description, *generated.follow_ups)
                    for position, body in enumerate(texts):
                        articles.append(
                            {
                                "ticket_id": ticket_id,
                                "channel": "email",
                                "sender_type": "customer" if position % 2 == 0 else "agent",
                                "visible_for_customer": True,
                                "subject": generated.title if position == 0 else "Comment",
                                "body": body,
                                "from_display": "Bench",
                                "channel_data": {},
                                "created_at": generated.created,
                            }
                        )
                await session.execute(insert(Article), articles)

        for generated in _dataset.tickets(count):
            batch.append(generated)
            if len(batch) == 2000:
                await store(batch)
                batch = []
        if batch:
            await store(batch)
    finally:
        await bus.stop()
        await engine.dispose()
    print(f"  Frontdesk: loaded {count} tickets in {time.monotonic() - started:.1f} s", flush=True)


# --- the databases ----------------------------------------------------------------------------


@contextmanager
def databases(backend: str, work: Path) -> Iterator[tuple[str, str]]:
    """(Frontdesk's SQLAlchemy URL, the peer's PEER_DATABASE), fresh, removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{work / 'frontdesk.db'}", str(work / "peer.sqlite3")
        return
    import asyncpg  # type: ignore[import-untyped]

    suffix = uuid.uuid4().hex[:8]
    names = (f"frontdesk_peer_bench_{suffix}", f"helpdesk_peer_bench_{suffix}")

    async def run(*statements: str) -> None:
        connection = await asyncpg.connect(POSTGRES_ADMIN_DSN)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run(*(f'CREATE DATABASE "{name}"' for name in names)))
    try:
        yield (
            f"postgresql+asyncpg://postgres@127.0.0.1:5432/{names[0]}",
            f"postgresql://postgres@127.0.0.1:5432/{names[1]}",
        )
    finally:
        asyncio.run(run(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names)))


# --- the clients ------------------------------------------------------------------------------


def expect(response: httpx.Response, *statuses: int) -> httpx.Response:
    if response.status_code not in statuses:
        raise SystemExit(
            f"{response.request.method} {response.request.url} → {response.status_code}:\n"
            f"{response.text[:1500]}"
        )
    return response


def form_token(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    if found is None:
        raise SystemExit(f"no {name} in the form")
    return found.group(1)


class FrontdeskAgent:
    SUPPORT_QUEUE = FRONTDESK_QUEUE_IDS[1]

    def __init__(self, url: str) -> None:
        self.client = httpx.Client(base_url=url, timeout=60)
        expect(self.client.post("/login", data={"login": "admin", "password": ADMIN_PASSWORD}), 303)

    def search_page(self, word: str) -> int:
        page = expect(self.client.get("/agent/search", params={"query": word, "state": "any"}), 200)
        return len(set(re.findall(r'href="/agent/tickets/(\d+)"', page.text)))

    def search_api(self, word: str) -> int:
        found = expect(self.client.get("/api/v1/tickets", params={"query": word}), 200).json()
        return int(found["total"])

    def queue_view(self, queue_id: int) -> None:
        expect(self.client.get("/agent/queues", params={"queue_id": queue_id}), 200)

    def ticket_page(self, ticket_id: int) -> None:
        expect(self.client.get(f"/agent/tickets/{ticket_id}"), 200)

    def prepare_create(self) -> Callable[[], None]:
        """Fetch the form (for its token); returns the POST that creates the ticket."""
        form = expect(self.client.get("/agent/tickets/new"), 200).text
        fields = {
            "csrf_token": form_token(form, "csrf_token"),
            "customer_user": "",
            "title": "Printer on the second floor is out of toner",
            "queue_id": "3",
            "state_id": "1",
            "priority_id": "3",
            "body": "Please bring a new cartridge.",
        }

        def post() -> None:
            expect(self.client.post("/agent/tickets/new", data=fields), 303)

        return post


class PeerAgent:
    SUPPORT_QUEUE = 2  # queues are made in the data set's order: ids 1, 2, …

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = httpx.Client(base_url=url, timeout=120)
        login = expect(self.client.get("/helpdesk/login/"), 200).text
        data = {
            "username": "agent",
            "password": PEER_PASSWORD,
            "csrfmiddlewaretoken": form_token(login, "csrfmiddlewaretoken"),
            "next": "/helpdesk/",
        }
        expect(self.client.post("/helpdesk/login/", data=data), 302)

    def _list(self, params: dict[str, Any]) -> int:
        """The ticket list page, then the table data its script loads, as a browser does."""
        page = expect(self.client.get("/helpdesk/tickets/", params=params), 200).text
        found = re.search(r"datatables_ticket_list/([A-Za-z0-9+/=]+)", page)
        if found is None:
            raise SystemExit("no table data URL in django-helpdesk's ticket list")
        return self._table(found.group(1))

    def _table(self, query: str) -> int:
        data = self.client.get(
            f"/helpdesk/datatables_ticket_list/{query}",
            params={"draw": 1, "start": 0, "length": 25},
        )
        return int(expect(data, 200).json()["recordsFiltered"])

    def search_page(self, word: str) -> int:
        return self._list({"q": word})

    def search_api(self, word: str) -> int:
        query = {"filtering": {}, "filtering_null": {}, "sorting": "created"}
        query |= {"sortreverse": None, "search_string": word}
        return self._table(base64.b64encode(json.dumps(query).encode()).decode())

    def queue_view(self, queue_id: int) -> None:
        self._list({"queue": queue_id, "status": [1, 2]})

    def ticket_page(self, ticket_id: int) -> None:
        expect(self.client.get(f"/helpdesk/tickets/{ticket_id}/"), 200)

    def prepare_create(self) -> Callable[[], None]:
        """Fetch the form (for its token); returns the POST that creates the ticket."""
        form = expect(self.client.get("/helpdesk/tickets/submit/"), 200).text
        fields = {
            "csrfmiddlewaretoken": form_token(form, "csrfmiddlewaretoken"),
            "queue": "2",
            "title": "Printer on the second floor is out of toner",
            "body": "Please bring a new cartridge.",
            "priority": "3",
            "submitter_email": "customer@example.com",
        }

        def post() -> None:
            expect(self.client.post("/helpdesk/tickets/submit/", data=fields), 302)

        return post


# --- measuring --------------------------------------------------------------------------------


def timed(operation: Operation, samples: int) -> Timing:
    found = None
    for _ in range(min(3, samples)):  # connections, caches, compiled statements
        found = operation()
    durations = []
    for _ in range(samples):
        began = time.perf_counter()
        operation()
        durations.append((time.perf_counter() - began) * 1000)
    durations.sort()
    p95 = durations[min(len(durations) - 1, int(len(durations) * 0.95))]
    return Timing(statistics.median(durations), p95, found)


def timed_create(agent: FrontdeskAgent | PeerAgent, samples: int) -> Timing:
    """Only the POST is timed; the form (and its token) is fetched before each one."""
    for _ in range(min(3, samples)):
        agent.prepare_create()()
    durations = []
    for _ in range(samples):
        post = agent.prepare_create()
        began = time.perf_counter()
        post()
        durations.append((time.perf_counter() - began) * 1000)
    durations.sort()
    p95 = durations[min(len(durations) - 1, int(len(durations) * 0.95))]
    return Timing(statistics.median(durations), p95)


def operations(agent: FrontdeskAgent | PeerAgent, count: int) -> list[tuple[str, Operation]]:
    rng = random.Random(3)  # the same tickets on both sides: ids follow the load order
    return [
        ("search page, follow-up word", lambda: agent.search_page(_dataset.BODY_WORD)),
        ("search page, title word", lambda: agent.search_page(_dataset.TITLE_WORD)),
        ("search JSON, follow-up word", lambda: agent.search_api(_dataset.BODY_WORD)),
        ("search JSON, title word", lambda: agent.search_api(_dataset.TITLE_WORD)),
        ("open tickets of a queue", lambda: agent.queue_view(agent.SUPPORT_QUEUE)),
        ("ticket page", lambda: agent.ticket_page(rng.randint(1, count))),
    ]


def run_backend(backend: str, count: int, samples: int, python: Path) -> list[dict[str, Any]]:
    work = Path(tempfile.mkdtemp(prefix="frontdesk-peer-bench-"))
    rows: list[dict[str, Any]] = []
    try:
        with databases(backend, work) as (frontdesk_url, peer_database):
            print(f"{backend}: loading {count:,} tickets into both …", flush=True)
            asyncio.run(load_frontdesk(frontdesk_url, count))
            load_peer(python, peer_database, count)
            frontdesk = start_frontdesk(frontdesk_url, work, 1, False)
            peer = start_peer(python, peer_database, work)
            try:
                ours, theirs = FrontdeskAgent(frontdesk.url), PeerAgent(peer.url)
                results: list[tuple[str, Timing, Timing]] = []
                for (name, mine), (_same, other) in zip(
                    operations(ours, count), operations(theirs, count), strict=True
                ):
                    results.append((name, timed(mine, samples), timed(other, samples)))
                    print(f"  {name}: done", flush=True)
                creates = (timed_create(ours, samples), timed_create(theirs, samples))
                results.append(("create a ticket", *creates))
            finally:
                frontdesk.stop()
                peer.stop()
        for name, mine, other in results:
            target = SEARCH_TARGET if name.startswith("search") else OTHER_TARGET
            ratio = other.p50 / mine.p50 if mine.p50 else float("nan")
            rows.append(
                {
                    "backend": backend,
                    "operation": name,
                    "tickets": count,
                    "frontdesk_p50_ms": round(mine.p50, 2),
                    "frontdesk_p95_ms": round(mine.p95, 2),
                    "peer_p50_ms": round(other.p50, 2),
                    "peer_p95_ms": round(other.p95, 2),
                    "ratio": round(ratio, 2),
                    "target": target,
                    "target_met": ratio >= target,
                    "frontdesk_found": mine.found,
                    "peer_found": other.found,
                }
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_common_arguments(parser)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    arguments = parser.parse_args()
    if arguments.smoke:
        arguments.tickets, arguments.samples = 1_000, 3
    python = peer_python()
    backends = ["sqlite", "postgresql"] if arguments.backend == "both" else [arguments.backend]
    rows: list[dict[str, Any]] = []
    for backend in backends:
        rows += run_backend(backend, arguments.tickets, arguments.samples, python)
    print("\nFrontdesk: frontdesk serve --workers 1; django-helpdesk: gunicorn, 1 sync worker.")
    print(f"Expected matches per search word: {_dataset.expected_matches(arguments.tickets)}")
    emit("peer_django_helpdesk", rows, arguments.json)


if __name__ == "__main__":
    main()
