"""Customer information center."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from frontdesk.core.errors import DomainError
from frontdesk.core.pagination import Page, PageRequest
from frontdesk.domain.accounts.settings import ONLINE_MINUTES
from frontdesk.domain.tickets import queries
from frontdesk.web.dependencies import AgentPage, TxDep
from frontdesk.web.pages.agent.common import agent_error_page, agent_page
from frontdesk.web.pages.agent.list_params import (
    LIST_STATE_GROUPS,
    list_choices,
    parse_list,
    sort_links,
)

router = APIRouter(include_in_schema=False)

# --- customer information center --------------------------------------------------------------


@router.get("/agent/customers", response_class=HTMLResponse)
async def customers(request: Request, caller: AgentPage, tx: TxDep, login: str = "") -> Response:
    if login.strip():
        return RedirectResponse(f"/agent/customers/{quote(login.strip(), safe='')}", 303)
    return await agent_page(request, tx, caller, "agent/customers.html", {"nav": "customers"})


# A customer's tickets: every state, newest first, unless the URL sorts or filters otherwise.
CUSTOMER_TICKETS_DEFAULTS = queries.TicketListView(state="all", descending=True)


@router.get("/agent/customers/{login}", response_class=HTMLResponse)
async def customer_detail(
    login: str,
    request: Request,
    caller: AgentPage,
    tx: TxDep,
    limit: int | None = None,
    offset: int | None = None,
) -> HTMLResponse:
    try:
        choices, state_names, priorities = await list_choices(tx.session)
        parsed = parse_list(
            request.query_params,
            "customer",
            caller,
            choices,
            defaults=CUSTOMER_TICKETS_DEFAULTS,
        )
        info = await queries.customer_info(
            tx.session,
            caller.actor,
            login,
            online_minutes=tx.setting(ONLINE_MINUTES),
            view=parsed.view,
            page=PageRequest.build(
                limit if limit is not None else queries.CUSTOMER_INFO_TICKETS, offset
            ),
        )
    except DomainError as exc:
        return await agent_error_page(request, tx, caller, exc, "customers")
    context = {
        "nav": "customers",
        "info": info,
        "page": Page(info.tickets, info.matching_total, info.ticket_limit, info.ticket_offset),
        "list_view": parsed.view,
        "list_params": parsed.params,
        "list_problems": parsed.problems,
        "list_states": state_names,
        "list_state_groups": LIST_STATE_GROUPS,
        "list_priorities": priorities,
        "sort_links": sort_links(request, parsed),
    }
    return await agent_page(request, tx, caller, "agent/customer.html", context)
