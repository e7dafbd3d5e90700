"""Chat members, roles, invitations, channels, presence and tickets through the REST API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from frontdesk.core.clock import utcnow
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts.models import AuthToken
from frontdesk.domain.chat.actions import event_log as chat_event_log
from frontdesk.domain.chat.actions import messages as chat_messages
from frontdesk.domain.chat.models import ChatEvent, ChatMember
from frontdesk.domain.tickets.models import Article
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.domain.chat.desk import Desk, make_desk, set_settings
from tests.domain.tickets.people import bearer, make_agent, transaction

RAW_QUEUE = 2


@pytest.fixture
async def desk(client: httpx.AsyncClient, web: WebState) -> Desk:
    return await make_desk(client, web)


async def count(web: WebState, model: Any) -> int:
    async with unit_of_work(web.session_factory) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def admin_headers_of(web: WebState) -> dict[str, str]:
    async with transaction(web) as tx:
        return await bearer(tx, "agent", 1)


async def test_ch3_ch28_ch29_observer_joins_invisibly(desk: Desk, events: RecordedEvents) -> None:
    chat_id, visitor = await desk.accepted_public_chat()
    # CH-3: an observer cannot watch uninvited.
    response = await desk.client.post(
        f"/api/v1/chats/{chat_id}/join", json={"as": "observer"}, headers=desk.otto
    )
    assert response.status_code == 404
    await desk.make_available(desk.otto)
    invite = await desk.client.post(
        f"/api/v1/chats/{chat_id}/invite", json={"agent_id": desk.otto_id}, headers=desk.olga
    )
    assert invite.status_code == 201, invite.text
    internal = invite.json()
    assert internal["direction"] == "agent_to_agent"
    assert internal["invited_for_chat_id"] == chat_id
    # Only the invitee accepts the internal request.
    assert (
        await desk.client.post(f"/api/v1/chats/{internal['id']}/accept", headers=desk.paul)
    ).status_code == 404
    accepted = await desk.client.post(f"/api/v1/chats/{internal['id']}/accept", headers=desk.otto)
    assert accepted.status_code == 200
    # CH-3/CH-29: observer rights only, so joining as participant is refused.
    refused = await desk.client.post(
        f"/api/v1/chats/{chat_id}/join", json={"as": "participant"}, headers=desk.otto
    )
    assert refused.status_code == 403
    joined = await desk.client.post(
        f"/api/v1/chats/{chat_id}/join", json={"as": "observer"}, headers=desk.otto
    )
    assert joined.status_code == 200, joined.text
    assert joined.json()["my_role"] == "observer"
    agent_view = await desk.events(chat_id, desk.olga)
    assert agent_view[-1]["kind"] == "joined" and agent_view[-1]["role"] == "observer"
    assert agent_view[-1]["author"]["name"] == "Otto Agent"
    customer_view = await desk.events(chat_id, visitor)
    assert [e["kind"] for e in customer_view] == ["message", "joined"]
    members = (await desk.chat(chat_id, visitor))["members"]
    assert "Otto" not in str(members)
    # Observers cannot write: 403, nothing stored, nothing sent.
    before = await count(desk.web, ChatEvent)
    events.clear()
    response = await desk.say(chat_id, desk.otto, "psst")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "observer"
    assert await count(desk.web, ChatEvent) == before
    assert events == []


async def test_ch30_participant_joins_visibly_and_switches(desk: Desk) -> None:
    chat_id, visitor = await desk.accepted_public_chat()
    await desk.make_available(desk.paul)
    await desk.invite_and_accept(chat_id, desk.paul_id, desk.paul)
    joined = await desk.client.post(
        f"/api/v1/chats/{chat_id}/join", json={"as": "participant"}, headers=desk.paul
    )
    assert joined.status_code == 200
    seen = await desk.events(chat_id, visitor)
    assert seen[-1]["kind"] == "joined" and seen[-1]["author"]["name"] == "Paul Agent"
    assert (await desk.say(chat_id, desk.paul, "Paul here")).status_code == 201
    # Switch to observer (within permission) and back.
    switched = await desk.client.post(
        f"/api/v1/chats/{chat_id}/join", json={"as": "observer"}, headers=desk.paul
    )
    assert switched.json()["my_role"] == "observer"
    assert (await desk.say(chat_id, desk.paul, "quiet")).status_code == 403
    assert "Paul" not in str((await desk.chat(chat_id, visitor))["members"])
    back = await desk.client.post(
        f"/api/v1/chats/{chat_id}/join", json={"as": "participant"}, headers=desk.paul
    )
    assert back.json()["my_role"] == "participant"


async def test_ch4_ch23_participant_closes_and_members_see_who(desk: Desk) -> None:
    chat_id, visitor = await desk.accepted_public_chat()
    await desk.make_available(desk.paul)
    await desk.invite_and_accept(chat_id, desk.paul_id, desk.paul)
    await desk.client.post(
        f"/api/v1/chats/{chat_id}/join", json={"as": "participant"}, headers=desk.paul
    )
    closed = await desk.client.post(f"/api/v1/chats/{chat_id}/close", headers=desk.paul)
    assert closed.status_code == 200
    # CH-23: members see who closed it.
    last = (await desk.events(chat_id, visitor))[-1]
    assert last["kind"] == "closed" and last["author"]["name"] == "Paul Agent"


async def test_ch21_change_channel_only_to_available_channels(
    desk: Desk, events: RecordedEvents
) -> None:
    admin = await admin_headers_of(desk.web)
    sales = (
        await desk.client.post(
            "/api/v1/chat-channels", json={"name": "Sales", "group_id": 1}, headers=admin
        )
    ).json()
    chat_id, visitor = await desk.public_chat()
    refused = await desk.client.post(
        f"/api/v1/chats/{chat_id}/channel", json={"channel_id": sales["id"]}, headers=desk.olga
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "no_agent_available"
    assert (await desk.chat(chat_id, visitor))["channel_id"] == desk.default_channel_id
    await desk.make_available(desk.olga, [desk.default_channel_id, sales["id"]])
    events.clear()
    moved = await desk.client.post(
        f"/api/v1/chats/{chat_id}/channel", json={"channel_id": sales["id"]}, headers=desk.olga
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["channel_name"] == "Sales"
    assert [e.kind for e in events if e.kind.startswith("chat.request")] == [
        "chat.request_gone",
        "chat.request_new",
    ]
    last = (await desk.events(chat_id, visitor))[-1]
    assert last["kind"] == "channel_changed" and last["channel_name"] == "Sales"


async def test_ch26_ch39_phone_ticket_holds_the_transcript(desk: Desk, web: WebState) -> None:
    from tests.domain.tickets.people import make_agent as _  # noqa: F401

    response = await desk.client.post(
        "/api/v1/chats",
        json={"message": "My <b>printer</b> <script>x()</script>"},
        headers=desk.cora,
    )
    chat_id = response.json()["id"]
    await desk.client.post(f"/api/v1/chats/{chat_id}/accept", headers=desk.olga)
    await desk.say(chat_id, desk.olga, "Have you tried turning it off?")
    # olga needs create in the queue's group: give it.
    async with transaction(web) as tx:
        from frontdesk.core.actor import SYSTEM
        from frontdesk.domain.accounts import actions as account_actions

        await account_actions.do_set_agent_group_permissions(
            tx, SYSTEM, 1, desk.olga_id, ["rw", "chat_owner"]
        )
    created = await desk.client.post(
        f"/api/v1/chats/{chat_id}/phone-ticket", json={"queue_id": RAW_QUEUE}, headers=desk.olga
    )
    assert created.status_code == 201, created.text
    ticket = created.json()
    assert ticket["title"] == "My <b>printer</b> <script>x()</script>"
    assert (await desk.chat(chat_id, desk.cora))["status"] == "closed"
    articles = await desk.client.get(f"/api/v1/tickets/{ticket['id']}/articles", headers=desk.olga)
    (article,) = articles.json()["items"]
    assert article["channel"] == "chat"
    assert article["visible_for_customer"] is True
    assert (
        "[" in article["body"]
        and "Cora Customer: My <b>printer</b> <script>x()</script>" in article["body"]
    )
    async with unit_of_work(web.session_factory) as session:
        stored = await session.get(Article, article["id"])
        assert stored is not None
        messages = stored.channel_data["messages"]
    assert stored.channel_data["chat_id"] == chat_id
    assert [(m["seq"], m["kind"], m["author_name"]) for m in messages] == [
        (1, "message", "Cora Customer"),
        (2, "joined", "Olga Agent"),
        (3, "message", "Olga Agent"),
    ]
    assert messages[0]["text"] == "My <b>printer</b> <script>x()</script>"
    # CH-39: the customer sees the article, and it reads like a chat: messages only, each under
    # the name its author showed the customer.
    seen = await desk.client.get(f"/api/v1/tickets/{ticket['id']}/articles", headers=desk.cora)
    assert [a["channel"] for a in seen.json()["items"]] == ["chat"]
    transcript = seen.json()["items"][0]["chat_transcript"]
    assert [(line["sender"], line["text"]) for line in transcript] == [
        ("Cora Customer", "My <b>printer</b> <script>x()</script>"),
        (messages[2]["author_public_name"], "Have you tried turning it off?"),
    ]
    assert all(line["time"] == m["at"] for line, m in zip(transcript, messages[::2], strict=True))


async def test_ch27_append_to_ticket_and_close(desk: Desk, web: WebState) -> None:
    async with transaction(web) as tx:
        from frontdesk.core.actor import SYSTEM
        from frontdesk.domain.accounts import actions as account_actions

        await account_actions.do_set_agent_group_permissions(
            tx, SYSTEM, 1, desk.olga_id, ["rw", "chat_owner"]
        )
    ticket = await desk.client.post(
        "/api/v1/tickets",
        json={
            "title": "Existing",
            "queue_id": RAW_QUEUE,
            "article": {"channel": "phone", "subject": "s", "body": "b"},
        },
        headers=desk.olga,
    )
    ticket_id = ticket.json()["id"]
    chat_id, visitor = await desk.accepted_public_chat()
    # The visitor may not append; a foreign ticket is 404.
    assert (
        await desk.client.post(
            f"/api/v1/chats/{chat_id}/append", json={"ticket_id": ticket_id}, headers=visitor
        )
    ).status_code == 403
    missing = await desk.client.post(
        f"/api/v1/chats/{chat_id}/append", json={"ticket_id": 99999}, headers=desk.olga
    )
    assert missing.status_code == 404
    appended = await desk.client.post(
        f"/api/v1/chats/{chat_id}/append", json={"ticket_id": ticket_id}, headers=desk.olga
    )
    assert appended.status_code == 201, appended.text
    assert appended.json()["channel"] == "chat"
    assert "Vera Visitor: Hello?" in appended.json()["body"]
    assert (await desk.chat(chat_id, visitor))["status"] == "closed"


async def test_ch8_admin_channels_default_is_protected(desk: Desk) -> None:
    admin = await admin_headers_of(desk.web)
    listed = await desk.client.get("/api/v1/chat-channels", headers=admin)
    assert [(c["name"], c["is_default"]) for c in listed.json()["items"]] == [("Chat", True)]
    default_id = desk.default_channel_id
    renamed = await desk.client.patch(
        f"/api/v1/chat-channels/{default_id}", json={"name": "Other"}, headers=admin
    )
    assert renamed.status_code == 422
    deleted = await desk.client.delete(f"/api/v1/chat-channels/{default_id}", headers=admin)
    assert deleted.status_code == 409
    created = await desk.client.post(
        "/api/v1/chat-channels",
        json={"name": "Sales", "group_id": 1, "comment": "<i>buyers</i>"},
        headers=admin,
    )
    assert created.status_code == 201
    assert created.json()["comment"] == "<i>buyers</i>"
    duplicate = await desk.client.post(
        "/api/v1/chat-channels", json={"name": "sales", "group_id": 1}, headers=admin
    )
    assert duplicate.status_code == 422
    edited = await desk.client.patch(
        f"/api/v1/chat-channels/{created.json()['id']}", json={"valid": False}, headers=admin
    )
    assert edited.json()["valid"] is False
    gone = await desk.client.delete(f"/api/v1/chat-channels/{created.json()['id']}", headers=admin)
    assert gone.status_code == 204
    # Not for agents who are no admins.
    assert (await desk.client.get("/api/v1/chat-channels", headers=desk.olga)).status_code == 403
    # Created on demand when the setting names a channel that does not exist yet.
    await set_settings(desk.web, {"ChatEngine::DefaultChatChannel": "Help"})
    listed = await desk.client.get("/api/v1/chat-channels", headers=admin)
    assert [(c["name"], c["is_default"]) for c in listed.json()["items"]] == [
        ("Chat", False),
        ("Help", True),
    ]


async def test_ch9_active_channels_need_a_chat_permission(desk: Desk) -> None:
    response = await desk.client.put(
        "/api/v1/me/chat-channels",
        json={"channel_ids": [desk.default_channel_id]},
        headers=desk.nick,
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "channel_ids"
    response = await desk.client.put(
        "/api/v1/me/chat-channels",
        json={"channel_ids": [desk.default_channel_id]},
        headers=desk.otto,
    )
    assert response.json() == {"channel_ids": [desk.default_channel_id]}
    response = await desk.client.put(
        "/api/v1/me/chat-channels",
        json={"channel_ids": [desk.default_channel_id]},
        headers=desk.cora,
    )
    assert response.status_code == 403


async def test_ch10_availability_resets_at_login(desk: Desk, web: WebState) -> None:
    chat_id, _ = await desk.accepted_public_chat()
    assert (await desk.chat(chat_id, desk.olga))["members"][1]["presence"] == "active"
    await desk.client.put(
        "/api/v1/me/chat-availability", json={"availability": "unavailable"}, headers=desk.olga
    )
    assert (await desk.chat(chat_id, desk.olga))["members"][1]["presence"] == "unavailable"
    # A new login (browser session) of olga: back to the login default, internal.
    async with transaction(web) as tx:
        from frontdesk.domain.accounts import actions as account_actions

        await account_actions.do_issue_token(tx, "agent", desk.olga_id, kind="session")
    assert (await desk.chat(chat_id, desk.olga))["members"][1]["presence"] == "active"
    response = await desk.client.post("/api/v1/public/chats", json={"name": "V", "message": "hi"})
    assert response.status_code == 409  # internal: not available for public chats (CH-11)


async def test_ch33_presence_of_members(desk: Desk, web: WebState) -> None:
    chat_id, visitor = await desk.public_chat()
    members = (await desk.chat(chat_id, desk.olga))["members"]
    assert [(m["kind"], m["role"], m["presence"]) for m in members] == [
        ("visitor", "customer", "active")
    ]
    await desk.client.post(f"/api/v1/chats/{chat_id}/accept", headers=desk.olga)
    await set_settings(web, {"ChatEngine::AgentOnlineThreshold": 1})
    async with transaction(web) as tx:
        from datetime import timedelta

        from sqlalchemy import update

        from frontdesk.core.clock import utcnow
        from frontdesk.domain.accounts.models import AuthToken
        from frontdesk.domain.chat.models import ChatAgentState

        old = utcnow() - timedelta(minutes=2)
        await tx.session.execute(update(AuthToken).values(last_seen_at=old))
        await tx.session.execute(update(ChatAgentState).values(last_active_at=old))
    members = (await desk.chat(chat_id, visitor))["members"]
    assert [(m["display_name"], m["presence"]) for m in members] == [
        ("Vera Visitor", "active"),
        ("Olga Agent", "away"),
    ]
    await desk.client.delete("/api/v1/auth/token", headers=desk.olga)
    members = (await desk.chat(chat_id, visitor))["members"]
    assert members[1]["presence"] == "offline"


async def test_ch2_agents_outside_the_starting_group_cannot_start(
    desk: Desk, web: WebState
) -> None:
    await desk.make_available(desk.paul)
    _, stan = await make_agent(web, "stan", ["chat_owner"])  # no ro in "users"
    response = await desk.client.post(
        "/api/v1/chats", json={"to_agent_id": desk.olga_id, "message": "hi"}, headers=stan
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "chat_not_allowed"


async def test_ch13_agent_to_agent_chat(desk: Desk, events: RecordedEvents) -> None:
    await desk.client.put(
        "/api/v1/me/chat-availability", json={"availability": "unavailable"}, headers=desk.paul
    )
    events.clear()
    response = await desk.client.post(
        "/api/v1/chats", json={"to_agent_id": desk.paul_id, "message": "lunch?"}, headers=desk.olga
    )
    assert response.status_code == 422  # paul switched chat off
    assert events == []
    await desk.client.put(
        "/api/v1/me/chat-availability", json={"availability": "internal"}, headers=desk.paul
    )
    response = await desk.client.post(
        "/api/v1/chats", json={"to_agent_id": desk.paul_id, "message": "lunch?"}, headers=desk.olga
    )
    assert response.status_code == 201, response.text
    chat = response.json()
    assert chat["direction"] == "agent_to_agent"
    new = [e for e in events if e.kind == "chat.request_new"]
    assert new[-1].audience.agent_ids == (desk.paul_id,)
    accepted = await desk.client.post(f"/api/v1/chats/{chat['id']}/accept", headers=desk.paul)
    assert accepted.status_code == 200
    assert (await desk.say(chat["id"], desk.paul, "sure")).status_code == 201


async def test_ch13_ch14_requests_name_their_addressee_who_may_decline(
    desk: Desk, events: RecordedEvents
) -> None:
    await desk.make_available(desk.paul)
    started = await desk.client.post(
        "/api/v1/chats", json={"to_agent_id": desk.paul_id, "message": "lunch?"}, headers=desk.olga
    )
    assert started.status_code == 201, started.text
    chat = started.json()
    # The starter's widget says whom it waits for; only the addressee is asked to accept.
    assert (chat["status"], chat["my_role"]) == ("request", "owner")
    assert (chat["addressee_name"], chat["addressed_to_me"]) == ("Paul Agent", False)
    seen = await desk.chat(chat["id"], desk.paul)
    assert (seen["my_role"], seen["addressee_name"], seen["addressed_to_me"]) == (
        None,
        "Paul Agent",
        True,
    )
    # CH-20: only the addressee may accept; the starter waits.
    assert (chat["may_accept"], seen["may_accept"]) == (False, True)
    to_cora = await desk.client.post(
        "/api/v1/chats", json={"to_customer_user": "cora", "message": "Hi"}, headers=desk.olga
    )
    assert to_cora.status_code == 201, to_cora.text
    assert (to_cora.json()["addressee_name"], to_cora.json()["addressed_to_me"]) == (
        "Cora Customer",
        False,
    )
    cora_view = await desk.chat(to_cora.json()["id"], desk.cora)
    assert (cora_view["addressee_name"], cora_view["addressed_to_me"]) == ("Cora Customer", True)
    assert (to_cora.json()["may_accept"], cora_view["may_accept"]) == (False, True)

    # Declining (closing a request addressed to oneself) tells both sides.
    events.clear()
    declined = await desk.client.post(f"/api/v1/chats/{chat['id']}/close", headers=desk.paul)
    assert declined.status_code == 200, declined.text
    assert (await desk.chat(chat["id"], desk.olga))["status"] == "closed"
    changed = [e for e in events if e.kind == "chat.changed"]
    assert [e.audience.agent_ids for e in changed] == [(desk.olga_id, desk.paul_id)]
    gone = [e for e in events if e.kind == "chat.request_gone"]
    assert [e.audience.agent_ids for e in gone] == [(desk.paul_id,)]


async def test_ch14_agent_to_customer_chat(desk: Desk) -> None:
    response = await desk.client.post(
        "/api/v1/chats",
        json={"to_customer_user": "cora", "message": "Can I help?"},
        headers=desk.olga,
    )
    assert response.status_code == 201, response.text
    chat_id = response.json()["id"]
    listed = await desk.client.get("/api/v1/chats?status=request", headers=desk.cora)
    assert [c["id"] for c in listed.json()["items"]] == [chat_id]
    accepted = await desk.client.post(f"/api/v1/chats/{chat_id}/accept", headers=desk.cora)
    assert accepted.status_code == 200
    assert (await desk.say(chat_id, desk.cora, "yes please")).status_code == 201
    unknown = await desk.client.post(
        "/api/v1/chats", json={"to_customer_user": "nobody", "message": "x"}, headers=desk.olga
    )
    assert unknown.status_code == 422


async def test_ch14_ch36_customer_sees_the_requesting_agent_under_the_default_name(
    desk: Desk, events: RecordedEvents
) -> None:
    await set_settings(desk.web, {"ChatEngine::DefaultAgentName": "Support Agent"})
    events.clear()
    started = await desk.client.post(
        "/api/v1/chats",
        json={"to_customer_user": "cora", "message": "Can I help?"},
        headers=desk.olga,
    )
    assert started.status_code == 201, started.text
    chat_id = started.json()["id"]
    assert started.json()["requester_name"] == "Olga Agent"
    new = [e for e in events if e.kind == "chat.request_new"]
    assert [e.audience.customer_user_ids for e in new] == [(desk.cora_id,)]
    summary = new[0].chat  # type: ignore[attr-defined]
    assert (summary["requester_name"], summary["may_accept"]) == ("Support Agent 1", True)
    assert "Olga" not in str(summary)
    cora_view = await desk.chat(chat_id, desk.cora)
    assert cora_view["requester_name"] == "Support Agent 1"
    listed = await desk.client.get("/api/v1/chats?status=request", headers=desk.cora)
    assert [c["requester_name"] for c in listed.json()["items"]] == ["Support Agent 1"]
    assert "Olga" not in listed.text
    assert (await desk.chat(chat_id, desk.olga))["requester_name"] == "Olga Agent"
    # Without a default name customers see the real name (CH-36: empty = real name).
    await set_settings(desk.web, {"ChatEngine::DefaultAgentName": ""})
    assert (await desk.chat(chat_id, desk.cora))["requester_name"] == "Olga Agent"


async def test_ch15_customers_cannot_pick_an_agent(desk: Desk) -> None:
    response = await desk.client.post(
        "/api/v1/chats", json={"to_agent_id": desk.olga_id, "message": "hi"}, headers=desk.cora
    )
    assert response.status_code == 422


async def test_ch24_monitor_level(desk: Desk) -> None:
    chat_id, visitor = await desk.accepted_public_chat()
    response = await desk.client.put(
        f"/api/v1/chats/{chat_id}/monitor", json={"level": "customer"}, headers=desk.olga
    )
    assert response.json() == {"level": "customer"}
    assert (await desk.chat(chat_id, desk.olga))["monitor"] == "customer"
    response = await desk.client.put(
        f"/api/v1/chats/{chat_id}/monitor", json={"level": "all"}, headers=visitor
    )
    assert response.status_code == 403
    response = await desk.client.put(
        f"/api/v1/chats/{chat_id}/monitor", json={"level": "loud"}, headers=desk.olga
    )
    assert response.status_code == 422


async def test_ch25_chat_shows_channel_role_and_members(desk: Desk) -> None:
    chat_id, _ = await desk.accepted_public_chat()
    chat = await desk.chat(chat_id, desk.olga)
    assert chat["channel_name"] == "Chat"
    assert chat["my_role"] == "owner"
    assert [(m["display_name"], m["role"], m["presence"]) for m in chat["members"]] == [
        ("Vera Visitor", "customer", "active"),
        ("Olga Agent", "owner", "active"),
    ]


async def test_ch18_chat_order_prepend_or_append(desk: Desk) -> None:
    first, _ = await desk.accepted_public_chat()
    second, _ = await desk.accepted_public_chat()
    listed = await desk.client.get("/api/v1/chats?status=active", headers=desk.olga)
    assert [c["id"] for c in listed.json()["items"]] == [second, first]
    await set_settings(desk.web, {"ChatEngine::ChatOrder": "append"})
    listed = await desk.client.get("/api/v1/chats?status=active", headers=desk.olga)
    assert [c["id"] for c in listed.json()["items"]] == [first, second]


async def test_ch19_request_details_for_agents(desk: Desk) -> None:
    chat_id, _ = await desk.public_chat(message="Need help with billing")
    chat = await desk.chat(chat_id, desk.olga)
    assert chat["status"] == "request"
    assert chat["requester_name"] == "Vera Visitor"
    assert chat["my_role"] is None
    events = await desk.events(chat_id, desk.olga)
    assert [e["text"] for e in events] == ["Need help with billing"]


async def test_ch35_customer_views_closed_chats(desk: Desk) -> None:
    response = await desk.client.post("/api/v1/chats", json={"message": "Hi"}, headers=desk.cora)
    chat_id = response.json()["id"]
    await desk.client.post(f"/api/v1/chats/{chat_id}/accept", headers=desk.olga)
    await desk.client.post(f"/api/v1/chats/{chat_id}/close", headers=desk.cora)
    listed = await desk.client.get("/api/v1/chats?status=closed", headers=desk.cora)
    assert [c["id"] for c in listed.json()["items"]] == [chat_id]
    assert [e["kind"] for e in await desk.events(chat_id, desk.cora)] == [
        "message",
        "joined",
        "closed",
    ]


async def test_ch37_no_agent_text_after_threshold(desk: Desk) -> None:
    chat_id, visitor = await desk.public_chat()
    assert (await desk.chat(chat_id, visitor))["no_agent_text"] is None
    await set_settings(
        desk.web,
        {
            "ChatEngine::CustomerThreshold": 0,
            "ChatEngine::Texts::PublicFrontend::NoAgentsAvailable": "Sorry, nobody is here.",
            "ChatEngine::PublicInterface::FallbackURL": "https://example.com/contact",
        },
    )
    chat = await desk.chat(chat_id, visitor)
    assert chat["no_agent_text"] == "Sorry, nobody is here."
    assert chat["fallback_url"] == "https://example.com/contact"
    assert (await desk.chat(chat_id, desk.olga))["no_agent_text"] is None
    response = await desk.client.post("/api/v1/chats", json={"message": "Hi"}, headers=desk.cora)
    chat = await desk.chat(response.json()["id"], desk.cora)
    assert chat["no_agent_text"] == (
        "No agent is available at the moment. You can turn this chat into a new ticket."
    )


async def test_chat_disabled_refuses_every_call(desk: Desk) -> None:
    chat_id, visitor = await desk.accepted_public_chat()
    await set_settings(desk.web, {"ChatEngine::Active": False})
    before = await count(desk.web, ChatEvent)
    for response in (
        await desk.client.get(f"/api/v1/chats/{chat_id}", headers=visitor),
        await desk.say(chat_id, visitor, "hello"),
        await desk.client.post("/api/v1/public/chats", json={"name": "V", "message": "x"}),
        await desk.client.get("/api/v1/chats", headers=desk.olga),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "chat_disabled"
    assert await count(desk.web, ChatEvent) == before


async def test_abuse_limits_answer_429_and_store_nothing(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One frozen instant for the messages and the rate check: on a loaded machine the four
    # messages may otherwise take longer than the one-second window they are counted in.
    frozen = utcnow()
    monkeypatch.setattr(chat_messages, "utcnow", lambda: frozen)
    monkeypatch.setattr(chat_event_log, "utcnow", lambda: frozen)
    await set_settings(desk.web, {"ChatEngine::MessagesPerSecond": 3})  # the first one counts
    chat_id, visitor = await desk.accepted_public_chat()
    assert (await desk.say(chat_id, visitor, "1")).status_code == 201
    assert (await desk.say(chat_id, visitor, "2")).status_code == 201
    before = await count(desk.web, ChatEvent)
    limited = await desk.say(chat_id, visitor, "3")
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    assert await count(desk.web, ChatEvent) == before
    # Open public requests per IP.
    await set_settings(desk.web, {"ChatEngine::PublicInterface::OpenRequestsPerIP": 2})
    await desk.public_chat()
    chats_before = await count(desk.web, ChatMember)
    refused = await desk.client.post("/api/v1/public/chats", json={"name": "V", "message": "x"})
    assert refused.status_code == 429
    assert await count(desk.web, ChatMember) == chats_before
    # And per visitor: a visitor with an open chat cannot open another one.
    await set_settings(desk.web, {"ChatEngine::PublicInterface::OpenRequestsPerIP": 10})
    again = await desk.client.post(
        "/api/v1/public/chats", json={"name": "V", "message": "x"}, headers=visitor
    )
    assert again.status_code == 429


async def test_ch37_api_customer_request_to_ticket_and_to_my_ticket(desk: Desk) -> None:
    await set_settings(desk.web, {"ChatEngine::CustomerThreshold": 0})
    first = await desk.client.post("/api/v1/chats", json={"message": "One"}, headers=desk.cora)
    first_id = first.json()["id"]
    # Not the requester: an agent cannot use the customer's way out.
    refused = await desk.client.post(
        f"/api/v1/chats/{first_id}/to-ticket",
        json={"queue_id": 4, "title": "Printer"},
        headers=desk.olga,
    )
    assert refused.status_code == 403
    invalid = await desk.client.post(
        f"/api/v1/chats/{first_id}/to-ticket", json={"queue_id": 4, "title": ""}, headers=desk.cora
    )
    assert invalid.status_code == 422
    assert (await desk.chat(first_id, desk.cora))["status"] == "request"

    ticket = await desk.client.post(
        f"/api/v1/chats/{first_id}/to-ticket",
        json={"queue_id": 4, "title": "Printer"},
        headers=desk.cora,
    )
    assert ticket.status_code == 201, ticket.text
    assert ticket.json()["title"] == "Printer"
    assert (await desk.chat(first_id, desk.cora))["status"] == "closed"

    second = await desk.client.post("/api/v1/chats", json={"message": "Two"}, headers=desk.cora)
    second_id = second.json()["id"]
    added = await desk.client.post(
        f"/api/v1/chats/{second_id}/to-my-ticket",
        json={"ticket_id": ticket.json()["id"]},
        headers=desk.cora,
    )
    assert added.status_code == 201, added.text
    assert (added.json()["channel"], added.json()["ticket_id"]) == ("chat", ticket.json()["id"])


async def test_ch14_ch34_a_customer_is_online_for_the_session_active_time(desk: Desk) -> None:
    """The chat offers and accepts a customer by the same "online" as users online shows."""
    await set_settings(desk.web, {"ChatEngine::AgentOnlineThreshold": 1, "SessionActiveTime": 10})
    async with transaction(desk.web) as tx:
        await tx.session.execute(
            update(AuthToken)
            .where(AuthToken.realm == "customer", AuthToken.user_id == desk.cora_id)
            .values(last_seen_at=utcnow() - timedelta(minutes=3))
        )
    body = {"to_customer_user": "cora", "message": "Can I help?"}
    started = await desk.client.post("/api/v1/chats", json=body, headers=desk.olga)
    assert started.status_code == 201, started.text

    await set_settings(desk.web, {"SessionActiveTime": 2})
    refused = await desk.client.post("/api/v1/chats", json=body, headers=desk.olga)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "customer_offline"
