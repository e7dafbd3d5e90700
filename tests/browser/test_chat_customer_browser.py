"""The customer's live chat in a real browser: create a chat, an agent accepts, the customer's
network is cut and restored while messages go both ways — nothing is lost or doubled; then the
integration dialog: colour and channel change the snippet, and the preview shows the widget.

With ``FRONTDESK_SCREENSHOTS=docs/user`` the tests save screenshots for docs/user/chat.md.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable

from playwright.async_api import Page, Route, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_chat_public_browser import deploy_settings, prepare_desk
from tests.browser.test_ticket_zoom_browser import log_in, screenshot
from tests.conftest import ADMIN_PASSWORD

NewPage = Callable[..., Awaitable[Page]]


def create_jane(live_server: LiveServer, headers: dict[str, str]) -> None:
    with live_server.api() as api:
        api.post(
            "/api/v1/customer-users",
            json={
                "login": "jane",
                "first_name": "Jane",
                "last_name": "Doe",
                "email": "jane@example.com",
                "password": "customer-secret-1",
            },
            headers=headers,
        ).raise_for_status()


async def test_customer_chat_survives_a_network_cut(
    live_server: LiveServer, new_page: NewPage
) -> None:
    headers = prepare_desk(live_server)
    create_jane(live_server, headers)
    page = await new_page(viewport={"width": 390, "height": 844})
    await log_in(page, f"{live_server.url}/customer/login", "jane", "customer-secret-1")
    await page.get_by_role("link", name="Chats").click()
    await page.get_by_role("link", name="Create new chat").click()
    await page.get_by_label("Your message").fill("My printer is on fire")
    await page.get_by_role("button", name="Start chat").click()
    log = page.get_by_role("log")
    await expect(log).to_contain_text("My printer is on fire")
    chat_id = int(page.url.rsplit("/", 1)[1])

    with live_server.api() as api:
        api.post(f"/api/v1/chats/{chat_id}/accept", headers=headers).raise_for_status()
    await expect(log).to_contain_text("joined the chat")
    box = page.get_by_role("textbox", name="Message", exact=True)

    await page.context.set_offline(True)
    await expect(page.get_by_text("Connection lost. Reconnecting…")).to_be_visible()
    await box.fill("Sent while offline")
    await box.press("Enter")
    await expect(log.locator("li.pending")).to_contain_text("will be sent automatically")
    with live_server.api() as api:
        for number in (1, 2):
            api.post(
                f"/api/v1/chats/{chat_id}/messages",
                json={"text": f"Agent reply {number}", "client_message_id": f"r{number}"},
                headers=headers,
            ).raise_for_status()
    await page.context.set_offline(False)
    await expect(log.locator("li.pending")).to_have_count(0, timeout=20_000)
    await expect(log).to_contain_text("Agent reply 2")
    await expect(page.get_by_text("Connection lost. Reconnecting…")).to_be_hidden()
    # Nothing lost, nothing doubled; the queued message stays where it was typed.
    texts = await log.locator(".chat-text").all_text_contents()
    assert texts == [
        "My printer is on fire",
        "Sent while offline",
        "Agent reply 1",
        "Agent reply 2",
    ]
    with live_server.api() as api:
        items = api.get(f"/api/v1/chats/{chat_id}/events", headers=headers).json()["items"]
    stored = [i["event"]["text"] for i in items if i["event"]["kind"] == "message"]
    assert stored == [
        "My printer is on fire",
        "Agent reply 1",
        "Agent reply 2",
        "Sent while offline",
    ]
    await screenshot(page, "chat-customer.png")

    with live_server.api() as api:
        api.post(f"/api/v1/chats/{chat_id}/close", headers=headers).raise_for_status()
    # CH-23: the customer sees who closed it (no DefaultAgentName here: the real name).
    await expect(page.get_by_text("This chat has been closed.")).to_contain_text(
        "Admin Frontdesk ended the chat."
    )
    await expect(box).to_be_disabled()


async def test_ch14_customer_accepts_an_agents_request_and_chats(
    live_server: LiveServer, new_page: NewPage
) -> None:
    """The request shows up live on the Chats page; Accept opens the live chat; the customer
    sees the agent typing (CH-49) under the default agent name (CH-36), and who closed it."""
    agent = await new_page()
    await log_in(agent, f"{live_server.url}/login", "admin", ADMIN_PASSWORD)
    headers = prepare_desk(live_server)
    create_jane(live_server, headers)
    deploy_settings(live_server, headers, {"ChatEngine::DefaultAgentName": "Support"})
    page = await new_page(viewport={"width": 390, "height": 844})
    await log_in(page, f"{live_server.url}/customer/login", "jane", "customer-secret-1")
    await page.get_by_role("link", name="Chats").click()
    await expect(page.get_by_text("You have no chats yet.")).to_be_visible()

    with live_server.api() as api:
        started = api.post(
            "/api/v1/chats",
            json={"to_customer_user": "jane", "message": "Can I help with <b>that</b>?"},
            headers=headers,
        )
        assert started.status_code == 201, started.text
        chat_id = started.json()["id"]
    await expect(page.get_by_text("An agent would like to chat with you.")).to_be_visible()
    await page.get_by_role("link", name=f"Open chat {chat_id}").click()
    await expect(page.get_by_text("Support 1 would like to chat with you.")).to_be_visible()
    box = page.get_by_role("textbox", name="Message", exact=True)
    await expect(box).to_be_disabled()
    log = page.get_by_role("log")
    await expect(log.locator(".chat-text")).to_have_text(["Can I help with <b>that</b>?"])
    await page.get_by_role("button", name="Accept").click()
    await expect(page).to_have_url(f"{live_server.url}/customer/chats/{chat_id}")
    await expect(box).to_be_enabled()
    await expect(page.get_by_text("would like to chat with you")).to_have_count(0)

    # The agent works the chat in the chat manager; the customer sees them typing, then writing.
    await agent.goto(f"{live_server.url}/agent/chat")
    widget = agent.locator(f"#chat-{chat_id}")
    agent_box = widget.get_by_role("textbox", name="Message")
    await agent_box.fill("Let me look")
    await expect(page.get_by_text("Support 1 is typing…")).to_be_visible()
    await agent_box.press("Enter")
    await expect(log.locator(".chat-text").last).to_have_text("Let me look")
    await expect(log.locator(".chat-author").last).to_have_text("Support 1")
    await box.fill("Thanks!")
    await box.press("Enter")
    await expect(widget.locator("[data-chat-log]")).to_contain_text("Thanks!")
    assert "Admin" not in await page.locator("main").inner_text()

    await widget.get_by_role("button", name="Close chat").click()
    await expect(page.get_by_text("This chat has been closed.")).to_contain_text(
        "Support 1 ended the chat."
    )
    await expect(box).to_be_disabled()


async def jane_waits_for_an_agent(
    live_server: LiveServer, new_page: NewPage
) -> tuple[dict[str, str], Page]:
    """Jane, on a phone-sized page with a controllable clock, has started a chat no agent has
    taken yet; answers the admin's headers and her page."""
    headers = prepare_desk(live_server)
    create_jane(live_server, headers)
    page = await new_page(viewport={"width": 390, "height": 844})
    await page.clock.install()
    await log_in(page, f"{live_server.url}/customer/login", "jane", "customer-secret-1")
    await page.goto(f"{live_server.url}/customer/chats/new")
    await page.get_by_label("Your message").fill("Anyone there?")
    await page.get_by_role("button", name="Start chat").click()
    await expect(page.get_by_role("log")).to_contain_text("Anyone there?")
    return headers, page


