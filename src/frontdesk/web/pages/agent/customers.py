"""Customer information center."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from frontdesk.core.errors import DomainError
from frontdesk.domain.accounts.settings import ONLINE_MINUTES
from frontdesk.domain.tickets import queries
from frontdesk.web.dependencies import AgentPage, TxDep
from frontdesk.web.pages.agent.common import agent_error_page, agent_page

router = APIRouter(include_in_schema=False)

# --- customer information center --------------------------------------------------------------


@router.get("/agent/customers", response_class=HTMLResponse)
async def customers(request: Request, caller: AgentPage, tx: TxDep, login: str = "") -> Response:
    if login.strip():
        return RedirectResponse(f"/agent/customers/{quote(login.strip(), safe='')}", 303)
    return await agent_page(request, tx, caller, "agent/customers.html", {"nav": "customers"})


@router.get("/agent/customers/{login}", response_class=HTMLResponse)
async def customer_detail(
    login: str, request: Request, caller: AgentPage, tx: TxDep
) -> HTMLResponse:
    try:
        info = await queries.customer_info(
            tx.session, caller.actor, login, online_minutes=tx.setting(ONLINE_MINUTES)
        )
    except DomainError as exc:
        return await agent_error_page(request, tx, caller, exc, "customers")
    return await agent_page(
        request, tx, caller, "agent/customer.html", {"nav": "customers", "info": info}
    )
