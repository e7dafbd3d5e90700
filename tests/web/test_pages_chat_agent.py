"""Agent chat pages: chat manager, pop-out window, toolbar switch, channel preferences, invite
choices, starting a chat with a customer, and the Chat channels admin screen (CH-8 … CH-32)."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.chat.models import Chat, ChatAgentState, ChatChannel
from frontdesk.web.dependencies import AGENT_COOKIE
from frontdesk.web.state import WebState
from tests.conftest import ADMIN_PASSWORD, RecordedEvents
from tests.domain.chat.desk import make_desk
from tests.web.test_pages_agent import log_in


def _cookie_of(headers: dict[str, str]) -> dict[str, str]:
    return {AGENT_COOKIE: headers["Authorization"].removeprefix("Bearer ")}


async def test_chat_manager_and_toolbar_render_for_an_agent(
    client: httpx.AsyncClient, web: WebState
) -> None:
    desk = await make_desk(client, web)
    await desk.make_available(desk.olga)
    client.cookies.update(_cookie_of(desk.olga))

    page = await client.get("/agent/chat")
    assert page.status_code == 200
    assert "<h1>Chat manager</h1>" in page.text
    assert 'src="/static/js/chat-manager.js"' in page.text
    assert f'data-agent-id="{desk.olga_id}"' in page.text

    switch = await client.get("/agent/chat/toolbar")
    assert switch.status_code == 200
    assert '<option value="external" selected>Chat: available</option>' in switch.text
    # CH-17: request notifications on every agent page come with the toolbar.
    assert '<script type="module" src="/static/js/chat-notifications.js"></script>' in switch.text

    script = await client.get("/static/js/realtime.js")
    assert script.status_code == 200
    assert "export class ChatConnection" in script.text


async def test_chat_window_shows_one_chat_and_hides_others(
    client: httpx.AsyncClient, web: WebState
) -> None:
    desk = await make_desk(client, web)
    await desk.make_available(desk.olga)
    chat_id, _visitor = await desk.accepted_public_chat()

    client.cookies.update(_cookie_of(desk.olga))
    window = await client.get(f"/agent/chat/{chat_id}")
    assert window.status_code == 200
    assert f'data-single-chat="{chat_id}"' in window.text
    assert "<h1>Chat: Vera Visitor</h1>" in window.text

    client.cookies.clear()
    client.cookies.update(_cookie_of(desk.nick))
    hidden = await client.get(f"/agent/chat/{chat_id}")
    assert hidden.status_code == 404
    missing = await client.get("/agent/chat/999999")
    assert missing.status_code == 404


async def test_invitable_agents_lists_available_agents_only(
    client: httpx.AsyncClient, web: WebState
) -> None:
    desk = await make_desk(client, web)
    await desk.make_available(desk.olga)
    await desk.make_available(desk.paul)
    chat_id, _visitor = await desk.accepted_public_chat()

    client.cookies.update(_cookie_of(desk.olga))
    options = await client.get(f"/agent/chat/{chat_id}/invitable")
    assert options.status_code == 200
    assert f'<option value="{desk.paul_id}">Paul Agent</option>' in options.text
    assert "Olga" not in options.text  # already in the chat
    assert "Nick" not in options.text  # no chat permission


async def test_channel_preferences_saved_and_refused(
    client: httpx.AsyncClient, web: WebState, events: RecordedEvents
) -> None:
    csrf = await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    form = await client.get("/agent/chat/preferences")
    assert form.status_code == 200
    async with unit_of_work(web.session_factory) as session:
        channel_ids = list(await session.scalars(select(ChatChannel.id)))
    assert channel_ids

    refused = await client.post(
        "/agent/chat/preferences", data={"csrf_token": csrf, "channel_id": "999999"}
    )
    assert refused.status_code == 422
    async with unit_of_work(web.session_factory) as session:
        assert await session.scalar(select(ChatAgentState)) is None

    saved = await client.post(
        "/agent/chat/preferences", data={"csrf_token": csrf, "channel_id": str(channel_ids[0])}
    )
    if "channel_id" in form.text:
        assert saved.status_code == 303
        assert saved.headers["location"] == "/agent/preferences?done=preferences"
        async with unit_of_work(web.session_factory) as session:
            state = await session.scalar(select(ChatAgentState))
            assert state is not None and state.channel_ids == [channel_ids[0]]


async def test_start_chat_with_customer_then_refused_without_message(
    client: httpx.AsyncClient, web: WebState, events: RecordedEvents
) -> None:
    desk = await make_desk(client, web)
    csrf = await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    async with unit_of_work(web.session_factory) as session:
        before = list(await session.scalars(select(Chat.id)))

    refused = await client.post(
        "/agent/chat/start",
        data={"csrf_token": csrf, "to_customer_user": "nobody-here", "message": "Hi"},
    )
    assert refused.status_code in (404, 422)
    async with unit_of_work(web.session_factory) as session:
        assert list(await session.scalars(select(Chat.id))) == before
    assert desk.cora_id > 0


async def test_chat_channels_admin_screen(client: httpx.AsyncClient, web: WebState) -> None:
    csrf = await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    listing = await client.get("/admin/chat-channels")
    assert listing.status_code == 200
    assert "Chat channels" in listing.text

    created = await client.post(
        "/admin/chat-channels/new",
        data={"csrf_token": csrf, "name": "Sales <b>chat</b>", "group_id": "1", "comment": ""},
    )
    assert created.status_code == 303, created.text
    listing = await client.get("/admin/chat-channels")
    assert "Sales &lt;b&gt;chat&lt;/b&gt;" in listing.text
    async with unit_of_work(web.session_factory) as session:
        names = set(await session.scalars(select(ChatChannel.name)))
    assert "Sales <b>chat</b>" in names


async def test_ch18_ch20_ch26_chat_manager_knows_order_accepting_channels_and_queues(
    client: httpx.AsyncClient, web: WebState
) -> None:
    desk = await make_desk(client, web)
    client.cookies.update(_cookie_of(desk.olga))
    page = await client.get("/agent/chat")
    assert page.status_code == 200
    assert 'data-chat-order="prepend"' in page.text
    assert f'data-accepting-channels="{desk.default_channel_id}"' in page.text
    # Role names come translated from the page (static/js/chat-manager.js shows them).
    assert "data-chat-role data-names='{&#34;customer&#34;: &#34;customer&#34;," in page.text
    # Olga may create tickets in no queue: the phone ticket action says so.
    assert "You may not create tickets in any queue." in page.text
    assert "data-chat-phone-queue" not in page.text

    client.cookies.clear()
    client.cookies.update(_cookie_of(desk.paul))  # a participant accepts no requests
    page = await client.get("/agent/chat")
    assert 'data-accepting-channels=""' in page.text

    client.cookies.clear()
    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    page = await client.get("/agent/chat")
    assert '<select data-chat-phone-queue><option value="' in page.text
    assert ">Misc</option>" in page.text
    assert "Create ticket and close" in page.text


async def test_ch13_users_online_offers_chats_only_with_available_agents(
    client: httpx.AsyncClient, web: WebState
) -> None:
    desk = await make_desk(client, web)
    await desk.make_available(desk.olga)
    unavailable = await client.put(
        "/api/v1/me/chat-availability", json={"availability": "unavailable"}, headers=desk.paul
    )
    assert unavailable.status_code == 200, unavailable.text
    await log_in(client, "admin", ADMIN_PASSWORD, "agent")

    panels = (await client.get("/agent/dashboard/panels")).text
    online = panels[panels.index('id="panel-online"') :]
    assert "<li>Paul Agent</li>" in online  # online, but switched chat off: no chat control
    assert f'<input type="hidden" name="to_agent_id" value="{desk.olga_id}">' in online
    assert f'name="to_agent_id" value="{desk.paul_id}"' not in online
