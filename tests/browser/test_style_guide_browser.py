"""The style guide (/admin/style-guide) in Chromium: every component accessible in both themes,
no sideways scroll on a phone, and the dialog usable by keyboard alone."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_themes_browser import NewPage, choose_theme, serious_violations
from tests.browser.test_ticket_journey import _create_customer, _log_in
from tests.conftest import ADMIN_PASSWORD


async def log_in_admin(page: Page, server: str) -> None:
    await page.goto(f"{server}/login")
    await page.get_by_label("Login name").fill("admin")
    await page.get_by_label("Password").fill(ADMIN_PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(f"{server}/agent")


@pytest.mark.parametrize("theme", ["light", "dark"])
async def test_style_guide_is_accessible_and_phone_sized(
    live_server: LiveServer, new_page: NewPage, theme: str
) -> None:
    page = await new_page({"width": 375, "height": 800})
    await log_in_admin(page, live_server.url)
    await choose_theme(page, live_server.url, theme)

    await page.goto(f"{live_server.url}/admin/style-guide")
    await expect(page.locator("html")).to_have_attribute("data-theme", theme)
    await expect(page.get_by_role("heading", name="Style guide", level=1)).to_be_visible()
    # The sprite loaded: a <use> of it has a size (an unresolved reference draws nothing).
    box = await page.locator(".icon-list svg").first.bounding_box()
    assert box is not None and box["width"] > 0
    assert await serious_violations(page) == []
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width

    # The admin screens built from the same macros: a list and a refused form.
    await page.goto(f"{live_server.url}/admin/queues")
    await expect(page.get_by_role("link", name="Add queue")).to_be_visible()
    assert await serious_violations(page) == [], "/admin/queues"
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    await page.goto(f"{live_server.url}/admin/queues/new")
    await page.get_by_role("button", name="Save").click()
    await expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
    assert await serious_violations(page) == [], "/admin/queues/new"
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375


async def test_dialog_opens_by_keyboard_and_closes_with_escape(
    live_server: LiveServer, new_page: NewPage
) -> None:
    page = await new_page()
    await log_in_admin(page, live_server.url)
    await page.goto(f"{live_server.url}/admin/style-guide")

    opener = page.get_by_role("button", name="Open the dialog")
    dialog = page.get_by_role("dialog", name="Close this ticket?")
    await opener.focus()
    await page.keyboard.press("Enter")
    await expect(dialog).to_be_visible()
    # A modal: the focus is inside it, on its first button.
    await expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await expect(opener).to_be_focused()

    await page.keyboard.press("Space")
    await expect(dialog).to_be_visible()
    await page.keyboard.press("Tab")
    await expect(dialog.get_by_role("button", name="Close ticket")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(dialog).to_be_hidden()
    await expect(opener).to_be_focused()


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_customer_portal_from_the_macros_is_accessible(
    live_server: LiveServer, new_page: NewPage, scheme: str
) -> None:
    """The customer pages follow the system theme (data-theme="auto")."""
    _create_customer(live_server)
    page = await new_page({"width": 375, "height": 800})
    await page.emulate_media(color_scheme=scheme)
    await _log_in(page, f"{live_server.url}/customer/login", "jane", "customer-secret-1")
    await expect(page.get_by_role("heading", name="My tickets", level=1)).to_be_visible()
    expected_surface = {"light": "rgb(245, 246, 248)", "dark": "rgb(15, 20, 32)"}[scheme]
    assert await page.evaluate("getComputedStyle(document.body).backgroundColor") == (
        expected_surface
    )
    assert await serious_violations(page) == [], "/customer"
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375

    await page.get_by_role("link", name="Create a new ticket").click()
    await expect(page.get_by_role("button", name="Submit ticket")).to_be_visible()
    assert await serious_violations(page) == [], "/customer/tickets/new"
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
