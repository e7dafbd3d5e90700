"""The ``frontdesk`` command: serve, migrate, worker, admin, demo-data."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

import click
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from frontdesk.bus import create_bus
from frontdesk.bus.backends.memory import MemoryBus
from frontdesk.core.actor import SYSTEM
from frontdesk.core.process_settings import ProcessSettings
from frontdesk.core.structured_logging import configure_logging
from frontdesk.db.engine import create_engine, create_session_factory
from frontdesk.db.migrate import upgrade
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.runtime import Runtime, Tx
from frontdesk.feature_index import load_features
from frontdesk.sysconfig.store import SettingsStore

T = TypeVar("T")


@asynccontextmanager
async def open_runtime(
    settings: ProcessSettings,
) -> AsyncIterator[tuple[Runtime, async_sessionmaker[AsyncSession]]]:
    """Database, bus and settings for a one-shot command."""
    load_features()
    engine = create_engine(settings.database_url)
    factory = create_session_factory(engine)
    bus = create_bus(settings.redis_url) if settings.redis_url else MemoryBus()
    await bus.start()
    config = SettingsStore(factory, bus)
    await config.reload()
    try:
        yield Runtime(bus=bus, config=config, settings=settings), factory
    finally:
        await bus.stop()
        await engine.dispose()


async def _in_transaction(settings: ProcessSettings, body: Callable[[Tx], Awaitable[T]]) -> T:
    async with open_runtime(settings) as (runtime, factory), unit_of_work(factory) as session:
        return await body(Tx(session=session, runtime=runtime))


def _settings() -> ProcessSettings:
    settings = ProcessSettings()
    configure_logging(settings.log_level, settings.log_format)
    return settings


def prepare_installation(settings: ProcessSettings, *, demo: bool) -> None:
    """Migrate, create the admin agent (printing a generated password once), load demo data."""
    from frontdesk.demo import load_demo_data
    from frontdesk.domain.accounts.bootstrap import ensure_admin

    upgrade(settings.database_url)

    async def _bootstrap(tx: Tx) -> tuple[str | None, bool]:
        generated = await ensure_admin(tx, settings.admin_password)
        loaded = await load_demo_data(tx) if demo else False
        return generated, loaded

    generated, loaded = asyncio.run(_in_transaction(settings, _bootstrap))
    if generated:
        click.echo("")
        click.echo("  Created the agent 'admin'. Its password, shown only this once:")
        click.echo(f"      {generated}")
        click.echo("  Set FRONTDESK_ADMIN_PASSWORD before the first start to choose it.")
        click.echo("")
    if loaded:
        click.echo("  Loaded demo data (agents, customers, tickets). FRONTDESK_DEMO=0 skips it.")


@click.group()
def main() -> None:
    """Frontdesk helpdesk."""


@main.command()
@click.option("--workers", default=1, show_default=True, help="Web server processes.")
@click.option("--host", default=None, help="Overrides FRONTDESK_HOST.")
@click.option("--port", default=None, type=int, help="Overrides FRONTDESK_PORT.")
def serve(workers: int, host: str | None, port: int | None) -> None:
    """Migrate, prepare first-start data, and serve the web application."""
    import uvicorn

    settings = _settings()
    if workers > 1 and not settings.redis_url:
        raise click.UsageError(
            "Several workers share live events through Redis: set FRONTDESK_REDIS_URL."
        )
    prepare_installation(settings, demo=settings.demo)
    bind_host = host or settings.host
    bind_port = port or settings.port
    click.echo(f"  Frontdesk is serving http://{bind_host}:{bind_port}")
    uvicorn.run(
        "frontdesk.web.asgi:create_app_from_env",
        factory=True,
        host=bind_host,
        port=bind_port,
        workers=workers,
        proxy_headers=True,
        log_level=settings.log_level.lower(),
        access_log=False,
    )


@main.command()
def migrate() -> None:
    """Apply database migrations."""
    settings = _settings()
    upgrade(settings.database_url)
    click.echo("Database is up to date.")


@main.command()
def worker() -> None:
    """Run background and periodic jobs (run as many as you like: each period runs once)."""
    from frontdesk.feature_index import feature_job_registrations
    from frontdesk.jobs.worker import run_worker

    settings = _settings()
    upgrade(settings.database_url)

    async def _run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await run_worker(settings, stop, jobs=feature_job_registrations())

    asyncio.run(_run())


@main.group()
def admin() -> None:
    """Administration from the shell."""


@admin.command("create")
@click.option("--login", required=True)
@click.option("--first-name", default="Admin", show_default=True)
@click.option("--last-name", default="Agent", show_default=True)
@click.option("--email", required=True)
@click.password_option()
def admin_create(login: str, first_name: str, last_name: str, email: str, password: str) -> None:
    """Create an agent with rw in the admin and users groups."""
    from frontdesk.domain.accounts import actions
    from frontdesk.domain.accounts.access import group_id_by_name
    from frontdesk.domain.accounts.schemas import AgentCreate

    settings = _settings()
    upgrade(settings.database_url)

    async def _create(tx: Tx) -> int:
        agent = await actions.do_create_agent(
            tx,
            SYSTEM,
            AgentCreate(
                login=login,
                first_name=first_name,
                last_name=last_name,
                email=email,
                password=password,
            ),
        )
        for group in ("admin", "users"):
            group_id = await group_id_by_name(tx.session, group)
            if group_id is not None:
                await actions.do_set_agent_group_permissions(tx, SYSTEM, group_id, agent.id, ["rw"])
        return agent.id

    agent_id = asyncio.run(_in_transaction(settings, _create))
    click.echo(f"Created agent {login} (id {agent_id}).")


@main.command("demo-data")
def demo_data() -> None:
    """Load the demo data (once; a second run changes nothing)."""
    from frontdesk.demo import load_demo_data

    settings = _settings()
    upgrade(settings.database_url)
    loaded = asyncio.run(_in_transaction(settings, load_demo_data))
    click.echo("Demo data loaded." if loaded else "Demo data was already there.")
