"""Suggestions for the top bar's search box, as an HTML fragment that search-suggest.js shows."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from frontdesk.core.errors import DomainError
from frontdesk.domain.tickets.suggestions import suggest as suggest_for
from frontdesk.web.dependencies import AgentPage, TxDep
from frontdesk.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/agent/search/suggest", response_class=HTMLResponse)
async def suggest(request: Request, caller: AgentPage, tx: TxDep, q: str = "") -> HTMLResponse:
    context: dict[str, Any] = {"suggestions": None, "failed": None}
    status = 200
    try:
        context["suggestions"] = await suggest_for(tx.session, caller.actor, q)
    except DomainError as exc:
        context["failed"] = exc.message
        status = exc.status
    return render(
        request, "agent/_search_suggest.html", context, actor=caller.actor, status_code=status
    )
