"""Options of the admin forms' selects, loaded through the domain queries."""

from __future__ import annotations

from frontdesk.core.actor import Actor
from frontdesk.core.pagination import MAX_LIMIT, PageRequest
from frontdesk.domain.accounts import queries as account_queries
from frontdesk.domain.business_calendars import queries as calendar_queries
from frontdesk.domain.mail_setup import queries as mail_setup_queries
from frontdesk.domain.mail_setup.models import FOLLOW_UP_POLICIES, Salutation, Signature
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue import queries as catalogue_queries
from frontdesk.domain.ticket_catalogue.models import STATE_TYPES
from frontdesk.web.pages.admin.screen import Choices
from frontdesk.web.pages.admin_forms import ui_text

# --- choices of the selects -------------------------------------------------------------------


ALL = PageRequest(limit=MAX_LIMIT, offset=0)
FOLLOW_UP_LABELS = {
    "possible": ui_text("Possible: a reply reopens the ticket"),
    "reject": ui_text("Reject: a reply to a closed ticket is refused"),
    "new_ticket": ui_text("New ticket: a reply to a closed ticket opens a new one"),
}


async def group_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    groups = await account_queries.list_groups(tx.session, actor, ALL)
    return {"group_id": [(str(g.id), g.name) for g in groups.items]}


async def _calendar_choices(tx: Tx, actor: Actor) -> Choices:
    calendars = await calendar_queries.calendars_for_actor(tx.session, actor, ALL)
    return {"business_calendar_id": [(str(c.id), c.name) for c in calendars.items]}


async def _mail_setup_choices(tx: Tx, actor: Actor) -> Choices:
    addresses = await mail_setup_queries.system_addresses_for_actor(tx.session, actor, ALL)
    salutations = await mail_setup_queries.snippets_for_actor(tx.session, actor, Salutation, ALL)
    signatures = await mail_setup_queries.snippets_for_actor(tx.session, actor, Signature, ALL)
    return {
        "system_address_id": [
            (str(a.id), f"{a.display_name} <{a.email}>") for a in addresses.items
        ],
        "salutation_id": [(str(s.id), s.name) for s in salutations.items],
        "signature_id": [(str(s.id), s.name) for s in signatures.items],
        "follow_up": [(policy, FOLLOW_UP_LABELS[policy]) for policy in FOLLOW_UP_POLICIES],
    }


async def queue_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    return (
        await group_choices(tx, actor, editing_id)
        | await _calendar_choices(tx, actor)
        | await _mail_setup_choices(tx, actor)
    )


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
