"""Saved views: a queue view's filter and sort an agent keeps under a name, to open again.

Only the queue view's own parameters are kept, so a saved view never carries a page offset, a
flash message or anything else that happened to be in the URL. Each agent sees and deletes
only their own; another agent's saved view is answered as one that does not exist.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import parse_qsl, urlencode

from pydantic import BaseModel
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.domain.runtime import Tx
from frontdesk.domain.tickets.errors import SavedViewNotFound
from frontdesk.domain.tickets.models import SavedTicketView

# The queue view's URL parameters a saved view keeps, in this order.
SAVED_VIEW_PARAMETERS = ("queue_id", "sort", "order", "state", "priority", "owner", "lock", "age")
NAME_MAX_LENGTH = 60
VALUE_MAX_LENGTH = 100
MAX_SAVED_VIEWS = 100


class SavedViewOut(BaseModel):
    id: int
    name: str
    query: str  # the queue view's query string, "" for the default list

    @property
    def url(self) -> str:
        return "/agent/queues" + (f"?{self.query}" if self.query else "")


def kept_query(query: str) -> str:
    """The query string with only the queue view's parameters (first value of each, non-empty),
    in a fixed order."""
    given: dict[str, str] = {}
    for name, value in parse_qsl(query.lstrip("?"), keep_blank_values=False):
        if name in SAVED_VIEW_PARAMETERS and name not in given:
            given[name] = value.strip()
    kept = [(n, given[n]) for n in SAVED_VIEW_PARAMETERS if given.get(n)]
    for name, value in kept:
        if len(value) > VALUE_MAX_LENGTH or "\x00" in value:
            raise ValidationFailed(
                "query", f"the value of {name} is too long", code="saved_view_value_too_long"
            )
    return urlencode(kept)


def _checked_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= NAME_MAX_LENGTH:
        raise ValidationFailed(
            "name",
            f"The name must have 1 to {NAME_MAX_LENGTH} characters.",
            code="saved_view_name_length",
        )
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise ValidationFailed(
            "name",
            "The name must not contain control characters.",
            code="saved_view_name_characters",
        )
    return name


async def check_create_saved_view(tx: Tx, actor: Actor, name: str, query: str) -> tuple[str, str]:
    if not actor.is_agent:
        raise PermissionDenied("Only agents save ticket list views.")
    name = _checked_name(name)
    kept = kept_query(query)
    names = list(
        await tx.session.scalars(
            select(SavedTicketView.name).where(SavedTicketView.agent_id == actor.id)
        )
    )
    if name.casefold() in {n.casefold() for n in names}:
        raise ValidationFailed(
            "name", "You already have a saved view of this name.", code="saved_view_name_taken"
        )
    if len(names) >= MAX_SAVED_VIEWS:
        raise ValidationFailed(
            "name",
            f"You can keep at most {MAX_SAVED_VIEWS} saved views.",
            code="saved_view_too_many",
        )
    return name, kept


async def do_create_saved_view(tx: Tx, actor: Actor, name: str, query: str) -> SavedViewOut:
    """Save the queue view's filter and sort (from its query string) under ``name``."""
    name, kept = await check_create_saved_view(tx, actor, name, query)
    view = SavedTicketView(agent_id=actor.id, name=name, query=kept, created_at=utcnow())
    tx.session.add(view)
    await tx.session.flush()
    return SavedViewOut(id=view.id, name=view.name, query=view.query)


async def check_delete_saved_view(tx: Tx, actor: Actor, view_id: int) -> SavedTicketView:
    view = await tx.session.get(SavedTicketView, view_id) if 1 <= view_id <= 2**31 - 1 else None
    if view is None or not actor.is_agent or view.agent_id != actor.id:
        raise SavedViewNotFound()
    return view


async def do_delete_saved_view(tx: Tx, actor: Actor, view_id: int) -> None:
    """Delete one of the agent's own saved views."""
    view = await check_delete_saved_view(tx, actor, view_id)
    await tx.session.execute(delete(SavedTicketView).where(SavedTicketView.id == view.id))


async def saved_views(session: AsyncSession, actor: Actor) -> list[SavedViewOut]:
    """The agent's saved views by name."""
    if not actor.is_agent:
        return []
    rows = await session.scalars(
        select(SavedTicketView)
        .where(SavedTicketView.agent_id == actor.id)
        .order_by(func.lower(SavedTicketView.name), SavedTicketView.id)
    )
    return [SavedViewOut(id=v.id, name=v.name, query=v.query) for v in rows]
