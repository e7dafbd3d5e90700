"""The chat manager as a workspace, in a real browser: every message shows its time (UTC in
the markup, local time as text, the exact moment in its title), one author's messages in a row
are grouped under one name and avatar, chats the agent is not looking at count their unread
messages (badge and tab title) until viewed, the sound switch is remembered, open requests show
how long they have waited, the public widget and the customer chat take their colours from the
settings, and all three screens fit a 320 px phone.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_chat_agent_browser import eventually
from tests.browser.test_chat_public_browser import prepare_desk, serious_violations
from tests.browser.test_themes_browser import choose_theme
from tests.browser.test_ticket_zoom_browser import log_in
from tests.conftest import ADMIN_PASSWORD

NewPage = Callable[..., Awaitable[Page]]
JANE_PASSWORD = "customer-secret-1"


def add_jane(live_server: LiveServer, headers: dict[str, str]) -> dict[str, str]:
    """The customer Jane Doe; answers her API headers."""
    with live_server.api() as api:
        api.post(
            "/api/v1/customer-users",
            json={
                "login": "jane",
                "first_name": "Jane",
                "last_name": "Doe",
                "email": "jane@example.com",
                "password": JANE_PASSWORD,
            },
            headers=headers,
        ).raise_for_status()
        token = api.post(
            "/api/v1/auth/token",
            json={"login": "jane", "password": JANE_PASSWORD, "realm": "customer"},
        ).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def ask(live_server: LiveServer, jane: dict[str, str], message: str) -> int:
    with live_server.api() as api:
        created = api.post("/api/v1/chats", json={"message": message}, headers=jane)
        assert created.status_code == 201, created.text
        return int(created.json()["id"])


def say(live_server: LiveServer, jane: dict[str, str], chat_id: int, text: str) -> None:
    with live_server.api() as api:
        said = api.post(f"/api/v1/chats/{chat_id}/messages", json={"text": text}, headers=jane)
        assert said.status_code == 201, said.text


def accept(live_server: LiveServer, headers: dict[str, str], chat_id: int) -> None:
    with live_server.api() as api:
        accepted = api.post(f"/api/v1/chats/{chat_id}/accept", headers=headers)
        assert accepted.status_code == 200, accepted.text


def message_times(live_server: LiveServer, headers: dict[str, str], chat_id: int) -> list[str]:
    with live_server.api() as api:
        found = api.get(f"/api/v1/chats/{chat_id}/events?after_seq=0", headers=headers).json()
    return [i["event"]["at"] for i in found["items"] if i["event"]["kind"] == "message"]


def as_browser_iso(at: str) -> str:
    """An API time as JavaScript's toISOString() writes it (milliseconds, Z)."""
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


async def local(page: Page, at: str) -> datetime:
    zone = await page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    return datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))


async def no_sideways_scroll(page: Page, width: int = 320) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth") <= width, page.url


async def open_manager(live_server: LiveServer, new_page: NewPage, **kwargs: object) -> Page:
    agent = await new_page(**kwargs)
    await log_in(agent, f"{live_server.url}/login", "admin", ADMIN_PASSWORD)
    await expect(agent).to_have_url(f"{live_server.url}/agent")
    return agent


async def test_messages_show_their_time_and_one_author_in_a_row_is_grouped(
    live_server: LiveServer, new_page: NewPage
) -> None:
    agent = await open_manager(live_server, new_page)
    headers = prepare_desk(live_server)  # after the login: a browser login resets availability
    jane = add_jane(live_server, headers)
    await agent.goto(f"{live_server.url}/agent/chat")
    chat_id = ask(live_server, jane, "My printer smokes")
    accept(live_server, headers, chat_id)
    say(live_server, jane, chat_id, "It is a Laserjet")
    say(live_server, jane, chat_id, "Model 4050")

    widget = agent.locator(f"#chat-{chat_id}")
    lines = widget.locator("[data-chat-log] .chat-message")
    texts = ["My printer smokes", "It is a Laserjet", "Model 4050"]
    await expect(lines.locator(".chat-text")).to_have_text(texts)
    # The agent's joining came between the first two: the second starts a group again.
    for first in (0, 1):
        await expect(lines.nth(first).locator(".chat-author")).to_have_text("Jane Doe")
        await expect(lines.nth(first).locator(".chat-avatar")).to_have_text("JD")
        avatar = lines.nth(first).locator(".chat-avatar")
        await expect(avatar).to_have_attribute("aria-hidden", "true")
    # The next message of the same author within minutes repeats neither name nor avatar.
    await expect(lines.nth(2).locator(".chat-author")).to_have_count(0)
    await expect(lines.nth(2).locator(".chat-avatar")).to_have_count(0)
    await check_times(agent, lines, message_times(live_server, headers, chat_id))

    # The agent's answer starts a group of its own.
    box = widget.get_by_role("textbox", name="Message")
    await box.fill("Unplug it, please")
    await box.press("Enter")
    await expect(lines).to_have_count(4)
    await expect(lines.nth(3).locator(".chat-author")).to_have_text("Admin Frontdesk")
    await expect(lines.nth(3)).not_to_have_class(re.compile(r"\bchat-pending\b"))
    await check_times(agent, lines, message_times(live_server, headers, chat_id))


