"""Ticket zoom: articles, timeline and the attachment overview."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from frontdesk.core.errors import DomainError, ValidationFailed
from frontdesk.domain.accounts.settings import ONLINE_MINUTES
from frontdesk.domain.dynamic_fields.contacts import linked_contacts
from frontdesk.domain.email.drafts import ticket_mail_info
from frontdesk.domain.tickets import actions, queries
from frontdesk.domain.tickets.access import access_ticket_by_id
from frontdesk.domain.tickets.attachment_overview import (
    attachment_overview,
    build_attachment_archive,
)
from frontdesk.domain.tickets.schemas import (
    ArticleOut,
    AttachmentArchiveRequest,
)
from frontdesk.domain.tickets.settings import (
    ATTACHMENTS_HIDE_INLINE,
    MAX_ARCHIVE_BYTES,
    TIMELINE_FILTER_DEFAULT,
    TIMELINE_VIEW_ENABLED,
    ZOOM_DEFAULT_VIEW,
)
from frontdesk.domain.tickets.timeline import EVENT_TYPES, parse_event_types, ticket_timeline
from frontdesk.web.dependencies import AgentPage, Caller, TxDep
from frontdesk.web.pages.agent.common import agent_error_page, agent_page, gettext_for
from frontdesk.web.pages.field_inputs import (
    described_texts,
    field_inputs,
    screen_fields,
    shown_values,
    submitted_inputs,
)
from frontdesk.web.pages.forms import (
    FormErrors,
    form_text,
)

router = APIRouter(include_in_schema=False)

# --- ticket zoom ------------------------------------------------------------------------------


ZOOM_VIEWS = ("one", "all", "timeline")
# The timeline page shows the newest events first and older ones on request ("Show older
# events"): a ticket with thousands of events stays fast to open.
TIMELINE_PAGE_ITEMS = 50
TIMELINE_MAX_SHOWN = 100_000
ZOOM_SCREEN = "agent_ticket_zoom"
# The zoom's forms that set ticket fields, and the screen each one's fields are enabled on.
FIELD_FORMS = {"fields": "agent_ticket_edit_fields", "note": "agent_ticket_note"}


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


async def _field_context(
    request: Request,
    tx: TxDep,
    caller: Caller,
    current: dict[str, Any],
    failed: FormErrors | None,
) -> dict[str, Any]:
    """The dynamic fields of the zoom: the values shown in the sidebar, and the inputs of the
    forms that set fields (edit fields, note), refilled after a refused post of that form."""
    _ = gettext_for(caller)
    zone = caller.actor.timezone
    shown = await screen_fields(tx.session, ZOOM_SCREEN)
    # A linked contact gets a box of its own instead of a line in the ticket information.
    contacts = await linked_contacts(tx.session, shown, current)
    boxed = {contact.field_name for contact in contacts}
    listed = [field for field in shown if field.name not in boxed]
    described = await described_texts(tx.session, listed, [current])
    context: dict[str, Any] = {
        "zoom_fields": shown_values(listed, current, zone, described),
        "zoom_contacts": contacts,
    }
    form = await request.form() if request.method == "POST" and failed else None
    for form_name, screen in FIELD_FORMS.items():
        fields = await screen_fields(tx.session, screen)
        refused_here = failed is not None and failed.form == form_name and form is not None
        context[f"{form_name}_field_inputs"] = field_inputs(
            fields,
            screen,
            current=current,
            submitted=submitted_inputs(form) if refused_here and form else None,
            errors=failed.fields if refused_here and failed else None,
            timezone=zone,
            blank_label=_("– none –"),
        )
    return context


def _answered_article_id(articles: Iterable[ArticleOut]) -> int | None:
    """The article the header's "Reply" answers: the customer's newest one, else the newest
    the customer saw; None (a fresh e-mail to the customer) when there is neither."""
    visible = sorted(
        (a for a in articles if a.visible_for_customer), key=lambda a: (a.created_at, a.id)
    )
    from_customer = [a for a in visible if a.sender == "customer"]
    chosen = from_customer or visible
    return chosen[-1].id if chosen else None


def _reply_url(ticket_id: int, article_id: int | None) -> str:
    if article_id is None:
        return f"/agent/tickets/{ticket_id}/email"
    return f"/agent/tickets/{ticket_id}/email?mode=reply&article_id={article_id}"


async def zoom_page(
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
        ticket_view = await queries.ticket_out(tx.session, ticket)
        context: dict[str, Any] = {
            "nav": "queues",
            "view": view,
            "timeline_enabled": tx.setting(TIMELINE_VIEW_ENABLED),
            "ticket": ticket_view,
            **await _field_context(request, tx, caller, ticket_view.dynamic_fields, failed),
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
            context["article_mail"] = await ticket_mail_info(tx.session, ticket.id)
            # Only the shown (newest) events' articles are loaded: the answer is among them.
            answered = _answered_article_id(context["timeline"].articles.values())
            newly_seen = [i.article_id for i in context["timeline"].items if i.unread]
        else:
            context["history"] = await queries.ticket_history(tx.session, ticket)
            articles = await queries.list_articles(tx.session, caller.actor, ticket)
            context["articles"] = articles
            context["article_mail"] = await ticket_mail_info(tx.session, ticket.id)
            # Read before marking: the articles new to the agent keep their marker this once.
            context["unread_ids"] = await queries.unread_article_ids(
                tx.session, caller.actor, ticket.id, [a.id for a in articles]
            )
            answered = _answered_article_id(articles)
            shown_articles = articles
            if view == "one" and articles:
                wanted = params.get("article_id", "")
                context["article"] = next(
                    (a for a in articles if str(a.id) == wanted), articles[-1]
                )
                shown_articles = [context["article"]]
            newly_seen = [a.id for a in shown_articles if a.id in context["unread_ids"]]
        context["reply_url"] = _reply_url(ticket.id, answered)
        await actions.do_mark_articles_seen(tx, caller.actor, ticket.id, newly_seen)
    except DomainError as exc:
        return await agent_error_page(request, tx, caller, exc, "queues")
    status = failed.status if failed else 200
    return await agent_page(
        request, tx, caller, "agent/ticket_zoom.html", context, status_code=status
    )


@router.get("/agent/tickets/{ticket_id}", response_class=HTMLResponse)
async def ticket_zoom(
    ticket_id: int, request: Request, caller: AgentPage, tx: TxDep
) -> HTMLResponse:
    """The ticket zoom in the view of ``?view=one|all|timeline`` (the last used one sticks);
    the timeline takes ``?types=`` as its filter."""
    return await zoom_page(request, tx, caller, ticket_id)


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
        return await agent_error_page(request, tx, caller, exc, "queues")
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
        return await agent_error_page(request, tx, caller, exc, "queues")
    context = {
        "nav": "queues",
        "ticket": overview.ticket,
        "rows": overview.rows,
        "hide_inline": tx.setting(ATTACHMENTS_HIDE_INLINE, caller.actor),
        "error": error.message if error else None,
    }
    status = error.status if error else 200
    return await agent_page(
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
    _ = gettext_for(caller)
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
