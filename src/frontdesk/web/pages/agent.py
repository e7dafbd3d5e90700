"""HTML pages of the agent interface: dashboard, queues, ticket zoom and its actions, search,
customer information, preferences.

Every route parses its input, makes one domain call and renders or redirects. What an agent may
do is decided by the domain; a refusal comes back as an inline message with its status code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import available_timezones

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from frontdesk.core.errors import DomainError, NotFound, ValidationFailed
from frontdesk.core.pagination import PageRequest
from frontdesk.domain.accounts import access as account_access
from frontdesk.domain.accounts import actions as account_actions
from frontdesk.domain.accounts import queries as account_queries
from frontdesk.domain.accounts.schemas import KNOWN_LANGUAGES, PasswordChange, PreferencesInput
from frontdesk.domain.accounts.settings import ONLINE_MINUTES, THEMES
from frontdesk.domain.chat import queries as chat_queries
from frontdesk.domain.tickets import actions, queries
from frontdesk.domain.tickets.access import access_ticket_by_id
from frontdesk.domain.tickets.attachment_overview import (
    attachment_overview,
    build_attachment_archive,
)
from frontdesk.domain.tickets.schemas import (
    MAX_ID,
    ArticleCreate,
    AttachmentArchiveRequest,
    TicketCreate,
    TicketSearch,
    TicketUpdate,
)
from frontdesk.domain.tickets.settings import (
    ATTACHMENTS_HIDE_INLINE,
    MAX_ARCHIVE_BYTES,
    QUEUE_VIEW_PAGE_SIZE,
    SEARCH_PAGE_SIZE,
    TIMELINE_FILTER_DEFAULT,
    TIMELINE_VIEW_ENABLED,
    ZOOM_DEFAULT_VIEW,
)
from frontdesk.domain.tickets.timeline import EVENT_TYPES, parse_event_types, ticket_timeline
from frontdesk.web.dependencies import AgentPage, Caller, TxDep
from frontdesk.web.pages.forms import (
    FormErrors,
    discard_refused_changes,
    errors_from_domain,
    errors_from_validation,
    form_text,
    form_values,
    local_input_to_utc,
    localtime_for,
    optional_id,
    page_values,
    uploaded_attachments,
)
from frontdesk.web.templating import render, translations_for

router = APIRouter(include_in_schema=False)


@cache
def _timezones() -> list[str]:
    return sorted(available_timezones())


def _gettext(caller: Caller) -> Callable[[str], str]:
    return translations_for(caller.actor.language).gettext


def _done_messages(caller: Caller) -> dict[str, str]:
    _ = _gettext(caller)
    return {
        "created": _("Ticket created."),
        "note": _("Note added."),
        "reply": _("Reply sent."),
        "owner": _("Owner changed."),
        "state": _("State changed."),
        "priority": _("Priority changed."),
        "move": _("Ticket moved."),
        "lock": _("Lock changed."),
        "preferences": _("Preferences saved."),
        "password": _("Password changed."),
    }


async def _page(
    request: Request,
    tx: TxDep,
    caller: Caller,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    done = request.query_params.get("done")
    values: dict[str, Any] = {
        "is_admin": await account_access.is_admin(tx.session, caller.actor),
        "localtime": localtime_for(caller.actor),
        "flash": _done_messages(caller).get(done) if done else None,
        **context,
    }
    return render(
        request,
        template,
        values,
        actor=caller.actor,
        csrf_token=caller.token.csrf_token,
        status_code=status_code,
    )


async def _error_page(
    request: Request, tx: TxDep, caller: Caller, exc: DomainError, nav: str = ""
) -> HTMLResponse:
    template = "agent/not_found.html" if isinstance(exc, NotFound) else "agent/error.html"
    return await _page(
        request, tx, caller, template, {"nav": nav, "error": exc.message}, status_code=exc.status
    )


# --- dashboard --------------------------------------------------------------------------------


@router.get("/agent", response_class=HTMLResponse)
async def dashboard(request: Request, caller: AgentPage, tx: TxDep) -> HTMLResponse:
    context = await _dashboard_context(tx, caller)
    return await _page(request, tx, caller, "agent/dashboard.html", {"nav": "dashboard", **context})


@router.get("/agent/dashboard/panels", response_class=HTMLResponse)
async def dashboard_panels(request: Request, caller: AgentPage, tx: TxDep) -> HTMLResponse:
    """The dashboard's panels alone, polled by HTMX."""
    context = await _dashboard_context(tx, caller)
    return await _page(request, tx, caller, "agent/_dashboard_panels.html", context)


