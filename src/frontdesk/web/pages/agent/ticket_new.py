"""The new phone ticket form."""

from __future__ import annotations

from typing import Any

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
from frontdesk.web.pages.field_inputs import (
    field_inputs,
    screen_fields,
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
    page_values,
    uploaded_attachments,
)

router = APIRouter(include_in_schema=False)

# --- new phone ticket -------------------------------------------------------------------------

NEW_TICKET_FIELDS = ("customer_user", "title", "queue_id", "state_id", "priority_id")
PHONE_SCREEN = "agent_ticket_phone"


async def _new_ticket_page(
    request: Request,
    tx: TxDep,
    caller: Caller,
    *,
    values: dict[str, str] | None = None,
    submitted: dict[str, Any] | None = None,
    failed: FormErrors | None = None,
) -> HTMLResponse:
    _ = gettext_for(caller)
    options = await queries.ticket_form_options(tx.session, caller.actor, None)
    fields = await screen_fields(tx.session, PHONE_SCREEN)
    context = {
        "nav": "new",
        "options": options,
        "values": values or {},
        "failed": failed,
        "field_inputs": field_inputs(
            fields,
            PHONE_SCREEN,
            submitted=submitted,
            errors=failed.fields if failed else None,
            timezone=caller.actor.timezone,
            blank_label=_("– none –"),
        ),
    }
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
    dynamic = await screen_fields(tx.session, PHONE_SCREEN)
    try:
        field_values = values_from_form(
            form,
            dynamic,
            PHONE_SCREEN,
            timezone=caller.actor.timezone,
            mandatory_message=_("This field is mandatory."),
            summary=_("Check the marked fields."),
        )
        article = ArticleCreate(
            channel="phone",
            sender="customer",
            subject=form_text(form, "subject") or fields.get("title", ""),
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
        return RedirectResponse(f"/agent/tickets/{ticket.id}?done=created", status_code=303)
    await discard_refused_changes(tx, caller)
    return await _new_ticket_page(
        request,
        tx,
        caller,
        values=page_values(dict(form)),
        submitted=submitted_inputs(form),
        failed=failed,
    )
