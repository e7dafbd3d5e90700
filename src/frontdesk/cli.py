"""The ``frontdesk`` command: serve, migrate, worker, admin, demo-data."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import click
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from frontdesk.bus import create_bus
from frontdesk.core.actor import SYSTEM
from frontdesk.core.credentials import credential_box
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
    settings: ProcessSettings, *, live: bool = False
) -> AsyncIterator[tuple[Runtime, async_sessionmaker[AsyncSession]]]:
    """Database, bus and settings for a command; ``live`` keeps settings following changes
    (a long-running worker), otherwise they are read once."""
    load_features()
    engine = create_engine(settings.database_url)
    factory = create_session_factory(engine)
    bus = create_bus(settings.redis_url, channel=settings.bus_channel)
    await bus.start()
    config = SettingsStore(factory, bus)
    if live:
        await config.start()
    else:
        await config.reload()
    try:
        yield Runtime(bus=bus, config=config, settings=settings), factory
    finally:
        if live:
            await config.stop()
        await bus.stop()
        await engine.dispose()


async def _in_transaction(settings: ProcessSettings, body: Callable[[Tx], Awaitable[T]]) -> T:
    async with open_runtime(settings) as (runtime, factory), unit_of_work(factory) as session:
        return await body(Tx(session=session, runtime=runtime))


def _run_in_transaction(body: Callable[[Tx], Awaitable[T]]) -> T:
    """Migrate, run ``body`` in one transaction, and print a refusal as a message, not a
    traceback (exit status 1)."""
    from pydantic import ValidationError

    from frontdesk.core.errors import DomainError

    settings = _settings()
    upgrade(settings.database_url)
    try:
        return asyncio.run(_in_transaction(settings, body))
    except DomainError as error:
        details = getattr(error, "details", None)
        lines = [error.message]
        if isinstance(details, list):
            lines += [f"  {d.get('field')}: {d.get('message')}" for d in details]
        raise click.ClickException("\n".join(lines)) from None
    except ValidationError as error:
        lines = [f"  {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
        raise click.ClickException("\n".join(["Invalid input:", *lines])) from None


def _settings() -> ProcessSettings:
    try:
        settings = ProcessSettings()
    except ValidationError as exc:
        # Name the variable and the rule; the value itself may be a secret.
        problems = [
            f"FRONTDESK_{'_'.join(str(part) for part in error['loc']).upper()}: {error['msg']}"
            for error in exc.errors()
        ]
        raise click.ClickException("\n".join(["Invalid environment:", *problems])) from None
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
        timeout_keep_alive=settings.keep_alive_seconds,
        log_level=settings.log_level.lower(),
    )


@main.command()
def migrate() -> None:
    """Apply database migrations."""
    settings = _settings()
    upgrade(settings.database_url)
    click.echo("Database is up to date.")


@main.command("secret-key")
def secret_key() -> None:
    """Print a new key for FRONTDESK_SECRET_KEY (give every process the same one)."""
    from frontdesk.core.credentials import new_secret_key

    click.echo(new_secret_key())


@main.command()
def worker() -> None:
    """Run background and periodic jobs (run as many as you like: each period runs once)."""
    from frontdesk.feature_index import feature_job_registrations
    from frontdesk.jobs.worker import run_scheduler

    settings = _settings()
    upgrade(settings.database_url)

    async def _run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        async with open_runtime(settings, live=True) as (runtime, factory):
            jobs = feature_job_registrations(runtime)
            await run_scheduler(factory, runtime.bus, stop, jobs=jobs)

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

    agent_id = _run_in_transaction(_create)
    click.echo(f"Created agent {login} (id {agent_id}).")


@main.command("demo-data")
def demo_data() -> None:
    """Load the demo data (once; a second run changes nothing)."""
    from frontdesk.demo import load_demo_data

    loaded = _run_in_transaction(load_demo_data)
    click.echo("Demo data loaded." if loaded else "Demo data was already there.")


@main.group()
def config() -> None:
    """System configuration: read, stage, deploy, export, import, history.

    Changes are staged; ``frontdesk config deploy`` makes them effective on every process.
    """


@config.command("get")
@click.argument("name")
def config_get(name: str) -> None:
    """Show a setting's deployed value (and a staged one, if any) as JSON."""
    import json

    from frontdesk.sysconfig import queries

    async def _get(tx: Tx) -> object:
        return await queries.get_setting(tx.session, name)

    setting: Any = _run_in_transaction(_get)
    click.echo(json.dumps(setting.value))
    if setting.staged:
        click.echo(f"staged, not deployed: {json.dumps(setting.staged_value)}", err=True)