async def check_times(page: Page, lines: Locator, times: list[str]) -> None:
    await expect(lines).to_have_count(len(times))
    for index, at in enumerate(times):
        time = lines.nth(index).locator("time")
        shown = await local(page, at)
        await expect(time).to_have_attribute("datetime", as_browser_iso(at))
        await expect(time).to_have_text(f"{shown:%H:%M}")
        title = await time.get_attribute("title") or ""
        assert f"{shown:%H:%M:%S}" in title and str(shown.year) in title, title


async def test_unread_messages_of_a_chat_not_viewed_count_until_it_is_opened(
    live_server: LiveServer, new_page: NewPage
) -> None:
    agent = await open_manager(live_server, new_page)
    headers = prepare_desk(live_server)
    jane = add_jane(live_server, headers)
    await agent.goto(f"{live_server.url}/agent/chat")
    first = ask(live_server, jane, "First question")
    second = ask(live_server, jane, "Second question")
    accept(live_server, headers, first)
    accept(live_server, headers, second)
    chats = agent.get_by_role("navigation", name="Chat list")
    await expect(chats.get_by_role("link")).to_have_count(2)
    await expect(agent).to_have_title("Chat manager · Frontdesk")

    # The agent works in the first chat; Jane writes in the second.
    await agent.locator(f"#chat-{first}").get_by_role("textbox", name="Message").focus()
    say(live_server, jane, second, "Hello?")
    say(live_server, jane, second, "Anyone there?")
    say(live_server, jane, first, "Thanks")
    badge = agent.locator(f'[data-chat-unread="{second}"]')
    await expect(badge).to_be_visible()
    await expect(badge).to_have_text("22 unread")  # "2" to the eye, "2 unread" to the ear
    await expect(badge.locator('[aria-hidden="true"]')).to_have_text("2")
    await expect(chats.get_by_role("link", name="Jane Doe 2 unread")).to_have_count(1)
    await expect(agent.locator(f'[data-chat-unread="{first}"]')).to_be_hidden()
    await expect(agent).to_have_title("(2) Chat manager · Frontdesk")

    # Opening the second chat from the list reads it.
    await agent.locator(f'[data-chat-list-open="{second}"]').click()
    await expect(badge).to_be_hidden()
    await expect(agent).to_have_title("Chat manager · Frontdesk")
    await expect(agent.locator(f"#chat-{second}").get_by_role("textbox")).to_be_focused()


# Counts the tones the page starts instead of playing them.
AUDIO_STUB = """
window.tones = 0;
window.AudioContext = class {
  constructor() { this.currentTime = 0; this.destination = {}; }
  createGain() { return { gain: {}, connect: (next) => next }; }
  createOscillator() {
    return { frequency: {}, connect: (next) => next, start: () => { window.tones += 1; },
             stop() {}, addEventListener() {} };
  }
  close() {}
};
"""


async def test_the_sound_switch_is_off_until_pressed_and_remembered(
    live_server: LiveServer, new_page: NewPage
) -> None:
    agent = await open_manager(live_server, new_page)
    await agent.context.add_init_script(AUDIO_STUB)
    headers = prepare_desk(live_server)
    jane = add_jane(live_server, headers)
    await agent.goto(f"{live_server.url}/agent/chat")
    sound = agent.get_by_role("button", name="Sound for new messages and requests")
    await expect(sound).to_have_attribute("aria-pressed", "false")

    # Off: a new request and a new message stay silent.
    chat_id = ask(live_server, jane, "Silent question")
    await expect(agent.get_by_role("button", name="Jane Doe (Chat)")).to_be_visible()
    accept(live_server, headers, chat_id)
    say(live_server, jane, chat_id, "Silent follow-up")
    log = agent.locator(f"#chat-{chat_id} [data-chat-log]")
    await expect(log.locator(".chat-text").last).to_have_text("Silent follow-up")
    assert await agent.evaluate("window.tones") == 0

    await sound.click()
    await expect(sound).to_have_attribute("aria-pressed", "true")
    await agent.reload()
    await expect(sound).to_have_attribute("aria-pressed", "true")
    await expect(log.locator(".chat-text").last).to_have_text("Silent follow-up")
    say(live_server, jane, chat_id, "Can you hear me?")
    await expect(log.locator(".chat-text").last).to_have_text("Can you hear me?")
    await eventually(lambda: agent.evaluate("window.tones"), 1)

    await sound.click()
    await expect(sound).to_have_attribute("aria-pressed", "false")
    await agent.reload()
    await expect(sound).to_have_attribute("aria-pressed", "false")


