"""Events of dynamic fields.

``DynamicFieldChanged`` follows every write of a field's definition (in-process subscribers
only). Value changes travel on the owning object's events: a ticket's ``TicketUpdated`` names
``dynamic_fields.<Name>`` in ``fields``; subscribers read the values with the ticket (events
reach customers' connections, so they never carry a value a customer may not read).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from frontdesk.bus.events import Event

FieldOp = Literal["created", "updated", "deleted"]


class DynamicFieldChanged(Event):
    kind: ClassVar[str] = "dynamic_fields.changed"
    field_id: int
    op: FieldOp
