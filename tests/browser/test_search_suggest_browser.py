"""The top bar's search suggestions in a real browser: typing shows them, the arrow keys and
Enter open one, Escape closes the list; accessible in both themes and phone-sized."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_themes_browser import choose_theme, serious_violations
from tests.browser.test_ticket_zoom_browser import log_in, post
from tests.conftest import ADMIN_PASSWORD

NewPage = Callable[..., Awaitable[Page]]
RAW = 2


def make_tickets(live_server: LiveServer, *titles: str) -> list[int]:
    headers = live_server.admin_headers()
    with live_server.api() as api:
        return [
            post(
                api,
                headers,
                "/api/v1/tickets",
                {"title": title, "queue_id": RAW, "article": {"body": "It happened again."}},
            )["id"]
            for title in titles
        ]


async def agent_page(live_server: LiveServer, new_page: NewPage, **viewport: int) -> Page:
    page = await new_page(viewport or None)
    await log_in(page, f"{live_server.url}/login", "admin", ADMIN_PASSWORD)
    await expect(page).to_have_url(f"{live_server.url}/agent")
    return page


async def test_type_arrow_down_and_enter_open_the_ticket(
    live_server: LiveServer, new_page: NewPage
) -> None:
    printer, projector = make_tickets(live_server, "Printer jams in room 4", "Projector jams")
    page = await agent_page(live_server, new_page)
    await page.goto(f"{live_server.url}/agent/queues?queue_id={RAW}")
    await page.wait_for_load_state("load")  # module scripts have run
    box = page.get_by_role("combobox", name="Search tickets")

    await page.keyboard.press("/")
    await expect(box).to_be_focused()
    # j and k are list shortcuts elsewhere; typed here they are text.
    await page.keyboard.type("jams")
    await expect(box).to_have_value("jams")
    await expect(page.locator("[data-list-row].row-current")).to_have_count(0)
    listbox = page.get_by_role("listbox", name="Suggestions")
    await expect(listbox).to_be_visible()
    await expect(box).to_have_attribute("aria-expanded", "true")
    await expect(box).to_have_attribute("aria-controls", "topbar-search-popup")
    options = listbox.get_by_role("option")
    await expect(options).to_have_count(2)
    await expect(options.nth(0)).to_contain_text("Projector jams")
    await expect(options.nth(1)).to_contain_text("Printer jams in room 4")

    await page.keyboard.press("ArrowDown")
    await expect(box).to_have_attribute("aria-activedescendant", f"suggest-ticket-{projector}")
    await expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    await page.keyboard.press("ArrowDown")
    await expect(box).to_have_attribute("aria-activedescendant", f"suggest-ticket-{printer}")
    await expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    await page.keyboard.press("Enter")

    await expect(page).to_have_url(f"{live_server.url}/agent/tickets/{printer}")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Printer jams in room 4")


async def test_escape_closes_and_enter_without_option_searches(
    live_server: LiveServer, new_page: NewPage
) -> None:
    make_tickets(live_server, "Keyboard missing keys")
    page = await agent_page(live_server, new_page)
    box = page.get_by_role("combobox", name="Search tickets")
    listbox = page.get_by_role("listbox", name="Suggestions")

    await box.click()
    await page.keyboard.type("keyboard")
    await expect(listbox.get_by_role("option")).to_have_count(1)
    await page.keyboard.press("Escape")
    await expect(listbox).to_have_count(0)
    await expect(box).to_have_attribute("aria-expanded", "false")
    await expect(box).to_have_value("keyboard")
    await expect(box).to_be_focused()

    # No option active: Enter runs the full search.
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(f"{live_server.url}/agent/search?query=keyboard")
    await expect(page.get_by_role("link", name="Keyboard missing keys")).to_be_visible()


@pytest.mark.parametrize("theme", ["light", "dark"])
async def test_open_list_is_accessible_and_fits_a_phone(
    live_server: LiveServer, new_page: NewPage, theme: str
) -> None:
    make_tickets(
        live_server,
        "Printer jams",
        "Printer driver crashes with an extraordinarily long title that has to wrap nicely",
    )
    page = await agent_page(live_server, new_page, width=375, height=800)
    await choose_theme(page, live_server.url, theme)
    await page.goto(f"{live_server.url}/agent")
    await page.wait_for_load_state("load")
    box = page.get_by_role("combobox", name="Search tickets")

    await box.click()
    await page.keyboard.type("printer")
    listbox = page.get_by_role("listbox", name="Suggestions")
    await expect(listbox.get_by_role("option")).to_have_count(2)
    await page.keyboard.press("ArrowDown")
    await expect(listbox.get_by_role("option").first).to_have_attribute("aria-selected", "true")

    assert await serious_violations(page) == []
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
    popup = await page.locator("[data-search-suggest]").bounding_box()
    assert popup is not None
    assert popup["width"] <= 320
    assert popup["x"] >= 0 and popup["x"] + popup["width"] <= 375, popup
