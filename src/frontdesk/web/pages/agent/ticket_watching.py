"""Watching a ticket from its zoom: the Watch/Unwatch button (loaded into the zoom's actions)
and the form it posts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from frontdesk.core.errors import DomainError
from frontdesk.domain.notifications import actions, queries
from frontdesk.domain.ticket_catalogue.schemas import MAX_ID
from frontdesk.web.dependencies import AgentPage, TxDep
from frontdesk.web.pages.agent.common import agent_error_page
from frontdesk.web.templating import render

router = APIRouter(include_in_schema=False)

TicketId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/agent/tickets/{ticket_id}/watch", response_class=HTMLResponse)
async def watch_button(
    ticket_id: TicketId, request: Request, caller: AgentPage, tx: TxDep
) -> HTMLResponse:
    try:
        watching = await queries.is_watching(tx.session, caller.actor, ticket_id)
    except DomainError:
        return HTMLResponse("")
    return render(
        request,
        "agent/_watch_button.html",
        {"ticket_id": ticket_id, "watching": watching},
        actor=caller.actor,
        csrf_token=caller.token.csrf_token,
    )


@router.post("/agent/tickets/{ticket_id}/watch")
async def set_watching(
    ticket_id: TicketId, request: Request, caller: AgentPage, tx: TxDep
) -> Response:
    form = await request.form()
    try:
        await actions.do_set_watching(tx, caller.actor, ticket_id, form.get("watch") == "1")
    except DomainError as exc:
        return await agent_error_page(request, tx, caller, exc)
    return RedirectResponse(f"/agent/tickets/{ticket_id}", status_code=303)
