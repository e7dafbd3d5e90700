"""The public chat (CH-16, CH-36 … CH-38, CH-45, CH-48): the page visitors chat on, alone or in
the embeddable widget's frame (``?iframe=1``), and the small availability answer the widget's
loader asks for from other web sites.

The conversation itself runs in the browser against the chat API and the WebSocket with the
visitor token (static/js/public-chat.js). Which web sites may embed the chat is the setting
``ChatEngine::PublicInterface::AllowedOrigins``: a Content-Security-Policy ``frame-ancestors``
header enforces it for the frame, and the loader's availability request is refused for others.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from frontdesk.core.errors import DomainError
from frontdesk.core.pagination import PageRequest
from frontdesk.domain.chat import queries
from frontdesk.domain.chat.schemas import MAX_ID
from frontdesk.web.dependencies import AgentPage, TxDep
from frontdesk.web.security_headers import page_policy
from frontdesk.web.templating import render

router = APIRouter(include_in_schema=False)

# Only well-formed origins go into the CSP header: a setting value must not inject directives.
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")
_HTTP_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)
_MAX_TEXT = 200


def _own_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _frame_ancestors(origins: list[str]) -> tuple[str, ...]:
    if "*" in origins:
        return ("*",)
    return ("'self'", *(o for o in origins if _ORIGIN.match(o)))


def _short_text(value: str | None) -> str:
    return (value or "").strip()[:_MAX_TEXT]


def _channel_id(value: str | None) -> int | None:
    raw = (value or "").strip()
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= MAX_ID else None


@router.get("/public/chat", response_class=HTMLResponse)
async def public_chat(
    request: Request,
    tx: TxDep,
    iframe: str = "",
    channel: str = "",
    fallback: str = "",
    title: str = "",
) -> HTMLResponse:
    """The chat page; ``channel`` pre-selects a channel, ``fallback`` and ``title`` come from
    the widget's configuration (CH-42)."""
    in_frame = iframe == "1"
    context: dict[str, Any] = {
        "in_frame": in_frame,
        "preselected": _channel_id(channel),
        "title": _short_text(title),
        "widget_fallback": fallback if _HTTP_URL.match(fallback) else None,
        "offer": None,
        "unavailable": None,
        "texts": queries.frontend_texts(tx, "public"),
    }
    try:
        context["offer"] = await queries.public_chat_offer(tx)
    except DomainError as exc:
        context["unavailable"] = exc.message
    response = render(request, "chat/public_chat.html", context)
    response.headers["Content-Security-Policy"] = page_policy(
        request.headers.get("host"), _frame_ancestors(queries.embedding_origins(tx))
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.get("/public/chat/theme.css")
async def chat_theme(tx: TxDep) -> Response:
    """The chat's colours as CSS custom properties (the page CSP refuses inline styles), for
    the public chat, the widget's frame and the customers' chat page."""
    return Response(
        queries.chat_colours(tx).css(),
        media_type="text/css",
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/public/chat/widget-config")
async def widget_config(request: Request, tx: TxDep) -> JSONResponse:
    """The embed loader asks before it shows anything: may this web site embed the chat, and is
    an agent available (CH-45)? Answered to other origins (CORS) only when they are allowed."""
    origin = request.headers.get("origin")
    headers = {"Vary": "Origin", "Cache-Control": "no-store"}
    if origin is not None:
        headers["Access-Control-Allow-Origin"] = origin
    if origin is not None and not queries.origin_may_embed(tx, origin, _own_origin(request)):
        message = (
            f"The web site {origin} may not embed this chat. An administrator can allow it in"
            " the setting ChatEngine::PublicInterface::AllowedOrigins."
        )
        body = {"error": {"code": "origin_not_allowed", "message": message, "details": {}}}
        return JSONResponse(body, status_code=403, headers=headers)
    try:
        offer = await queries.public_chat_offer(tx)
    except DomainError as exc:
        body = {"error": {"code": exc.code, "message": exc.message, "details": {}}}
        return JSONResponse(body, status_code=exc.status, headers=headers)
    return JSONResponse(
        {
            "available": any(channel.available for channel in offer.channels),
            "channels": [channel.model_dump() for channel in offer.channels],
        },
        headers=headers,
    )


@router.get("/agent/chat/integration", response_class=HTMLResponse)
async def integration_dialog(request: Request, caller: AgentPage, tx: TxDep) -> HTMLResponse:
    """CH-41 … CH-44: configuration (never saved), the snippets, and a live preview."""
    try:
        channels = await queries.list_channels(tx, caller.actor, PageRequest.build(200, 0))
    except DomainError as exc:
        return render(
            request,
            "agent/error.html",
            {"error": exc.message},
            actor=caller.actor,
            csrf_token=caller.token.csrf_token,
            status_code=exc.status,
        )
    context = {
        "nav": "chat",
        "is_admin": True,
        "channels": channels.items,
        "colours": queries.chat_colours(tx),
        "server": queries.server_origin(tx, request.url.netloc),
    }
    return render(
        request,
        "chat/integration_dialog.html",
        context,
        actor=caller.actor,
        csrf_token=caller.token.csrf_token,
    )


@router.get("/agent/chat/integration/preview", response_class=HTMLResponse)
async def integration_preview(request: Request, caller: AgentPage) -> HTMLResponse:
    """The made-up web site the integration dialog's preview frames: the real loader runs on it
    (static/js/integration-preview.js reads the configuration from the address's fragment).
    The loader styles its button with a <style> in its shadow root, as it does on any site,
    so this page alone allows inline styles; it holds no user data."""
    response = render(request, "chat/integration_preview.html", {})
    response.headers["Content-Security-Policy"] = page_policy(
        request.headers.get("host"), ("'self'",), ("'unsafe-inline'",)
    )
    return response
