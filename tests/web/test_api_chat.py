"""The chat REST API on both databases: CH rules of ../shared/spec/chat.md, one test or more
each, with the rule id in the test's name."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.chat.models import Chat, ChatAgentState, ChatEvent
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.domain.chat.desk import Desk, make_desk, set_settings
from tests.domain.tickets.people import make_agent


@pytest.fixture
async def desk(client: httpx.AsyncClient, web: WebState) -> Desk:
    return await make_desk(client, web)


async def count(web: WebState, model: Any) -> int:
    async with unit_of_work(web.session_factory) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_ch16_ch20_public_request_accepted_and_told(desk: Desk) -> None:
    chat_id, visitor = await desk.public_chat(message="My order is late")
    chat = await desk.chat(chat_id, visitor)
    assert chat["status"] == "request"
    assert chat["direction"] == "public_to_agent"
    assert chat["channel_id"] == desk.default_channel_id
    response = await desk.client.post(f"/api/v1/chats/{chat_id}/accept", headers=desk.olga)
    assert response.status_code == 200
    assert response.json()["status"] == "active"
    assert response.json()["my_role"] == "owner"
    events = await desk.events(chat_id, visitor)
    assert [(e["seq"], e["kind"]) for e in events] == [(1, "message"), (2, "joined")]
    assert events[0]["text"] == "My order is late"
    assert events[0]["author"] == {"kind": "visitor", "id": chat_id, "name": "Vera Visitor"}
    assert events[1]["author"] == {"kind": "agent", "name": "Olga Agent"}
    assert events[1]["role"] == "owner"


async def test_ch11_no_request_without_an_available_owner(
    desk: Desk, events: RecordedEvents
) -> None:
    response = await desk.client.put(
        "/api/v1/me/chat-availability", json={"availability": "internal"}, headers=desk.olga
    )
    assert response.status_code == 200
    before = await count(desk.web, Chat)
    events.clear()
    response = await desk.client.post(
        "/api/v1/public/chats", json={"name": "Vera", "message": "Anyone?"}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_agent_available"
    assert await count(desk.web, Chat) == before
    assert events == []


async def test_ch11_channel_list_shows_only_available_channels(desk: Desk) -> None:
    response = await desk.client.post(
        "/api/v1/chat-channels",
        json={"name": "Sales", "group_id": 1},
        headers=await admin(desk),
    )
    assert response.status_code == 201, response.text
    listed = await desk.client.get("/api/v1/chat/channels", headers=desk.cora)
    assert [(c["name"], c["available"]) for c in listed.json()["items"]] == [("Chat", True)]
    await set_settings(desk.web, {"ChatEngine::CustomerInterface::AvailabilityCheck": False})
    listed = await desk.client.get("/api/v1/chat/channels", headers=desk.cora)
    assert [(c["name"], c["available"]) for c in listed.json()["items"]] == [
        ("Chat", True),
        ("Sales", False),
    ]
    await set_settings(desk.web, {"ChatEngine::CustomerInterface::AllowChatChannels": False})
    listed = await desk.client.get("/api/v1/chat/channels", headers=desk.cora)
    assert [c["name"] for c in listed.json()["items"]] == ["Chat"]


async def admin(desk: Desk) -> dict[str, str]:
    from tests.domain.tickets.people import bearer, transaction

    async with transaction(desk.web) as tx:
        return await bearer(tx, "agent", 1)


async def test_ch11_observers_and_participants_never_count(desk: Desk) -> None:
    await desk.client.put(
        "/api/v1/me/chat-availability", json={"availability": "unavailable"}, headers=desk.olga
    )
    await desk.make_available(desk.paul)
    await desk.make_available(desk.otto)
    response = await desk.client.post(
        "/api/v1/public/chats", json={"name": "Vera", "message": "Anyone?"}
    )
    assert response.status_code == 409


async def test_ch12_chat_without_channel_goes_to_default(desk: Desk) -> None:
    response = await desk.client.post(
        "/api/v1/chats", json={"message": "Hi from Cora"}, headers=desk.cora
    )
    assert response.status_code == 201, response.text
    assert response.json()["channel_id"] == desk.default_channel_id
    assert response.json()["channel_name"] == "Chat"
    assert response.json()["direction"] == "customer_to_agent"


async def test_ch20_two_agents_accept_once(desk: Desk, web: WebState) -> None:
    from tests.domain.tickets.people import make_agent

    _, olivia = await make_agent(web, "olivia", ["ro", "chat_owner"])
    chat_id, visitor = await desk.public_chat()
    first, second = await asyncio.gather(
        desk.client.post(f"/api/v1/chats/{chat_id}/accept", headers=desk.olga),
        desk.client.post(f"/api/v1/chats/{chat_id}/accept", headers=olivia),
    )
    statuses = sorted([first.status_code, second.status_code])
    assert statuses == [200, 409]
    loser = first if first.status_code == 409 else second
    assert loser.json()["error"]["code"] == "already_accepted"
    events = await desk.events(chat_id, visitor)
    assert [e["kind"] for e in events] == ["message", "joined"]
    owners = [m for m in (await desk.chat(chat_id, visitor))["members"] if m["kind"] == "agent"]
    assert len(owners) == 1


async def test_ch20_late_accept_by_another_owner_is_409_and_changes_nothing(
    desk: Desk, web: WebState, events: RecordedEvents
) -> None:
    """The request was offered to both owners: the slower one learns it was taken, not that
    the chat is unknown; an agent it was never offered to still gets 404."""
    from tests.domain.tickets.people import make_agent

    _, olivia = await make_agent(web, "olivia", ["ro", "chat_owner"])
    chat_id, visitor = await desk.public_chat()
    accepted = await desk.client.post(f"/api/v1/chats/{chat_id}/accept", headers=desk.olga)
    assert accepted.status_code == 200
    before = await desk.events(chat_id, visitor)
    events.clear()

    late = await desk.client.post(f"/api/v1/chats/{chat_id}/accept", headers=olivia)
    unseen = await desk.client.post(f"/api/v1/chats/{chat_id}/accept", headers=desk.nick)

    assert late.status_code == 409
    assert late.json()["error"]["code"] == "already_accepted"
    assert unseen.status_code == 404
    assert await desk.events(chat_id, visitor) == before
    assert [e.kind for e in events] == []
    members = (await desk.chat(chat_id, visitor))["members"]
    assert [m["kind"] for m in members if m["kind"] == "agent"] == ["agent"]


async def test_ch5_ch20_only_owners_accept_requests(desk: Desk) -> None:
    chat_id, _ = await desk.public_chat()
    for headers in (desk.paul, desk.otto):
        response = await desk.client.post(f"/api/v1/chats/{chat_id}/accept", headers=headers)
        assert response.status_code == 403
    response = await desk.client.post(f"/api/v1/chats/{chat_id}/accept", headers=desk.nick)
    assert response.status_code == 404  # CH-6: no chat permission, no sight of the request
    response = await desk.client.post(f"/api/v1/chats/{chat_id}/accept", headers=desk.cora)
    assert response.status_code == 404


async def test_ch17_request_notifies_only_agents_who_may_accept(
    desk: Desk, events: RecordedEvents
) -> None:
    events.clear()
    chat_id, _ = await desk.public_chat()
    new = [e for e in events if e.kind == "chat.request_new"]
    assert len(new) == 1
    # The admin holds every permission in "users"; otto, paul and nick may not accept.
    assert new[0].audience.agent_ids == (1, desk.olga_id)
    assert new[0].chat["id"] == chat_id  # type: ignore[attr-defined]
    events.clear()
    await desk.client.post(f"/api/v1/chats/{chat_id}/accept", headers=desk.olga)
    gone = [e for e in events if e.kind == "chat.request_gone"]
    assert len(gone) == 1 and gone[0].audience.agent_ids == (1, desk.olga_id)


async def test_ch20_chat_says_whether_the_reader_may_accept(desk: Desk) -> None:
    chat_id, visitor = await desk.public_chat()
    seen = {
        name: (await desk.chat(chat_id, headers))["may_accept"]
        for name, headers in (
            ("olga", desk.olga),
            ("otto", desk.otto),
            ("paul", desk.paul),
            ("visitor", visitor),
        )
    }
    # Olga owns the channel; Otto observes and Paul participates: they may not accept.
    assert seen == {"olga": True, "otto": False, "paul": False, "visitor": False}
    await desk.client.post(f"/api/v1/chats/{chat_id}/accept", headers=desk.olga)
    assert (await desk.chat(chat_id, desk.olga))["may_accept"] is False


async def test_ch46_same_client_message_id_is_stored_once(desk: Desk) -> None:
    chat_id, visitor = await desk.accepted_public_chat()
    first = await desk.say(chat_id, visitor, "Where is my parcel?", cid="m-1")
    again = await desk.say(chat_id, visitor, "Where is my parcel?", cid="m-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["seq"] == again.json()["seq"] == 3
    assert again.json()["duplicate"] is True
    other = await desk.say(chat_id, desk.olga, "Let me look.", cid="m-1")  # another author
    assert other.json()["seq"] == 4
    texts = [e.get("text") for e in await desk.events(chat_id, desk.olga)]
    assert texts.count("Where is my parcel?") == 1


async def test_ch46_events_after_seq_and_ahead_is_an_error(desk: Desk) -> None:
    chat_id, visitor = await desk.accepted_public_chat()
    await desk.say(chat_id, visitor, "one")
    await desk.say(chat_id, desk.olga, "two")
    events = await desk.events(chat_id, visitor, after=2)
    assert [(e["seq"], e["text"]) for e in events] == [(3, "one"), (4, "two")]
    response = await desk.client.get(
        f"/api/v1/chats/{chat_id}/events", params={"after_seq": 9}, headers=visitor
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "after_seq_ahead"


async def test_ch19_events_limit_reads_only_the_first_events(desk: Desk) -> None:
    chat_id, visitor = await desk.accepted_public_chat()
    await desk.say(chat_id, visitor, "one")
    response = await desk.client.get(
        f"/api/v1/chats/{chat_id}/events", params={"after_seq": 0, "limit": 2}, headers=desk.olga
    )
    assert response.status_code == 200
    body = response.json()
    assert [e["seq"] for e in body["items"]] == [1, 2]
    assert (body["total"], body["last_seq"]) == (2, 2)
    for bad in ("0", "501", "x"):
        refused = await desk.client.get(
            f"/api/v1/chats/{chat_id}/events", params={"limit": bad}, headers=desk.olga
        )
        assert refused.status_code == 422, bad
        assert refused.json()["error"]["code"] == "validation_failed"


async def test_ch46_long_poll_wakes_on_a_new_message(desk: Desk) -> None:
    chat_id, visitor = await desk.accepted_public_chat()

    async def poll() -> httpx.Response:
        return await desk.client.get(
            f"/api/v1/chats/{chat_id}/events",
            params={"after_seq": 2, "wait": 5},
            headers=visitor,
        )

    waiting = asyncio.create_task(poll())
    await asyncio.sleep(0.2)
    assert not waiting.done()
    await desk.say(chat_id, desk.olga, "Still there?")
    response = await asyncio.wait_for(waiting, timeout=5)
    assert response.status_code == 200
    body = response.json()
    assert [i["event"]["text"] for i in body["items"]] == ["Still there?"]
    assert body["last_seq"] == 3


async def test_ch50_bad_messages_change_nothing(desk: Desk, events: RecordedEvents) -> None:
    chat_id, visitor = await desk.accepted_public_chat()
    before = await count(desk.web, ChatEvent)
    events.clear()
    empty = await desk.say(chat_id, visitor, "   ")
    assert empty.status_code == 422
    assert empty.json()["error"]["details"][0]["field"] == "text"
    await set_settings(desk.web, {"ChatEngine::MaxMessageLength": 10})
    events.clear()
    big = await desk.say(chat_id, visitor, "x" * 11)
    assert big.status_code == 413
    assert big.json()["error"]["code"] == "payload_too_large"
    ok = await desk.say(chat_id, visitor, "x" * 10)
    assert ok.status_code == 201
    unknown = await desk.say(999_999, visitor, "hello")
    assert unknown.status_code == 404
    assert await count(desk.web, ChatEvent) == before + 1
    assert [e.kind for e in events] == ["chat.event"]


async def test_ch50_closed_chat_answers_409(desk: Desk) -> None:
    chat_id, visitor = await desk.accepted_public_chat()
    response = await desk.client.post(f"/api/v1/chats/{chat_id}/close", headers=visitor)
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    before = await count(desk.web, ChatEvent)
    response = await desk.say(chat_id, desk.olga, "hello?")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "chat_closed"
    assert await count(desk.web, ChatEvent) == before


async def test_ch7_visitor_token_of_another_chat_gets_404(desk: Desk) -> None:
    first, _ = await desk.accepted_public_chat()
    _, other_visitor = await desk.public_chat(name="Walter")
    response = await desk.client.get(f"/api/v1/chats/{first}", headers=other_visitor)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "chat_not_found"
    response = await desk.client.get(
        f"/api/v1/chats/{first}", headers={"Authorization": "Bearer nope"}
    )
    assert response.status_code == 401
    listed = await desk.client.get("/api/v1/chats", headers=other_visitor)
    assert [c["requester_name"] for c in listed.json()["items"]] == ["Walter"]


async def test_ch7_customers_see_only_their_own_chats(desk: Desk, web: WebState) -> None:
    from tests.domain.tickets.people import make_customer

    _, carl = await make_customer(web, "carl")
    response = await desk.client.post("/api/v1/chats", json={"message": "Hi"}, headers=desk.cora)
    chat_id = response.json()["id"]
    assert (await desk.client.get(f"/api/v1/chats/{chat_id}", headers=carl)).status_code == 404
    listed = await desk.client.get("/api/v1/chats", headers=carl)
    assert listed.json() == {"items": [], "total": 0}
    listed = await desk.client.get("/api/v1/chats", headers=desk.cora)
    assert [c["id"] for c in listed.json()["items"]] == [chat_id]


async def test_ch6_agents_see_requests_only_of_their_channels(desk: Desk) -> None:
    chat_id, _ = await desk.public_chat()
    for headers, visible in ((desk.olga, True), (desk.otto, True), (desk.nick, False)):
        listed = await desk.client.get("/api/v1/chats?status=request", headers=headers)
        assert (chat_id in [c["id"] for c in listed.json()["items"]]) is visible
    response = await desk.client.get(f"/api/v1/chats/{chat_id}", headers=desk.nick)
    assert response.status_code == 404


async def test_ch36_default_agent_name_hides_real_names(desk: Desk) -> None:
    await set_settings(desk.web, {"ChatEngine::DefaultAgentName": "Support Agent"})
    chat_id, visitor = await desk.accepted_public_chat()
    await desk.say(chat_id, desk.olga, "How can I help?")
    seen = await desk.events(chat_id, visitor)
    assert [e["author"]["name"] for e in seen] == [
        "Vera Visitor",
        "Support Agent 1",
        "Support Agent 1",
    ]
    assert all("id" not in e["author"] for e in seen if e["author"]["kind"] == "agent")
    members = (await desk.chat(chat_id, visitor))["members"]
    assert [m["display_name"] for m in members] == ["Vera Visitor", "Support Agent 1"]
    assert "Olga" not in str(seen) + str(members)
    agent_view = await desk.events(chat_id, desk.olga)
    assert agent_view[2]["author"]["name"] == "Olga Agent"
    await desk.invite_and_accept(chat_id, desk.paul_id, desk.paul)
    await desk.client.post(
        f"/api/v1/chats/{chat_id}/join", json={"as": "participant"}, headers=desk.paul
    )
    await desk.say(chat_id, desk.paul, "I am here too")
    seen = await desk.events(chat_id, visitor, after=3)
    assert [e["author"]["name"] for e in seen] == ["Support Agent 2", "Support Agent 2"]
    await set_settings(desk.web, {"ChatEngine::DefaultAgentNameNumbers": False})
    await desk.say(chat_id, desk.paul, "again")
    seen = await desk.events(chat_id, visitor, after=6)
    assert [e["author"]["name"] for e in seen] == ["Support Agent"]


async def test_ch16_public_users_list_channels_without_login(desk: Desk) -> None:
    listed = await desk.client.get("/api/v1/chat/channels")
    assert listed.status_code == 200
    assert [(c["name"], c["available"]) for c in listed.json()["items"]] == [("Chat", True)]
    wrong = await desk.client.get("/api/v1/chat/channels", headers={"Authorization": "Bearer x"})
    assert wrong.status_code == 401


async def test_an_agents_first_requests_arriving_together_all_succeed(desk: Desk) -> None:
    """An agent's chat state is made on first use; a page, its socket and an API call often ask
    for it at once, and each must find the one row (before, all but one failed with a 500)."""
    agent_id, fresh = await make_agent(desk.web, "fresh", [])
    wanted = ["external", "internal", "unavailable", "external", "internal", "unavailable"]
    answers = await asyncio.gather(
        *(
            desk.client.put(
                "/api/v1/me/chat-availability", json={"availability": value}, headers=fresh
            )
            for value in wanted
        )
    )
    assert [a.status_code for a in answers] == [200] * len(wanted)
    assert sorted(a.json()["availability"] for a in answers) == sorted(wanted)
    async with unit_of_work(desk.web.session_factory) as session:
        rows = list(
            await session.scalars(
                select(ChatAgentState.availability).where(ChatAgentState.agent_id == agent_id)
            )
        )
    assert len(rows) == 1 and rows[0] in wanted
