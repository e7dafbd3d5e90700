"""The per-process connection registry: routes bus events to this process's live connections.

Every process receives every event from the bus (memory or Redis) and delivers it to its own
connections only. Each connection has one writer task draining an outbox, so frames leave in
the order they were queued and a slow socket never blocks the bus.

Lossless, ordered delivery per chat (CH-46): a connection remembers the last ``seq`` it has
covered per subscribed chat. A live event with the next ``seq`` goes out; an older one is a
duplicate and is dropped; a newer one means something was missed (events of two transactions
published in the other order, or a message lost by Redis), so the writer first replays the gap
from the database, where every published event is already committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from frontdesk.bus.events import Event
from frontdesk.core.actor import Actor
from frontdesk.core.errors import DomainError
from frontdesk.domain.chat.access import access_chat_by_id
from frontdesk.domain.chat.event_views import reader_sees, render_live
from frontdesk.domain.chat.events import (
    ChatChanged,
    ChatEventStored,
    ChatPresenceChanged,
    ChatRequestGone,
    ChatRequestNew,
    ChatsDeleted,
    ChatTyping,
)
from frontdesk.domain.chat.queries import events_after
from frontdesk.domain.runtime import Runtime
from frontdesk.domain.tickets.access import hears_of_ticket_event
from frontdesk.domain.tickets.events import TicketCreated, TicketUpdated
from frontdesk.web.realtime import frames
from frontdesk.web.realtime.message_writer import MessageWriter

log = structlog.get_logger(__name__)

OUTBOX_LIMIT = 10_000
Sender = Callable[[str], Awaitable[None]]


@dataclass(eq=False, slots=True)
class Connection:
    """One live socket (or a long-poll waiter has none): who it is and what it follows.

    Idle sockets are most of a chat server's sockets, so a connection keeps little: a plain
    deque as outbox, and a writer task only while there is something to send
    (docs/architecture/chat-performance.md, "idle memory").
    """

    actor: Actor
    send: Sender
    # Made on the first push and dropped when drained: an idle socket keeps no deque.
    outbox: deque[tuple[Any, ...]] | None = None
    # chat id → the last seq this connection has covered (sent, or skipped as not for it).
    covered: dict[int, int] = field(default_factory=dict)
    closed: bool = False
    writer: asyncio.Task[None] | None = None
    drain: Callable[[Connection], Coroutine[Any, Any, None]] | None = None
    draining: bool = False  # the writer runs inside push() right now

    @property
    def is_agent(self) -> bool:
        return self.actor.is_agent

    @property
    def user_key(self) -> tuple[str, int]:
        return (self.actor.kind, self.actor.id)

    def push(self, item: tuple[Any, ...]) -> None:
        if self.closed:
            return
        if self.outbox is None:
            self.outbox = deque()
        if len(self.outbox) >= OUTBOX_LIMIT:
            # A consumer this far behind reconnects and resumes from its last seq instead.
            self.closed = True
            self.outbox.append(("close",))
        else:
            self.outbox.append(item)
        if self.drain is None or self.draining:
            return
        if self.writer is None or self.writer.done():
            self.start_writer(self.drain)

    def start_writer(self, drain: Callable[[Connection], Coroutine[Any, Any, None]]) -> None:
        """Run the writer at once, inside this call. uvicorn's send only waits while the
        socket's buffer is full, so what is queued usually leaves here; a task per delivery
        was most of the cost of a 20-member room (docs/architecture/chat-performance.md). When
        the writer has to wait (a full buffer, a replay from the database), a task goes on."""
        writing = drain(self)
        self.draining = True
        try:
            waiting = writing.send(None)
        except StopIteration:
            return
        finally:
            self.draining = False
        self.writer = asyncio.ensure_future(_go_on(writing, waiting))

    def frame(self, body: dict[str, Any]) -> None:
        self.push(("frame", frames.encode(body)))


async def _go_on(writing: Coroutine[Any, Any, None], waiting: Any) -> None:
    """Drive a coroutine started outside any task, which stopped at ``waiting`` (what it
    yielded: a future, or None for a bare turn of the loop), to its end, as a task would: our
    own cancellation is thrown into it."""
    while True:
        error: BaseException | None = None
        try:
            if waiting is None:
                await asyncio.sleep(0)
            else:
                await asyncio.wait([waiting])
        except BaseException as raised:
            error = raised
        try:
            waiting = writing.send(None) if error is None else writing.throw(error)
        except StopIteration:
            return


class ChatHub:
    def __init__(self, runtime: Runtime, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self.runtime = runtime
        self.session_factory = session_factory
        self.by_chat: dict[int, set[Connection]] = defaultdict(set)
        self.by_user: dict[tuple[str, int], set[Connection]] = defaultdict(set)
        self.waiters: dict[int, asyncio.Event] = {}
        # Agents' sockets with an open ticket list ("tickets.follow"): told of ticket changes.
        self.ticket_followers: set[Connection] = set()
        # SQLite has one writer: concurrent write transactions of this process would wait in
        # its busy handler, which sleeps up to 100 ms a try (seconds under load) and fails after
        # busy_timeout. Taking turns in the event loop instead keeps the wait ordered and
        # bounded by the queue (docs/architecture/chat-performance.md).
        bind = session_factory.kw.get("bind")
        on_sqlite = bind is not None and bind.dialect.name == "sqlite"
        self._sqlite_writer = asyncio.Lock() if on_sqlite else None
        self.messages = MessageWriter(runtime, session_factory, self.write_turn)
        self._activity_noted: dict[int, float] = {}  # agent id → monotonic time last written
        self._unsubscribe = runtime.bus.subscribe(self.on_event)

    async def close(self) -> None:
        self._unsubscribe()
        await self.messages.close()

    def activity_due(self, agent_id: int, every_seconds: float) -> bool:
        """Whether this agent's activity is to be written now (and note that it is)."""
        now = time.monotonic()
        last = self._activity_noted.get(agent_id)
        if last is not None and now - last < every_seconds:
            return False
        self._activity_noted[agent_id] = now
        return True

    def write_turn(self) -> contextlib.AbstractAsyncContextManager[Any]:
        """Held around a socket's write transaction: one at a time on SQLite, free otherwise."""
        if self._sqlite_writer is None:
            return contextlib.nullcontext()
        return self._sqlite_writer

    # --- connections ----------------------------------------------------------------------------

    def attach(self, connection: Connection) -> None:
        same_user = self.by_user[connection.user_key]
        for other in same_user:
            if other.actor == connection.actor:
                connection.actor = other.actor  # one Actor per user, not one per tab
                break
        same_user.add(connection)
        connection.drain = self._write
        if connection.outbox:  # queued before attaching
            connection.start_writer(self._write)

    async def detach(self, connection: Connection) -> None:
        connection.closed = True
        users = self.by_user.get(connection.user_key)
        if users is not None:
            users.discard(connection)
            if not users:
                del self.by_user[connection.user_key]
        for chat_id in list(connection.covered):
            self.unfollow(connection, chat_id)
        self.ticket_followers.discard(connection)
        if connection.writer is not None:
            connection.writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await connection.writer

    def unfollow(self, connection: Connection, chat_id: int) -> None:
        followers = self.by_chat.get(chat_id)
        if followers is not None:
            followers.discard(connection)
            if not followers:
                del self.by_chat[chat_id]
        connection.covered.pop(chat_id, None)

    def subscribe(self, connection: Connection, chat_id: int, after_seq: int) -> None:
        """Follow the chat from now on and queue the replay of what came after ``after_seq``.

        Following starts before the replay is queued, in the same step: every live event is
        either in the database when the replay reads it or queued behind the replay.
        """
        self.by_chat[chat_id].add(connection)
        connection.covered[chat_id] = -1  # replay pending
        connection.push(("replay", chat_id, after_seq))

    def follow_tickets(self, connection: Connection) -> None:
        self.ticket_followers.add(connection)
        connection.frame({"type": "tickets.following"})

    # --- the writer -----------------------------------------------------------------------------

    async def _write(self, connection: Connection) -> None:
        """Send what is queued, in order, then end: the next push starts a new writer."""
        try:
            while connection.outbox:
                item = connection.outbox.popleft()
                if not connection.outbox:
                    connection.outbox = None  # taken the last one: nothing kept while idle
                kind = item[0]
                if kind == "frame":
                    await connection.send(item[1])
                elif kind == "stored":
                    await self._deliver_stored(connection, item[1], item[2], item[3])
                elif kind == "replay":
                    await self._replay(connection, item[1], item[2], subscribing=True)
                elif kind == "close":
                    await connection.send(
                        frames.encode(
                            {
                                "type": "error",
                                "code": "too_slow",
                                "message": "Too far behind; reconnect and resume.",
                            }
                        )
                    )
                    return
        except asyncio.CancelledError:
            raise
        except Exception:
            # The socket is gone (WebSocketDisconnect or Starlette's RuntimeError): the reader
            # loop notices and detaches.
            connection.closed = True

    async def _deliver_stored(
        self, connection: Connection, chat_id: int, seq: int, text: str | None
    ) -> None:
        covered = connection.covered.get(chat_id)
        if covered is None or seq <= covered:
            return  # not followed (any more), or a duplicate
        if covered >= 0 and seq > covered + 1:
            await self._replay(connection, chat_id, covered, subscribing=False)
            return  # the replay read this event from the database too
        connection.covered[chat_id] = seq
        if text is not None:
            await connection.send(text)

    async def _replay(
        self, connection: Connection, chat_id: int, after_seq: int, *, subscribing: bool
    ) -> None:
        try:
            async with self.session_factory() as session:
                access = await access_chat_by_id(session, connection.actor, chat_id)
                after = after_seq
                while True:
                    batch = await events_after(session, connection.actor, access, after)
                    for item in batch.events:
                        await connection.send(
                            frames.encode(
                                {
                                    "type": "event",
                                    "chat_id": chat_id,
                                    "seq": item.seq,
                                    "event": item.event,
                                }
                            )
                        )
                    after = batch.covered_through
                    if batch.complete:
                        break
        except DomainError as error:
            if subscribing:
                self.unfollow(connection, chat_id)
                await connection.send(
                    frames.encode(
                        {
                            "type": "error",
                            "code": error.code,
                            "message": error.message,
                            "chat_id": chat_id,
                        }
                    )
                )
            return
        if chat_id in connection.covered:
            connection.covered[chat_id] = max(after, connection.covered[chat_id])
        if subscribing:
            await connection.send(
                frames.encode({"type": "subscribed", "chat_id": chat_id, "seq": after})
            )

    # --- routing bus events ---------------------------------------------------------------------

    async def on_event(self, event: Event) -> None:
        if isinstance(event, ChatEventStored):
            self._route_stored(event)
        elif isinstance(event, ChatTyping):
            self._route_typing(event)
        elif isinstance(event, ChatPresenceChanged):
            self._route_presence(event)
        elif isinstance(event, ChatRequestNew | ChatRequestGone):
            kind = "request.new" if isinstance(event, ChatRequestNew) else "request.gone"
            self._to_audience(event, {"type": kind, "chat": event.chat})
        elif isinstance(event, ChatChanged):
            self._to_audience(event, {"type": "chat.changed", "chat_id": event.chat_id})
        elif isinstance(event, TicketCreated | TicketUpdated):
            self._route_ticket(event)
        elif isinstance(event, ChatsDeleted):
            for chat_id in event.chat_ids:
                for connection in list(self.by_chat.get(chat_id, ())):
                    self.unfollow(connection, chat_id)

    def _route_stored(self, event: ChatEventStored) -> None:
        waiter = self.waiters.pop(event.chat_id, None)
        if waiter is not None:
            waiter.set()
        followers = self.by_chat.get(event.chat_id)
        if not followers:
            return
        rendered: dict[bool, str | None] = {}
        for connection in list(followers):
            view = connection.is_agent
            if view not in rendered:
                rendered[view] = (
                    frames.encode(
                        {
                            "type": "event",
                            "chat_id": event.chat_id,
                            "seq": event.seq,
                            "event": render_live(event, view),
                        }
                    )
                    if reader_sees(event, view)
                    else None
                )
            connection.push(("stored", event.chat_id, event.seq, rendered[view]))

    def _route_ticket(self, event: TicketCreated | TicketUpdated) -> None:
        """Ticket lists read themselves again on this frame: it names the ticket and what
        changed, nothing the agent may not know (only agents who may see it get it)."""
        if not self.ticket_followers:
            return
        body: dict[str, Any] = {"type": "ticket.changed", "ticket_id": event.ticket_id}
        if isinstance(event, TicketCreated):
            body.update(change="created", fields=[])
        else:
            body.update(change="updated", fields=list(event.fields))
        text = frames.encode(body)
        for connection in list(self.ticket_followers):
            if hears_of_ticket_event(connection.actor, event.audience):
                connection.push(("frame", text))

    def _route_typing(self, event: ChatTyping) -> None:
        for connection in list(self.by_chat.get(event.chat_id, ())):
            if not connection.is_agent and not event.visible_to_customer:
                continue  # CH-49: customers never see observers typing
            if (connection.actor.kind, connection.actor.id) == (event.author_kind, event.author_id):
                continue  # not to the one typing
            name = event.author_name if connection.is_agent else event.author_public_name
            connection.frame(
                {
                    "type": "event",
                    "chat_id": event.chat_id,
                    "seq": None,
                    "event": {
                        "kind": "typing",
                        "author": {"kind": event.author_kind, "name": name},
                    },
                }
            )

    def _route_presence(self, event: ChatPresenceChanged) -> None:
        for chat_id in event.chat_ids:
            for connection in list(self.by_chat.get(chat_id, ())):
                if not connection.is_agent and chat_id in event.hidden_from_customers_in:
                    continue
                body: dict[str, Any] = {"kind": "presence", "presence": event.presence}
                body["member"] = (
                    {"kind": event.member_kind, "id": event.member_id}
                    if connection.is_agent
                    else {"kind": event.member_kind}
                )
                connection.frame({"type": "event", "chat_id": chat_id, "seq": None, "event": body})

    def _to_audience(self, event: Event, body: dict[str, Any]) -> None:
        text = frames.encode(body)
        audience = event.audience
        keys = [("agent", a) for a in audience.agent_ids] + [
            ("customer", c) for c in audience.customer_user_ids
        ]
        for key in keys:
            for connection in list(self.by_user.get(key, ())):
                connection.push(("frame", text))

    # --- long-poll ------------------------------------------------------------------------------

    def prepare_wait(self, chat_id: int) -> asyncio.Event:
        """Set by the next stored event of the chat on this process. Taken before reading, so
        an event committed between the read and the wait still wakes the waiter."""
        waiter = self.waiters.get(chat_id)
        if waiter is None:
            waiter = self.waiters[chat_id] = asyncio.Event()
        return waiter

    async def wait(self, waiter: asyncio.Event, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(waiter.wait(), timeout=seconds)


def hub_of(state: Any) -> ChatHub:
    """The process's hub, created on first use (it subscribes to the bus then)."""
    hub: ChatHub | None = getattr(state, "chat_hub", None)
    if hub is None or hub.runtime is not state.runtime:
        hub = ChatHub(state.runtime, state.session_factory)
        state.chat_hub = hub
    return hub
