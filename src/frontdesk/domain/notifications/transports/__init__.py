"""Notification transports: one module per way of telling a recipient, behind one interface.

A transport has a ``name`` (the API's vocabulary: ``email``, later ``web_view`` and ``sms``), a
``label`` for screens, and ``send``. Adding one is a module with such a class and one line in
``TRANSPORTS`` below (or a ``register_transport`` call from the transport's own feature); the
notification engine itself does not change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from frontdesk.domain.notifications.transports.email import EmailTransport
from frontdesk.domain.runtime import Tx


@dataclass(frozen=True)
class Recipient:
    """Whom one notification goes to. ``key`` (``agent:<id>``/``customer:<id>``) identifies
    them in the sent-log."""

    kind: str  # agent|customer
    id: int
    name: str
    email: str
    first_name: str
    last_name: str
    language: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Rendered:
    """A notification's text for one recipient. ``delivery_key`` is the same on every retry of
    the same trigger (a transport builds its message id from it, so copies can be recognised)."""

    subject: str
    body: str
    delivery_key: str
    ticket_id: int
    article_id: int | None


class Transport(Protocol):
    name: str
    label: str

    async def send(self, tx: Tx, recipient: Recipient, rendered: Rendered) -> None:
        """Queue or store the notification in ``tx`` (never talk to the outside world here:
        the caller's transaction must be able to roll it back)."""
        ...


TRANSPORTS: dict[str, Transport] = {t.name: t for t in (EmailTransport(),)}


def register_transport(transport: Transport) -> None:
    TRANSPORTS[transport.name] = transport


def transports() -> Mapping[str, Transport]:
    return TRANSPORTS


def transport_for(name: str) -> Transport | None:
    return TRANSPORTS.get(name)
