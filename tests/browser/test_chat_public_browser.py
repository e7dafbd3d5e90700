"""The embeddable chat widget on a web site of another site (``localhost`` while the server is
``127.0.0.1``), with and without jQuery on the page: a blocked origin gets no widget and a clear
console message; once allowed, the visitor chats with an agent who accepts in the chat manager;
both see messages and typing live; the visitor sees the default agent name, numbered when a
second agent joins, never an invited observer; HTML stays text; a reload and a second tab
continue the same chat; Escape closes the widget; the agent appends the chat to a ticket and the
article shows in ticket zoom.

With ``FRONTDESK_SCREENSHOTS=docs/user`` the test saves the widget screenshot of docs/user/chat.md.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.async_api import Frame, Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_ticket_zoom_browser import log_in, screenshot
from tests.conftest import ADMIN_PASSWORD

NewPage = Callable[..., Awaitable[Page]]
VENDOR = Path(__file__).parent / "vendor"
AXE = (VENDOR / "axe-4.10.3.min.js").read_text()


@pytest.fixture
def host_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A static web site of another site (another host name and port) serving ``tmp_path``."""
    (tmp_path / "jquery.min.js").write_bytes((VENDOR / "jquery-3.7.1.min.js").read_bytes())
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # "localhost" is another site than the server's 127.0.0.1: the widget runs cross-site.
    yield f"http://localhost:{server.server_address[1]}", tmp_path
    server.shutdown()
    server.server_close()


def host_page(server: str, with_jquery: bool) -> str:
    jquery = '<script src="/jquery.min.js"></script>' if with_jquery else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>'
        f'{jquery}<script>window.frontdeskChat = {{"server": "{server}", "color": "#8a2be2",'
        ' "buttonText": "Talk to us", "title": "Shop help"};</script>'
        "<style>button{background:red!important;font-size:40px!important}</style></head>"
        "<body><h1>Example shop</h1>"
        f'<script async src="{server}/static/embed/frontdesk-chat.js"></script></body></html>'
    )


