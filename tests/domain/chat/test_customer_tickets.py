"""CH-37: a customer's unanswered chat request becomes a new ticket or a follow-up of their own
ticket; the transcript is a chat article and the chat closes. Refused while agents may still
answer, and for anyone but the customer who asked — then nothing changes and nothing is sent."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from frontdesk.core.errors import Conflict, PermissionDenied
from frontdesk.domain.chat.actions import do_chat_to_my_ticket, do_chat_to_new_ticket
from frontdesk.domain.chat.models import Chat
from frontdesk.domain.chat.schemas import ChatToMyTicket, ChatToNewTicket
from frontdesk.domain.tickets.models import Article, Ticket
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.domain.chat.desk import Desk, make_desk, set_settings
from tests.domain.tickets.people import actor_of, transaction

MISC_QUEUE_ID = 4


@pytest.fixture
async def desk(client: httpx.AsyncClient, web: WebState) -> Desk:
    return await make_desk(client, web)


async def customer_request(desk: Desk, message: str = "Anybody there?") -> int:
    response = await desk.client.post("/api/v1/chats", json={"message": message}, headers=desk.cora)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def chat_status(web: WebState, chat_id: int) -> str:
    async with transaction(web) as tx:
        chat = await tx.session.get(Chat, chat_id)
        assert chat is not None
        return chat.status


async def test_unanswered_request_becomes_a_new_ticket_with_the_transcript(
    desk: Desk, web: WebState, events: RecordedEvents
) -> None:
    await set_settings(web, {"ChatEngine::CustomerThreshold": 0})
    chat_id = await customer_request(desk, "My <b>printer</b> is on fire")
    cora = await actor_of(web, "customer", "cora")
    events.clear()
    async with transaction(web) as tx:
        ticket = await do_chat_to_new_ticket(
            tx, cora, chat_id, ChatToNewTicket(queue_id=MISC_QUEUE_ID, title="Printer")
        )
        ticket_id = ticket.id
    async with transaction(web) as tx:
        stored = await tx.session.get(Ticket, ticket_id)
        assert stored is not None
        assert (stored.title, stored.queue_id) == ("Printer", MISC_QUEUE_ID)
        (article,) = await tx.session.scalars(select(Article).where(Article.ticket_id == ticket_id))
        assert (article.channel, article.sender_type, article.subject) == (
            "chat",
            "customer",
            f"Chat {chat_id}",
        )
        assert article.visible_for_customer is True
        assert article.body.endswith("Cora Customer: My <b>printer</b> is on fire")
        assert article.channel_data is not None
        assert article.channel_data["chat_id"] == chat_id
        assert [m["text"] for m in article.channel_data["messages"]] == [
            "My <b>printer</b> is on fire"
        ]
    assert await chat_status(web, chat_id) == "closed"
    assert events.kinds() == [
        "ticket.created",
        "ticket.article_created",
        "chat.event",
        "chat.request_gone",
        "chat.changed",
    ]


async def test_unanswered_request_is_added_to_the_customers_own_ticket(
    desk: Desk, web: WebState
) -> None:
    await set_settings(web, {"ChatEngine::CustomerThreshold": 0})
    cora = await actor_of(web, "customer", "cora")
    first_chat = await customer_request(desk, "First")
    async with transaction(web) as tx:
        ticket = await do_chat_to_new_ticket(
            tx, cora, first_chat, ChatToNewTicket(queue_id=MISC_QUEUE_ID, title="Printer")
        )
        ticket_id = ticket.id
    second_chat = await customer_request(desk, "Still burning")
    async with transaction(web) as tx:
        article = await do_chat_to_my_ticket(
            tx, cora, second_chat, ChatToMyTicket(ticket_id=ticket_id)
        )
        assert (article.ticket_id, article.channel) == (ticket_id, "chat")
    async with transaction(web) as tx:
        subjects = list(
            await tx.session.scalars(
                select(Article.subject).where(Article.ticket_id == ticket_id).order_by(Article.id)
            )
        )
    assert subjects == [f"Chat {first_chat}", f"Chat {second_chat}"]
    assert await chat_status(web, second_chat) == "closed"


async def test_refused_before_the_threshold_and_for_others(
    desk: Desk, web: WebState, events: RecordedEvents
) -> None:
    chat_id = await customer_request(desk)  # CustomerThreshold: 5 minutes by default
    cora = await actor_of(web, "customer", "cora")
    olga = await actor_of(web, "agent", "olga")
    async with transaction(web) as tx:
        tickets_before = await tx.session.scalar(select(func.count()).select_from(Ticket))
    events.clear()
    data = ChatToNewTicket(queue_id=MISC_QUEUE_ID, title="Printer")
    with pytest.raises(Conflict) as early:
        async with transaction(web) as tx:
            await do_chat_to_new_ticket(tx, cora, chat_id, data)
    assert early.value.code == "agents_still_expected"
    await set_settings(web, {"ChatEngine::CustomerThreshold": 0})
    events.clear()
    with pytest.raises(PermissionDenied):
        async with transaction(web) as tx:
            await do_chat_to_new_ticket(tx, olga, chat_id, data)
    async with transaction(web) as tx:
        tickets_after = await tx.session.scalar(select(func.count()).select_from(Ticket))
    assert tickets_after == tickets_before
    assert await chat_status(web, chat_id) == "request"
    assert events == []
