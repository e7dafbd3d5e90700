"""Events of the queue mail set-up.

Every write emits one ``MailSetupChanged`` with an empty audience (in-process subscribers only),
for caches of what a queue sends with.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from frontdesk.bus.events import Event

MailSetupEntity = Literal["system_address", "salutation", "signature", "template", "auto_response"]
MailSetupOp = Literal["created", "updated", "deleted"]


class MailSetupChanged(Event):
    kind: ClassVar[str] = "mail_setup.changed"
    entity: MailSetupEntity
    entity_id: int
    op: MailSetupOp
