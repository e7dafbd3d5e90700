"""Actions from the ticket zoom: note, owner, state, priority, move, lock.

Answers to the customer go out from the e-mail compose screen (email_compose.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from frontdesk.core.errors import DomainError, ValidationFailed
from frontdesk.domain.tickets import actions
from frontdesk.domain.tickets.schemas import (
    ArticleCreate,
    TicketUpdate,
)
from frontdesk.web.dependencies import AgentPage, Caller, TxDep
from frontdesk.web.pages.agent.common import gettext_for
from frontdesk.web.pages.agent.zoom import zoom_page
from frontdesk.web.pages.field_inputs import screen_fields, values_from_form
from frontdesk.web.pages.forms import (
    discard_refused_changes,
    errors_from_domain,
    errors_from_validation,
    form_text,
    form_values,
    local_input_to_utc,
    page_values,
    uploaded_attachments,
)

router = APIRouter(include_in_schema=False)

ZoomAction = Callable[[FormData], Awaitable[object]]


async def _zoom_action(
    request: Request, tx: TxDep, caller: Caller, ticket_id: int, name: str, perform: ZoomAction
) -> Response:
    """Run one zoom form: back to the zoom on success, the zoom with inline errors otherwise."""
    _ = gettext_for(caller)
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
    return await zoom_page(
        request, tx, caller, ticket_id, failed=failed, values=page_values(dict(form))
    )


async def _field_values(tx: TxDep, caller: Caller, form: FormData, screen: str) -> dict[str, Any]:
    """The ticket field values a zoom form sets (the fields enabled on ``screen``)."""
    _ = gettext_for(caller)
    return values_from_form(
        form,
        await screen_fields(tx.session, screen),
        screen,
        timezone=caller.actor.timezone,
        mandatory_message=_("This field is mandatory."),
        summary=_("Check the marked fields."),
    )


@router.post("/agent/tickets/{ticket_id}/fields")
async def edit_fields(ticket_id: int, request: Request, caller: AgentPage, tx: TxDep) -> Response:
    """The "Fields" dialog: every field enabled on the edit-fields screen, set or emptied."""

    async def perform(form: FormData) -> object:
        values = await _field_values(tx, caller, form, "agent_ticket_edit_fields")
        data = TicketUpdate(dynamic_fields=values)
        return await actions.do_update_ticket(tx, caller.actor, ticket_id, data)

    return await _zoom_action(request, tx, caller, ticket_id, "fields", perform)


@router.post("/agent/tickets/{ticket_id}/note")
async def add_note(ticket_id: int, request: Request, caller: AgentPage, tx: TxDep) -> Response:
    async def perform(form: FormData) -> object:
        values = await _field_values(tx, caller, form, "agent_ticket_note")
        if values:
            await actions.do_update_ticket(
                tx, caller.actor, ticket_id, TicketUpdate(dynamic_fields=values)
            )
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
