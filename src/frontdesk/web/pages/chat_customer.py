"""The customer's chats (CH-15, CH-35 … CH-37): my chats, a new chat, one chat live.

The live conversation runs in the browser over the WebSocket (static/js/customer-chat.js, with
the session cookie); these pages list, create and close chats through the chat domain.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from frontdesk.core.errors import DomainError, NotFound
from frontdesk.core.pagination import PageRequest
from frontdesk.domain.chat import actions, queries
from frontdesk.domain.chat.schemas import ChatCreate, ChatToMyTicket, ChatToNewTicket
from frontdesk.domain.tickets import queries as ticket_queries
from frontdesk.web.dependencies import Caller, CustomerPage, TxDep
from frontdesk.web.pages.forms import (
    FormErrors,
    discard_refused_changes,
    errors_from_domain,
    errors_from_validation,
    form_text,
    localtime_for,
    optional_id,
)
from frontdesk.web.templating import render, translations_for

router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    caller: Caller,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    values = {"nav": "chats", "localtime": localtime_for(caller.actor), **context}
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


@router.get("/customer/chats", response_class=HTMLResponse)
async def my_chats(
    request: Request,
    caller: CustomerPage,
    tx: TxDep,
    limit: int | None = None,
    offset: int | None = None,
) -> HTMLResponse:
    try:
        page = await queries.list_chats(tx, caller.actor, None, PageRequest.build(limit, offset))
    except DomainError as exc:
        return _error_page(request, caller, exc)
    return _page(request, caller, "chat/customer_chats.html", {"page": page})


async def _new_chat_page(
    request: Request,
    tx: TxDep,
    caller: Caller,
    *,
    values: dict[str, str] | None = None,
    failed: FormErrors | None = None,
) -> HTMLResponse:
    try:
        channels = await queries.channel_choices(tx, caller.actor)
    except DomainError as exc:
        return _error_page(request, caller, exc)
    context = {"channels": channels, "values": values or {}, "failed": failed}
    status = failed.status if failed else 200
    return _page(request, caller, "chat/customer_new.html", context, status_code=status)


@router.get("/customer/chats/new", response_class=HTMLResponse)
async def new_chat_form(request: Request, caller: CustomerPage, tx: TxDep) -> HTMLResponse:
    return await _new_chat_page(request, tx, caller)


@router.post("/customer/chats/new")
async def create_chat(request: Request, caller: CustomerPage, tx: TxDep) -> Response:
    _ = translations_for(caller.actor.language).gettext
    form = await request.form()
    values = {"channel_id": form_text(form, "channel_id"), "message": form_text(form, "message")}
    try:
        channel_id = optional_id(values["channel_id"], "channel_id")
        data = ChatCreate(channel_id=channel_id, message=values["message"])
        chat = await actions.do_create_chat(tx, caller.actor, data)
    except ValidationError as exc:
        failed = errors_from_validation(exc, _("Check the marked fields."))
    except DomainError as exc:
        failed = errors_from_domain(exc)
    else:
        return RedirectResponse(f"/customer/chats/{chat.id}", status_code=303)
    await discard_refused_changes(tx, caller)
    return await _new_chat_page(request, tx, caller, values=values, failed=failed)


@router.get("/customer/chats/{chat_id}", response_class=HTMLResponse)
async def chat_page(
    chat_id: int, request: Request, caller: CustomerPage, tx: TxDep
) -> HTMLResponse:
    try:
        chat = await queries.get_chat(tx, caller.actor, chat_id)
    except DomainError as exc:
        return _error_page(request, caller, exc)
    texts = queries.frontend_texts(tx, "customer")
    return _page(request, caller, "chat/customer_chat.html", {"chat": chat, "texts": texts})


@router.post("/customer/chats/{chat_id}/accept")
async def accept_chat(chat_id: int, request: Request, caller: CustomerPage, tx: TxDep) -> Response:
    """CH-14: the customer takes an agent's request; declining it is closing it."""
    try:
        await actions.do_accept_chat(tx, caller.actor, chat_id)
    except DomainError as exc:
        await discard_refused_changes(tx, caller)
        return _error_page(request, caller, exc)
    return RedirectResponse(f"/customer/chats/{chat_id}", status_code=303)