async def _dashboard_context(tx: TxDep, caller: Caller) -> dict[str, Any]:
    board = await queries.dashboard(
        tx.session, caller.actor, online_minutes=tx.setting(ONLINE_MINUTES)
    )
    # CH-13: a chat control only for the online agents one can chat with now.
    partners = await chat_queries.chat_partner_ids(
        tx, caller.actor, [agent.id for agent in board.online_agents]
    )
    return {"board": board, "chat_partner_ids": partners}


# --- queue view -------------------------------------------------------------------------------


LIST_STATE_GROUPS = ("open", "new", "pending", "closed", "all")


def _whole_number(text: str, low: int, high: int) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and low <= int(text) <= high else None


def _list_view(
    params: dict[str, str],
    caller: Caller,
    state_names: list[str],
    priority_ids: set[int],
) -> tuple[queries.TicketListView, list[str]]:
    """The queue view's sort and filters from the URL; a bad value is dropped with a message."""
    _ = _gettext(caller)
    problems: list[str] = []
    view: dict[str, Any] = {}
    sort = params.get("sort", "")
    if sort in queries.TICKET_SORT_COLUMNS:
        view["sort"] = sort
    elif sort:
        problems.append(_("Unknown sort column; sorted by age."))
    order = params.get("order", "")
    if order in ("asc", "desc"):
        view["descending"] = order == "desc"
    elif order:
        problems.append(_("The order must be asc or desc; sorted ascending."))
    state = params.get("state", "")
    if state in LIST_STATE_GROUPS or state in state_names:
        view["state"] = state
    elif state:
        problems.append(_("Unknown state; showing open tickets."))
    priority = params.get("priority", "")
    priority_id = _whole_number(priority, 1, MAX_ID)
    if priority_id in priority_ids:
        view["priority_id"] = priority_id
    elif priority:
        problems.append(_("Unknown priority; showing every priority."))
    owner = params.get("owner", "")
    if owner == "me":
        view["owner_id"] = caller.actor.id
    elif owner == "unassigned":
        view["owner_id"] = queries.UNASSIGNED_OWNER_ID
    elif (owner_id := _whole_number(owner, 1, MAX_ID)) is not None:
        view["owner_id"] = owner_id
    elif owner:
        problems.append(_("The owner must be me, unassigned or an agent id; showing every owner."))
    lock = params.get("lock", "")
    if lock in ("locked", "unlocked"):
        view["locked"] = lock == "locked"
    elif lock:
        problems.append(_("The lock must be locked or unlocked; showing both."))
    age = params.get("age", "")
    hours = _whole_number(age, 0, queries.MAX_AGE_HOURS)
    if hours is not None:
        view["older_than_hours"] = hours
    elif age:
        problems.append(_("The age must be a whole number of hours; showing every age."))
    return queries.TicketListView(**view), problems


def _sort_links(request: Request, view: queries.TicketListView) -> dict[str, dict[str, str]]:
    """For each sortable column: the URL that sorts by it (toggling the order when it is the
    current column, back to the first page) and its aria-sort value."""
    links: dict[str, dict[str, str]] = {}
    for column in queries.TICKET_SORT_COLUMNS:
        current = view.sort == column
        order = "asc" if current and view.descending else ("desc" if current else "asc")
        url = request.url.remove_query_params("offset").include_query_params(
            sort=column, order=order
        )
        aria = ("descending" if view.descending else "ascending") if current else ""
        links[column] = {"href": f"{url.path}?{url.query}", "aria_sort": aria}
    return links


