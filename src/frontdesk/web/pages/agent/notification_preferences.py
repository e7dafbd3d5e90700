"""The agent's notification preferences and "My queues": two cards of the preferences page,
loaded into it (``/agent/preferences``) like the chat's channel card."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from frontdesk.core.errors import DomainError
from frontdesk.domain.notifications import actions, queries
from frontdesk.domain.notifications.schemas import MyQueuesIn
from frontdesk.domain.notifications.transports import transport_for
from frontdesk.domain.ticket_catalogue.schemas import MAX_ID
from frontdesk.web.dependencies import AgentPage, Caller, TxDep
from frontdesk.web.pages.agent.common import agent_page
from frontdesk.web.templating import render

router = APIRouter(include_in_schema=False)


def _choice_name(notification_id: int, transport: str) -> str:
    return f"notification-{notification_id}-{transport}"


@router.get("/agent/notifications/preferences", response_class=HTMLResponse)
async def notification_preferences(request: Request, caller: AgentPage, tx: TxDep) -> HTMLResponse:
    rows = await queries.preferences_of(tx.session, caller.actor)
    transports = sorted({t for row in rows for t in row.transports})
    context: dict[str, Any] = {
        "rows": rows,
        "transports": [
            (name, transport.label if (transport := transport_for(name)) else name)
            for name in transports
        ],
        "choice_name": _choice_name,
        "queues": await queries.readable_queues(tx.session, caller.actor),
        "my_queue_ids": set(await queries.my_queue_ids(tx.session, caller.actor)),
    }
    return render(
        request,
        "agent/_notification_preferences.html",
        context,
        actor=caller.actor,
        csrf_token=caller.token.csrf_token,
    )


async def _refused(request: Request, tx: TxDep, caller: Caller, error: Exception) -> Response:
    message = error.message if isinstance(error, DomainError) else "Check the marked fields."
    status = error.status if isinstance(error, DomainError) else 422
    return await agent_page(
        request, tx, caller, "agent/error.html", {"error": message}, status_code=status
    )


@router.post("/agent/notifications/preferences")
async def save_notification_preferences(request: Request, caller: AgentPage, tx: TxDep) -> Response:
    form = await request.form()
    # Every switch on the form is saved: a checkbox that is not sent was switched off.
    # Mandatory notifications are shown but not on the form (their switches are disabled).
    choices = {
        str(row.notification_id): {
            transport: _choice_name(row.notification_id, transport) in form
            for transport in row.transports
        }
        for row in await queries.preferences_of(tx.session, caller.actor)
        if not row.mandatory
    }
    try:
        await actions.do_set_preferences(tx, caller.actor, choices)
    except DomainError as exc:
        return await _refused(request, tx, caller, exc)
    return RedirectResponse("/agent/preferences?done=preferences", status_code=303)


@router.post("/agent/notifications/my-queues")
async def save_my_queues(request: Request, caller: AgentPage, tx: TxDep) -> Response:
    form = await request.form()
    raw = [value for value in form.getlist("queue_id") if isinstance(value, str)]
    try:
        ids = [int(value) for value in raw if value.isdigit() and 0 < int(value) <= MAX_ID]
        await actions.do_set_my_queues(tx, caller.actor, MyQueuesIn(queue_ids=ids).queue_ids)
    except (DomainError, ValidationError) as exc:
        return await _refused(request, tx, caller, exc)
    return RedirectResponse("/agent/preferences?done=preferences", status_code=303)
