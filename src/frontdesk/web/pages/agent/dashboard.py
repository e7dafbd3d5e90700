"""Dashboard: the agent's start page and its panels, re-read by the live list script."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from frontdesk.domain.accounts.settings import ONLINE_MINUTES
from frontdesk.domain.chat import queries as chat_queries
from frontdesk.domain.tickets import queries
from frontdesk.web.dependencies import AgentPage, Caller, TxDep
from frontdesk.web.pages.agent.common import agent_page

router = APIRouter(include_in_schema=False)

# --- dashboard --------------------------------------------------------------------------------


@router.get("/agent", response_class=HTMLResponse)
async def dashboard(request: Request, caller: AgentPage, tx: TxDep) -> HTMLResponse:
    context = await _dashboard_context(tx, caller)
    return await agent_page(
        request, tx, caller, "agent/dashboard.html", {"nav": "dashboard", **context}
    )


@router.get("/agent/dashboard/panels", response_class=HTMLResponse)
async def dashboard_panels(request: Request, caller: AgentPage, tx: TxDep) -> HTMLResponse:
    """The dashboard's panels alone, polled by HTMX."""
    context = await _dashboard_context(tx, caller)
    return await agent_page(request, tx, caller, "agent/_dashboard_panels.html", context)


async def _dashboard_context(tx: TxDep, caller: Caller) -> dict[str, Any]:
    board = await queries.dashboard(
        tx.session, caller.actor, online_minutes=tx.setting(ONLINE_MINUTES)
    )
    # CH-13: a chat control only for the online agents one can chat with now.
    partners = await chat_queries.chat_partner_ids(
        tx, caller.actor, [agent.id for agent in board.online_agents]
    )
    return {"board": board, "chat_partner_ids": partners}
