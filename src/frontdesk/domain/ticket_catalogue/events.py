"""Events of the ticket catalogue.

Every write emits one ``CatalogueChanged``. Its audience is empty (in-process subscribers only):
caches and open admin screens refetch; no user connection needs the row itself.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from frontdesk.bus.events import Event

CatalogueEntity = Literal["queue", "state", "priority", "type", "service", "sla"]
CatalogueOp = Literal["created", "updated", "deleted"]


class CatalogueChanged(Event):
    """A queue, state, priority, type, service or SLA was created, changed or deleted."""

    kind: ClassVar[str] = "ticket_catalogue.changed"
    entity: CatalogueEntity
    entity_id: int
    op: CatalogueOp
