"""Ticket benchmark: create, get, queue view and full-text search on a filled database.

    .venv/bin/python bench/tickets.py --tickets 100000 [--backend sqlite|postgresql|both]

For each backend it builds two databases: a baseline of ``--baseline`` tickets (1,000) and the
large one of ``--tickets`` tickets, each ticket with three articles, bulk-inserted with core
``insert()`` in batches (the FTS5 triggers on SQLite and the generated ``search_vector``
columns on PostgreSQL index them as they go in). It then measures p50/p95 in milliseconds over
``--samples`` runs of each operation, through the domain functions the API uses, and prints
a table with the ratio large/baseline: absolute times vary between machines, the ratio says how
an operation scales with the data. SQLite lives in a temporary folder; PostgreSQL databases are
created at ``--postgres-url`` and dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

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
from frontdesk.feature_index import load_features
from frontdesk.sysconfig.store import SettingsStore
from report import add_common_arguments, emit

RARE_WORD = "quetzalbench"  # in one article of every 1,000th ticket: ~0.1 % of tickets
BATCH = 2000
QUEUES = (1, 2, 3, 4)
STATES = (1, 2, 3, 3, 4)  # new, open, closed successful ×2, closed unsuccessful

Operation = Callable[[], Awaitable[None]]


@dataclass
class Result:
    name: str
    p50: float
    p95: float


def vocabulary(size: int = 3000) -> list[str]:
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(size)]


async def fill(factory: async_sessionmaker[AsyncSession], count: int) -> None:
    """``count`` tickets with three articles each, in batches of bulk inserts."""
    words = vocabulary()
    rng = random.Random(42)
    start = datetime.now(UTC) - timedelta(days=365)
    now = datetime.now(UTC)
    for first in range(0, count, BATCH):
        rows = range(first, min(first + BATCH, count))
        tickets = [
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
            for index in rows
        ]
        async with unit_of_work(factory) as session:
            result = await session.execute(insert(Ticket).returning(Ticket.id), tickets)
            ids = list(result.scalars())
            articles = []
            for index, ticket_id in zip(rows, ids, strict=True):
                for position in range(3):
                    body = " ".join(rng.choices(words, k=40))
                    if index % 1000 == 0 and position == 1:
                        body += f" {RARE_WORD}"
                    articles.append(
                        {
                            "ticket_id": ticket_id,
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
            await session.execute(insert(Article), articles)


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


async def measure(url: str, count: int, samples: int) -> list[Result]:
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
            await ensure_admin(Tx(session=session, runtime=runtime), "bench-password-1")
        loading = time.perf_counter()
        await fill(factory, count)
        print(f"  filled {count} tickets in {time.perf_counter() - loading:.1f} s")
        async with factory() as session:
            admin = await session.scalar(select(Agent).where(Agent.login == "admin"))
            assert admin is not None
            actor = await actor_for_agent(session, admin, config)
            max_id = await session.scalar(select(Ticket.id).order_by(Ticket.id.desc()).limit(1))
        assert max_id is not None
        rng = random.Random(1)
        return [
            Result(name, *await timed(operation, samples))
            for name, operation in operations(factory, runtime, actor, max_id, rng)
        ]
    finally:
        await bus.stop()
        await engine.dispose()


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
                    queue_id=2,
                    article=ArticleCreate(body="Created during the benchmark."),
                ),
            )

    async def get_ticket() -> None:
        async with factory() as session:
            ticket = await access_ticket_by_id(session, actor, rng.randint(1, max_id))
            await queries.ticket_out(session, ticket)

    async def queue_view() -> None:
        async with factory() as session:
            await queries.queue_tickets(session, actor, 2, PageRequest())

    async def search() -> None:
        async with factory() as session:
            page = await queries.search_tickets(
                session, actor, TicketSearch(query=RARE_WORD), PageRequest()
            )
            assert page.total > 0

    return [
        ("create ticket", create_ticket),
        ("get ticket", get_ticket),
        ("queue view (first page)", queue_view),
        ("full-text search", search),
    ]


async def sqlite_run(count: int, samples: int) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as folder:
        return await measure(f"sqlite+aiosqlite:///{Path(folder) / f'{count}.db'}", count, samples)


async def postgres_run(server_url: str, count: int, samples: int) -> list[Result]:
    name = f"frontdesk_bench_{uuid.uuid4().hex[:8]}"
    admin_engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    async with admin_engine.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        return await measure(url, count, samples)
    finally:
        async with admin_engine.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin_engine.dispose()


def table_rows(
    backend: str, count: int, baseline_count: int, big: list[Result], base: list[Result]
) -> list[dict[str, Any]]:
    return [
        {
            "backend": backend,
            "operation": result.name,
            "tickets": count,
            "p50_ms": round(result.p50, 2),
            "p95_ms": round(result.p95, 2),
            "baseline_tickets": baseline_count,
            "baseline_p50_ms": round(baseline.p50, 2),
            "baseline_p95_ms": round(baseline.p95, 2),
            "ratio_p50": round(result.p50 / baseline.p50, 2) if baseline.p50 else float("nan"),
        }
        for result, baseline in zip(big, base, strict=True)
    ]


async def main(arguments: Any) -> None:
    load_features()
    if arguments.smoke:
        arguments.tickets, arguments.baseline, arguments.samples = 300, 100, 5
    backends = ["sqlite", "postgresql"] if arguments.backend == "both" else [arguments.backend]
    rows: list[dict[str, Any]] = []
    for backend in backends:
        results = []
        for count in (arguments.baseline, arguments.tickets):
            print(f"{backend}: building {count} tickets …")
            if backend == "sqlite":
                results.append(await sqlite_run(count, arguments.samples))
            else:
                results.append(await postgres_run(arguments.postgres_url, count, arguments.samples))
        rows += table_rows(backend, arguments.tickets, arguments.baseline, results[1], results[0])
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
    asyncio.run(main(parser.parse_args()))
