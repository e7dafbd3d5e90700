"""Agent pages of the chat: the chat manager (CH-18 … CH-32), a chat in its own window, the
toolbar availability switch (CH-10), the active channels preference (CH-9), the agents one may
invite (CH-28) and starting a chat with a customer (CH-13, CH-14).

The live parts are ES modules (static/js/chat-manager.js) that talk to the chat REST API and the
WebSocket; these routes only render the frames around them. What an agent may do is decided by
the domain; a refusal renders as an inline message with its status code.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from frontdesk.core.errors import DomainError
from frontdesk.domain.accounts import access as account_access
from frontdesk.domain.chat import actions, queries
from frontdesk.domain.chat.schemas import MAX_ID, ActiveChannelsInput, ChatCreate
from frontdesk.web.dependencies import AgentPage, Caller, TxDep
from frontdesk.web.pages.forms import localtime_for
from frontdesk.web.templating import render

router = APIRouter(include_in_schema=False)

ChatId = Annotated[int, Path(ge=1, le=MAX_ID)]


async def _page(
    request: Request,
    tx: TxDep,
    caller: Caller,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    values: dict[str, Any] = {
        "is_admin": await account_access.is_admin(tx.session, caller.actor),
        "localtime": localtime_for(caller.actor),
        "nav": "chat",
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


def _fragment(
    request: Request, caller: Caller, template: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    return render(
        request,
        template,
        context,
        actor=caller.actor,
        csrf_token=caller.token.csrf_token,
        status_code=status,
    )


@router.get("/agent/chat", response_class=HTMLResponse)
async def chat_manager(request: Request, caller: AgentPage, tx: TxDep) -> HTMLResponse:
    try:
        view = await queries.chat_manager_view(tx, caller.actor)
    except DomainError as exc:
        return await _page(
            request, tx, caller, "agent/error.html", {"error": exc.message}, status_code=exc.status
        )
    return await _page(
        request,
        tx,
        caller,
        "chat/agent_manager.html",
        {"view": view, "single_chat": None},
    )


@router.get("/agent/chat/toolbar", response_class=HTMLResponse)
async def availability_switch(request: Request, caller: AgentPage, tx: TxDep) -> HTMLResponse:
    """The switch in every agent page's toolbar; empty while the chat is switched off."""
    try:
        state = await queries.agent_chat_state(tx, caller.actor)
    except DomainError:
        return HTMLResponse("")
    return _fragment(request, caller, "chat/_availability.html", {"state": state})


@router.get("/agent/chat/preferences", response_class=HTMLResponse)
async def channel_preferences(request: Request, caller: AgentPage, tx: TxDep) -> HTMLResponse:
    try:
        state = await queries.agent_chat_state(tx, caller.actor)
    except DomainError:
        return HTMLResponse("")
    return _fragment(request, caller, "chat/_channel_preferences.html", {"state": state})


@router.post("/agent/chat/preferences")
async def save_channel_preferences(request: Request, caller: AgentPage, tx: TxDep) -> Response:
    form = await request.form()
    raw = [value for value in form.getlist("channel_id") if isinstance(value, str)]
    try:
        ids = [int(value) for value in raw if value.isdigit() and 0 < int(value) <= MAX_ID]
        await actions.do_set_active_channels(tx, caller.actor, ActiveChannelsInput(channel_ids=ids))
    except (DomainError, ValidationError) as exc:
        message = exc.message if isinstance(exc, DomainError) else str(exc.errors()[0]["msg"])
        status = exc.status if isinstance(exc, DomainError) else 422
        return await _page(
            request, tx, caller, "agent/error.html", {"error": message}, status_code=status
        )
    return RedirectResponse("/agent/preferences?done=preferences", status_code=303)


@router.get("/agent/chat/{chat_id}/invitable", response_class=HTMLResponse)
async def invitable_agents(
    chat_id: ChatId, request: Request, caller: AgentPage, tx: TxDep
) -> HTMLResponse:
    try:
        agents = await queries.invitable_agents(tx, caller.actor, chat_id)
    except DomainError as exc:
        return _fragment(request, caller, "chat/_invitable.html", {"agents": []}, exc.status)
    return _fragment(request, caller, "chat/_invitable.html", {"agents": agents})


@router.post("/agent/chat/start")
async def start_chat(request: Request, caller: AgentPage, tx: TxDep) -> Response:
    """CH-13, CH-14: a chat request to a customer user or an agent, then the chat manager."""
    form = await request.form()
    to_customer = form.get("to_customer_user")
    to_agent = form.get("to_agent_id")
    message = form.get("message")
    try:
        data = ChatCreate.model_validate(
            {
                "to_customer_user": to_customer if isinstance(to_customer, str) else None,
                "to_agent_id": to_agent if isinstance(to_agent, str) and to_agent else None,
                "message": message if isinstance(message, str) else "",
            }
        )
        chat = await actions.do_create_chat(tx, caller.actor, data)
    except (DomainError, ValidationError) as exc:
        text = exc.message if isinstance(exc, DomainError) else str(exc.errors()[0]["msg"])
        status = exc.status if isinstance(exc, DomainError) else 422
        return await _page(
            request, tx, caller, "agent/error.html", {"error": text}, status_code=status
        )
    return RedirectResponse(f"/agent/chat#chat-{chat.id}", status_code=303)


@router.get("/agent/chat/{chat_id}", response_class=HTMLResponse)
async def chat_window(
    chat_id: ChatId, request: Request, caller: AgentPage, tx: TxDep
) -> HTMLResponse:
    """One chat in its own window (CH-32), kept in sync with the manager by the socket."""
    try:
        chat = await queries.get_chat(tx, caller.actor, chat_id)
        view = await queries.chat_manager_view(tx, caller.actor)
    except DomainError as exc:
        template = "agent/not_found.html" if exc.status == 404 else "agent/error.html"
        return await _page(
            request, tx, caller, template, {"error": exc.message}, status_code=exc.status
        )
    return await _page(
        request,
        tx,
        caller,
        "chat/agent_manager.html",
        {"view": view, "single_chat": chat},
    )
