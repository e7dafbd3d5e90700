"""Ticket benchmark: create, get, queue view and full-text search on a filled database.

    .venv/bin/python bench/tickets.py --tickets 1000000 --backend postgresql [--keep-database]

For each backend it builds two databases: a baseline of ``--baseline`` tickets (1,000) and the
large one of ``--tickets`` tickets, each ticket with three articles. PostgreSQL is loaded with
``COPY`` (asyncpg ``copy_records_to_table``): the secondary indexes of ``ticket`` and
``article`` are dropped first and rebuilt from their ``pg_indexes`` definitions afterwards,
foreign-key and counting triggers are off during the load (``session_replication_role``), the
per-(queue, state) counts are rebuilt, the sequences set and the tables ``VACUUM ANALYZE``d —
1,000,000 tickets load in about three minutes. The generated ``search_vector`` columns are
computed by the COPY itself. SQLite takes core ``insert()`` batches (its FTS5 and counting
triggers index them as they go in).

Each operation is measured (p50/p95 in milliseconds over ``--samples`` runs) in-process,
through the domain functions the routes call, and through HTTP against a real
``frontdesk serve`` process (one worker) on the same database: the API
(``/api/v1/tickets``) and the agent pages (``/agent/queues``, ``/agent/search``). Rows with a
target (issue item 4: full-text search p95 ≤ 100 ms, queue view p95 ≤ 50 ms) say whether the
large database meets it. Data: four queues, states new/open/closed successful ×2/closed
unsuccessful, so 40 % of the tickets are open — more than a real installation, where most
tickets are closed: the open-ticket queries here are the heavier case. SQLite lives in a
temporary folder; PostgreSQL databases are created at ``--postgres-url`` and dropped
afterwards, unless ``--keep-database`` keeps (and on the next run reuses) them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from frontdesk.bus import create_bus
from frontdesk.core.actor import Actor
from frontdesk.core.pagination import PageRequest
from frontdesk.core.process_settings import ProcessSettings
from frontdesk.db.engine import create_engine, create_session_factory
from frontdesk.db.migrate import upgrade
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts.bootstrap import ensure_admin
from frontdesk.domain.accounts.models import Agent
from frontdesk.domain.accounts.queries import actor_for_agent
from frontdesk.domain.runtime import Runtime, Tx
from frontdesk.domain.tickets import actions, queries
from frontdesk.domain.tickets.access import access_ticket_by_id
from frontdesk.domain.tickets.models import Article, Ticket
from frontdesk.domain.tickets.schemas import ArticleCreate, TicketCreate, TicketSearch
from frontdesk.domain.tickets.suggestions import suggest
from frontdesk.feature_index import load_features
from frontdesk.sysconfig.store import SettingsStore
from report import add_common_arguments, emit

ADMIN_PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway local installation
COPY_CHUNK = 50_000
QUEUE = 2
TARGETS = {"full-text search": 100, "queue view (first page)": 50}  # p95, milliseconds
RARE_WORD = "quetzalbench"  # in one article of every 1,000th ticket: ~0.1 % of tickets
BATCH = 2000
QUEUES = (1, 2, 3, 4)
STATES = (1, 2, 3, 3, 4)  # new, open, closed successful ×2, closed unsuccessful

Operation = Callable[[], Awaitable[None]]


@dataclass
class Result:
    name: str
    through: str
    p50: float
    p95: float


def vocabulary(size: int = 3000) -> list[str]:
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(size)]


def generated(
    first: int, count: int, words: list[str], rng: random.Random
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Tickets ``first`` … ``first + count - 1`` (by position) and their three articles each,
    as rows without ids; article rows name their ticket by position (``ticket``)."""
    start = datetime.now(UTC) - timedelta(days=365)
    now = datetime.now(UTC)
    tickets = []
    articles = []
    for index in range(first, first + count):
        tickets.append(
            {
                "number": f"B{index:012d}",
                "title": " ".join(rng.choices(words, k=5)),
                "queue_id": rng.choice(QUEUES),
                "state_id": rng.choice(STATES),
                "priority_id": 3,
                "lock_state": "unlock",
                "owner_id": 1,
                "responsible_id": 1,
                "created_at": start + timedelta(seconds=index * 30),
                "updated_at": now,
            }
        )
        for position in range(3):
            body = " ".join(rng.choices(words, k=40))
            if index % 1000 == 0 and position == 1:
                body += f" {RARE_WORD}"
            articles.append(
                {
                    "ticket": index,
                    "channel": "email",
                    "sender_type": "customer" if position % 2 == 0 else "agent",
                    "visible_for_customer": True,
                    "subject": f"Message {position}",
                    "body": body,
                    "from_display": "Bench",
                    "channel_data": {},
                    "created_at": start + timedelta(seconds=index * 30 + position),
                }
            )
    return tickets, articles


