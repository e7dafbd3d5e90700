"""How an agent's ticket lists look: the columns shown and the density. Every form comes back
to the list it was sent from."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import URL

from frontdesk.core.errors import DomainError
from frontdesk.domain.tickets import list_preferences
from frontdesk.domain.tickets.settings import TICKET_LIST_COLUMNS, TICKET_LIST_DENSITY
from frontdesk.web.dependencies import AgentPage, TxDep
from frontdesk.web.pages.agent.common import agent_error_page
from frontdesk.web.pages.agent.list_params import REPORT_PARAMETERS
from frontdesk.web.pages.forms import form_text

router = APIRouter(include_in_schema=False)

DEFAULT_BACK = "/agent/queues"


def back_url(text: str) -> URL:
    """Where a list form returns: a path of the agent interface (never another site), without
    the previous form's report."""
    if not text.startswith("/agent") or text.startswith("//") or "\\" in text:
        text = DEFAULT_BACK
    url = URL(text)
    if url.scheme or url.netloc:
        url = URL(DEFAULT_BACK)
    return url.remove_query_params(REPORT_PARAMETERS)


def _redirect(url: URL, **report: str) -> RedirectResponse:
    url = url.include_query_params(**report) if report else url
    return RedirectResponse(f"{url.path}?{url.query}" if url.query else url.path, 303)


@router.post("/agent/lists/columns")
async def choose_columns(request: Request, caller: AgentPage, tx: TxDep) -> Response:
    form = await request.form()
    chosen = [value for value in form.getlist("columns") if isinstance(value, str)]
    try:
        await list_preferences.do_set_list_preference(tx, caller.actor, TICKET_LIST_COLUMNS, chosen)
    except DomainError as exc:
        return await agent_error_page(request, tx, caller, exc, "queues")
    return _redirect(back_url(form_text(form, "back")), done="columns")


@router.post("/agent/lists/density")
async def choose_density(request: Request, caller: AgentPage, tx: TxDep) -> Response:
    form = await request.form()
    density = form_text(form, "density")
    try:
        await list_preferences.do_set_list_preference(
            tx, caller.actor, TICKET_LIST_DENSITY, density
        )
    except DomainError as exc:
        return await agent_error_page(request, tx, caller, exc, "queues")
    return _redirect(back_url(form_text(form, "back")), done="density")
