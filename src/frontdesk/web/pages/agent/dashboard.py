"""Dashboard: the agent's start page and its panels, re-read by the live list script."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from frontdesk.domain.accounts.settings import ONLINE_MINUTES
from frontdesk.domain.chat import queries as chat_queries
from frontdesk.domain.tickets import queries, saved_views
from frontdesk.web.dependencies import AgentPage, Caller, TxDep
from frontdesk.web.pages.agent.common import agent_page
from frontdesk.web.pages.agent.list_params import ParsedList, parse_list, sort_links

router = APIRouter(include_in_schema=False)

# --- dashboard --------------------------------------------------------------------------------


@router.get("/agent", response_class=HTMLResponse)
async def dashboard(request: Request, caller: AgentPage, tx: TxDep) -> HTMLResponse:
    context = await _dashboard_context(request, tx, caller)
    own_views = await saved_views.saved_views(tx.session, caller.actor)
    return await agent_page(
        request,
        tx,
        caller,
        "agent/dashboard.html",
        {"nav": "dashboard", "saved_views": own_views, **context},
    )


@router.get("/agent/dashboard/panels", response_class=HTMLResponse)
async def dashboard_panels(request: Request, caller: AgentPage, tx: TxDep) -> HTMLResponse:
    """The dashboard's panels alone, polled by HTMX."""
    context = await _dashboard_context(request, tx, caller)
    return await agent_page(request, tx, caller, "agent/_dashboard_panels.html", context)


async def _dashboard_context(request: Request, tx: TxDep, caller: Caller) -> dict[str, Any]:
    # Each ticket panel sorts by its own parameters (new_sort, locked_order, …), so sorting one
    # leaves the other as it was; the URL keeps both, and the HTMX refresh re-sends them.
    new = parse_list(request.query_params, "panel", caller, prefix="new_")
    locked = parse_list(request.query_params, "panel", caller, prefix="locked_")
    board = await queries.dashboard(
        tx.session,
        caller.actor,
        online_minutes=tx.setting(ONLINE_MINUTES),
        new_view=new.view,
        # Unsorted, the locked panel shows the most recently changed first.
        locked_view=locked.view if any(locked.params.values()) else None,
    )
    # CH-13: a chat control only for the online agents one can chat with now.
    partners = await chat_queries.chat_partner_ids(
        tx, caller.actor, [agent.id for agent in board.online_agents]
    )
    return {
        "board": board,
        "chat_partner_ids": partners,
        "panels": {
            name: {
                "problems": parsed.problems,
                "sort_links": sort_links(request, parsed, path="/agent"),
                "list_url": _list_url(parsed, filters),
            }
            for name, parsed, filters in (
                ("new", new, {"state": "new"}),
                ("locked", locked, {"state": "all", "owner": "me", "lock": "locked"}),
            )
        },
    }


def _list_url(parsed: ParsedList, filters: dict[str, str]) -> str:
    """The queue view showing a panel's tickets (all of them, not the panel's first ones),
    sorted as the panel is."""
    sort = {name: value for name, value in parsed.params.items() if value}
    return "/agent/queues?" + urlencode({**filters, **sort})
