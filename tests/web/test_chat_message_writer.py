"""The process's message writer: concurrent senders share transactions, each learns its own
outcome only after commit, and refused messages get their exact error (CH-22, CH-46)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from frontdesk.core.actor import Actor
from frontdesk.core.errors import DomainError
from frontdesk.domain.chat.actions import StoredMessage
from frontdesk.domain.chat.schemas import MessageInput
from frontdesk.web.realtime.hub import hub_of
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.domain.chat.desk import Desk, make_desk
from tests.domain.chat.test_message_batch import agent, stored, visitor


@pytest.fixture
async def desk(client: httpx.AsyncClient, web: WebState) -> Desk:
    return await make_desk(client, web)


async def test_ch46_concurrent_senders_share_batches_and_keep_their_order(
    desk: Desk, events: RecordedEvents
) -> None:
    chats = [await desk.accepted_public_chat() for _ in range(3)]
    writer = hub_of(desk.web).messages
    before = writer.batches
    events.clear()

    async def say(actor: Actor, chat_id: int, text: str) -> StoredMessage:
        return await writer.send(actor, chat_id, MessageInput(text=text, client_message_id=text))

    sent = await asyncio.gather(
        *(say(visitor(c), c, f"m{c}-{i}") for i in range(3) for c, _ in chats)
    )

    assert [(s.chat_id, s.seq, s.created) for s in sent] == [
        (c, 3 + i, True) for i in range(3) for c, _ in chats
    ]
    assert writer.batches - before < len(sent)  # shared transactions
    for chat_id, _ in chats:
        texts = [row[3] for row in await stored(desk.web, chat_id)][2:]
        assert texts == [f"m{chat_id}-{i}" for i in range(3)]
    assert len([e for e in events if e.kind == "chat.event"]) == 9


async def test_ch3_ch7_refused_messages_get_their_own_error_and_store_nothing(
    desk: Desk, events: RecordedEvents
) -> None:
    chat_id, _ = await desk.accepted_public_chat()
    writer = hub_of(desk.web).messages
    otto = await agent(desk.web, desk.otto_id)
    before = await stored(desk.web, chat_id)
    events.clear()

    outcomes = await asyncio.gather(
        writer.send(otto, chat_id, MessageInput(text="let me in")),
        writer.send(visitor(chat_id), chat_id, MessageInput(text="fine", client_message_id="f")),
        writer.send(visitor(chat_id), 424_242, MessageInput(text="lost")),
        return_exceptions=True,
    )

    refused, ok, unknown = outcomes
    # CH-3: an observer who was not invited does not even see the active chat.
    assert isinstance(refused, DomainError)
    assert (refused.status, refused.code) == (404, "chat_not_found")
    assert isinstance(unknown, DomainError)
    assert (unknown.status, unknown.code) == (404, "chat_not_found")
    assert isinstance(ok, StoredMessage) and (ok.seq, ok.created) == (3, True)
    assert await stored(desk.web, chat_id) == [*before, (3, "message", "visitor", "fine")]
    assert [(e.kind, e.seq) for e in events if e.kind == "chat.event"] == [("chat.event", 3)]


async def test_ch46_on_stored_runs_after_commit_and_publish_before_the_sender_resumes(
    desk: Desk, events: RecordedEvents
) -> None:
    """The socket queues its ack in ``on_stored``: by then the message's event is published (so
    it is committed); a refused message never calls it."""
    chat_id, _ = await desk.accepted_public_chat()
    writer = hub_of(desk.web).messages
    otto = await agent(desk.web, desk.otto_id)
    events.clear()
    order: list[str] = []

    def on_stored(outcome: StoredMessage) -> None:
        published = [e.seq for e in events if e.kind == "chat.event"]
        order.append(f"on_stored seq={outcome.seq} published={published}")

    sent = await writer.send(
        visitor(chat_id), chat_id, MessageInput(text="hello", client_message_id="h1"), on_stored
    )
    order.append("sender resumed")
    with pytest.raises(DomainError):
        await writer.send(otto, chat_id, MessageInput(text="let me in"), on_stored)

    assert (sent.seq, sent.created) == (3, True)
    assert order == ["on_stored seq=3 published=[3]", "sender resumed"]
    assert (await stored(desk.web, chat_id))[-1] == (3, "message", "visitor", "hello")