async def test_an_open_request_shows_how_long_it_has_waited(
    live_server: LiveServer, new_page: NewPage
) -> None:
    agent = await open_manager(live_server, new_page)
    headers = prepare_desk(live_server)
    jane = add_jane(live_server, headers)
    await agent.clock.install()  # the page's clock, to move it on two minutes
    await agent.goto(f"{live_server.url}/agent/chat")
    ask(live_server, jane, "Still waiting")
    request = agent.locator(
        ".chat-request", has=agent.get_by_role("button", name="Jane Doe (Chat)")
    )
    waiting = request.locator(".chat-request-waiting")
    await expect(waiting).to_have_text("waiting less than a minute")
    await agent.clock.fast_forward("02:05")
    await expect(waiting).to_have_text("waiting 2 min")
    await agent.clock.fast_forward("01:00")
    await expect(waiting).to_have_text("waiting 3 min")


def deploy_colours(
    live_server: LiveServer, headers: dict[str, str], primary: str, text: str
) -> None:
    with live_server.api() as api:
        for name, value in (("PrimaryColor", primary), ("TextColor", text)):
            staged = api.put(
                f"/api/v1/settings/ChatEngine::PublicInterface::{name}",
                json={"value": value},
                headers=headers,
            )
            assert staged.status_code == 200, staged.text
        deployed = api.post(
            "/api/v1/settings/deployments", json={"comment": "chat colours"}, headers=headers
        )
        assert deployed.status_code == 201, deployed.text


async def colours_of(locator: Locator) -> list[str]:
    return list(
        await locator.evaluate(
            "node => [getComputedStyle(node).backgroundColor, getComputedStyle(node).color]"
        )
    )


async def test_widget_and_customer_chat_take_the_colour_settings_and_fit_320_px(
    live_server: LiveServer, new_page: NewPage
) -> None:
    headers = prepare_desk(live_server)
    add_jane(live_server, headers)
    deploy_colours(live_server, headers, "#8a2be2", "#fffff0")
    phone = {"viewport": {"width": 320, "height": 640}}

    visitor = await new_page(**phone)
    await visitor.goto(f"{live_server.url}/public/chat?iframe=1")
    start = visitor.get_by_role("button", name="Start chat")
    await expect(start).to_have_css("background-color", "rgb(138, 43, 226)")
    assert await colours_of(start) == ["rgb(138, 43, 226)", "rgb(255, 255, 240)"]
    await no_sideways_scroll(visitor)
    await visitor.get_by_label("Your name").fill("Vera Visitor")
    await visitor.get_by_label("Your message").fill("A question with a longish first line")
    await start.click()
    await expect(visitor.get_by_role("log")).to_contain_text("A question with a longish")
    await expect(visitor.locator(".chat-message .chat-author")).to_have_text(["You"])
    await no_sideways_scroll(visitor)

    customer = await new_page(**phone)
    await log_in(customer, f"{live_server.url}/customer/login", "jane", JANE_PASSWORD)
    await customer.goto(f"{live_server.url}/customer/chats/new")
    await customer.get_by_label("Your message").fill("Hello from a small phone")
    await customer.get_by_role("button", name="Start chat").click()
    log = customer.get_by_role("log")
    await expect(log).to_contain_text("Hello from a small phone")
    send = customer.get_by_role("button", name="Send")
    assert await colours_of(send) == ["rgb(138, 43, 226)", "rgb(255, 255, 240)"]
    box = customer.get_by_role("textbox", name="Message", exact=True)
    await box.fill("And a second line")
    await box.press("Enter")
    lines = log.locator(".chat-message")
    await expect(lines.locator(".chat-text")).to_have_text(
        ["Hello from a small phone", "And a second line"]
    )
    await expect(lines.nth(1).locator(".chat-author")).to_have_count(0)
    await no_sideways_scroll(customer)

    # A pair too faint to read is shown with black or white text instead.
    deploy_colours(live_server, headers, "#ffff00", "#ffffff")
    await customer.reload()
    assert await colours_of(send) == ["rgb(255, 255, 0)", "rgb(0, 0, 0)"]


@pytest.mark.parametrize("theme", ["light", "dark"])
async def test_chat_manager_fits_320_px_and_passes_axe_in_each_theme(
    live_server: LiveServer, new_page: NewPage, theme: str
) -> None:
    agent = await open_manager(live_server, new_page)
    await choose_theme(agent, live_server.url, theme)
    headers = prepare_desk(live_server)
    jane = add_jane(live_server, headers)
    await agent.goto(f"{live_server.url}/agent/chat")
    working = ask(live_server, jane, "A chat with an unread message")
    accept(live_server, headers, working)
    await expect(agent.locator(f"#chat-{working} [data-chat-status]")).to_have_text("active")
    say(live_server, jane, working, "Unread for now")
    ask(live_server, jane, "A waiting request")
    await expect(agent.locator(f'[data-chat-unread="{working}"]')).to_be_visible()
    await expect(agent.locator(".chat-request-waiting")).to_have_text(
        ["waiting less than a minute"]
    )
    assert await serious_violations(agent) == []
    await agent.set_viewport_size({"width": 320, "height": 640})
    await expect(agent.locator(f"#chat-{working}")).to_be_visible()
    await no_sideways_scroll(agent)
    assert await serious_violations(agent) == []
