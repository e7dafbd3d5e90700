"""The WebSocket endpoint /api/v1/ws: one connection per tab multiplexing the user's chats,
request notifications and presence (frames in docs/api and the spec's "Live events").

Auth: the session cookie (same origin only) or ``?token=`` (agent/customer token or a public
user's visitor token). Close codes: 4401 not authenticated, 4403 chat switched off.
Messages are written in batches (``MessageWriter``), other frames each in their own
transaction; an ``ack`` goes out only after commit.

The application hands this path's sockets straight to ``serve`` (``FrontdeskApp``),
past FastAPI's routing and the HTTP middleware: the endpoint uses no dependency and no
middleware applies to a socket, while every layer's frame stays alive as long as the socket
does: most of the 14 KiB an idle socket saved (docs/architecture/performance.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlparse

import structlog
from pydantic import ValidationError
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from frontdesk.core.actor import Actor
from frontdesk.core.errors import DomainError
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts import queries as account_queries
from frontdesk.domain.chat import actions
from frontdesk.domain.chat.access import actor_for_visitor_token
from frontdesk.domain.chat.actions import StoredMessage
from frontdesk.domain.chat.schemas import MAX_ID, MessageInput
from frontdesk.domain.chat.settings import ACTIVE
from frontdesk.domain.runtime import Tx
from frontdesk.web.dependencies import AGENT_COOKIE, CUSTOMER_COOKIE
from frontdesk.web.realtime import frames
from frontdesk.web.realtime.hub import ChatHub, Connection, hub_of
from frontdesk.web.state import WebState

log = structlog.get_logger(__name__)

PATH = "/api/v1/ws"
CLOSE_UNAUTHENTICATED = 4401
CLOSE_CHAT_DISABLED = 4403
ACTIVITY_TOUCH_SECONDS = 60.0


async def authenticate(state: WebState, secret: str) -> Actor | None:
    """The agent, customer user or public user behind a token."""
    async with unit_of_work(state.session_factory) as session:
        token = await account_queries.find_live_token(session, secret)
        if token is not None:
            return await account_queries.actor_for_token(session, token, state.runtime.config)
        return await actor_for_visitor_token(session, secret)


def _same_origin(websocket: WebSocket) -> bool:
    """Cookies ride along on cross-site sockets too: only our own pages may use them."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    return urlparse(origin).netloc == websocket.headers.get("host", "")


async def _actor_of(websocket: WebSocket, state: WebState) -> Actor | None:
    token = websocket.query_params.get("token")
    if token:
        return await authenticate(state, token)
    if not _same_origin(websocket):
        return None
    for cookie in (AGENT_COOKIE, CUSTOMER_COOKIE):
        value = websocket.cookies.get(cookie)
        if value:
            actor = await authenticate(state, value)
            if actor is not None:
                return actor
    return None


async def serve(scope: Scope, receive: Receive, send: Send) -> None:
    """The ASGI entry of the live socket (the application calls it for ``PATH``)."""

    async def send_text(text: str) -> None:
        # Frames go straight to the server: Starlette's send_text and send add two coroutine
        # layers and a state check to each of the many frames a busy socket sends, and the
        # socket is open for as long as the connection is attached.
        await send({"type": "websocket.send", "text": text})

    await live_events(WebSocket(scope, receive, send), send_text)


async def live_events(websocket: WebSocket, send_text: Callable[[str], Awaitable[None]]) -> None:
    state: WebState = websocket.app.state.frontdesk
    await websocket.accept()
    actor = await _actor_of(websocket, state)
    if actor is None:
        await websocket.close(CLOSE_UNAUTHENTICATED, "authentication required")
        return
    if not state.runtime.config.value(ACTIVE):
        await websocket.close(CLOSE_CHAT_DISABLED, "chat is switched off")
        return
    hub = hub_of(state)
    connection = Connection(actor=actor, send=send_text)
    hub.attach(connection)  # may swap in the Actor the user's other sockets share
    del actor  # so that this socket's own copy is not kept alive by this frame
    session = _Session(hub, state, connection)
    try:
        await session.note_activity()
        while not connection.closed:
            raw = await websocket.receive_text()
            await session.handle(raw)
    except (WebSocketDisconnect, RuntimeError):
        pass  # Starlette raises RuntimeError when a send from the writer task failed first
    finally:
        await hub.detach(connection)