async def fill_sqlite(factory: async_sessionmaker[AsyncSession], count: int) -> None:
    """``count`` tickets with three articles each, in batches of bulk inserts."""
    words = vocabulary()
    rng = random.Random(42)
    for first in range(0, count, BATCH):
        tickets, articles = generated(first, min(BATCH, count - first), words, rng)
        async with unit_of_work(factory) as session:
            result = await session.execute(insert(Ticket).returning(Ticket.id), tickets)
            ids = dict(zip(range(first, first + len(tickets)), result.scalars(), strict=True))
            for article in articles:
                article["ticket_id"] = ids[article.pop("ticket")]
            await session.execute(insert(Article), articles)


TICKET_COLUMNS = (
    "id",
    "number",
    "title",
    "queue_id",
    "state_id",
    "priority_id",
    "lock_state",
    "owner_id",
    "responsible_id",
    "created_at",
    "updated_at",
)
ARTICLE_COLUMNS = (
    "id",
    "ticket_id",
    "channel",
    "sender_type",
    "visible_for_customer",
    "subject",
    "body",
    "from_display",
    "channel_data",
    "created_at",
)


async def fill_postgres(url: str, count: int) -> None:
    """``count`` tickets with three articles each through COPY, indexes rebuilt afterwards."""
    import asyncpg  # type: ignore[import-untyped]  # only this loader needs the raw driver

    connection = await asyncpg.connect(
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    try:
        await connection.execute("SET maintenance_work_mem = '512MB'")
        await connection.execute("SET session_replication_role = replica")  # FK + count triggers
        indexes = await connection.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND "
            "tablename IN ('ticket', 'article') AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint)"
        )
        for index in indexes:
            await connection.execute(f'DROP INDEX "{index["indexname"]}"')
        first_ticket = (await connection.fetchval("SELECT coalesce(max(id), 0) FROM ticket")) + 1
        first_article = (await connection.fetchval("SELECT coalesce(max(id), 0) FROM article")) + 1
        words = vocabulary()
        rng = random.Random(42)
        for first in range(0, count, COPY_CHUNK):
            tickets, articles = generated(first, min(COPY_CHUNK, count - first), words, rng)
            await connection.copy_records_to_table(
                "ticket",
                columns=TICKET_COLUMNS,
                records=[
                    (first_ticket + first + n, *(row[c] for c in TICKET_COLUMNS[1:]))
                    for n, row in enumerate(tickets)
                ],
            )
            await connection.copy_records_to_table(
                "article",
                columns=ARTICLE_COLUMNS,
                records=[
                    (
                        first_article + first * 3 + n,
                        first_ticket + row["ticket"],
                        *(row[c] for c in ARTICLE_COLUMNS[2:8]),
                        "{}",
                        row["created_at"],
                    )
                    for n, row in enumerate(articles)
                ],
            )
        for index in indexes:
            await connection.execute(index["indexdef"])
        await connection.execute("RESET session_replication_role")
        for table in ("ticket", "article"):
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        await connection.execute("DELETE FROM ticket_state_count")
        await connection.execute(
            "INSERT INTO ticket_state_count (queue_id, state_id, ticket_count) "
            "SELECT queue_id, state_id, count(*) FROM ticket GROUP BY queue_id, state_id"
        )
        await connection.execute("VACUUM ANALYZE ticket")
        await connection.execute("VACUUM ANALYZE article")
        await connection.execute("VACUUM ANALYZE ticket_state_count")
    finally:
        await connection.close()


async def timed(operation: Operation, samples: int) -> tuple[float, float]:
    for _ in range(min(10, samples)):  # warm caches and connections
        await operation()
    durations = []
    for _ in range(samples):
        began = time.perf_counter()
        await operation()
        durations.append((time.perf_counter() - began) * 1000)
    durations.sort()
    p95 = durations[min(len(durations) - 1, int(len(durations) * 0.95))]
    return statistics.median(durations), p95


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(environment: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "frontdesk.cli", "serve", "--workers", "1"],
            env=environment,
            stdout=out,
            stderr=out,
        )


