"""Who may see and change the queue mail set-up: administrators only (``rw`` in ``admin``), and
the system itself (first start, imports).

Agents never read these entries directly; they get what a queue offers them through
``queries.templates_for_queue`` and the other functions features call. An id that does not
exist answers 404.
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.errors import NotFound
from frontdesk.domain.accounts.access import check_admin_or_system
from frontdesk.domain.mail_setup.models import (
    AutoResponse,
    Salutation,
    Signature,
    SystemAddress,
    Template,
)
from frontdesk.domain.ticket_catalogue.schemas import MAX_ID

SetupEntry = SystemAddress | Salutation | Signature | Template | AutoResponse
EntryT = TypeVar("EntryT", bound=SetupEntry)

ENTITY_LABELS: Final[dict[type[Any], str]] = {
    SystemAddress: "system address",
    Salutation: "salutation",
    Signature: "signature",
    Template: "template",
    AutoResponse: "automatic response",
}


async def access_entry(
    session: AsyncSession, actor: Actor, model: type[EntryT], entry_id: int
) -> EntryT:
    """The entry with this id for an administrator (403 for anyone else), or 404."""
    await check_admin_or_system(session, actor)
    entry = await session.get(model, entry_id) if 1 <= entry_id <= MAX_ID else None
    if entry is None:
        raise NotFound(f"There is no {ENTITY_LABELS[model]} with id {entry_id}.")
    return entry
