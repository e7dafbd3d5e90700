"""The queue view's own settings in a real browser: choosing columns, compact rows and saving a
view, in both themes, checked with axe-core and at a 320 px phone width."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.test_themes_browser import RAW, NewPage, choose_theme, serious_violations
from tests.conftest import ADMIN_PASSWORD


@pytest.mark.parametrize("theme", ["light", "dark"])
async def test_columns_density_and_saved_views(
    live_server: LiveServer, new_page: NewPage, theme: str
) -> None:
    with live_server.api() as api:
        created = api.post(
            "/api/v1/tickets",
            json={
                "title": "Scanner jams on every page",
                "queue_id": RAW,
                "article": {"channel": "phone", "subject": "Call", "body": "It jams."},
            },
            headers=live_server.admin_headers(),
        )
        assert created.status_code == 201, created.text

    page = await new_page({"width": 320, "height": 800})
    await page.goto(f"{live_server.url}/login")
    await page.get_by_label("Login name").fill("admin")
    await page.get_by_label("Password").fill(ADMIN_PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(f"{live_server.url}/agent")
    await choose_theme(page, live_server.url, theme)

    queue = f"{live_server.url}/agent/queues?queue_id={RAW}&sort=title"
    await page.goto(queue)
    await page.locator("summary", has_text="Columns").click()
    for column in ("Customer", "Queue", "Lock", "Created"):
        await page.get_by_role("checkbox", name=column).uncheck()
    await page.get_by_role("button", name="Apply columns").click()
    await expect(page.get_by_text("Columns saved.")).to_be_visible()
    table = page.locator("#main table.data")
    await expect(table.locator("thead th:not(.select-cell)")).to_have_text(
        ["Ticket#", "Title", "State", "Priority", "Owner"]
    )
    await expect(table.locator("thead th[aria-sort='ascending']")).to_have_text("Title")

    await page.get_by_role("button", name="Compact rows").click()
    await expect(page.get_by_text("Density saved.")).to_be_visible()
    await expect(table).to_have_class("data density-compact")

    await page.locator("summary", has_text="Save view").click()
    await page.get_by_label("Name of the view").fill("Raw by title")
    await page.get_by_role("button", name="Save this view").click()
    await expect(page.get_by_text("View saved.")).to_be_visible()
    saved = page.get_by_role("link", name="Raw by title")
    await expect(saved).to_have_attribute("href", f"/agent/queues?queue_id={RAW}&sort=title")

    for path in (page.url, f"{live_server.url}/agent"):
        await page.goto(path)
        await page.locator("details.list-tool").evaluate_all(
            "nodes => nodes.forEach(n => { n.open = true; })"
        )
        assert await serious_violations(page) == [], path
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (path, width)

    await page.goto(queue)
    await page.get_by_role("button", name="Delete the saved view Raw by title").click()
    await expect(page.get_by_text("Saved view deleted.")).to_be_visible()
    await expect(page.get_by_role("link", name="Raw by title")).to_have_count(0)
