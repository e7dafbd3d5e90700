"""The ticket zoom's sticky header in a real browser: far down a ticket with 30 articles, the
header with the ticket number, the title, the state badge and the action buttons still sits at
the top of the viewport, and its buttons still open their dialogs, on a desktop and on a
375 px phone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_shortcuts_browser import agent_page
from tests.browser.test_ticket_zoom_browser import post

NewPage = Callable[..., Awaitable[Page]]
RAW = 2
ARTICLES = 30
BODY = "The printer on the second floor prints blank pages again.\n" * 6


def long_ticket(live_server: LiveServer) -> Any:
    headers = live_server.admin_headers()
    with live_server.api() as api:
        ticket = post(
            api,
            headers,
            "/api/v1/tickets",
            {
                "title": "Printer prints blank pages",
                "queue_id": RAW,
                "article": {"channel": "phone", "subject": "Call 1", "body": BODY},
            },
        )
        for number in range(2, ARTICLES + 1):
            post(
                api,
                headers,
                f"/api/v1/tickets/{ticket['id']}/articles",
                {"channel": "internal", "subject": f"Note {number}", "body": BODY},
            )
    return ticket


@pytest.mark.parametrize(
    ("width", "height", "action", "field"),
    [(1280, 900, "Note", "#note-body"), (375, 740, "Move", "#move-queue_id")],
    ids=["desktop", "phone"],
)
async def test_the_zoom_header_stays_at_the_top_and_its_actions_work_far_down(
    live_server: LiveServer, new_page: NewPage, width: int, height: int, action: str, field: str
) -> None:
    ticket = long_ticket(live_server)
    page = await agent_page(live_server, new_page, width=width, height=height)
    await page.goto(f"{live_server.url}/agent/tickets/{ticket['id']}?view=all")
    await page.wait_for_load_state("load")
    await expect(page.locator("article.article")).to_have_count(ARTICLES)

    await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    await expect(page.locator("article.article").first).not_to_be_in_viewport()
    scrolled = await page.evaluate("window.scrollY")
    assert scrolled > 5 * height

    header = page.locator("[data-zoom-header]")
    box = await header.bounding_box()
    assert box is not None
    assert 0 <= box["y"] <= 4, box
    assert box["y"] + box["height"] <= height, box
    # No sideways scroll on the phone either.
    assert await page.evaluate("document.documentElement.scrollWidth") <= width

    heading = header.get_by_role("heading", level=1)
    await expect(heading).to_have_text(f"Ticket#{ticket['number']} — Printer prints blank pages")
    await expect(heading).to_be_in_viewport()
    state = header.locator(".badge-state-new")
    await expect(state).to_have_text("State: new")
    await expect(state).to_be_in_viewport()
    actions = header.get_by_role("group", name="Ticket actions")
    for name in ("Note", "Owner", "State", "Priority", "Move", "Lock ticket"):
        await expect(actions.get_by_role("button", name=name, exact=True)).to_be_in_viewport()
    for name in ("Reply", "Send e-mail"):  # links to the e-mail compose screen
        await expect(actions.get_by_role("link", name=name, exact=True)).to_be_in_viewport()

    # The page's own scripts (relative times, unread marks) may still settle the layout after
    # the scroll: the position the dialog must keep is the one just before it opens.
    before_dialog = await page.evaluate("window.scrollY")
    # A click (Playwright checks that nothing covers the button) opens its dialog there.
    await actions.get_by_role("button", name=action, exact=True).click()
    dialog = page.locator(f"#action-{action.lower()}")
    await expect(dialog).to_have_attribute("open", "")
    await expect(page.locator(field)).to_be_focused()
    await expect(dialog).to_be_in_viewport()
    await page.keyboard.press("Escape")
    await expect(dialog).not_to_have_attribute("open", "")
    await expect(actions.get_by_role("button", name=action, exact=True)).to_be_focused()
    assert await page.evaluate("window.scrollY") == before_dialog
