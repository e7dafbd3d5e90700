"""Escalated tickets: those past one of their escalation times in the queues the agent reads,
the earliest escalation first (OTRS' escalation view)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from frontdesk.core.errors import DomainError
from frontdesk.core.pagination import PageRequest
from frontdesk.domain.tickets import queries
from frontdesk.domain.tickets.schemas import TicketSearch
from frontdesk.domain.tickets.settings import QUEUE_VIEW_PAGE_SIZE
from frontdesk.web.dependencies import AgentPage, TxDep
from frontdesk.web.pages.agent.common import agent_error_page, agent_page

router = APIRouter(include_in_schema=False)


@router.get("/agent/escalated", response_class=HTMLResponse)
async def escalated_tickets(
    request: Request,
    caller: AgentPage,
    tx: TxDep,
    limit: int | None = None,
    offset: int | None = None,
) -> HTMLResponse:
    try:
        page_size = limit if limit is not None else tx.setting(QUEUE_VIEW_PAGE_SIZE, caller.actor)
        page = await queries.search_tickets(
            tx.session,
            caller.actor,
            TicketSearch(escalated=True),
            PageRequest.build(page_size, offset),
        )
    except DomainError as exc:
        return await agent_error_page(request, tx, caller, exc, "escalated")
    context = {"nav": "escalated", "page": page}
    return await agent_page(request, tx, caller, "agent/escalated.html", context)
