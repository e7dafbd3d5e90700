"""The event bus: queue-on-commit, both backends, unknown kinds, failing handlers, processes."""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from frontdesk.bus.backends.redis import RedisBus
from frontdesk.bus.bus import EventBus, queue_event, queued_events
from frontdesk.bus.events import Audience, Event, UnknownEvent
from frontdesk.db import unit_of_work as uow

WAIT = 5.0


class ProbeEvent(Event):
    kind: ClassVar[str] = "test.probe"
    n: int


class Collector:
    def __init__(self) -> None:
        self.events: list[Event] = []
        self._changed = asyncio.Event()

    async def __call__(self, event: Event) -> None:
        self.events.append(event)
        self._changed.set()

    async def wait_for(self, predicate: Callable[[list[Event]], bool]) -> None:
        async def _wait() -> None:
            while not predicate(self.events):
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(_wait(), timeout=WAIT)

    def numbers(self) -> list[int]:
        return [e.n for e in self.events if isinstance(e, ProbeEvent)]


async def test_events_are_published_after_commit(
    bus: EventBus, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    received = Collector()
    bus.subscribe(received)

    async with uow.unit_of_work(session_factory) as session:
        await session.execute(text("SELECT 1"))
        queue_event(session, bus, ProbeEvent(n=1))
        queue_event(session, bus, ProbeEvent(n=2))
        assert [e.n for e in queued_events(session) if isinstance(e, ProbeEvent)] == [1, 2]
        await asyncio.sleep(0.1)
        assert received.events == []

    await received.wait_for(lambda events: len(events) >= 2)
    assert received.numbers() == [1, 2]


async def test_events_are_dropped_on_rollback(
    bus: EventBus, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    received = Collector()
    bus.subscribe(received)

    with pytest.raises(RuntimeError, match="abort"):
        async with uow.unit_of_work(session_factory) as session:
            queue_event(session, bus, ProbeEvent(n=1))
            raise RuntimeError("abort")

    # A marker sent afterwards arrives after anything the rollback could have let through.
    async with uow.unit_of_work(session_factory) as session:
        queue_event(session, bus, ProbeEvent(n=99))
    await received.wait_for(lambda events: len(events) >= 1)
    await asyncio.sleep(0.1)
    assert received.numbers() == [99]


@pytest.mark.parametrize("with_sql", [False, True])
async def test_rolled_back_events_do_not_leak_into_the_next_commit(
    bus: EventBus, session_factory: async_sessionmaker[AsyncSession], with_sql: bool
) -> None:
    received = Collector()
    bus.subscribe(received)

    async with session_factory() as session:
        if with_sql:
            await session.execute(text("SELECT 1"))
        queue_event(session, bus, ProbeEvent(n=1))
        await uow.rollback(session)
        assert queued_events(session) == []
        queue_event(session, bus, ProbeEvent(n=2))
        await uow.commit(session)

    await received.wait_for(lambda events: len(events) >= 1)
    await asyncio.sleep(0.1)
    assert received.numbers() == [2]


async def test_savepoint_rollback_keeps_the_outer_transactions_events(
    bus: EventBus, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    received = Collector()
    bus.subscribe(received)

    async with uow.unit_of_work(session_factory) as session:
        queue_event(session, bus, ProbeEvent(n=1))
        with pytest.raises(ValueError, match="inner"):
            async with session.begin_nested():
                raise ValueError("inner")
        queue_event(session, bus, ProbeEvent(n=2))

    await received.wait_for(lambda events: len(events) >= 2)
    assert received.numbers() == [1, 2]


def test_unknown_kind_round_trips_on_the_wire() -> None:
    message: dict[str, Any] = {
        "kind": "from.the.future",
        "data": {"audience": {"agent_ids": [7], "everyone": False}, "colour": "teal"},
    }

    event = Event.from_wire(message)

    assert isinstance(event, UnknownEvent)
    assert event.name == "from.the.future"
    assert event.audience == Audience(agent_ids=(7,))
    assert event.to_wire() == message
    assert Event.from_wire(json.loads(json.dumps(event.to_wire()))) == event


def test_known_kind_round_trips_on_the_wire() -> None:
    event = ProbeEvent(n=3, audience=Audience(customer_user_ids=(4,)))
    assert Event.from_wire(json.loads(json.dumps(event.to_wire()))) == event


async def test_unknown_kind_passes_through_the_bus(bus: EventBus) -> None:
    received = Collector()
    bus.subscribe(received)
    message = {"kind": "from.the.future", "data": {"x": [1, 2]}}

    await bus.publish([Event.from_wire(message)])

    await received.wait_for(lambda events: len(events) >= 1)
    (event,) = received.events
    assert isinstance(event, UnknownEvent)
    assert event.to_wire() == message


async def test_a_failing_handler_does_not_stop_the_others(bus: EventBus) -> None:
    async def failing(event: Event) -> None:
        raise RuntimeError("handler bug")

    received = Collector()
    bus.subscribe(failing)
    bus.subscribe(received)

    await bus.publish([ProbeEvent(n=1), ProbeEvent(n=2)])

    await received.wait_for(lambda events: len(events) >= 2)
    assert received.numbers() == [1, 2]


async def test_unsubscribe_stops_delivery(bus: EventBus) -> None:
    first, second = Collector(), Collector()
    unsubscribe = bus.subscribe(first)
    bus.subscribe(second)
    unsubscribe()

    await bus.publish([ProbeEvent(n=1)])

    await second.wait_for(lambda events: len(events) >= 1)
    assert first.events == []


async def test_redis_bus_delivers_queued_events_before_stop(redis_url: str) -> None:
    channel = f"frontdesk-test:{uuid.uuid4().hex}"
    listener, sender = RedisBus(redis_url, channel=channel), RedisBus(redis_url, channel=channel)
    received = Collector()
    listener.subscribe(received)
    await listener.start()
    await sender.start()
    try:
        await sender.publish([ProbeEvent(n=i) for i in range(2000)])
        await sender.stop()  # must flush the outbox, including a batch in flight
        await received.wait_for(lambda events: len(events) >= 2000)
        assert received.numbers() == list(range(2000))
    finally:
        await listener.stop()


async def test_event_reaches_a_subscriber_in_another_process(redis_url: str) -> None:
    channel = f"frontdesk-test:{uuid.uuid4().hex}"
    script = Path(__file__).with_name("subscriber_script.py")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(script),
        redis_url,
        channel,
        "2",
        "20",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    bus = RedisBus(redis_url, channel=channel)
    try:
        assert process.stdout is not None
        seen: list[str] = []

        async def read_until(prefix: str, count: int) -> list[str]:
            assert process.stdout is not None
            found: list[str] = []
            while len(found) < count:
                line = (await process.stdout.readline()).decode()
                if not line:
                    raise AssertionError("subscriber exited early:\n" + "".join(seen))
                seen.append(line)
                if line.startswith(prefix):
                    found.append(line[len(prefix) :].strip())
            return found

        await asyncio.wait_for(read_until("READY", 1), timeout=20)
        await bus.start()
        sent = [
            ProbeEvent(n=1, audience=Audience(agent_ids=(1, 2))),
            ProbeEvent(n=2, audience=Audience(everyone=True)),
        ]
        await bus.publish(sent)
        lines = await asyncio.wait_for(read_until("EVENT ", 2), timeout=WAIT)

        # The other process does not know ProbeEvent: it gets UnknownEvents that keep the wire.
        assert [json.loads(line) for line in lines] == [event.to_wire() for event in sent]
        assert await asyncio.wait_for(process.wait(), timeout=WAIT) == 0
    finally:
        await bus.stop()
        if process.returncode is None:
            process.kill()
            await process.wait()
