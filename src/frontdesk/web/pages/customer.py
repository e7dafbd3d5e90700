"""HTML pages of the customer interface: my tickets, a new ticket, a ticket with its replies.

Customers see only their own and their company's tickets and only the articles meant for them;
the tickets domain decides both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from frontdesk.core.errors import DomainError, NotFound
from frontdesk.core.pagination import PageRequest
from frontdesk.domain.tickets import actions, queries
from frontdesk.domain.tickets.access import access_ticket_by_id
from frontdesk.domain.tickets.schemas import ArticleCreate, TicketCreate
from frontdesk.web.dependencies import Caller, CustomerPage, TxDep
from frontdesk.web.pages.field_inputs import (
    field_inputs,
    screen_fields,
    shown_values,
    submitted_inputs,
    values_from_form,
)
from frontdesk.web.pages.forms import (
    FormErrors,
    discard_refused_changes,
    errors_from_domain,
    errors_from_validation,
    form_text,
    form_values,
    localtime_for,
    page_values,
    uploaded_attachments,
)
from frontdesk.web.templating import render, translations_for

router = APIRouter(include_in_schema=False)

# The customer screens whose dynamic fields the admin chooses.
CUSTOMER_NEW_SCREEN = "customer_ticket_new"
CUSTOMER_ZOOM_SCREEN = "customer_ticket_zoom"


def _gettext(caller: Caller) -> Callable[[str], str]:
    return translations_for(caller.actor.language).gettext


def _done_messages(caller: Caller) -> dict[str, str]:
    _ = _gettext(caller)
    return {"created": _("Your request has been received."), "reply": _("Reply sent.")}


def _page(
    request: Request,
    caller: Caller,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    done = request.query_params.get("done")
    values: dict[str, Any] = {
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


def _error_page(request: Request, caller: Caller, exc: DomainError) -> HTMLResponse:
    template = "customer/not_found.html" if isinstance(exc, NotFound) else "customer/error.html"
    return _page(request, caller, template, {"error": exc.message}, status_code=exc.status)


@router.get("/customer", response_class=HTMLResponse)
async def my_tickets(
    request: Request,
    caller: CustomerPage,
    tx: TxDep,
    limit: int | None = None,
    offset: int | None = None,
) -> HTMLResponse:
    try:
        page = await queries.customer_tickets(
            tx.session, caller.actor, PageRequest.build(limit, offset)
        )
    except DomainError as exc:
        return _error_page(request, caller, exc)
    return _page(request, caller, "customer/tickets.html", {"nav": "tickets", "page": page})


# --- new ticket -------------------------------------------------------------------------------


async def _new_ticket_page(
    request: Request,
    tx: TxDep,
    caller: Caller,
    *,
    values: dict[str, str] | None = None,
    submitted: dict[str, Any] | None = None,
    failed: FormErrors | None = None,
) -> HTMLResponse:
    _ = _gettext(caller)
    values = values or {}
    options = await queries.ticket_form_options(tx.session, caller.actor, None)
    inputs = field_inputs(
        await screen_fields(tx.session, CUSTOMER_NEW_SCREEN),
        CUSTOMER_NEW_SCREEN,
        submitted=submitted,
        errors=failed.fields if failed else None,
        timezone=caller.actor.timezone,
        blank_label=_("– none –"),
    )
    slas = await queries.customer_sla_choices(tx.session, _chosen_service(values))
    context = {
        "nav": "new",
        "options": options,
        "slas": slas,
        "values": values,
        "failed": failed,
        "field_inputs": inputs,
    }
    status = failed.status if failed else 200
    return _page(request, caller, "customer/ticket_new.html", context, status_code=status)


def _chosen_service(values: dict[str, str]) -> int | None:
    raw = values.get("service_id", "").strip()
    return int(raw) if raw.isdigit() and len(raw) <= 10 else None


@router.get("/customer/tickets/new", response_class=HTMLResponse)
async def new_ticket_form(request: Request, caller: CustomerPage, tx: TxDep) -> HTMLResponse:
    return await _new_ticket_page(request, tx, caller)


@router.get("/customer/tickets/new/slas", response_class=HTMLResponse)
async def sla_choices(
    request: Request, caller: CustomerPage, tx: TxDep, service_id: str = ""
) -> HTMLResponse:
    """The SLA field alone, for the chosen service (HTMX reloads it on a service change)."""
    values = {"service_id": service_id}
    slas = await queries.customer_sla_choices(tx.session, _chosen_service(values))
    context: dict[str, Any] = {"slas": slas, "values": {}, "failed": None}
    return _page(request, caller, "customer/_sla_field.html", context)


@router.post("/customer/tickets/new")
async def create_ticket(request: Request, caller: CustomerPage, tx: TxDep) -> Response:
    _ = _gettext(caller)
    form = await request.form()
    fields = form_values(form, ("title", "queue_id", "service_id", "sla_id"))
    try:
        field_values = values_from_form(
            form,
            await screen_fields(tx.session, CUSTOMER_NEW_SCREEN),
            CUSTOMER_NEW_SCREEN,
            timezone=caller.actor.timezone,
            mandatory_message=_("This field is mandatory."),
            summary=_("Check the marked fields."),
        )
        article = ArticleCreate(
            channel="email",
            sender="customer",
            subject=fields.get("title", ""),
            body=form_text(form, "body"),
            visible_for_customer=True,
            attachments=await uploaded_attachments(form),
        )
        data = TicketCreate.model_validate(
            {
                **fields,
                "article": article,
                "dynamic_fields": {k: v for k, v in field_values.items() if v is not None},
            }
        )
        ticket = await actions.do_create_ticket(tx, caller.actor, data)
    except ValidationError as exc:
        failed = errors_from_validation(exc, _("Check the marked fields."))
    except DomainError as exc:
        failed = errors_from_domain(exc)
    else:
        return RedirectResponse(f"/customer/tickets/{ticket.id}?done=created", status_code=303)
    await discard_refused_changes(tx, caller)
    return await _new_ticket_page(
        request,
        tx,
        caller,
        values=page_values(dict(form)),
        submitted=submitted_inputs(form),
        failed=failed,
    )


# --- ticket zoom ------------------------------------------------------------------------------


async def _zoom_page(
    request: Request,
    tx: TxDep,
    caller: Caller,
    ticket_id: int,
    *,
    failed: FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    try:
        ticket = await access_ticket_by_id(tx.session, caller.actor, ticket_id)
        ticket_view = await queries.ticket_out(tx.session, ticket, customer_view=True)
        zoom_fields = await screen_fields(tx.session, CUSTOMER_ZOOM_SCREEN)
        context = {
            "nav": "tickets",
            "ticket": ticket_view,
            "zoom_fields": shown_values(
                zoom_fields, ticket_view.dynamic_fields, caller.actor.timezone
            ),
            "articles": await queries.list_articles(tx.session, caller.actor, ticket),
            "failed": failed,
            "values": values or {},
        }
    except DomainError as exc:
        return _error_page(request, caller, exc)
    status = failed.status if failed else 200
    return _page(request, caller, "customer/ticket_zoom.html", context, status_code=status)


@router.get("/customer/tickets/{ticket_id}", response_class=HTMLResponse)
async def ticket_zoom(
    ticket_id: int, request: Request, caller: CustomerPage, tx: TxDep
) -> HTMLResponse:
    return await _zoom_page(request, tx, caller, ticket_id)


@router.post("/customer/tickets/{ticket_id}/reply")
async def add_reply(ticket_id: int, request: Request, caller: CustomerPage, tx: TxDep) -> Response:
    _ = _gettext(caller)
    form = await request.form()
    try:
        data = ArticleCreate(
            channel="email",
            sender="customer",
            subject=form_text(form, "subject"),
            body=form_text(form, "body"),
            visible_for_customer=True,
            attachments=await uploaded_attachments(form),
        )
        await actions.do_add_article(tx, caller.actor, ticket_id, data)
    except ValidationError as exc:
        failed = errors_from_validation(exc, _("Check the marked fields."), "reply")
    except DomainError as exc:
        failed = errors_from_domain(exc, "reply")
    else:
        return RedirectResponse(f"/customer/tickets/{ticket_id}?done=reply", status_code=303)
    await discard_refused_changes(tx, caller)
    return await _zoom_page(
        request, tx, caller, ticket_id, failed=failed, values=page_values(dict(form))
    )
