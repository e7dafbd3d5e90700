"""Deliverers: one module per kind of outgoing message, behind one small interface.

A new kind (SMS, a web-service call) is a module with a class that has ``kind`` and
``deliver``, added to ``DELIVERERS`` below; the outbox itself does not change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from frontdesk.domain.outbox.deliverers.email import EmailDeliverer
from frontdesk.domain.runtime import Runtime


@dataclass(frozen=True)
class OutboundMessage:
    """What a deliverer gets: a copy of the claimed row, so no transaction stays open while it
    talks to the outside world."""

    id: int
    kind: str
    payload: bytes
    envelope: dict[str, Any]
    message_id: str | None
    attempt: int


class Deliverer(Protocol):
    kind: str

    async def deliver(self, message: OutboundMessage, runtime: Runtime) -> str | None:
        """Deliver or raise ``DeliveryFailed`` (any other exception counts as temporary).
        May return a note kept as ``last_error`` on success (e.g. recipients refused).
        ``runtime`` gives the settings in force and this installation's credential key."""
        ...

    def secrets(self, runtime: Runtime) -> tuple[str, ...]:
        """Configured secrets to mask out of any error text kept on the item."""
        ...


DELIVERERS: dict[str, Deliverer] = {d.kind: d for d in (EmailDeliverer(),)}


def deliverer_for(kind: str) -> Deliverer | None:
    return DELIVERERS.get(kind)
