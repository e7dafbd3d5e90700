"""Live queue view in a real browser: a second agent's new ticket appears in the first agent's
open queue view, and its change shows there, without a reload."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from playwright.async_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_chat_public_browser import add_olga
from tests.browser.test_ticket_journey import _log_in
from tests.conftest import ADMIN_PASSWORD

NewPage = Callable[..., Awaitable[Page]]
RAW = 2


async def test_a_second_agents_ticket_appears_in_the_open_queue_view(
    live_server: LiveServer, new_page: NewPage
) -> None:
    headers = live_server.admin_headers()
    with live_server.api() as api:
        olga = add_olga(api, headers, last_name="Live")
    page = await new_page()
    await _log_in(page, f"{live_server.url}/login", "admin", ADMIN_PASSWORD)
    await page.goto(f"{live_server.url}/agent/queues?queue_id={RAW}")
    rows = page.locator("[data-live-list] [data-ticket-id]")
    await expect(rows).to_have_count(0)
    # Proof that the page is never reloaded: this survives only in the same document.
    await page.evaluate("window.stillTheSamePage = true")
    await expect(page.locator("[data-live-list]")).to_have_attribute("data-live-state", "following")

    with live_server.api() as api:
        created = api.post(
            "/api/v1/tickets",
            json={
                "title": "Scanner jams on every page",
                "queue_id": RAW,
                "article": {"channel": "phone", "subject": "Call", "body": "It jams."},
            },
            headers=olga,
        )
        assert created.status_code == 201, created.text
        ticket = created.json()

    row = page.locator(f'[data-live-list] [data-ticket-id="{ticket["id"]}"]')
    await expect(row).to_contain_text("Scanner jams on every page")
    await expect(row).to_contain_text(ticket["number"])
    await expect(page.locator("#toasts")).to_contain_text("Scanner jams on every page")

    with live_server.api() as api:
        changed = api.patch(
            f"/api/v1/tickets/{ticket['id']}", json={"priority": "5 very high"}, headers=olga
        )
        assert changed.status_code == 200, changed.text
    await expect(row).to_contain_text("5 very high")
    assert await page.evaluate("window.stillTheSamePage === true")
