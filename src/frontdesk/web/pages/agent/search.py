"""Ticket search."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from frontdesk.core.errors import DomainError
from frontdesk.core.pagination import PageRequest
from frontdesk.domain.dynamic_fields.values import criteria_from_params
from frontdesk.domain.tickets import queries
from frontdesk.domain.tickets.schemas import (
    TicketSearch,
)
from frontdesk.domain.tickets.settings import (
    SEARCH_PAGE_SIZE,
)
from frontdesk.web.dependencies import AgentPage, TxDep
from frontdesk.web.pages.agent.bulk import bulk_bar
from frontdesk.web.pages.agent.common import agent_page, gettext_for
from frontdesk.web.pages.agent.list_params import list_choices, parse_list, sort_links
from frontdesk.web.pages.field_inputs import (
    OVERVIEW_SCREEN,
    list_columns,
    screen_fields,
    search_inputs,
    search_params,
)
from frontdesk.web.pages.forms import (
    errors_from_domain,
    errors_from_validation,
    optional_id,
)

router = APIRouter(include_in_schema=False)

# --- search -----------------------------------------------------------------------------------

# Search results come newest first unless the URL sorts them otherwise.
SEARCH_DEFAULTS = queries.TicketListView(state="all", descending=True)
SEARCH_SCREEN = "agent_ticket_search"


@router.get("/agent/search", response_class=HTMLResponse)
async def search(
    request: Request,
    caller: AgentPage,
    tx: TxDep,
    query: str = "",
    state: str = "open",
    queue_id: str = "",
    limit: int | None = None,
    offset: int | None = None,
) -> HTMLResponse:
    _ = gettext_for(caller)
    zone = caller.actor.timezone
    values = {"query": query, "state": state, "queue_id": queue_id}
    context: dict[str, Any] = {"nav": "search", "values": values, "page": None, "failed": None}
    status = 200
    try:
        context["options"] = await queries.ticket_form_options(tx.session, caller.actor, None)
        search_fields = await screen_fields(tx.session, SEARCH_SCREEN)
        context["field_filters"] = search_inputs(
            search_fields, request.query_params, checked=_("Checked"), unchecked=_("Unchecked")
        )
        context.update(await bulk_bar(request, tx, caller))
        choices, _states, priorities = await list_choices(tx.session)
        parsed = parse_list(
            request.query_params, "search", caller, choices, defaults=SEARCH_DEFAULTS
        )
        context.update(
            list_view=parsed.view,
            list_params=parsed.params,
            list_problems=parsed.problems,
            list_priorities=priorities,
            sort_links=sort_links(request, parsed),
        )
        if "query" in request.query_params:
            criteria = TicketSearch(
                query=query.strip() or None,
                state=None if state == "any" else state,
                queue_id=optional_id(queue_id, "queue_id"),
                dynamic_fields=criteria_from_params(
                    search_params(search_fields, request.query_params.multi_items(), zone)
                ),
            )
            context["page"] = await queries.search_tickets(
                tx.session,
                caller.actor,
                criteria,
                PageRequest.build(
                    limit if limit is not None else tx.setting(SEARCH_PAGE_SIZE, caller.actor),
                    offset,
                ),
                view=parsed.view,
            )
            columns, cells = await list_columns(
                tx.session,
                await screen_fields(tx.session, OVERVIEW_SCREEN),
                context["page"].items,
                zone,
            )
            context.update(field_columns=columns, field_cells=cells)
    except ValidationError as exc:
        context["failed"] = errors_from_validation(exc, _("Check the marked fields."))
        status = 422
    except DomainError as exc:
        context["failed"] = errors_from_domain(exc)
        status = exc.status
    return await agent_page(request, tx, caller, "agent/search.html", context, status_code=status)
