"""The queue view: one queue or all, sorted and filtered by what the URL says."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from frontdesk.core.errors import DomainError
from frontdesk.core.pagination import PageRequest
from frontdesk.domain.tickets import queries, saved_views
from frontdesk.domain.tickets.settings import (
    QUEUE_VIEW_PAGE_SIZE,
    TICKET_LIST_DENSITIES,
    TICKET_LIST_OPTIONAL_COLUMNS,
)
from frontdesk.web.dependencies import AgentPage, TxDep
from frontdesk.web.pages.agent.bulk import bulk_bar
from frontdesk.web.pages.agent.common import agent_error_page, agent_page
from frontdesk.web.pages.agent.list_params import (
    LIST_STATE_GROUPS,
    REPORT_PARAMETERS,
    list_choices,
    parse_list,
    sort_links,
)
from frontdesk.web.pages.agent.views import saved_view_errors
from frontdesk.web.pages.field_inputs import OVERVIEW_SCREEN, list_columns, screen_fields

router = APIRouter(include_in_schema=False)

# --- queue view -------------------------------------------------------------------------------


@router.get("/agent/queues", response_class=HTMLResponse)
async def queue_view(
    request: Request,
    caller: AgentPage,
    tx: TxDep,
    queue_id: int | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> HTMLResponse:
    try:
        page_size = limit if limit is not None else tx.setting(QUEUE_VIEW_PAGE_SIZE, caller.actor)
        page_request = PageRequest.build(page_size, offset)
        queues = await queries.queue_overview(tx.session, caller.actor)
        choices, state_names, priorities = await list_choices(tx.session)
        parsed = parse_list(request.query_params, "queue", caller, choices)
        view = parsed.view
        page = await queries.queue_tickets(
            tx.session, caller.actor, queue_id, page_request, view=view
        )
        own_views = await saved_views.saved_views(tx.session, caller.actor)
        field_columns, field_cells = await list_columns(
            tx.session,
            await screen_fields(tx.session, OVERVIEW_SCREEN),
            page.items,
            caller.actor.timezone,
        )
    except DomainError as exc:
        return await agent_error_page(request, tx, caller, exc, "queues")
    current = next((q for q in queues if q.id == queue_id), None)
    view_error = request.query_params.get("view_error", "")
    context = {
        "nav": "queues",
        "queues": queues,
        "queue_id": queue_id,
        "current": current,
        "list_view": view,
        "list_params": parsed.params,
        "list_problems": parsed.problems,
        "list_states": state_names,
        "list_state_groups": LIST_STATE_GROUPS,
        "list_priorities": priorities,
        "sort_links": sort_links(request, parsed),
        "saved_views": own_views,
        "view_error": saved_view_errors(caller).get(view_error),
        "list_url": _list_url(request),
        "optional_columns": TICKET_LIST_OPTIONAL_COLUMNS,
        "densities": TICKET_LIST_DENSITIES,
        "field_columns": field_columns,
        "field_cells": field_cells,
        **await bulk_bar(request, tx, caller),
    }
    return await agent_page(request, tx, caller, "agent/queues.html", {**context, "page": page})


def _list_url(request: Request) -> str:
    """This list's URL, where the list's forms (columns, density, save view) come back to."""
    url = request.url.remove_query_params(REPORT_PARAMETERS)
    return f"{url.path}?{url.query}" if url.query else url.path