@router.post("/customer/chats/{chat_id}/close")
async def close_chat(chat_id: int, request: Request, caller: CustomerPage, tx: TxDep) -> Response:
    try:
        await actions.do_close_chat(tx, caller.actor, chat_id)
    except DomainError as exc:
        await discard_refused_changes(tx, caller)
        return _error_page(request, caller, exc)
    return RedirectResponse(f"/customer/chats/{chat_id}", status_code=303)


# --- CH-37: an unanswered request becomes a ticket ---------------------------------------------


async def _to_ticket_page(
    request: Request,
    tx: TxDep,
    caller: Caller,
    chat_id: int,
    *,
    values: dict[str, str] | None = None,
    failed: FormErrors | None = None,
) -> HTMLResponse:
    try:
        chat = await queries.get_chat(tx, caller.actor, chat_id)
        options = await ticket_queries.ticket_form_options(tx.session, caller.actor, None)
        tickets = await ticket_queries.customer_tickets(
            tx.session, caller.actor, PageRequest.build(50, 0)
        )
    except DomainError as exc:
        return _error_page(request, caller, exc)
    _ = translations_for(caller.actor.language).gettext
    defaults = {"title": _("Chat %(number)s") % {"number": chat.id}}
    context = {
        "chat": chat,
        "options": options,
        "tickets": tickets,
        "values": {**defaults, **(values or {})},
        "failed": failed,
    }
    status = failed.status if failed else 200
    return _page(request, caller, "chat/customer_to_ticket.html", context, status_code=status)


@router.get("/customer/chats/{chat_id}/ticket", response_class=HTMLResponse)
async def to_ticket_form(
    chat_id: int, request: Request, caller: CustomerPage, tx: TxDep
) -> HTMLResponse:
    return await _to_ticket_page(request, tx, caller, chat_id)


@router.post("/customer/chats/{chat_id}/ticket/new")
async def to_new_ticket(
    chat_id: int, request: Request, caller: CustomerPage, tx: TxDep
) -> Response:
    async def write(values: dict[str, str]) -> str:
        data = ChatToNewTicket.model_validate(values)
        ticket = await actions.do_chat_to_new_ticket(tx, caller.actor, chat_id, data)
        return f"/customer/tickets/{ticket.id}?done=created"

    return await _turn_into_ticket(request, tx, caller, chat_id, ("title", "queue_id"), write)


@router.post("/customer/chats/{chat_id}/ticket/add")
async def to_my_ticket(chat_id: int, request: Request, caller: CustomerPage, tx: TxDep) -> Response:
    async def write(values: dict[str, str]) -> str:
        data = ChatToMyTicket.model_validate(values)
        article = await actions.do_chat_to_my_ticket(tx, caller.actor, chat_id, data)
        return f"/customer/tickets/{article.ticket_id}"

    return await _turn_into_ticket(request, tx, caller, chat_id, ("ticket_id",), write)


async def _turn_into_ticket(
    request: Request,
    tx: TxDep,
    caller: Caller,
    chat_id: int,
    fields: tuple[str, ...],
    write: Callable[[dict[str, str]], Awaitable[str]],
) -> Response:
    """Run ``write`` with the form's fields: its answer is where to go; errors stay inline."""
    _ = translations_for(caller.actor.language).gettext
    form = await request.form()
    values = {name: form_text(form, name) for name in fields}
    try:
        location = await write(values)
    except ValidationError as exc:
        failed = errors_from_validation(exc, _("Check the marked fields."))
    except DomainError as exc:
        failed = errors_from_domain(exc)
    else:
        return RedirectResponse(location, status_code=303)
    await discard_refused_changes(tx, caller)
    return await _to_ticket_page(request, tx, caller, chat_id, values=values, failed=failed)