async def serious_violations(frame: Page | Frame) -> list[str]:
    """axe-core's serious and critical findings on this page or frame (none expected)."""
    await frame.evaluate(AXE)
    result = await frame.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {v['help']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def prepare_desk(live_server: LiveServer) -> dict[str, str]:
    """An available agent (the admin) in the default channel; answers the admin's headers."""
    headers = live_server.admin_headers()
    with live_server.api() as api:
        channels = api.get("/api/v1/chat/channels", headers=headers).json()["items"]
        default = next(c["id"] for c in channels if c["is_default"])
        api.put(
            "/api/v1/me/chat-channels", json={"channel_ids": [default]}, headers=headers
        ).raise_for_status()
        api.put(
            "/api/v1/me/chat-availability", json={"availability": "external"}, headers=headers
        ).raise_for_status()
    return headers


def deploy_settings(
    live_server: LiveServer, headers: dict[str, str], values: dict[str, Any]
) -> None:
    """Stage the values through the settings API and deploy them (live on the server at once)."""
    with live_server.api() as api:
        for name, value in values.items():
            api.put(
                f"/api/v1/settings/{quote(name, safe='')}", json={"value": value}, headers=headers
            ).raise_for_status()
        api.post(
            "/api/v1/settings/deployments", json={"comment": "browser test"}, headers=headers
        ).raise_for_status()


def allow_origin(live_server: LiveServer, headers: dict[str, str], origin: str) -> None:
    deploy_settings(live_server, headers, {"ChatEngine::PublicInterface::AllowedOrigins": [origin]})


def add_olga(api: httpx.Client, headers: dict[str, str], *, last_name: str) -> dict[str, str]:
    """A second agent Olga: chat participant in the group users, available for internal chats;
    answers her bearer headers."""
    olga = api.post(
        "/api/v1/agents",
        json={
            "login": "olga",
            "first_name": "Olga",
            "last_name": last_name,
            "email": "olga@example.com",
            "password": "agent-secret-1",
        },
        headers=headers,
    )
    olga.raise_for_status()
    groups = api.get("/api/v1/groups", headers=headers).json()["items"]
    users = next(g["id"] for g in groups if g["name"] == "users")
    api.put(
        f"/api/v1/groups/{users}/agents/{olga.json()['id']}",
        json={"permissions": ["rw", "chat_participant"]},
        headers=headers,
    ).raise_for_status()
    token = api.post(
        "/api/v1/auth/token",
        json={"login": "olga", "password": "agent-secret-1", "realm": "agent"},
    ).json()["token"]
    olga_headers = {"Authorization": f"Bearer {token}"}
    api.put(
        "/api/v1/me/chat-availability", json={"availability": "internal"}, headers=olga_headers
    ).raise_for_status()
    return olga_headers


def create_olga_and_a_ticket(live_server: LiveServer, headers: dict[str, str]) -> dict[str, Any]:
    """A second agent Olga (chat participant in the default channel's group) available for
    chat, and a ticket to append chats to; answers Olga's headers and the ticket."""
    with live_server.api() as api:
        olga_headers = add_olga(api, headers, last_name="Second")
        api.post(
            "/api/v1/customer-users",
            json={
                "login": "vera",
                "first_name": "Vera",
                "last_name": "Visitor",
                "email": "vera@example.com",
            },
            headers=headers,
        ).raise_for_status()
        queues = api.get("/api/v1/queues", headers=headers).json()["items"]
        ticket = api.post(
            "/api/v1/tickets",
            json={
                "title": "Red shoes order",
                "queue_id": next(q["id"] for q in queues if q["name"] == "Misc"),
                "customer_user": "vera",
                "state": "open",
                "priority": "3 normal",
                "article": {
                    "channel": "phone",
                    "sender": "customer",
                    "subject": "Shoes",
                    "body": "Asked about red shoes.",
                    "visible_for_customer": True,
                },
            },
            headers=headers,
        )
        assert ticket.status_code == 201, ticket.text
    return {"olga": olga_headers, "ticket": ticket.json()}


@pytest.mark.parametrize("with_jquery", [False, True], ids=["plain", "jquery"])
async def test_visitor_chats_through_the_widget_on_another_site(
    live_server: LiveServer,
    new_page: NewPage,
    host_site: tuple[str, Path],
    with_jquery: bool,
) -> None:
    site, folder = host_site
    (folder / "index.html").write_text(host_page(live_server.url, with_jquery))
    agent = await new_page()
    await log_in(agent, f"{live_server.url}/login", "admin", ADMIN_PASSWORD)
    headers = prepare_desk(live_server)  # after the login: a browser login resets availability
    setup = create_olga_and_a_ticket(live_server, headers)
    olga, ticket = setup["olga"], setup["ticket"]
    deploy_settings(live_server, headers, {"ChatEngine::DefaultAgentName": "Support"})
    await agent.goto(f"{live_server.url}/agent/chat")
    await expect(agent.get_by_text("No open requests.")).to_be_visible()

    # Not yet allowed: no widget, and the console says why.
    visitor = await new_page(viewport={"width": 390, "height": 800})
    async with visitor.expect_console_message(lambda m: "AllowedOrigins" in m.text) as blocked:
        await visitor.goto(f"{site}/index.html")
    assert (await blocked.value).type == "error"
    await expect(visitor.get_by_role("button", name="Talk to us")).to_have_count(0)
    jquery = "window.jQuery ? jQuery.fn.jquery : 'none'"
    assert await visitor.evaluate(jquery) == ("3.7.1" if with_jquery else "none")

    allow_origin(live_server, headers, site)
    await visitor.reload()
    launcher = visitor.get_by_role("button", name="Talk to us")
    await expect(launcher).to_be_visible()
    # The page's CSS does not reach into the widget.
    assert await launcher.evaluate("b => getComputedStyle(b).fontSize") == "15px"
    await launcher.focus()
    await visitor.keyboard.press("Enter")
    frame = visitor.frame_locator('iframe[title="Shop help"]')
    await expect(frame.get_by_label("Your name")).to_be_visible()
    handle = await visitor.locator('iframe[title="Shop help"]').element_handle()
    chat_frame = await handle.content_frame()
    assert chat_frame is not None
    if not with_jquery:  # accessibility once is enough: the widget is the same
        assert await serious_violations(chat_frame) == []  # the start form
    await frame.get_by_label("Your name").fill("Vera")
    await frame.get_by_label("Your message").fill("Is the <b>red</b> one in stock?")
    await frame.get_by_role("button", name="Start chat").click()
    log = frame.get_by_role("log")
    await expect(log).to_contain_text("Is the <b>red</b> one in stock?")
    # CH-7: the loader keeps the token in the host's storage, handed over after its hello.
    await visitor.wait_for_function(
        "JSON.parse(localStorage.getItem('frontdeskChat.visitor') || '{}').chatId > 0"
    )

    # The agent accepts in the chat manager (the request arrived live).
    request = agent.get_by_role("button", name="Vera (Chat)")
    await request.click()
    dialog = agent.get_by_role("dialog", name="Chat request")
    await dialog.get_by_role("button", name="Accept").click()
    chat_id = int((await agent.locator("[data-chat-widget]").first.get_attribute("id"))[5:])
    widget = agent.locator(f"#chat-{chat_id}")
    agent_log = widget.locator("[data-chat-log]")
    await expect(agent_log.locator(".chat-text")).to_have_text(["Is the <b>red</b> one in stock?"])
    await expect(log).to_contain_text("Support 1 joined the chat.")

    # Typing and messages, live both ways (CH-49); the visitor sees only the default name.
    agent_box = widget.get_by_role("textbox", name="Message")
    await agent_box.fill("Yes, <i>3 left</i>.")
    await expect(frame.get_by_text("Support 1 is typing…")).to_be_visible()
    await agent_box.press("Enter")
    await expect(log.locator(".chat-text").last).to_have_text("Yes, <i>3 left</i>.")
    await expect(log.locator(".chat-author").last).to_have_text("Support 1")
    assert await frame.locator(".chat-text i").count() == 0
    box = frame.get_by_role("textbox", name="Message", exact=True)
    await box.fill("Great, thanks")
    await expect(widget.locator("[data-chat-typing]")).to_contain_text("Vera")
    await box.press("Enter")
    await expect(box).to_be_focused()
    await expect(log.locator("li.pending")).to_have_count(0)
    await expect(agent_log.locator(".chat-text").last).to_have_text("Great, thanks")
    if not with_jquery:
        assert await serious_violations(chat_frame) == []  # the conversation
        assert await serious_violations(visitor) == []
        await screenshot(visitor, "chat-widget.png")

    # CH-28 … CH-30, CH-36: Olga is invited and watches as observer: the visitor never sees
    # her; when she turns participant the visitor sees her as the second default name.
    invite = widget.locator("details", has_text="Invite an agent")
    await invite.locator("summary").click()
    await invite.get_by_label("Agent").select_option(label="Olga Second")
    await invite.get_by_role("button", name="Invite").click()
    await expect(agent_log).to_contain_text("invited")
    with live_server.api() as api:
        invitations = api.get("/api/v1/chats?status=request", headers=olga).json()["items"]
        assert [c["invited_for_chat_id"] for c in invitations] == [chat_id]
        api.post(f"/api/v1/chats/{invitations[0]['id']}/accept", headers=olga).raise_for_status()
        api.post(
            f"/api/v1/chats/{chat_id}/join", json={"as": "observer"}, headers=olga
        ).raise_for_status()
    members = widget.locator("[data-chat-members] li")
    await expect(members.filter(has_text="Olga Second")).to_contain_text("observer")
    await agent_box.fill("One moment")
    await agent_box.press("Enter")
    await expect(log.locator(".chat-text").last).to_have_text("One moment")
    conversation = await frame.locator("body").inner_text()
    assert "Olga" not in conversation
    assert "Support 2" not in conversation
    with live_server.api() as api:
        api.post(
            f"/api/v1/chats/{chat_id}/join", json={"as": "participant"}, headers=olga
        ).raise_for_status()
        api.post(
            f"/api/v1/chats/{chat_id}/messages",
            json={"text": "I can help too", "client_message_id": "o1"},
            headers=olga,
        ).raise_for_status()
    await expect(log).to_contain_text("Support 2 joined the chat.")
    await expect(log.locator(".chat-author").last).to_have_text("Support 2")
    assert "Olga" not in await frame.locator("body").inner_text()

    # A second tab continues the same chat, live in both tabs.
    second = await visitor.context.new_page()
    await second.goto(f"{site}/index.html")
    await second.get_by_role("button", name="Talk to us").click()
    second_frame = second.frame_locator('iframe[title="Shop help"]')
    second_log = second_frame.get_by_role("log")
    await expect(second_log).to_contain_text("I can help too")
    await second_frame.get_by_role("textbox", name="Message", exact=True).fill("From tab two")
    await second_frame.get_by_role("textbox", name="Message", exact=True).press("Enter")
    await expect(log.locator(".chat-text").last).to_have_text("From tab two")
    await expect(agent_log.locator(".chat-text").last).to_have_text("From tab two")
    await second.close()

    # A reload continues the same chat (visitor token kept in the frame's storage).
    await visitor.reload()
    await visitor.get_by_role("button", name="Talk to us").click()
    expected = [
        "Is the <b>red</b> one in stock?",
        "Yes, <i>3 left</i>.",
        "Great, thanks",
        "One moment",
        "I can help too",
        "From tab two",
    ]
    await expect(log.locator(".chat-text")).to_have_text(expected)
    with live_server.api() as api:
        stored = api.get(f"/api/v1/chats/{chat_id}/events", headers=headers).json()["items"]
    assert [i["event"]["text"] for i in stored if i["event"]["kind"] == "message"] == expected

    # Escape in the conversation closes the widget and gives the focus back to the button.
    await box.focus()
    await visitor.keyboard.press("Escape")
    await expect(visitor.locator('iframe[title="Shop help"]')).to_be_hidden()
    await expect(launcher).to_be_focused()
    await expect(launcher).to_have_attribute("aria-expanded", "false")
    await visitor.keyboard.press("Enter")
    await expect(box).to_be_visible()

    # CH-27, CH-39: the agent appends the chat to a ticket; the visitor learns who closed it.
    append = widget.locator("details", has_text="Append to ticket")
    await append.locator("summary").click()
    await append.get_by_label("Search tickets").fill("shoes")
    await append.get_by_role("button", name="Search").click()
    await expect(
        append.get_by_role("combobox", name="Ticket", exact=False).locator("option")
    ).to_have_text([f"{ticket['number']} Red shoes order"])
    await append.get_by_role("button", name="Append and close").click()
    await expect(frame.get_by_text("This chat has been closed.")).to_contain_text(
        "Support 1 ended the chat."
    )
    await expect(box).to_be_disabled()
    await agent.goto(f"{live_server.url}/agent/tickets/{ticket['id']}")
    article = agent.get_by_role("article", name=f"Chat {chat_id}")
    for text in expected:
        await expect(article).to_contain_text(text)


async def test_ch7_the_frame_hands_its_token_only_to_the_parent_that_said_hello(
    live_server: LiveServer, new_page: NewPage, host_site: tuple[str, Path]
) -> None:
    """The visitor token goes to the framing page only in answer to its hello, addressed to the
    hello's origin; a page that frames the chat without greeting it hears nothing."""
    site, folder = host_site
    (folder / "frame.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Framer</title></head>'
        "<body><script>window.heard = [];"
        "addEventListener('message', (e) => heard.push({origin: e.origin, data: e.data}));"
        "</script>"
        f'<iframe title="Chat" src="{live_server.url}/public/chat?iframe=1"></iframe></body></html>'
    )
    headers = prepare_desk(live_server)
    allow_origin(live_server, headers, site)
    page = await new_page()
    await page.goto(f"{site}/frame.html")
    frame = page.frame_locator('iframe[title="Chat"]')
    await frame.get_by_label("Your name").fill("Vera")
    await frame.get_by_label("Your message").fill("Hello?")
    await frame.get_by_role("button", name="Start chat").click()
    await expect(frame.get_by_role("log")).to_contain_text("Hello?")
    await frame.get_by_role("textbox", name="Message", exact=True).press("Escape")
    await page.wait_for_timeout(300)
    assert await page.evaluate("window.heard") == []

    await page.evaluate(
        "document.querySelector('iframe').contentWindow"
        f".postMessage({{frontdeskChat: 'hello'}}, '{live_server.url}')"
    )
    await page.wait_for_function("window.heard.length > 0")
    (heard,) = await page.evaluate("window.heard")
    assert heard["origin"] == live_server.url
    assert heard["data"]["frontdeskChat"] == "remember"
    assert isinstance(heard["data"]["value"]["token"], str)
    assert isinstance(heard["data"]["value"]["chatId"], int)
