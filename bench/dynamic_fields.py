"""Dynamic field benchmark: ticket search with three field filters against the same search
without them, in the same run and on the same database.

    .venv/bin/python bench/dynamic_fields.py --tickets 100000 --backend both

Each ticket gets five values (a dropdown, a text, a date, a checkbox and a second text), in
``dynamic_field_value`` as the actions write them, loaded with bulk inserts. Measured in-process
through ``search_tickets`` (what ``GET /api/v1/tickets`` calls), as the administrator: open
tickets, newest first, first page of 50 (the plain search), and the same with
``df.Level=gold`` (a third of the tickets), ``df.Due.from``/``.to`` (a month of a year) and
``df.Serial=SN-1*`` (a wildcard prefix). The target: the filtered search's p95 at most twice the
plain one's.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from frontdesk.bus import create_bus
from frontdesk.core.actor import SYSTEM
from frontdesk.core.pagination import PageRequest
from frontdesk.core.process_settings import ProcessSettings
from frontdesk.db.engine import create_engine, create_session_factory
from frontdesk.db.migrate import upgrade
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts.bootstrap import ensure_admin
from frontdesk.domain.accounts.models import Agent
from frontdesk.domain.accounts.queries import actor_for_agent
from frontdesk.domain.dynamic_fields.actions import do_create_field
from frontdesk.domain.dynamic_fields.drivers.base import FieldCriterion
from frontdesk.domain.dynamic_fields.models import DynamicFieldValue
from frontdesk.domain.dynamic_fields.schemas import DynamicFieldCreate
from frontdesk.domain.runtime import Runtime, Tx
from frontdesk.domain.tickets import queries
from frontdesk.domain.tickets.models import Ticket
from frontdesk.domain.tickets.schemas import TicketSearch
from frontdesk.feature_index import load_features
from frontdesk.sysconfig.store import SettingsStore
from report import add_common_arguments, emit
from tickets import ADMIN_PASSWORD, fill_postgres, fill_sqlite, timed

TARGET_RATIO = 2.0
VALUE_BATCH = 20_000
FIELDS = (
    ("Level", "dropdown", {"possible_values": {"gold": "Gold", "silver": "Silver", "bronze": "B"}}),
    ("Serial", "text", {}),
    ("Due", "date", {}),
    ("Urgent", "checkbox", {}),
    ("Site", "text", {}),
)
FILTERS = [
    FieldCriterion(name="Level", equals="gold"),
    FieldCriterion(name="Due", start="2027-03-01", end="2027-03-31"),
    FieldCriterion(name="Serial", equals="SN-1*"),
]


async def fill_values(factory: async_sessionmaker[AsyncSession], runtime: Runtime) -> None:
    ids: dict[str, int] = {}
    async with unit_of_work(factory) as session:
        tx = Tx(session=session, runtime=runtime)
        for name, field_type, config in FIELDS:
            field = await do_create_field(
                tx,
                SYSTEM,
                DynamicFieldCreate(name=name, label=name, field_type=field_type, config=config),
            )
            ids[name] = field.id
    async with factory() as session:
        ticket_ids = list(await session.scalars(select(Ticket.id).order_by(Ticket.id)))
    rng = random.Random(7)
    levels = ("gold", "silver", "bronze")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows: list[dict[str, Any]] = []

    async def flush() -> None:
        async with unit_of_work(factory) as session:
            await session.execute(insert(DynamicFieldValue), rows)
        rows.clear()

    for ticket_id in ticket_ids:
        due = start + timedelta(days=rng.randrange(730))
        rows.extend(
            (
                {
                    "field_id": ids["Level"],
                    "object_id": ticket_id,
                    "value_text": rng.choice(levels),
                },
                {
                    "field_id": ids["Serial"],
                    "object_id": ticket_id,
                    "value_text": f"SN-{rng.randrange(100_000):05d}",
                },
                {"field_id": ids["Due"], "object_id": ticket_id, "value_date": due},
                {"field_id": ids["Urgent"], "object_id": ticket_id, "value_int": rng.randrange(2)},
                {
                    "field_id": ids["Site"],
                    "object_id": ticket_id,
                    "value_text": f"site {ticket_id % 97}",
                },
            )
        )
        if len(rows) >= VALUE_BATCH:
            await flush()
    if rows:
        await flush()
    if factory.kw["bind"].dialect.name == "postgresql":
        async with unit_of_work(factory) as session:
            await session.execute(text("ANALYZE dynamic_field_value"))


async def measure(url: str, count: int, samples: int) -> list[dict[str, Any]]:
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
        if url.startswith("postgresql"):
            await fill_postgres(url, count)
        else:
            await fill_sqlite(factory, count)
        await fill_values(factory, runtime)
        async with factory() as session:
            admin = await session.scalar(select(Agent).where(Agent.login == "admin"))
            assert admin is not None
            actor = await actor_for_agent(session, admin, config)
        page = PageRequest.build(50, 0)

        def search(criteria: TicketSearch) -> Any:
            async def run() -> None:
                async with factory() as session:
                    await queries.search_tickets(session, actor, criteria, page)

            return run

        plain = await timed(search(TicketSearch(state="open")), samples)
        filtered = await timed(search(TicketSearch(state="open", dynamic_fields=FILTERS)), samples)
        return [
            {"search": "open tickets (baseline)", "p50_ms": plain[0], "p95_ms": plain[1]},
            {
                "search": "open tickets + 3 field filters",
                "p50_ms": filtered[0],
                "p95_ms": filtered[1],
                "p95_ratio": filtered[1] / plain[1] if plain[1] else float("nan"),
                "target_met": filtered[1] <= TARGET_RATIO * plain[1],
            },
        ]
    finally:
        await bus.stop()
        await engine.dispose()


async def sqlite_run(count: int, samples: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-df-") as folder:
        return await measure(f"sqlite+aiosqlite:///{Path(folder) / 'df.db'}", count, samples)


async def postgres_run(server_url: str, count: int, samples: int) -> list[dict[str, Any]]:
    name = f"frontdesk_bench_df_{uuid.uuid4().hex[:8]}"
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


async def main(arguments: Any) -> None:
    load_features()
    if arguments.smoke:
        arguments.tickets, arguments.samples = 300, 5
    backends = ["sqlite", "postgresql"] if arguments.backend == "both" else [arguments.backend]
    rows: list[dict[str, Any]] = []
    for backend in backends:
        print(f"{backend}: {arguments.tickets} tickets with five field values each …", flush=True)
        if backend == "sqlite":
            found = await sqlite_run(arguments.tickets, arguments.samples)
        else:
            found = await postgres_run(arguments.postgres_url, arguments.tickets, arguments.samples)
        rows += [{"backend": backend, "tickets": arguments.tickets, **row} for row in found]
    emit("dynamic_fields", rows, arguments.json)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(parser)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--postgres-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    asyncio.run(main(parser.parse_args()))
