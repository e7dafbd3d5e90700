"""Messages written in batches (``do_send_message_batch``): the same stored result as one by one,
a fixed number of statements whatever the batch's size, and every unusual request left to the
one-by-one path (CH-22, CH-46, CH-50)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event, select

from frontdesk.core.actor import Actor
from frontdesk.domain.accounts.models import Agent
from frontdesk.domain.accounts.queries import actor_for_agent
from frontdesk.domain.chat.actions import MessageRequest, StoredMessage, do_send_message_batch
from frontdesk.domain.chat.models import Chat, ChatEvent
from frontdesk.domain.chat.schemas import MessageInput
from frontdesk.domain.chat.settings import MESSAGES_PER_SECOND
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.domain.chat.desk import Desk, make_desk, set_settings
from tests.domain.tickets.people import transaction


@pytest.fixture
async def desk(client: httpx.AsyncClient, web: WebState) -> Desk:
    return await make_desk(client, web)


def visitor(chat_id: int) -> Actor:
    return Actor(kind="visitor", id=chat_id, login=f"visitor:{chat_id}", display_name="Vera")


async def agent(web: WebState, agent_id: int) -> Actor:
    async with transaction(web) as tx:
        row = await tx.session.get(Agent, agent_id)
        assert row is not None
        return await actor_for_agent(tx.session, row, tx.runtime.config)


def message(actor: Actor, chat_id: int, text: str, cid: str | None = None) -> MessageRequest:
    return MessageRequest(actor, chat_id, MessageInput(text=text, client_message_id=cid))


async def send_batch(web: WebState, requests: list[MessageRequest]) -> list[StoredMessage | None]:
    async with transaction(web) as tx:
        return await do_send_message_batch(tx, requests)


async def stored(web: WebState, chat_id: int) -> list[tuple[int, str, str | None, str | None]]:
    async with transaction(web) as tx:
        rows = await tx.session.execute(
            select(ChatEvent.seq, ChatEvent.kind, ChatEvent.author_kind, ChatEvent.text)
            .where(ChatEvent.chat_id == chat_id)
            .order_by(ChatEvent.seq)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def last_seq(web: WebState, chat_id: int) -> int | None:
    async with transaction(web) as tx:
        return await tx.session.scalar(select(Chat.last_seq).where(Chat.id == chat_id))


@contextmanager
def counted_statements(web: WebState) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    sync_engine = web.engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(sync_engine, "before_cursor_execute", count)


async def test_ch46_batch_stores_many_chats_gap_free_and_announces_after_commit(
    desk: Desk, events: RecordedEvents
) -> None:
    first, _ = await desk.accepted_public_chat()  # seq 1 message, 2 joined
    second, _ = await desk.accepted_public_chat()
    olga = await agent(desk.web, desk.olga_id)
    events.clear()

    sent = await send_batch(
        desk.web,
        [
            message(visitor(first), first, "one"),
            message(olga, first, "two"),
            message(visitor(second), second, "<b>three</b>"),
            message(visitor(first), first, "four"),
        ],
    )

    assert [(s.chat_id, s.seq, s.created) for s in sent if s] == [
        (first, 3, True),
        (first, 4, True),
        (second, 3, True),
        (first, 5, True),
    ]
    assert (await stored(desk.web, first))[2:] == [
        (3, "message", "visitor", "one"),
        (4, "message", "agent", "two"),
        (5, "message", "visitor", "four"),
    ]
    assert (await stored(desk.web, second))[2:] == [(3, "message", "visitor", "<b>three</b>")]
    assert await last_seq(desk.web, first) == 5
    assert await last_seq(desk.web, second) == 3
    published = [(e.chat_id, e.seq, e.text) for e in events if e.kind == "chat.event"]
    assert published == [
        (first, 3, "one"),
        (first, 4, "two"),
        (second, 3, "<b>three</b>"),
        (first, 5, "four"),
    ]
    audience = next(e for e in events if e.kind == "chat.event").audience
    assert audience.agent_ids == (desk.olga_id,)
    # The agent's own message carries the public name customers see.
    two = next(e for e in events if getattr(e, "text", None) == "two")
    assert (two.author_kind, two.author_id) == ("agent", desk.olga_id)

    # The REST path continues the same numbering.
    response = await desk.say(first, desk.olga, "five")
    assert response.json()["seq"] == 6


async def test_ch46_batch_costs_the_same_statements_for_two_messages_as_for_forty(
    desk: Desk,
) -> None:
    chats = [await desk.accepted_public_chat() for _ in range(4)]
    olga = await agent(desk.web, desk.olga_id)
    with counted_statements(desk.web) as small:
        await send_batch(desk.web, [message(visitor(c), c, "hi", f"a{c}") for c, _ in chats[:2]])
    with counted_statements(desk.web) as large:
        sent = await send_batch(
            desk.web,
            [
                message(who, c, f"m{i}", f"b{c}-{who.kind}-{i}")
                for c, _ in chats
                for who in (visitor(c), olga)
                for i in range(5)
            ],
        )
    assert all(s is not None and s.created for s in sent)
    assert len(large) == len(small)
    assert len(large) <= 8


async def test_ch46_batch_resend_and_same_client_id_twice_store_one_message(desk: Desk) -> None:
    chat_id, _ = await desk.accepted_public_chat()
    first = await send_batch(desk.web, [message(visitor(chat_id), chat_id, "hi", "c1")])
    again = await send_batch(
        desk.web,
        [
            message(visitor(chat_id), chat_id, "hi", "c1"),
            message(visitor(chat_id), chat_id, "new", "c2"),
            message(visitor(chat_id), chat_id, "new", "c2"),
        ],
    )
    assert first[0] is not None and (first[0].seq, first[0].created) == (3, True)
    assert [(s.seq, s.created) for s in again if s] == [(3, False), (4, True), (4, False)]
    assert [row[0] for row in await stored(desk.web, chat_id)] == [1, 2, 3, 4]


async def test_ch46_batch_leaves_refused_requests_to_the_one_by_one_path(
    desk: Desk, events: RecordedEvents
) -> None:
    chat_id, _ = await desk.accepted_public_chat()
    closed_id, closed_visitor = await desk.accepted_public_chat()
    response = await desk.client.post(f"/api/v1/chats/{closed_id}/close", headers=closed_visitor)
    assert response.status_code == 200, response.text
    request_id, _ = await desk.public_chat()  # not accepted: the visitor's own request
    otto = await agent(desk.web, desk.otto_id)  # no member of any chat
    before = await stored(desk.web, chat_id)
    closed_before = await stored(desk.web, closed_id)
    events.clear()

    sent = await send_batch(
        desk.web,
        [
            message(otto, chat_id, "not a member"),
            message(visitor(closed_id), closed_id, "closed"),
            message(visitor(chat_id), 999_999, "unknown chat"),
            message(visitor(chat_id), chat_id, "   "),
            message(visitor(chat_id), chat_id, "x" * 4001),
        ],
    )

    assert sent == [None, None, None, None, None]
    assert await stored(desk.web, chat_id) == before
    assert await stored(desk.web, closed_id) == closed_before
    assert events == []
    # A requester may write in its own request: the batch decides that one itself.
    (own,) = await send_batch(desk.web, [message(visitor(request_id), request_id, "still there?")])
    assert own is not None and own.seq == 2


async def test_ch46_batch_rate_limit_counts_the_batch_itself(desk: Desk) -> None:
    await set_settings(desk.web, {MESSAGES_PER_SECOND.name: 2})
    chat_id, _ = await desk.accepted_public_chat()
    olga = await agent(desk.web, desk.olga_id)  # joined, but wrote no message yet
    sent = await send_batch(desk.web, [message(olga, chat_id, t) for t in ("a", "b", "c")])
    assert [s is not None for s in sent] == [True, True, False]
    assert [row[3] for row in await stored(desk.web, chat_id)][2:] == ["a", "b"]
