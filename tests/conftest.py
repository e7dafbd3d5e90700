"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL, the app, clients.

Every test that takes ``db_url`` (directly or through ``app``/``client``) runs twice: once on a
SQLite file and once on PostgreSQL. The schema is migrated once per session per backend; each
test then starts from the default data (SQLite: a copy of the migrated file; PostgreSQL: the
tables truncated and refilled from a snapshot of the default rows).
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from frontdesk.bus.events import Event
from frontdesk.core.process_settings import ProcessSettings
from frontdesk.db.migrate import upgrade
from frontdesk.domain.accounts.passwords import configure_hashing
from frontdesk.web.app import create_app
from frontdesk.web.state import WebState
from tests.services import POSTGRES_URL, postgres_available, require

ADMIN_PASSWORD = "admin-password-1"

# Real Argon2id, at a cost that keeps hundreds of logins in the suite fast.
configure_hashing(time_cost=1, memory_cost_kib=1024)


# --- databases --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    import sqlite3

    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
    return path


class PostgresTemplate:
    """A database for this test session, migrated once, reset before each test."""

    def __init__(self) -> None:
        self.name = f"frontdesk_test_{uuid.uuid4().hex[:10]}"
        admin = make_url(POSTGRES_URL)
        self.admin_url = admin.render_as_string(hide_password=False)
        self.url = admin.set(database=self.name).render_as_string(hide_password=False)
        self.tables: list[str] = []
        self.reset_statements: list[str] = []
        self._engine: AsyncEngine | None = None

    async def create(self) -> None:
        engine = create_async_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        await engine.dispose()
        await asyncio.to_thread(upgrade, self.url)
        engine = create_async_engine(self.url)
        async with engine.begin() as connection:
            rows = await connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
            self.tables = [r[0] for r in rows]
            await connection.execute(text("CREATE SCHEMA seed"))
            for table in self.tables:
                await connection.execute(
                    text(f'CREATE TABLE seed."{table}" AS TABLE public."{table}"')
                )
            await self._prepare_reset(connection)
        await engine.dispose()

    async def reset(self) -> None:
        if self._engine is None:
            self._engine = create_async_engine(self.url, poolclass=NullPool)
        async with self._engine.begin() as connection:
            for statement in self.reset_statements:
                await connection.execute(text(statement))

    async def _prepare_reset(self, connection: Any) -> None:
        """Build once the statements that bring the database back to the default data.

        DELETE in reverse dependency order beats TRUNCATE by far on tables this small.
        """
        from frontdesk.model_index import Base

        ordered = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name in self.tables]
        statements = [f'DELETE FROM public."{t}"' for t in ordered]
        for table in reversed(ordered):
            rows = await connection.execute(
                text(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                    "'public' AND table_name = :t AND is_generated = 'NEVER'"
                ),
                {"t": table},
            )
            columns = [r[0] for r in rows]
            count = await connection.scalar(text(f'SELECT count(*) FROM seed."{table}"'))
            names = ", ".join(f'"{c}"' for c in columns)
            if count:
                statements.append(
                    f'INSERT INTO public."{table}" ({names}) SELECT {names} FROM seed."{table}"'
                )
            if "id" in columns:
                statements.append(
                    f"SELECT setval(pg_get_serial_sequence('public.\"{table}\"', 'id'), "
                    f'COALESCE((SELECT max(id) FROM public."{table}"), 0) + 1, false)'
                )
        self.reset_statements = statements

    async def drop(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
        engine = create_async_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        await engine.dispose()


@pytest.fixture(scope="session")
async def postgres_template() -> AsyncIterator[PostgresTemplate | None]:
    if not postgres_available():
        yield None
        return
    template = PostgresTemplate()
    await template.create()
    yield template
    await template.drop()


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_template: PostgresTemplate | None,
) -> str:
    """A database at the default data, on each backend in turn."""
    if request.param == "sqlite":
        path = tmp_path / "frontdesk.db"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    require(postgres_template is not None, "PostgreSQL (127.0.0.1:5432)")
    assert postgres_template is not None
    await postgres_template.reset()
    return postgres_template.url


# --- application ------------------------------------------------------------------------------


@pytest.fixture
def process_settings(db_url: str, tmp_path: Path) -> ProcessSettings:
    return ProcessSettings(
        database_url=db_url,
        redis_url=None,
        data_dir=tmp_path,
        admin_password=ADMIN_PASSWORD,
        demo=False,
        run_jobs=False,
        max_upload_bytes=1024 * 1024,
    )


class RecordedEvents(list[Event]):
    def kinds(self) -> list[str]:
        return [e.kind for e in self]


@asynccontextmanager
async def running_app(settings: ProcessSettings) -> AsyncIterator[Any]:
    """The application started (lifespan) with the admin agent created."""
    from frontdesk.db.unit_of_work import unit_of_work
    from frontdesk.domain.accounts.bootstrap import ensure_admin
    from frontdesk.domain.runtime import Tx

    application = create_app(settings)
    async with application.router.lifespan_context(application):
        state: WebState = application.state.frontdesk
        async with unit_of_work(state.session_factory) as session:
            await ensure_admin(Tx(session=session, runtime=state.runtime), ADMIN_PASSWORD)
        yield application


@pytest.fixture
async def app(process_settings: ProcessSettings) -> AsyncIterator[Any]:
    async with running_app(process_settings) as application:
        yield application


@pytest.fixture
def web(app: Any) -> WebState:
    state: WebState = app.state.frontdesk
    return state


@pytest.fixture
def events(web: WebState) -> Iterator[RecordedEvents]:
    """Every event published on the bus during the test (after commit)."""
    recorded = RecordedEvents()

    async def _record(event: Event) -> None:
        recorded.append(event)

    unsubscribe = web.runtime.bus.subscribe(_record)
    yield recorded
    unsubscribe()


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def login_token(
    client: httpx.AsyncClient, login: str, password: str, realm: str = "agent"
) -> str:
    response = await client.post(
        "/api/v1/auth/token", json={"login": login, "password": password, "realm": realm}
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


@pytest.fixture
async def admin_headers(client: httpx.AsyncClient) -> dict[str, str]:
    token = await login_token(client, "admin", ADMIN_PASSWORD)
    return {"Authorization": f"Bearer {token}"}