@config.command("set")
@click.argument("name")
@click.argument("value", required=False)
@click.option("--reset", is_flag=True, help="Stage a reset to the default instead.")
def config_set(name: str, value: str | None, reset: bool) -> None:
    """Stage VALUE for a setting: text settings take it as typed; others read it as
    YAML/JSON (30, true, '[a, b]')."""
    from frontdesk.sysconfig import actions
    from frontdesk.sysconfig.registry import get_declaration
    from frontdesk.sysconfig.yaml_format import load_value

    if value is None and not reset:
        raise click.UsageError("Give a VALUE or --reset.")

    async def _set(tx: Tx) -> None:
        if reset or value is None:
            await actions.do_stage_reset(tx.session, tx.runtime.bus, SYSTEM, name)
        else:
            setting = get_declaration(name)
            parsed = value if setting.takes_text else load_value(value)
            await actions.do_stage_value(
                tx.session,
                tx.runtime.bus,
                SYSTEM,
                name,
                parsed,
                credentials=credential_box(tx.runtime.settings),
            )

    _run_in_transaction(_set)
    click.echo(f"Staged {name}. Run 'frontdesk config deploy' to make it effective.")


@config.command("deploy")
@click.option("--comment", "-m", default="", help="Why (shown in the deployment history).")
def config_deploy(comment: str) -> None:
    """Deploy every staged change."""
    from frontdesk.sysconfig import actions

    async def _deploy(tx: Tx) -> int:
        deployment = await actions.do_deploy(tx.session, tx.runtime.bus, SYSTEM, comment)
        return deployment.id

    click.echo(f"Deployed (deployment {_run_in_transaction(_deploy)}).")


@config.command("export")
@click.option("--deployment", "deployment_id", type=int, help="As of this deployment.")
def config_export(deployment_id: int | None) -> None:
    """Print the configuration (values that differ from the defaults) as YAML."""
    from frontdesk.sysconfig import queries

    async def _export(tx: Tx) -> str:
        if deployment_id is None:
            return await queries.export_current(tx.session)
        return await queries.export_deployment(tx.session, SYSTEM, deployment_id)

    click.echo(_run_in_transaction(_export), nl=False)


@config.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def config_import(file: Any) -> None:
    """Stage every value of a YAML file (nothing when one entry is invalid)."""
    from frontdesk.sysconfig import actions

    text = file.read()

    async def _import(tx: Tx) -> list[str]:
        return await actions.do_import(
            tx.session,
            tx.runtime.bus,
            SYSTEM,
            text,
            credentials=credential_box(tx.runtime.settings),
        )

    staged = _run_in_transaction(_import)
    if not staged:
        click.echo("Nothing to stage: the file changes no setting.")
        return
    click.echo(f"Staged {len(staged)} settings. Run 'frontdesk config deploy' to apply them.")


@config.command("history")
@click.argument("name", required=False)
@click.option("--limit", default=25, show_default=True)
def config_history(name: str | None, limit: int) -> None:
    """List deployments, or the deployed changes of one setting."""
    import json

    from frontdesk.core.pagination import PageRequest
    from frontdesk.sysconfig import queries

    async def _history(tx: Tx) -> list[str]:
        if name is None:
            page = await queries.list_deployments(tx.session, PageRequest.build(limit, 0))
            return [
                f"{d.id}\t{d.created_at}\t{d.created_by or 'system'}\t{d.comment}"
                for d in page.items
            ]
        lines = []
        for h in (await queries.setting_history(tx.session, name))[:limit]:
            users = "user modification " + (
                "allowed" if h.user_modification_active else "forbidden"
            )
            label = {"reset_to_default": "reset to default", "user_modification": users}.get(
                h.change, json.dumps(h.value)
            )
            if h.change != "user_modification" and h.user_modification_changed:
                label += f" ({users})"
            lines.append(f"{h.deployment_id}\t{h.changed_at}\t{h.changed_by or 'system'}\t{label}")
        return lines

    for line in _run_in_transaction(_history):
        click.echo(line)


if __name__ == "__main__":
    main()
