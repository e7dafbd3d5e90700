"""Options of the admin forms' selects, loaded through the domain queries."""

from __future__ import annotations

from frontdesk.core.actor import Actor
from frontdesk.core.pagination import MAX_LIMIT, PageRequest
from frontdesk.domain.accounts import queries as account_queries
from frontdesk.domain.business_calendars import queries as calendar_queries
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue import queries as catalogue_queries
from frontdesk.domain.ticket_catalogue.models import STATE_TYPES
from frontdesk.web.pages.admin.screen import Choices

# --- choices of the selects -------------------------------------------------------------------


ALL = PageRequest(limit=MAX_LIMIT, offset=0)


async def group_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    groups = await account_queries.list_groups(tx.session, actor, ALL)
    return {"group_id": [(str(g.id), g.name) for g in groups.items]}


async def _calendar_choices(tx: Tx, actor: Actor) -> Choices:
    calendars = await calendar_queries.calendars_for_actor(tx.session, actor, ALL)
    return {"business_calendar_id": [(str(c.id), c.name) for c in calendars.items]}


async def queue_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    return await group_choices(tx, actor, editing_id) | await _calendar_choices(tx, actor)


async def company_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    companies = await account_queries.list_customer_companies(tx.session, actor, ALL)
    return {"customer_id": [(c.customer_id, c.name) for c in companies.items]}


async def state_type_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    return {"state_type": [(t, t) for t in STATE_TYPES]}


async def parent_service_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    services = await catalogue_queries.list_services(tx.session)
    return {
        "parent_id": [(str(s.id), s.full_name) for s in services if s.id != editing_id],
    }


async def sla_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    services = await catalogue_queries.list_services(tx.session)
    return {"service_ids": [(str(s.id), s.full_name) for s in services]} | (
        await _calendar_choices(tx, actor)
    )
