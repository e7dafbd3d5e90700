"""The light and dark themes, chosen on the preferences page: accessible and phone-sized.

The dashboard and the queue view are checked with axe-core (no serious or critical finding, colour
contrast included) and must not be wider than a 375 px phone screen.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.conftest import ADMIN_PASSWORD

NewPage = Callable[..., Awaitable[Page]]
AXE = (Path(__file__).parent / "vendor" / "axe-4.10.3.min.js").read_text()
RAW = 2


async def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on this page (none expected)."""
    await page.evaluate(AXE)
    result = await page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']][:3]})"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


async def choose_theme(page: Page, server: str, theme: str) -> None:
    await page.goto(f"{server}/agent/preferences")
    await page.get_by_label("Theme", exact=True).select_option(theme)
    await page.get_by_role("button", name="Save preferences").click()
    await expect(page.get_by_text("Preferences saved.")).to_be_visible()
    await expect(page.locator("html")).to_have_attribute("data-theme", theme)


@pytest.mark.parametrize("theme", ["light", "dark"])
async def test_dashboard_and_queue_view_in_each_theme(
    live_server: LiveServer, new_page: NewPage, theme: str
) -> None:
    headers = live_server.admin_headers()
    with live_server.api() as api:
        created = api.post(
            "/api/v1/tickets",
            json={
                "title": "Monitor flickers after the update",
                "queue_id": RAW,
                "article": {"channel": "phone", "subject": "Call", "body": "It flickers."},
            },
            headers=headers,
        )
        assert created.status_code == 201, created.text

    page = await new_page({"width": 375, "height": 800})
    await page.goto(f"{live_server.url}/login")
    await page.get_by_label("Login name").fill("admin")
    await page.get_by_label("Password").fill(ADMIN_PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(f"{live_server.url}/agent")
    await choose_theme(page, live_server.url, theme)

    expected_surface = {"light": "rgb(245, 246, 248)", "dark": "rgb(15, 20, 32)"}[theme]
    for path in ("/agent", f"/agent/queues?queue_id={RAW}"):
        await page.goto(f"{live_server.url}{path}")
        await expect(page.locator("html")).to_have_attribute("data-theme", theme)
        await expect(page.get_by_text("Monitor flickers after the update").first).to_be_visible()
        surface = await page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert surface == expected_surface, path
        assert await serious_violations(page) == [], path
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (path, width)
