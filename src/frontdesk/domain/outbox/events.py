"""Events of the outbox."""

from __future__ import annotations

from typing import ClassVar

from frontdesk.bus.events import Event


class OutboxQueued(Event):
    """Items were queued and committed: a process that runs jobs delivers them now rather than
    at the next sweep (the sweep still delivers them if no process hears this)."""

    kind: ClassVar[str] = "outbox.queued"
    item_ids: tuple[int, ...]
