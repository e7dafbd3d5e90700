"""The new phone ticket form."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from frontdesk.core.errors import DomainError
from frontdesk.domain.tickets import actions, queries
from frontdesk.domain.tickets.schemas import (
    ArticleCreate,
    TicketCreate,
)
from frontdesk.web.dependencies import AgentPage, Caller, TxDep
from frontdesk.web.pages.agent.common import agent_page, gettext_for
from frontdesk.web.pages.forms import (
    FormErrors,
    discard_refused_changes,
    errors_from_domain,
    errors_from_validation,
    form_text,
    form_values,
    page_values,
    uploaded_attachments,
)

router = APIRouter(include_in_schema=False)

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
    return await agent_page(
        request, tx, caller, "agent/ticket_new.html", context, status_code=status
    )


@router.get("/agent/tickets/new", response_class=HTMLResponse)
async def new_ticket_form(request: Request, caller: AgentPage, tx: TxDep) -> HTMLResponse:
    return await _new_ticket_page(request, tx, caller)


@router.post("/agent/tickets/new")
async def create_ticket(request: Request, caller: AgentPage, tx: TxDep) -> Response:
    _ = gettext_for(caller)
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
