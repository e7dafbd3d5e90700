"""In-process bus: for one server process (the SQLite default) and for tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import structlog

from frontdesk.bus.bus import Handler
from frontdesk.bus.events import Event

log = structlog.get_logger(__name__)


class MemoryBus:
    name = "memory"

    def __init__(self) -> None:
        self._handlers: list[Handler] = []

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        self._handlers.clear()

    async def publish(self, events: Sequence[Event]) -> None:
        handlers = list(self._handlers)  # a handler may unsubscribe meanwhile
        for event in events:
            for handler in handlers:
                try:
                    await handler(event)
                except Exception:
                    log.exception("bus_handler_failed", kind=event.kind)

    def subscribe(self, handler: Handler) -> Callable[[], None]:
        self._handlers.append(handler)

        def unsubscribe() -> None:
            if handler in self._handlers:
                self._handlers.remove(handler)

        return unsubscribe

    async def ping(self) -> bool:
        return True
