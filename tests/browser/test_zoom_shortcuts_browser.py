"""The ticket zoom's keys in a real browser: n, o, s and m open the note, owner, state and
move dialogs with the cursor in their field, the key itself is not typed into the field, and
Esc closes the dialog with the focus back on its button in the header."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from playwright.async_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_shortcuts_browser import agent_page
from tests.browser.test_ticket_zoom_browser import post

NewPage = Callable[..., Awaitable[Page]]
RAW = 2


async def test_zoom_keys_focus_the_note_owner_state_and_move_fields(
    live_server: LiveServer, new_page: NewPage
) -> None:
    headers = live_server.admin_headers()
    with live_server.api() as api:
        ticket = post(
            api,
            headers,
            "/api/v1/tickets",
            {
                "title": "Keys in the zoom",
                "queue_id": RAW,
                "article": {"channel": "phone", "subject": "Call", "body": "Hello."},
            },
        )
    page = await agent_page(live_server, new_page)
    await page.goto(f"{live_server.url}/agent/tickets/{ticket['id']}")
    await page.wait_for_load_state("load")

    for key, field, name in (
        ("n", "#note-body", "note"),
        ("o", "#owner-owner_id", "owner"),
        ("s", "#state-state_id", "state"),
        ("m", "#move-queue_id", "move"),
    ):
        await page.locator("main").focus()
        await page.keyboard.press(key)
        await expect(page.locator(field)).to_be_focused()
        await expect(page.locator(f"#action-{name}")).to_have_attribute("open", "")
        await page.keyboard.press("Escape")
        await expect(page.locator(f"#action-{name}")).not_to_have_attribute("open", "")
        await expect(page.locator(f'[data-zoom-open="{name}"]')).to_be_focused()
    await page.locator("main").focus()
    await page.keyboard.press("n")
    await expect(page.locator("#note-body")).to_have_value("")
