"""HTML pages of the agent interface, one module per screen: dashboard, queue view, escalated
tickets, new ticket, ticket zoom and its actions, bulk actions on lists, search, customer
information, preferences, and the agent's list columns, density and saved views.

Every route parses its input, makes one domain call and renders or redirects. What an agent may
do is decided by the domain; a refusal comes back as an inline message with its status code.
"""

from fastapi import APIRouter

from frontdesk.web.pages.agent import (
    bulk,
    customers,
    dashboard,
    email_compose,
    escalated,
    lists,
    preferences,
    search,
    suggest,
    ticket_actions,
    ticket_new,
    views,
    zoom,
)

router = APIRouter(include_in_schema=False)
# The new ticket form comes before the zoom, whose /agent/tickets/{ticket_id} would take "new".
router.include_router(dashboard.router)
router.include_router(lists.router)
router.include_router(escalated.router)
router.include_router(ticket_new.router)
# /agent/tickets/bulk, too, must come before the zoom's /agent/tickets/{ticket_id}.
router.include_router(bulk.router)
router.include_router(zoom.router)
router.include_router(ticket_actions.router)
router.include_router(email_compose.router)
# The suggestions before the search, so no later /agent/search/… route can take them.
router.include_router(suggest.router)
router.include_router(search.router)
router.include_router(customers.router)
router.include_router(preferences.router)
router.include_router(views.router)
