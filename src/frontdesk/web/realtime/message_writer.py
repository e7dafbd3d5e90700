"""Group commit for the messages of this process's sockets.

One SQL round trip costs far more than the Python work of a message (on SQLite every statement
is several hand-offs to aiosqlite's thread), so writing each message in its own transaction
caps a process at a few dozen messages a second. Here every message frame joins a queue; one
task takes everything queued while the previous batch was being written and stores it with
``do_send_message_batch`` in one transaction of a fixed number of statements. The busier the
server, the larger the batches: the cost per message falls as the load rises.

Each sender waits for its own outcome, which is known only after the batch's COMMIT, so an
``ack`` still means "stored". Requests the batch does not decide (a refused or unusual message)
and every request of a batch that failed as a whole go through ``do_send_message`` one by one,
which gives each its exact answer or error (docs/architecture/chat-performance.md).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from frontdesk.core.actor import Actor
from frontdesk.db.unit_of_work import commit_only, rollback, run_after_commit, unit_of_work
from frontdesk.domain.chat import actions
from frontdesk.domain.chat.actions import MessageRequest, StoredMessage
from frontdesk.domain.chat.schemas import MessageInput
from frontdesk.domain.runtime import Runtime, Tx

log = structlog.get_logger(__name__)

# Bounds the statements' size and the time the first sender of a batch waits for the others.
MAX_BATCH = 500

WriteTurn = Callable[[], contextlib.AbstractAsyncContextManager[Any]]
OnStored = Callable[[StoredMessage], None]
_Pending = tuple[MessageRequest, "asyncio.Future[StoredMessage]", OnStored | None]


class MessageWriter:
    def __init__(
        self,
        runtime: Runtime,
        session_factory: async_sessionmaker[AsyncSession],
        write_turn: WriteTurn,
    ) -> None:
        self.runtime = runtime
        self.session_factory = session_factory
        self.write_turn = write_turn
        self._pending: list[_Pending] = []
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._deliveries: set[asyncio.Task[None]] = set()
        self.batches = 0  # batches stored, for tests

    async def send(
        self,
        actor: Actor,
        chat_id: int,
        data: MessageInput,
        on_stored: OnStored | None = None,
    ) -> StoredMessage:
        """Store the message; returns once it is committed, or raises its domain error.

        ``on_stored`` runs as soon as the message is committed and its event published, before
        the sender resumes: a socket queues its ack there, behind the event it has just been
        given, so one pass of its writer sends both.
        """
        future: asyncio.Future[StoredMessage] = asyncio.get_running_loop().create_future()
        self._pending.append((MessageRequest(actor, chat_id, data), future, on_stored))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="chat-message-writer")
        self._wakeup.set()
        # A sender that goes away (socket closed) cancels only its wait: the request stays in
        # the queue and is written, and a resend with the same client id finds it.
        return await future

    async def close(self) -> None:
        tasks = [t for t in (self._task, *self._deliveries) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._task = None
        for _request, future, _on_stored in self._pending:
            if not future.done():
                future.cancel()
        self._pending.clear()

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._pending:
                batch = self._pending[:MAX_BATCH]
                del self._pending[:MAX_BATCH]
                session, outcomes = await self._store(batch)
                # Storing mostly waits for the database, delivering is event-loop work: the
                # next batch is stored while this one is delivered. This batch's events still
                # go out first: its delivery starts at the next batch's first wait, before that
                # batch can commit.
                delivery = asyncio.create_task(
                    self._deliver(batch, session, outcomes), name="chat-message-delivery"
                )
                self._deliveries.add(delivery)
                delivery.add_done_callback(self._deliveries.discard)

    async def _store(
        self, batch: list[_Pending]
    ) -> tuple[AsyncSession | None, list[StoredMessage | None]]:
        """The batch in one transaction, committed; its events wait in the session."""
        session = self.session_factory()
        try:
            async with self.write_turn():
                outcomes = await actions.do_send_message_batch(
                    Tx(session=session, runtime=self.runtime),
                    [request for request, _future, _on_stored in batch],
                )
                await commit_only(session)
        except Exception:
            # A conflict with another writer (SQLite's snapshot moved, a unique client id that
            # raced in): nothing of the batch was stored; each message is written on its own.
            log.warning("chat_message_batch_retried_one_by_one", size=len(batch), exc_info=True)
            await rollback(session)
            await session.close()
            return None, [None] * len(batch)
        self.batches += 1
        return session, outcomes

    async def _deliver(
        self,
        batch: list[_Pending],
        session: AsyncSession | None,
        outcomes: list[StoredMessage | None],
    ) -> None:
        """Publish the stored messages, then answer their senders (ack after the event)."""
        try:
            if session is not None:
                try:
                    await run_after_commit(session)
                finally:
                    await session.close()
            undecided: list[_Pending] = []
            for pending, outcome in zip(batch, outcomes, strict=True):
                if outcome is None:
                    undecided.append(pending)
                else:
                    _settle(pending, outcome)
            for pending in undecided:
                await self._send_alone(pending)
        except Exception:  # never leave a sender waiting
            log.exception("chat_message_delivery_failed", size=len(batch))
            for _request, future, _on_stored in batch:
                if not future.done():
                    future.set_exception(RuntimeError("message not written"))

    async def _send_alone(self, pending: _Pending) -> None:
        request, future, _on_stored = pending
        try:
            async with self.write_turn(), unit_of_work(self.session_factory) as session:
                sent = await actions.do_send_message(
                    Tx(session=session, runtime=self.runtime),
                    request.actor,
                    request.chat_id,
                    request.data,
                )
        except Exception as error:
            if not future.done():
                future.set_exception(error)
            return
        _settle(pending, StoredMessage(request.chat_id, sent.event.seq, sent.created))


def _settle(pending: _Pending, outcome: StoredMessage) -> None:
    _request, future, on_stored = pending
    if future.done():
        return  # the sender went away
    if on_stored is not None:
        on_stored(outcome)
    future.set_result(outcome)
