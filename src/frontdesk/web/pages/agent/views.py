"""How an agent's ticket lists look and which they keep: the columns shown, the density, and
saved views (a queue view's filter and sort under a name). Every form comes back to the list
it was sent from."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import URL

from frontdesk.core.errors import DomainError
from frontdesk.domain.tickets import list_preferences, saved_views
from frontdesk.domain.tickets.settings import TICKET_LIST_COLUMNS, TICKET_LIST_DENSITY
from frontdesk.web.dependencies import AgentPage, Caller, TxDep
from frontdesk.web.pages.agent.common import agent_error_page, gettext_for
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


def saved_view_errors(caller: Caller) -> dict[str, str]:
    """The messages the queue view shows for ``view_error``, by the domain's error code."""
    _ = gettext_for(caller)
    return {
        "saved_view_name_length": _("The name must have 1 to 60 characters."),
        "saved_view_name_characters": _("The name must not contain control characters."),
        "saved_view_name_taken": _("You already have a saved view of this name."),
        "saved_view_too_many": _("You can keep at most 100 saved views."),
        "saved_view_value_too_long": _("A filter value is too long to save."),
    }


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


@router.post("/agent/views")
async def save_view(request: Request, caller: AgentPage, tx: TxDep) -> Response:
    form = await request.form()
    back = back_url(form_text(form, "back"))
    try:
        await saved_views.do_create_saved_view(
            tx, caller.actor, form_text(form, "name"), back.query
        )
    except DomainError as exc:
        if exc.code in saved_view_errors(caller):
            # Back to the list, whose Save view form shows what was wrong.
            return _redirect(back, view_error=exc.code)
        return await agent_error_page(request, tx, caller, exc, "queues")
    return _redirect(back, done="view_saved")


@router.post("/agent/views/{view_id}/delete")
async def delete_view(view_id: int, request: Request, caller: AgentPage, tx: TxDep) -> Response:
    form = await request.form()
    try:
        await saved_views.do_delete_saved_view(tx, caller.actor, view_id)
    except DomainError as exc:
        return await agent_error_page(request, tx, caller, exc, "queues")
    return _redirect(back_url(form_text(form, "back")), done="view_deleted")