@router.get("/agent/queues", response_class=HTMLResponse)
async def queue_view(
    request: Request,
    caller: AgentPage,
    tx: TxDep,
    queue_id: int | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> HTMLResponse:
    params = {
        name: request.query_params.get(name, "")
        for name in ("sort", "order", "state", "priority", "owner", "lock", "age")
    }
    try:
        page_size = limit if limit is not None else tx.setting(QUEUE_VIEW_PAGE_SIZE, caller.actor)
        page_request = PageRequest.build(page_size, offset)
        queues = await queries.queue_overview(tx.session, caller.actor)
        state_names, priorities = await queries.ticket_list_choices(tx.session)
        view, problems = _list_view(params, caller, state_names, {p.id for p in priorities})
        page = await queries.queue_tickets(
            tx.session, caller.actor, queue_id, page_request, view=view
        )
    except DomainError as exc:
        return await _error_page(request, tx, caller, exc, "queues")
    current = next((q for q in queues if q.id == queue_id), None)
    context = {
        "nav": "queues",
        "queues": queues,
        "queue_id": queue_id,
        "current": current,
        "list_view": view,
        "list_params": params,
        "list_problems": problems,
        "list_states": state_names,
        "list_state_groups": LIST_STATE_GROUPS,
        "list_priorities": priorities,
        "sort_links": _sort_links(request, view),
    }
    return await _page(request, tx, caller, "agent/queues.html", {**context, "page": page})


# --- new phone ticket -------------------------------------------------------------------------

NEW_TICKET_FIELDS = ("customer_user", "title", "queue_id", "state_id", "priority_id")


async def _new_ticket_page(
    request: Request,
    tx: TxDep,
    caller: Caller,
    *,
    values: dict[str, str] | None = None,
    failed: FormErrors | None = None,
) -> HTMLResponse:
    options = await queries.ticket_form_options(tx.session, caller.actor, None)
    context = {"nav": "new", "options": options, "values": values or {}, "failed": failed}
    status = failed.status if failed else 200
    return await _page(request, tx, caller, "agent/ticket_new.html", context, status_code=status)


@router.get("/agent/tickets/new", response_class=HTMLResponse)
async def new_ticket_form(request: Request, caller: AgentPage, tx: TxDep) -> HTMLResponse:
    return await _new_ticket_page(request, tx, caller)


@router.post("/agent/tickets/new")
async def create_ticket(request: Request, caller: AgentPage, tx: TxDep) -> Response:
    _ = _gettext(caller)
    form = await request.form()
    fields = form_values(form, NEW_TICKET_FIELDS)
    try:
        article = ArticleCreate(
            channel="phone",
            sender="customer",
            subject=form_text(form, "subject") or fields.get("title", ""),
            body=form_text(form, "body"),
            visible_for_customer=True,
            attachments=await uploaded_attachments(form),
        )
        data = TicketCreate.model_validate({**fields, "article": article})
        ticket = await actions.do_create_ticket(tx, caller.actor, data)
    except ValidationError as exc:
        failed = errors_from_validation(exc, _("Check the marked fields."))
    except DomainError as exc:
        failed = errors_from_domain(exc)
    else:
        return RedirectResponse(f"/agent/tickets/{ticket.id}?done=created", status_code=303)
    await discard_refused_changes(tx, caller)
    return await _new_ticket_page(
        request, tx, caller, values=page_values(dict(form)), failed=failed
    )


# --- ticket zoom ------------------------------------------------------------------------------


ZOOM_VIEWS = ("one", "all", "timeline")
# The timeline page shows the newest events first and older ones on request ("Show older
# events"): a ticket with thousands of events stays fast to open.
TIMELINE_PAGE_ITEMS = 50
TIMELINE_MAX_SHOWN = 100_000


def _shown_items(raw: str) -> int:
    shown = int(raw) if raw.isdigit() and len(raw) <= 6 else TIMELINE_PAGE_ITEMS
    return min(max(shown, TIMELINE_PAGE_ITEMS), TIMELINE_MAX_SHOWN)


def _requested_types(request: Request) -> list[str] | None:
    """The timeline filter of the URL: None when absent (the agent's default applies)."""
    if "types" not in request.query_params:
        return None
    return request.query_params.getlist("types")


async def _zoom_view(tx: TxDep, caller: Caller, requested: str | None, *, remember: bool) -> str:
    """The view to show: the one asked for (remembered as the agent's default unless
    ``remember`` is off), else the agent's default; the timeline only while it is enabled."""
    timeline_enabled = tx.setting(TIMELINE_VIEW_ENABLED)
    if requested in ZOOM_VIEWS and (requested != "timeline" or timeline_enabled):
        if remember:
            await actions.do_set_zoom_preference(tx, caller.actor, ZOOM_DEFAULT_VIEW, requested)
        return requested
    view = str(tx.setting(ZOOM_DEFAULT_VIEW, caller.actor))
    return "all" if view == "timeline" and not timeline_enabled else view


async def _zoom_page(
    request: Request,
    tx: TxDep,
    caller: Caller,
    ticket_id: int,
    *,
    failed: FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    params = request.query_params if request.method == "GET" else {}
    try:
        ticket = await access_ticket_by_id(tx.session, caller.actor, ticket_id)
        # Links that open an article elsewhere ("Open article") pass remember=0: following
        # them is not choosing a view, so the agent's default stays.
        remember = params.get("remember") != "0"
        view = await _zoom_view(tx, caller, params.get("view"), remember=remember)
        context: dict[str, Any] = {
            "nav": "queues",
            "view": view,
            "timeline_enabled": tx.setting(TIMELINE_VIEW_ENABLED),
            "ticket": await queries.ticket_out(tx.session, ticket),
            "options": await queries.ticket_form_options(tx.session, caller.actor, ticket),
            "customer_online": await queries.ticket_customer_online(
                tx.session, ticket, online_minutes=tx.setting(ONLINE_MINUTES)
            ),
            "failed": failed,
            "values": values or {},
        }
        if view == "timeline":  # the timeline shows the history itself
            shown = _shown_items(params.get("shown", ""))
            context["timeline"] = await ticket_timeline(
                tx.session,
                caller.actor,
                ticket_id,
                _requested_types(request) if request.method == "GET" else None,
                tx.setting(TIMELINE_FILTER_DEFAULT, caller.actor),
                max_items=shown,
                with_articles=True,
            )
            context["event_types"] = list(EVENT_TYPES.values())
            context["shown"] = shown
            context["shown_step"] = TIMELINE_PAGE_ITEMS
            newly_seen = [i.article_id for i in context["timeline"].items if i.unread]
        else:
            context["history"] = await queries.ticket_history(tx.session, ticket)
            articles = await queries.list_articles(tx.session, caller.actor, ticket)
            context["articles"] = articles
            # Read before marking: the articles new to the agent keep their marker this once.
            context["unread_ids"] = await queries.unread_article_ids(
                tx.session, caller.actor, ticket.id, [a.id for a in articles]
            )
            shown_articles = articles
            if view == "one" and articles:
                wanted = params.get("article_id", "")
                context["article"] = next(
                    (a for a in articles if str(a.id) == wanted), articles[-1]
                )
                shown_articles = [context["article"]]
            newly_seen = [a.id for a in shown_articles if a.id in context["unread_ids"]]
        await actions.do_mark_articles_seen(tx, caller.actor, ticket.id, newly_seen)
    except DomainError as exc:
        return await _error_page(request, tx, caller, exc, "queues")
    status = failed.status if failed else 200
    return await _page(request, tx, caller, "agent/ticket_zoom.html", context, status_code=status)


@router.get("/agent/tickets/{ticket_id}", response_class=HTMLResponse)
async def ticket_zoom(
    ticket_id: int, request: Request, caller: AgentPage, tx: TxDep
) -> HTMLResponse:
    """The ticket zoom in the view of ``?view=one|all|timeline`` (the last used one sticks);
    the timeline takes ``?types=`` as its filter."""
    return await _zoom_page(request, tx, caller, ticket_id)


@router.post("/agent/tickets/{ticket_id}/timeline/filter")
async def set_timeline_filter(
    ticket_id: int, request: Request, caller: AgentPage, tx: TxDep
) -> Response:
    """Apply the chosen event types (optionally saved as the agent's default) and go back to
    the timeline. Unknown types are not saved but stay in the address, so the timeline names
    them in its notice."""
    form = await request.form()
    try:
        await access_ticket_by_id(tx.session, caller.actor, ticket_id)
    except DomainError as exc:
        return await _error_page(request, tx, caller, exc, "queues")
    chosen, ignored = parse_event_types(v for v in form.getlist("types") if isinstance(v, str))
    if form_text(form, "save_default"):
        await actions.do_set_zoom_preference(tx, caller.actor, TIMELINE_FILTER_DEFAULT, chosen)
    named = chosen + ignored
    query = urlencode([("view", "timeline")] + [("types", t) for t in named or [""]])
    return RedirectResponse(f"/agent/tickets/{ticket_id}?{query}", status_code=303)


# --- attachment overview ----------------------------------------------------------------------


async def _attachments_page(
    request: Request, tx: TxDep, caller: Caller, ticket_id: int, *, error: DomainError | None = None
) -> HTMLResponse:
    try:
        overview = await attachment_overview(tx.session, caller.actor, ticket_id)
    except DomainError as exc:
        return await _error_page(request, tx, caller, exc, "queues")
    context = {
        "nav": "queues",
        "ticket": overview.ticket,
        "rows": overview.rows,
        "hide_inline": tx.setting(ATTACHMENTS_HIDE_INLINE, caller.actor),
        "error": error.message if error else None,
    }
    status = error.status if error else 200
    return await _page(
        request, tx, caller, "agent/ticket_attachments.html", context, status_code=status
    )


@router.get("/agent/tickets/{ticket_id}/attachments", response_class=HTMLResponse)
async def ticket_attachments(
    ticket_id: int, request: Request, caller: AgentPage, tx: TxDep
) -> HTMLResponse:
    return await _attachments_page(request, tx, caller, ticket_id)


@router.post("/agent/tickets/{ticket_id}/attachments/inline")
async def set_inline_hidden(
    ticket_id: int, request: Request, caller: AgentPage, tx: TxDep
) -> Response:
    """Remember whether the agent hides inline attachments in the overview."""
    form = await request.form()
    hide = form_text(form, "hide_inline") == "1"
    await actions.do_set_zoom_preference(tx, caller.actor, ATTACHMENTS_HIDE_INLINE, hide)
    if request.headers.get("HX-Request") or request.headers.get("X-Requested-With"):
        return Response(status_code=204)
    return RedirectResponse(f"/agent/tickets/{ticket_id}/attachments", status_code=303)


@router.post("/agent/tickets/{ticket_id}/attachments/archive")
async def download_attachment_archive(
    ticket_id: int, request: Request, caller: AgentPage, tx: TxDep
) -> Response:
    """The checked attachments as one ZIP; a refusal shows the overview with the reason."""
    _ = _gettext(caller)
    form = await request.form()
    raw = [v for v in form.getlist("attachment_id") if isinstance(v, str)]
    try:
        data = AttachmentArchiveRequest.model_validate({"attachment_ids": raw})
        archive = await build_attachment_archive(
            tx.session, caller.actor, ticket_id, data.attachment_ids, tx.setting(MAX_ARCHIVE_BYTES)
        )
    except ValidationError:
        message = _("Choose at least one attachment.")
        return await _attachments_page(
            request, tx, caller, ticket_id, error=ValidationFailed("attachment_ids", message)
        )
    except DomainError as exc:
        return await _attachments_page(request, tx, caller, ticket_id, error=exc)
    return Response(
        content=archive.content,
        headers={
            "Content-Type": "application/zip",
            "Content-Disposition": f'attachment; filename="{archive.filename}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


ZoomAction = Callable[[FormData], Awaitable[object]]


async def _zoom_action(
    request: Request, tx: TxDep, caller: Caller, ticket_id: int, name: str, perform: ZoomAction
) -> Response:
    """Run one zoom form: back to the zoom on success, the zoom with inline errors otherwise."""
    _ = _gettext(caller)
    form = await request.form()
    try:
        await perform(form)
    except ValidationError as exc:
        failed = errors_from_validation(exc, _("Check the marked fields."), name)
    except DomainError as exc:
        failed = errors_from_domain(exc, name)
    else:
        return RedirectResponse(f"/agent/tickets/{ticket_id}?done={name}", status_code=303)
    # Nothing of a refused action may be stored, whatever the action did before it refused.
    await discard_refused_changes(tx, caller)
    return await _zoom_page(
        request, tx, caller, ticket_id, failed=failed, values=page_values(dict(form))
    )


@router.post("/agent/tickets/{ticket_id}/note")
async def add_note(ticket_id: int, request: Request, caller: AgentPage, tx: TxDep) -> Response:
    async def perform(form: FormData) -> object:
        data = ArticleCreate(
            channel="internal",
            sender="agent",
            subject=form_text(form, "subject"),
            body=form_text(form, "body"),
            visible_for_customer=False,
            attachments=await uploaded_attachments(form),
        )
        return await actions.do_add_article(tx, caller.actor, ticket_id, data)

    return await _zoom_action(request, tx, caller, ticket_id, "note", perform)


@router.post("/agent/tickets/{ticket_id}/reply")
async def add_reply(ticket_id: int, request: Request, caller: AgentPage, tx: TxDep) -> Response:
    async def perform(form: FormData) -> object:
        data = ArticleCreate.model_validate(
            {
                "channel": form_text(form, "channel") or "email",
                "sender": "agent",
                "subject": form_text(form, "subject"),
                "body": form_text(form, "body"),
                "visible_for_customer": True,
                "attachments": await uploaded_attachments(form),
            }
        )
        if data.channel not in ("email", "phone"):
            raise ValidationFailed("channel", "A reply goes out by email or phone.")
        return await actions.do_add_article(tx, caller.actor, ticket_id, data)

    return await _zoom_action(request, tx, caller, ticket_id, "reply", perform)


async def _change_ticket(
    request: Request,
    tx: TxDep,
    caller: Caller,
    ticket_id: int,
    name: str,
    fields: tuple[str, ...],
) -> Response:
    """A zoom form that changes ticket attributes through ``do_update_ticket``."""

    async def perform(form: FormData) -> object:
        values: dict[str, Any] = form_values(form, fields)
        if "pending_until" in values:
            values["pending_until"] = local_input_to_utc(
                values["pending_until"], caller.actor.timezone, "pending_until"
            )
        data = TicketUpdate.model_validate(values)
        if not data.model_fields_set:
            raise ValidationFailed(fields[0], "Choose a value.")
        return await actions.do_update_ticket(tx, caller.actor, ticket_id, data)

    return await _zoom_action(request, tx, caller, ticket_id, name, perform)


@router.post("/agent/tickets/{ticket_id}/owner")
async def change_owner(ticket_id: int, request: Request, caller: AgentPage, tx: TxDep) -> Response:
    return await _change_ticket(request, tx, caller, ticket_id, "owner", ("owner_id",))


@router.post("/agent/tickets/{ticket_id}/state")
async def change_state(ticket_id: int, request: Request, caller: AgentPage, tx: TxDep) -> Response:
    fields = ("state_id", "pending_until")
    return await _change_ticket(request, tx, caller, ticket_id, "state", fields)


@router.post("/agent/tickets/{ticket_id}/priority")
async def change_priority(
    ticket_id: int, request: Request, caller: AgentPage, tx: TxDep
) -> Response:
    return await _change_ticket(request, tx, caller, ticket_id, "priority", ("priority_id",))


@router.post("/agent/tickets/{ticket_id}/move")
async def move_ticket(ticket_id: int, request: Request, caller: AgentPage, tx: TxDep) -> Response:
    return await _change_ticket(request, tx, caller, ticket_id, "move", ("queue_id",))


@router.post("/agent/tickets/{ticket_id}/lock")
async def change_lock(ticket_id: int, request: Request, caller: AgentPage, tx: TxDep) -> Response:
    """Lock or unlock, as the form's hidden ``lock`` field says."""
    return await _change_ticket(request, tx, caller, ticket_id, "lock", ("lock",))


# --- search -----------------------------------------------------------------------------------


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
    _ = _gettext(caller)
    values = {"query": query, "state": state, "queue_id": queue_id}
    context: dict[str, Any] = {"nav": "search", "values": values, "page": None, "failed": None}
    status = 200
    try:
        context["options"] = await queries.ticket_form_options(tx.session, caller.actor, None)
        if "query" in request.query_params:
            criteria = TicketSearch(
                query=query.strip() or None,
                state=None if state == "any" else state,
                queue_id=optional_id(queue_id, "queue_id"),
            )
            context["page"] = await queries.search_tickets(
                tx.session,
                caller.actor,
                criteria,
                PageRequest.build(
                    limit if limit is not None else tx.setting(SEARCH_PAGE_SIZE, caller.actor),
                    offset,
                ),
            )
    except ValidationError as exc:
        context["failed"] = errors_from_validation(exc, _("Check the marked fields."))
        status = 422
    except DomainError as exc:
        context["failed"] = errors_from_domain(exc)
        status = exc.status
    return await _page(request, tx, caller, "agent/search.html", context, status_code=status)


# --- customer information center --------------------------------------------------------------


@router.get("/agent/customers", response_class=HTMLResponse)
async def customers(request: Request, caller: AgentPage, tx: TxDep, login: str = "") -> Response:
    if login.strip():
        return RedirectResponse(f"/agent/customers/{quote(login.strip(), safe='')}", 303)
    return await _page(request, tx, caller, "agent/customers.html", {"nav": "customers"})


@router.get("/agent/customers/{login}", response_class=HTMLResponse)
async def customer_detail(
    login: str, request: Request, caller: AgentPage, tx: TxDep
) -> HTMLResponse:
    try:
        info = await queries.customer_info(
            tx.session, caller.actor, login, online_minutes=tx.setting(ONLINE_MINUTES)
        )
    except DomainError as exc:
        return await _error_page(request, tx, caller, exc, "customers")
    return await _page(
        request, tx, caller, "agent/customer.html", {"nav": "customers", "info": info}
    )


# --- preferences ------------------------------------------------------------------------------


async def _preferences_page(
    request: Request,
    tx: TxDep,
    caller: Caller,
    *,
    failed: FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    context = {
        "nav": "preferences",
        "languages": KNOWN_LANGUAGES,
        "timezones": _timezones(),
        "themes": THEMES,
        "locale": await account_queries.own_locale(tx.session, caller.actor, tx.runtime.config),
        "failed": failed,
        "values": values or {},
    }
    status = failed.status if failed else 200
    return await _page(request, tx, caller, "agent/preferences.html", context, status_code=status)


@router.get("/agent/preferences", response_class=HTMLResponse)
async def preferences(request: Request, caller: AgentPage, tx: TxDep) -> HTMLResponse:
    return await _preferences_page(request, tx, caller)


@router.post("/agent/preferences")
async def save_preferences(request: Request, caller: AgentPage, tx: TxDep) -> Response:
    _ = _gettext(caller)
    form = await request.form()
    try:
        data = PreferencesInput.model_validate(form_values(form, ("language", "timezone", "theme")))
        await account_actions.do_update_preferences(tx, caller.actor, data)
    except ValidationError as exc:
        failed = errors_from_validation(exc, _("Check the marked fields."), "preferences")
    except DomainError as exc:
        failed = errors_from_domain(exc, "preferences")
    else:
        return RedirectResponse("/agent/preferences?done=preferences", status_code=303)
    await discard_refused_changes(tx, caller)
    return await _preferences_page(
        request, tx, caller, failed=failed, values=page_values(dict(form))
    )


@router.post("/agent/preferences/password")
async def change_password(request: Request, caller: AgentPage, tx: TxDep) -> Response:
    _ = _gettext(caller)
    form = await request.form()
    # Passwords are taken as typed: spaces count.
    current = form.get("current_password")
    new = form.get("new_password")
    repeat = form.get("new_password_repeat")
    try:
        if new != repeat:
            raise ValidationFailed("new_password_repeat", _("The two new passwords differ."))
        data = PasswordChange(
            current_password=current if isinstance(current, str) else "",
            new_password=new if isinstance(new, str) else "",
        )
        await account_actions.do_change_password(tx, caller.actor, data)
    except ValidationError as exc:
        failed = errors_from_validation(exc, _("Check the marked fields."), "password")
    except DomainError as exc:
        failed = errors_from_domain(exc, "password")
    else:
        return RedirectResponse("/agent/preferences?done=password", status_code=303)
    await discard_refused_changes(tx, caller)
    return await _preferences_page(request, tx, caller, failed=failed)
