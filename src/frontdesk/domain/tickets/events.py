"""Events of the tickets feature. The audience is decided by the action that emits them."""

from __future__ import annotations

from typing import ClassVar

from frontdesk.bus.events import Event


class TicketCreated(Event):
    kind: ClassVar[str] = "ticket.created"
    ticket_id: int
    number: str
    queue_id: int


class ArticleCreated(Event):
    kind: ClassVar[str] = "ticket.article_created"
    ticket_id: int
    article_id: int
    visible_for_customer: bool


class TicketUpdated(Event):
    """Attributes of a ticket changed; ``fields`` names them (API field names)."""

    kind: ClassVar[str] = "ticket.updated"
    ticket_id: int
    fields: tuple[str, ...]
