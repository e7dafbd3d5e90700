"""The bus interface, queue-on-commit, and the factory choosing a backend."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from frontdesk.bus.events import Event
from frontdesk.db.unit_of_work import after_commit

Handler = Callable[[Event], Awaitable[None]]

_QUEUED = "frontdesk.bus.queued"


class EventBus(Protocol):
    """Publish events to every subscriber in every process of the installation."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, events: Sequence[Event]) -> None: ...

    def subscribe(self, handler: Handler) -> Callable[[], None]:
        """Register a handler for every event; returns a function that unsubscribes."""
        ...

    async def ping(self) -> bool: ...


def queue_event(session: AsyncSession, bus: EventBus, event: Event) -> None:
    """Queue ``event`` in the session's transaction: published after commit, dropped on rollback."""
    queue_events(session, bus, (event,))


def queue_events(session: AsyncSession, bus: EventBus, events: Sequence[Event]) -> None:
    """Queue several events at once (a batch of chat messages): the same, set up once."""
    _forget_on_rollback(session)
    queued: list[Event] = session.info.setdefault(_QUEUED, [])
    queued.extend(events)

    async def _publish() -> None:
        events = session.info.pop(_QUEUED, [])
        if events:
            await bus.publish(events)

    after_commit(session, "bus.publish", _publish)


def _forget_queued(sync_session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction, not a savepoint
        sync_session.info.pop(_QUEUED, None)


def _forget_on_rollback(session: AsyncSession) -> None:
    """Drop the queued events when the transaction rolls back.

    ``unit_of_work.rollback`` drops the after-commit callback but not this list, so without this
    the events of a rolled-back transaction would go out with the next commit of the session.
    """
    sync_session = session.sync_session
    if not sa_event.contains(sync_session, "after_soft_rollback", _forget_queued):
        sa_event.listen(sync_session, "after_soft_rollback", _forget_queued)
    if not sync_session.in_transaction():
        # No I/O (a connection is taken on first use); makes a rollback without SQL visible too.
        sync_session.begin()


def queued_events(session: AsyncSession) -> list[Event]:
    """Events queued but not yet published (tests use this to assert nothing went out)."""
    return list(session.info.get(_QUEUED, []))


def drop_events_after(session: AsyncSession, count: int) -> None:
    """Forget the events queued after the first ``count``: for a savepoint that rolled back
    (its events describe changes that did not happen)."""
    queued: list[Event] | None = session.info.get(_QUEUED)
    if queued is not None:
        del queued[count:]


def create_bus(redis_url: str | None, *, channel: str = "frontdesk:events") -> EventBus:
    if redis_url:
        from frontdesk.bus.backends.redis import RedisBus

        return RedisBus(redis_url, channel=channel)
    from frontdesk.bus.backends.memory import MemoryBus

    return MemoryBus()