@asynccontextmanager
async def serving(url: str) -> AsyncIterator[str]:
    """A ``frontdesk serve`` process (one worker) on the database; yields its address."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-serve-") as folder:
        log = Path(folder) / "serve.log"
        environment = {
            **os.environ,
            "FRONTDESK_DATABASE_URL": url,
            "FRONTDESK_HOST": "127.0.0.1",
            "FRONTDESK_PORT": str(port),
            "FRONTDESK_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "FRONTDESK_DEMO": "0",
            "FRONTDESK_RUN_JOBS": "0",
            "FRONTDESK_DATA_DIR": folder,
            "FRONTDESK_LOG_LEVEL": "WARNING",
        }
        process = start_server(environment, log)
        address = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            async with httpx.AsyncClient() as probe:
                while True:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit(f"server did not start:\n{log.read_text()[-3000:]}")
                    try:
                        await probe.get(f"{address}/healthz", timeout=1)
                        break
                    except httpx.HTTPError:
                        await asyncio.sleep(0.2)
            yield address
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


async def measure(url: str, count: int, samples: int, *, load: bool) -> list[Result]:
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    factory = create_session_factory(engine)
    bus = create_bus(None)
    await bus.start()
    config = SettingsStore(factory, bus)
    await config.reload()
    runtime = Runtime(bus=bus, config=config, settings=ProcessSettings(database_url=url))
    try:
        async with unit_of_work(factory) as session:
            await ensure_admin(Tx(session=session, runtime=runtime), ADMIN_PASSWORD)
        if load:
            loading = time.perf_counter()
            if url.startswith("postgresql"):
                await fill_postgres(url, count)
            else:
                await fill_sqlite(factory, count)
            print(f"  filled {count} tickets in {time.perf_counter() - loading:.1f} s", flush=True)
        else:
            print(f"  reusing the kept database of {count} tickets", flush=True)
        async with factory() as session:
            admin = await session.scalar(select(Agent).where(Agent.login == "admin"))
            assert admin is not None
            actor = await actor_for_agent(session, admin, config)
            max_id = await session.scalar(select(Ticket.id).order_by(Ticket.id.desc()).limit(1))
        assert max_id is not None
        rng = random.Random(1)
        results = [
            Result(name, "in-process", *await timed(operation, samples))
            for name, operation in operations(factory, runtime, actor, max_id, rng)
        ]
        async with serving(url) as address:
            results += await measure_http(address, samples)
        return results
    finally:
        await bus.stop()
        await engine.dispose()


async def measure_http(address: str, samples: int) -> list[Result]:
    async with httpx.AsyncClient(base_url=address, timeout=60) as client:
        login = await client.post("/login", data={"login": "admin", "password": ADMIN_PASSWORD})
        assert login.status_code == 303, login.text[:500]
        token = await client.post(
            "/api/v1/auth/token",
            json={"login": "admin", "password": ADMIN_PASSWORD, "realm": "agent"},
        )
        assert token.status_code < 300, token.text[:500]
        bearer = {"Authorization": f"Bearer {token.json()['token']}"}

        def api(path: str) -> Operation:
            async def get() -> None:
                response = await client.get(path, headers=bearer)
                assert response.status_code == 200, response.text[:500]
                assert response.json()["total"] > 0

            return get

        def page(path: str, expect: str) -> Operation:
            async def get() -> None:
                response = await client.get(path)
                assert response.status_code == 200, response.text[:500]
                assert expect in response.text

            return get

        calls = [
            ("queue view (first page)", "api", api(f"/api/v1/tickets?queue_id={QUEUE}&state=open")),
            ("queue view (first page)", "page", page(f"/agent/queues?queue_id={QUEUE}", "B0")),
            ("full-text search", "api", api(f"/api/v1/tickets?query={RARE_WORD}")),
            ("full-text search", "page", page(f"/agent/search?query={RARE_WORD}&state=any", "B0")),
        ]
        return [
            Result(name, through, *await timed(operation, samples))
            for name, through, operation in calls
        ]


def operations(
    factory: async_sessionmaker[AsyncSession],
    runtime: Runtime,
    actor: Actor,
    max_id: int,
    rng: random.Random,
) -> list[tuple[str, Operation]]:
    async def create_ticket() -> None:
        async with unit_of_work(factory) as session:
            await actions.do_create_ticket(
                Tx(session=session, runtime=runtime),
                actor,
                TicketCreate(
                    title="Benchmark ticket",
                    queue_id=QUEUE,
                    article=ArticleCreate(body="Created during the benchmark."),
                ),
            )

    async def get_ticket() -> None:
        async with factory() as session:
            ticket = await access_ticket_by_id(session, actor, rng.randint(1, max_id))
            await queries.ticket_out(session, ticket)

    async def queue_view() -> None:
        async with factory() as session:
            await queries.queue_tickets(session, actor, QUEUE, PageRequest())

    async def queue_overview() -> None:
        async with factory() as session:
            await queries.queue_overview(session, actor)

    async def search() -> None:
        async with factory() as session:
            page = await queries.search_tickets(
                session, actor, TicketSearch(query=RARE_WORD), PageRequest()
            )
            assert page.total > 0

    common_prefix = vocabulary()[0][:2]

    async def suggestions(text: str) -> None:
        async with factory() as session:
            found = await suggest(session, actor, text)
            assert found is not None and found.tickets

    async def suggest_rare() -> None:
        # No title holds the word: the title read finds nothing, the article read does the work.
        await suggestions(RARE_WORD[:7])

    async def suggest_common() -> None:
        await suggestions(common_prefix)

    return [
        ("create ticket", create_ticket),
        ("get ticket", get_ticket),
        ("queue view (first page)", queue_view),
        ("queue overview (counts)", queue_overview),
        ("full-text search", search),
        ("search suggestions (rare word prefix)", suggest_rare),
        ("search suggestions (2-letter prefix)", suggest_common),
    ]


async def sqlite_run(count: int, samples: int, keep: bool) -> list[Result]:
    if keep:
        path = Path(tempfile.gettempdir()) / f"frontdesk-bench-tickets-{count}.db"
        reuse = path.exists()
        return await measure(f"sqlite+aiosqlite:///{path}", count, samples, load=not reuse)
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / f'{count}.db'}"
        return await measure(url, count, samples, load=True)


async def postgres_run(server_url: str, count: int, samples: int, keep: bool) -> list[Result]:
    name = f"frontdesk_bench_tickets_{count}" if keep else f"frontdesk_bench_{uuid.uuid4().hex[:8]}"
    admin_engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    async with admin_engine.connect() as connection:
        exists = await connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        return await measure(url, count, samples, load=not exists)
    finally:
        if not keep:
            async with admin_engine.connect() as connection:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin_engine.dispose()


def table_rows(
    backend: str, count: int, big: list[Result], base: list[Result]
) -> list[dict[str, Any]]:
    rows = []
    for result, baseline in zip(big, base, strict=True):
        target = TARGETS.get(result.name)
        rows.append(
            {
                "backend": backend,
                "operation": result.name,
                "through": result.through,
                "tickets": count,
                "p50_ms": round(result.p50, 2),
                "p95_ms": round(result.p95, 2),
                "baseline_p50_ms": round(baseline.p50, 2),
                "baseline_p95_ms": round(baseline.p95, 2),
                "target_ms": target,
                "target_met": None if target is None else result.p95 <= target,
            }
        )
    return rows


async def main(arguments: Any) -> None:
    load_features()
    if arguments.smoke:
        arguments.tickets, arguments.baseline, arguments.samples = 300, 100, 5
    backends = ["sqlite", "postgresql"] if arguments.backend == "both" else [arguments.backend]
    rows: list[dict[str, Any]] = []
    for backend in backends:
        results = []
        for count in (arguments.baseline, arguments.tickets):
            print(f"{backend}: building {count} tickets …", flush=True)
            if backend == "sqlite":
                results.append(await sqlite_run(count, arguments.samples, arguments.keep_database))
            else:
                results.append(
                    await postgres_run(
                        arguments.postgres_url, count, arguments.samples, arguments.keep_database
                    )
                )
        rows += table_rows(backend, arguments.tickets, results[1], results[0])
    emit("tickets", rows, arguments.json)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(parser)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--postgres-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument(
        "--keep-database",
        action="store_true",
        help="keep the filled databases, and reuse them when they are there",
    )
    asyncio.run(main(parser.parse_args()))
