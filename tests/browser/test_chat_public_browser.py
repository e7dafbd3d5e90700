"""The embeddable chat widget on a web site of another origin (with and without jQuery on the
page): the visitor chats with an agent live, messages with HTML stay text, a reload continues
the same chat; a blocked origin gets no widget and a clear console message.

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

import pytest
from playwright.async_api import Frame, Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_ticket_zoom_browser import screenshot

NewPage = Callable[..., Awaitable[Page]]
VENDOR = Path(__file__).parent / "vendor"
AXE = (VENDOR / "axe-4.10.3.min.js").read_text()


@pytest.fixture
def host_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A static web site on another port (another origin) serving ``tmp_path``."""
    (tmp_path / "jquery.min.js").write_bytes((VENDOR / "jquery-3.7.1.min.js").read_bytes())
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
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
        api.put("/api/v1/me/chat-channels", json={"channel_ids": [default]}, headers=headers)
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


@pytest.mark.parametrize("with_jquery", [False, True], ids=["plain", "jquery"])
async def test_visitor_chats_through_the_widget_on_another_site(
    live_server: LiveServer,
    new_page: NewPage,
    host_site: tuple[str, Path],
    with_jquery: bool,
) -> None:
    site, folder = host_site
    (folder / "index.html").write_text(host_page(live_server.url, with_jquery))
    headers = prepare_desk(live_server)

    # Not yet allowed: no widget, and the console says why.
    visitor = await new_page(viewport={"width": 390, "height": 800})
    async with visitor.expect_console_message(lambda m: "AllowedOrigins" in m.text) as blocked:
        await visitor.goto(f"{site}/index.html")
    assert (await blocked.value).type == "error"
    await expect(visitor.get_by_role("button", name="Talk to us")).to_have_count(0)

    allow_origin(live_server, headers, site)
    await visitor.reload()
    launcher = visitor.get_by_role("button", name="Talk to us")
    await expect(launcher).to_be_visible()
    # The page's CSS does not reach into the widget.
    assert await launcher.evaluate("b => getComputedStyle(b).fontSize") == "15px"
    await launcher.focus()
    await visitor.keyboard.press("Enter")
    frame = visitor.frame_locator('iframe[title="Shop help"]')
    await frame.get_by_label("Your name").fill("Vera")
    await frame.get_by_label("Your message").fill("Is the <b>red</b> one in stock?")
    await frame.get_by_role("button", name="Start chat").click()
    log = frame.get_by_role("log")
    await expect(log).to_contain_text("Is the <b>red</b> one in stock?")

    with live_server.api() as api:
        requests = api.get("/api/v1/chats?status=request", headers=headers).json()["items"]
        chat_id = requests[0]["id"]
        api.post(f"/api/v1/chats/{chat_id}/accept", headers=headers).raise_for_status()
        api.post(
            f"/api/v1/chats/{chat_id}/messages",
            json={"text": "Yes, <i>3 left</i>.", "client_message_id": "a1"},
            headers=headers,
        ).raise_for_status()
    await expect(log).to_contain_text("Yes, <i>3 left</i>.")
    if not with_jquery:  # accessibility once is enough: the widget is the same
        handle = await visitor.locator('iframe[title="Shop help"]').element_handle()
        chat_frame = await handle.content_frame()
        assert chat_frame is not None
        assert await serious_violations(chat_frame) == []
        assert await serious_violations(visitor) == []
    assert await frame.locator(".chat-text i").count() == 0

    await frame.get_by_role("textbox", name="Message", exact=True).fill("Great, thanks")
    await frame.get_by_role("textbox", name="Message", exact=True).press("Enter")
    await expect(frame.get_by_role("textbox", name="Message", exact=True)).to_be_focused()
    await expect(log.locator("li.pending")).to_have_count(0)
    await screenshot(visitor, "chat-widget.png")
    with live_server.api() as api:
        texts = [
            item["event"].get("text")
            for item in api.get(f"/api/v1/chats/{chat_id}/events", headers=headers).json()["items"]
        ]
    assert texts.count("Great, thanks") == 1

    # A reload continues the same chat (visitor token kept in the frame's storage).
    await visitor.reload()
    await visitor.get_by_role("button", name="Talk to us").click()
    await expect(frame.get_by_role("log")).to_contain_text("Great, thanks")
    await expect(frame.get_by_role("log").locator("li.chat-message")).to_have_count(3)

    with live_server.api() as api:
        api.post(f"/api/v1/chats/{chat_id}/close", headers=headers).raise_for_status()
    await expect(frame.get_by_text("This chat has been closed.")).to_be_visible()
    await expect(frame.get_by_role("textbox", name="Message", exact=True)).to_be_disabled()
