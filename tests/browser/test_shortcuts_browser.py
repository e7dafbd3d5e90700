"""Keyboard shortcuts of the agent interface in a real browser: the shortcut list (?), the
search field (/), the go-to keys (g q), moving through a ticket list (j, k, x, Enter), and that
nothing fires while the agent types in a field."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from playwright.async_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_chat_public_browser import serious_violations
from tests.browser.test_ticket_zoom_browser import log_in, post
from tests.conftest import ADMIN_PASSWORD

NewPage = Callable[..., Awaitable[Page]]
RAW = 2
SHORTCUTS = [
    ("?", "Show this list of shortcuts"),
    ("/", "Search tickets"),
    ("g d", "Go to the dashboard"),
    ("g q", "Go to the queues"),
    ("g c", "Go to the chat"),
    ("j", "Next ticket in the list"),
    ("k", "Previous ticket in the list"),
    ("x", "Select or unselect the current ticket"),
    ("Enter", "Open the current ticket"),
    ("n", "Ticket: add a note"),
    ("o", "Ticket: change the owner"),
    ("s", "Ticket: change the state"),
    ("m", "Ticket: move to another queue"),
    ("Esc", "Close this list"),
]


async def agent_page(live_server: LiveServer, new_page: NewPage, **viewport: int) -> Page:
    page = await new_page(viewport or None)
    await log_in(page, f"{live_server.url}/login", "admin", ADMIN_PASSWORD)
    await expect(page).to_have_url(f"{live_server.url}/agent")
    await page.wait_for_load_state("load")  # module scripts have run
    return page


async def test_question_mark_lists_the_shortcuts_and_escape_closes_the_list(
    live_server: LiveServer, new_page: NewPage
) -> None:
    page = await agent_page(live_server, new_page)
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    await expect(dialog).to_be_hidden()

    await page.keyboard.press("?")
    await expect(dialog).to_be_visible()
    rows = dialog.locator("tbody tr")
    listed = [
        (
            " ".join(await row.locator("kbd").all_inner_texts()),
            await row.locator("td").nth(1).inner_text(),
        )
        for row in await rows.all()
    ]
    assert listed == SHORTCUTS
    assert await serious_violations(page) == []

    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()

    await page.keyboard.press("?")
    await expect(dialog).to_be_visible()
    await dialog.get_by_role("button", name="Close").click()
    await expect(dialog).to_be_hidden()


async def test_slash_focuses_search_and_keys_typed_there_do_not_navigate(
    live_server: LiveServer, new_page: NewPage
) -> None:
    page = await agent_page(live_server, new_page)
    search = page.get_by_role("search", name="Quick search").get_by_label("Search tickets")

    await page.keyboard.press("/")
    await expect(search).to_be_focused()
    await expect(search).to_have_value("")  # the slash itself is not typed

    await page.keyboard.type("g q")
    await expect(search).to_have_value("g q")
    await page.wait_for_timeout(300)
    await expect(page).to_have_url(f"{live_server.url}/agent")

    await page.keyboard.press("Enter")
    await expect(page).to_have_url(f"{live_server.url}/agent/search?query=g+q")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ticket search")


async def test_g_q_goes_to_the_queues_and_ctrl_keeps_the_browsers_keys(
    live_server: LiveServer, new_page: NewPage
) -> None:
    page = await agent_page(live_server, new_page)
    await page.keyboard.press("Control+g")
    await page.keyboard.press("q")
    await page.wait_for_timeout(300)
    await expect(page).to_have_url(f"{live_server.url}/agent")

    await page.keyboard.press("g")
    await page.keyboard.press("q")
    await expect(page).to_have_url(f"{live_server.url}/agent/queues")
    await expect(page.get_by_role("heading", level=1)).to_have_text("All queues")


async def test_j_k_x_and_enter_work_through_the_queue_view(
    live_server: LiveServer, new_page: NewPage
) -> None:
    headers = live_server.admin_headers()
    titles = ["Printer is offline", "Mail bounces", "VPN drops at noon"]
    with live_server.api() as api:
        for title in titles:
            post(
                api,
                headers,
                "/api/v1/tickets",
                {
                    "title": title,
                    "queue_id": RAW,
                    "article": {"channel": "phone", "subject": title, "body": "Please help."},
                },
            )
    page = await agent_page(live_server, new_page)
    await page.goto(f"{live_server.url}/agent/queues?queue_id={RAW}")
    rows = page.locator("[data-list-row]")
    await expect(rows).to_have_count(3)
    shown = [await row.locator("[data-row-open]").inner_text() for row in await rows.all()]
    assert sorted(shown) == sorted(titles)

    await page.keyboard.press("j")
    await expect(rows.nth(0)).to_have_class("row-current")
    await expect(rows.nth(0)).to_have_attribute("aria-current", "true")
    await expect(rows.nth(0).locator("[data-row-open]")).to_be_focused()
    await page.keyboard.press("j")
    await expect(rows.nth(1)).to_have_attribute("aria-current", "true")
    await expect(rows.nth(0)).not_to_have_attribute("aria-current", "true")
    await expect(rows.nth(0)).not_to_have_class("row-current")
    await page.keyboard.press("j")
    await page.keyboard.press("k")
    await expect(rows.nth(1)).to_have_attribute("aria-current", "true")
    await expect(rows.nth(1).locator("[data-row-open]")).to_be_focused()

    # x: the row's selection box. Lists without boxes yet get one here, so the key is tested.
    if await page.locator("[data-row-select]").count() == 0:
        await page.evaluate(
            """() => document.querySelectorAll("[data-list-row]").forEach((row) => {
                const box = document.createElement("input");
                box.type = "checkbox";
                box.setAttribute("data-row-select", "");
                box.value = row.dataset.ticketId;
                box.setAttribute("aria-label", "Select");
                row.querySelector("td").prepend(box);
            })"""
        )
    boxes = page.locator("[data-row-select]")
    await page.keyboard.press("x")
    await expect(rows.nth(1).locator("[data-row-select]")).to_be_checked()
    await expect(boxes.nth(0)).not_to_be_checked()
    await expect(boxes.nth(2)).not_to_be_checked()
    await page.keyboard.press("x")
    await expect(rows.nth(1).locator("[data-row-select]")).not_to_be_checked()

    assert await page.evaluate("document.documentElement.scrollWidth") <= 1280
    second_id = await rows.nth(1).get_attribute("data-ticket-id")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(f"{live_server.url}/agent/tickets/{second_id}")
    await expect(page.get_by_role("heading", level=1)).to_contain_text(shown[1])


async def test_the_current_row_survives_a_swapped_list(
    live_server: LiveServer, new_page: NewPage
) -> None:
    headers = live_server.admin_headers()
    ticket = {
        "queue_id": RAW,
        "article": {"channel": "phone", "subject": "Call", "body": "Please help."},
    }
    with live_server.api() as api:
        first = post(api, headers, "/api/v1/tickets", {**ticket, "title": "Screen flickers"})
    page = await agent_page(live_server, new_page)
    await page.goto(f"{live_server.url}/agent/queues?queue_id={RAW}")
    await expect(page.locator("[data-live-list]")).to_have_attribute("data-live-state", "following")
    await page.keyboard.press("j")
    current = page.locator(f'[data-list-row][data-ticket-id="{first["id"]}"]')
    await expect(current).to_have_attribute("aria-current", "true")

    with live_server.api() as api:
        post(api, headers, "/api/v1/tickets", {**ticket, "title": "Keyboard sticks"})
    await expect(page.locator("[data-list-row]")).to_have_count(2)
    await expect(current).to_have_attribute("aria-current", "true")
    await expect(current).to_have_class("row-current")
    assert await page.locator(".row-current").count() == 1


async def test_data_shortcut_elements_are_clicked_and_the_dialog_fits_a_phone(
    live_server: LiveServer, new_page: NewPage
) -> None:
    page = await agent_page(live_server, new_page, width=375, height=740)
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    await page.keyboard.press("?")
    await expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    box = await page.get_by_role("dialog", name="Keyboard shortcuts").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    await page.keyboard.press("Escape")

    # Pages mark their own keys with data-shortcut (the zoom's n, o, s, m): a press clicks it.
    await page.evaluate(
        """() => {
            const button = document.createElement("button");
            button.type = "button";
            button.textContent = "Note";
            button.setAttribute("data-shortcut", "n");
            window.noteClicked = 0;
            button.addEventListener("click", () => { window.noteClicked += 1; });
            document.querySelector("main").append(button);
        }"""
    )
    await page.keyboard.press("n")
    assert await page.evaluate("window.noteClicked") == 1
    await page.keyboard.press("Alt+n")
    assert await page.evaluate("window.noteClicked") == 1
