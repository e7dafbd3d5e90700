"""The SysConfig registry core: typed declarations, effective values, changes reach every
process without restart."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable

import pytest

from frontdesk.bus import create_bus
from frontdesk.bus.backends.memory import MemoryBus
from frontdesk.bus.bus import EventBus
from frontdesk.core.actor import SYSTEM, Actor
from frontdesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from frontdesk.core.process_settings import ProcessSettings
from frontdesk.db.engine import create_engine, create_session_factory
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts.models import Agent
from frontdesk.domain.runtime import Runtime
from frontdesk.sysconfig import actions, queries
from frontdesk.sysconfig.registry import declare, get_declaration
from frontdesk.sysconfig.store import SettingsStore
from tests.services import REDIS_URL, redis_available, require

PAGE_SIZE = declare(
    "Test::PageSize",
    "integer",
    25,
    "Rows per page.",
    navigation="Test",
    minimum=5,
    maximum=100,
    user_modifiable=True,
)
GREETING = declare("Test::Greeting", "string", "Hello", "Greeting shown.", navigation="Test")
MODE = declare("Test::Mode", "select", "fast", "Mode.", navigation="Test", options=("fast", "safe"))
TAGS = declare("Test::Tags", "multiselect", [], "Tags.", options=("a", "b"))
SCHEDULE = declare("Test::Schedule", "cron", "*/5 * * * *", "When.")
CONTACT = declare("Test::Contact", "email", "help@example.com", "Who.")
HOME = declare("Test::Home", "url", "https://example.com", "Where.")
LABELS = declare("Test::Labels", "map", {"a": "A"}, "Labels.")
ACTIVE = declare("Test::Active", "bool", True, "Active.")
COUNT = declare("Test::Count", "integer", 0, "Without declared bounds.")

AGENT = Actor(kind="agent", id=1, login="admin", display_name="Admin")
CRON_MESSAGE = (
    "must be a cron expression of five fields (minute 0-59, hour 0-23, day 1-31, month 1-12, "
    "weekday 0-6)"
)


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        (PAGE_SIZE, 4, "must be at least 5"),
        (PAGE_SIZE, 101, "must be at most 100"),
        (PAGE_SIZE, "10", "must be a whole number"),
        (PAGE_SIZE, True, "must be a whole number"),
        (COUNT, 2**31, "must be at most 2147483647"),
        (COUNT, 10**17, "must be at most 2147483647"),
        (COUNT, -(2**31) - 1, "must be at least -2147483648"),
        (GREETING, "two\nlines", "must be a single line"),
        (GREETING, 3, "must be text"),
        (MODE, "slow", "must be one of: fast, safe"),
        (TAGS, ["c"], "unknown options: c"),
        (SCHEDULE, "every minute", CRON_MESSAGE),
        (SCHEDULE, "99 99 99 99 99", CRON_MESSAGE),
        (SCHEDULE, "60 * * * *", CRON_MESSAGE),
        (SCHEDULE, "* 24 * * *", CRON_MESSAGE),
        (SCHEDULE, "* * 0 * *", CRON_MESSAGE),
        (SCHEDULE, "* * 32 * *", CRON_MESSAGE),
        (SCHEDULE, "* * * 13 *", CRON_MESSAGE),
        (SCHEDULE, "* * * * 7", CRON_MESSAGE),  # the job scheduler refuses 7
        (SCHEDULE, "* * * * 8", CRON_MESSAGE),
        (SCHEDULE, "*/0 * * * *", CRON_MESSAGE),
        (SCHEDULE, "30-10 * * * *", CRON_MESSAGE),
        (SCHEDULE, "0,75 * * * *", CRON_MESSAGE),
        (CONTACT, "nobody", "must be an e-mail address"),
        (HOME, "ftp://example.com", "must be an http or https URL"),
        (LABELS, {"a": 1}, "must map text keys to text values"),
        (ACTIVE, "yes", "must be true or false"),
    ],
)
def test_values_are_validated_by_type(setting: object, value: object, message: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        get_declaration(setting.name).validate(value)  # type: ignore[attr-defined]
    assert error.value.field == "value"
    assert error.value.message == message


@pytest.mark.parametrize(
    "expression",
    ["*/5 * * * *", "0 0 1 1 0", "59 23 31 12 6", "0-30/10,45 8-17 * 1,6 1-5", "* * * * *"],
)
def test_cron_expressions_within_range_pass(expression: str) -> None:
    assert SCHEDULE.validate(expression) == expression


def test_unknown_setting_is_not_found() -> None:
    with pytest.raises(NotFound) as error:
        get_declaration("No::Such")
    assert error.value.code == "unknown_setting"


def test_conflicting_redeclaration_fails() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        declare("Test::Greeting", "string", "Bye", "Greeting shown.", navigation="Test")


@pytest.fixture
async def two_processes(
    db_url: str,
) -> AsyncIterator[tuple[Runtime, SettingsStore, SettingsStore]]:
    """Two independent stores on one database, each with its own engine and in-memory bus:
    like two worker processes without Redis (only the database connects them)."""
    stores: list[SettingsStore] = []
    engines = []
    runtime: Runtime | None = None
    for _ in range(2):
        engine = create_engine(db_url)
        engines.append(engine)
        bus = MemoryBus()
        store = SettingsStore(create_session_factory(engine), bus, poll_seconds=0.1)
        await store.start()
        stores.append(store)
        if runtime is None:
            runtime = Runtime(bus=bus, config=store, settings=ProcessSettings(database_url=db_url))
    assert runtime is not None
    async with unit_of_work(create_session_factory(engines[0])) as session:
        session.add(Agent(login="admin", first_name="A", last_name="B", email="a@example.com"))
    yield runtime, stores[0], stores[1]
    for store in stores:
        await store.stop()
    for engine in engines:
        await engine.dispose()


async def _wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - polling a plain value, no event to wait on
            await asyncio.sleep(0.02)


async def test_change_reaches_other_process_without_restart(
    db_url: str, two_processes: tuple[Runtime, SettingsStore, SettingsStore]
) -> None:
    runtime, mine, other = two_processes
    assert other.value(PAGE_SIZE) == 25
    factory = mine._factory
    async with unit_of_work(factory) as session:
        await actions.do_stage_values(session, runtime.bus, SYSTEM, {PAGE_SIZE.name: 50})
    await asyncio.sleep(0.3)
    assert other.value(PAGE_SIZE) == 25, "a staged value is not in force before deployment"
    async with unit_of_work(factory) as session:
        await actions.do_deploy(session, runtime.bus, SYSTEM, "Bigger pages")
    await _wait_for(lambda: other.value(PAGE_SIZE) == 50)
    assert mine.value(PAGE_SIZE) == 50
    assert other.is_modified(PAGE_SIZE)

    async with unit_of_work(factory) as session:
        await actions.do_stage_reset(session, runtime.bus, SYSTEM, PAGE_SIZE.name)
        await actions.do_deploy(session, runtime.bus, SYSTEM, "Back to default")
    await _wait_for(lambda: other.value(PAGE_SIZE) == 25)
    assert not other.is_modified(PAGE_SIZE)


async def test_invalid_value_changes_nothing(
    db_url: str, two_processes: tuple[Runtime, SettingsStore, SettingsStore]
) -> None:
    runtime, mine, _ = two_processes
    factory = mine._factory
    generation = mine.generation
    with pytest.raises(ValidationFailed):
        async with unit_of_work(factory) as session:
            await actions.do_stage_values(
                session, runtime.bus, SYSTEM, {GREETING.name: "Hi", PAGE_SIZE.name: 1000}
            )
    async with unit_of_work(factory) as session:
        assert await queries.list_staged(session) == []
    await mine.refresh_if_stale()
    assert mine.generation == generation
    assert mine.value(GREETING) == "Hello"


async def test_user_value_overrides_global_for_that_agent_only(
    db_url: str, two_processes: tuple[Runtime, SettingsStore, SettingsStore]
) -> None:
    runtime, _, other = two_processes
    factory = other._factory
    async with unit_of_work(factory) as session:
        await actions.do_stage_values(session, runtime.bus, SYSTEM, {PAGE_SIZE.name: 40})
        await actions.do_deploy(session, runtime.bus, SYSTEM, "Forty")
        await actions.do_set_user_value(session, runtime.bus, AGENT, PAGE_SIZE.name, 10)
    await _wait_for(lambda: other.value(PAGE_SIZE, agent_id=1) == 10)
    assert other.value(PAGE_SIZE) == 40
    assert other.value(PAGE_SIZE, agent_id=2) == 40

    with pytest.raises(PermissionDenied) as error:
        async with unit_of_work(factory) as session:
            await actions.do_set_user_value(session, runtime.bus, AGENT, GREETING.name, "Hi")
    assert error.value.code == "not_user_modifiable"


@pytest.fixture
async def redis_buses() -> AsyncIterator[tuple[EventBus, EventBus]]:
    require(redis_available(), "Redis (127.0.0.1:6379)")
    channel = f"frontdesk:test:{uuid.uuid4().hex}"
    buses = (create_bus(REDIS_URL, channel=channel), create_bus(REDIS_URL, channel=channel))
    for bus in buses:
        await bus.start()
    yield buses
    for bus in buses:
        await bus.stop()


async def test_change_is_announced_over_redis(
    db_url: str, redis_buses: tuple[EventBus, EventBus]
) -> None:
    """With Redis the other process reloads on the event, long before its poll would."""
    engine_a, engine_b = create_engine(db_url), create_engine(db_url)
    mine = SettingsStore(create_session_factory(engine_a), redis_buses[0], poll_seconds=3600)
    other = SettingsStore(create_session_factory(engine_b), redis_buses[1], poll_seconds=3600)
    await mine.start()
    await other.start()
    try:
        runtime = Runtime(
            bus=redis_buses[0], config=mine, settings=ProcessSettings(database_url=db_url)
        )
        async with unit_of_work(create_session_factory(engine_a)) as session:
            await actions.do_stage_values(session, runtime.bus, SYSTEM, {MODE.name: "safe"})
            await actions.do_deploy(session, runtime.bus, SYSTEM, "Safe mode")
        await _wait_for(lambda: other.value(MODE) == "safe")
    finally:
        await mine.stop()
        await other.stop()
        await engine_a.dispose()
        await engine_b.dispose()