class _Session:
    """The frames of one socket."""

    __slots__ = ("connection", "hub", "state")

    def __init__(self, hub: ChatHub, state: WebState, connection: Connection) -> None:
        self.hub = hub
        self.state = state
        self.connection = connection

    def error(self, code: str, message: str, **extra: Any) -> None:
        self.connection.frame({"type": "error", "code": code, "message": message, **extra})

    async def handle(self, raw: str) -> None:
        try:
            frame = frames.decode(raw)
        except ValueError:
            self.error("malformed_frame", "Frames are JSON objects.")
            return
        if not isinstance(frame, dict):
            self.error("malformed_frame", "Frames are JSON objects.")
            return
        kind = frame.get("type")
        try:
            if kind == "ping":
                self.connection.frame({"type": "pong"})
                await self.note_activity()
            elif kind == "subscribe":
                self.subscribe(frame)
            elif kind == "unsubscribe":
                chat_id = _chat_id(frame)
                self.hub.unfollow(self.connection, chat_id)
            elif kind == "message":
                await self.message(frame)
            elif kind == "typing":
                await self.typing(frame)
            elif kind == "tickets.follow":
                self.follow_tickets()
            else:
                self.error("unknown_frame", f"Unknown frame type {str(kind)[:40]!r}.")
        except _BadFrame as bad:
            self.error("malformed_frame", str(bad), **bad.extra)
        except DomainError as error:
            extra = {"chat_id": frame.get("chat_id")}
            if kind == "message":
                extra["client_message_id"] = frame.get("client_message_id")
            self.error(error.code, error.message, **extra)
        except Exception:
            log.exception("ws_frame_failed", kind=str(kind)[:40])
            self.error("internal_error", "Something went wrong on our side.")

    def subscribe(self, frame: dict[str, Any]) -> None:
        chat_id = _chat_id(frame)
        after = frame.get("after_seq", 0)
        if after is None:
            after = 0
        if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after <= MAX_ID:
            raise _BadFrame("after_seq must be a whole number ≥ 0.", chat_id=chat_id)
        self.hub.subscribe(self.connection, chat_id, after)

    async def message(self, frame: dict[str, Any]) -> None:
        chat_id = _chat_id(frame)
        try:
            data = MessageInput.model_validate(
                {"text": frame.get("text"), "client_message_id": frame.get("client_message_id")}
            )
        except ValidationError as invalid:
            first = invalid.errors()[0]
            field = ".".join(str(p) for p in first.get("loc", ())) or "text"
            raise _BadFrame(
                f"{field}: {first.get('msg')}",
                chat_id=chat_id,
                client_message_id=frame.get("client_message_id"),
            ) from None
        connection = self.connection
        client_id = frames.encode(data.client_message_id)

        def acknowledge(sent: StoredMessage) -> None:
            # Committed: only now the sender learns its message is stored. Written by hand: one
            # frame per message, and only the client's id needs encoding.
            connection.push(
                (
                    "frame",
                    f'{{"type": "ack", "chat_id": {chat_id}, "client_message_id": {client_id},'
                    f' "seq": {sent.seq}}}',
                )
            )

        await self.hub.messages.send(connection.actor, chat_id, data, on_stored=acknowledge)
        await self.note_activity()

    def follow_tickets(self) -> None:
        """Open ticket lists (queue view, search, dashboard) follow ticket changes."""
        if not self.connection.is_agent:
            self.error("forbidden", "Only agents follow ticket changes.")
            return
        self.hub.follow_tickets(self.connection)

    async def typing(self, frame: dict[str, Any]) -> None:
        chat_id = _chat_id(frame)
        async with unit_of_work(self.state.session_factory) as session:
            await actions.do_typing(
                Tx(session=session, runtime=self.state.runtime), self.connection.actor, chat_id
            )

    async def note_activity(self) -> None:
        """Agents on a live socket count as active (CH-33): written at most once a minute per
        agent and process, however many tabs the agent has open."""
        actor = self.connection.actor
        if not actor.is_agent or not self.hub.activity_due(actor.id, ACTIVITY_TOUCH_SECONDS):
            return
        async with self.hub.write_turn(), unit_of_work(self.state.session_factory) as session:
            await actions.do_note_agent_activity(
                Tx(session=session, runtime=self.state.runtime), actor
            )


class _BadFrame(Exception):
    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.extra = extra


def _chat_id(frame: dict[str, Any]) -> int:
    chat_id = frame.get("chat_id")
    if not isinstance(chat_id, int) or isinstance(chat_id, bool) or not 1 <= chat_id <= MAX_ID:
        raise _BadFrame("chat_id must be a chat's id.")
    return chat_id