async def test_ch37_no_agent_text_appears_while_the_customer_waits(
    live_server: LiveServer, new_page: NewPage
) -> None:
    """The text is not only rendered at load: the waiting page asks the server again."""
    headers, page = await jane_waits_for_an_agent(live_server, new_page)
    await expect(page.get_by_text("Waiting for an agent…")).to_be_visible()
    link = page.get_by_role("link", name="Create a ticket or add the chat to one of my tickets")
    await expect(link).to_be_hidden()

    # The threshold passes (here: it drops to 0 minutes) while the page stays open.
    deploy_settings(live_server, headers, {"ChatEngine::CustomerThreshold": 0})
    await page.clock.fast_forward("00:31")
    await expect(link).to_be_visible()
    await expect(page.get_by_text("No agent is available")).to_be_visible()


async def test_integration_dialog_snippet_and_preview(
    live_server: LiveServer, new_page: NewPage
) -> None:
    page = await new_page()
    await log_in(page, f"{live_server.url}/login", "admin", ADMIN_PASSWORD)
    headers = prepare_desk(live_server)  # after the login: a browser login resets availability
    # A second channel, so the widget offers a choice and the pre-selection shows.
    with live_server.api() as api:
        groups = api.get("/api/v1/groups", headers=headers).json()["items"]
        users = next(g["id"] for g in groups if g["name"] == "users")
        sales = api.post(
            "/api/v1/chat-channels", json={"name": "Sales", "group_id": users}, headers=headers
        )
        assert sales.status_code == 201, sales.text
        channels = api.get("/api/v1/chat/channels", headers=headers).json()["items"]
        api.put(
            "/api/v1/me/chat-channels",
            json={"channel_ids": [c["id"] for c in channels]},
            headers=headers,
        ).raise_for_status()
    await page.goto(f"{live_server.url}/agent/chat/integration")
    await page.get_by_label("Button colour").fill("#aa3300")
    channel = page.get_by_label("Pre-selected channel")
    await channel.select_option(label="Sales")
    channel_id = await channel.input_value()
    assert channel_id == str(sales.json()["id"])
    await page.get_by_label("Button text", exact=True).fill("Ask us")
    await page.get_by_role("tab", name="Integration code").click()
    head = page.get_by_label("Paste into the page's <head>")
    await expect(head).to_have_value(re.compile('"color": "#aa3300"'))
    await expect(head).to_have_value(re.compile(f'"channel": {channel_id}'))
    body = page.get_by_label("Paste at the end of the page's <body>")
    await expect(body).to_have_value(
        f'<script async src="{live_server.url}/static/embed/frontdesk-chat.js"></script>'
    )
    await page.get_by_role("tab", name="Preview").click()
    launcher = page.frame_locator("[data-preview]").get_by_role("button", name="Ask us")
    await expect(launcher).to_be_visible()
    assert await launcher.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(170, 51, 0)"
    # The preview's widget opens on the chosen channel (the visitor may still change it).
    await launcher.click()
    widget = page.frame_locator("[data-preview]").frame_locator('iframe[title="Chat with us"]')
    topic = widget.get_by_label("Topic")
    await expect(topic).to_have_value(channel_id)
    await expect(topic.locator("option")).to_have_text(["Chat", "Sales"])
    await screenshot(page, "chat-integration-dialog.png")

    # Reload starts the preview afresh from the current configuration.
    await page.get_by_role("tab", name="Configuration").click()
    await page.get_by_label("Button colour").fill("#006600")
    await page.get_by_role("tab", name="Preview").click()
    await page.get_by_role("button", name="Reload preview").click()
    launcher = page.frame_locator("[data-preview]").get_by_role("button", name="Ask us")
    await expect(launcher).to_have_css("background-color", "rgb(0, 102, 0)")


async def test_ch37_waiting_page_stops_asking_once_the_server_says_no(
    live_server: LiveServer, new_page: NewPage
) -> None:
    """A 4xx (here: the session expired) will not get better: the page stops asking."""
    _, page = await jane_waits_for_an_agent(live_server, new_page)
    chat_id = int(page.url.rsplit("/", 1)[1])
    asked: list[str] = []

    async def expired(route: Route) -> None:
        asked.append(route.request.url)
        await route.fulfill(status=401, json={"error": {"code": "authentication_required"}})

    await page.route(f"{live_server.url}/api/v1/chats/{chat_id}", expired)
    await page.clock.fast_forward("00:31")
    for _ in range(50):
        if asked:
            break
        await asyncio.sleep(0.1)
    assert len(asked) == 1
    await page.clock.fast_forward("01:01")  # two more rounds of the 30 s check
    await asyncio.sleep(1)
    assert len(asked) == 1
