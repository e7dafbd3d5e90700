"""The agent's day by keyboard alone: log in, open the queue view (g q), sort it by age, select
three tickets (j/x), give them to a colleague through the bulk bar, read the per-ticket result,
open one ticket (j, Enter), add a note (n), and go to the chat (g c).

Only ``page.keyboard`` drives the page (no clicks, no fills); the page is read to know where the
focus is. The owners are checked through the API afterwards. The bulk bar and the result page
are checked with axe-core, and the bar at 320 px in both themes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from playwright.async_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_chat_public_browser import serious_violations
from tests.browser.test_ticket_zoom_browser import post
from tests.conftest import ADMIN_PASSWORD

NewPage = Callable[..., Awaitable[Page]]
RAW = 2
TITLES = ["Printer is offline", "Mail bounces", "VPN drops at noon", "Badge reader beeps"]


async def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (Shift+Tab) until the focused element matches ``selector``."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if await page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        await page.keyboard.press(key)
    raise AssertionError(f"{selector} was not reached with {limit} × {key}")


def add_bob(live_server: LiveServer, headers: dict[str, str]) -> int:
    with live_server.api() as api:
        bob = api.post(
            "/api/v1/agents",
            json={
                "login": "bob",
                "first_name": "Bob",
                "last_name": "Builder",
                "email": "bob@example.com",
                "password": "agent-secret-1",
            },
            headers=headers,
        )
        bob.raise_for_status()
        groups = api.get("/api/v1/groups", headers=headers).json()["items"]
        users = next(g["id"] for g in groups if g["name"] == "users")
        api.put(
            f"/api/v1/groups/{users}/agents/{bob.json()['id']}",
            json={"permissions": ["rw"]},
            headers=headers,
        ).raise_for_status()
        bob_id: int = bob.json()["id"]
        return bob_id


async def test_an_agent_works_through_the_queue_by_keyboard_only(
    live_server: LiveServer, new_page: NewPage
) -> None:
    headers = live_server.admin_headers()
    bob = add_bob(live_server, headers)
    tickets = []
    with live_server.api() as api:
        for title in TITLES:
            tickets.append(
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
            )
    page = await new_page()
    keyboard = page.keyboard

    # Log in: the login field has the focus.
    await page.goto(f"{live_server.url}/login")
    await expect(page.get_by_label("Login name")).to_be_focused()
    await keyboard.type("admin")
    await keyboard.press("Tab")
    await keyboard.type(ADMIN_PASSWORD)
    await keyboard.press("Enter")
    await expect(page).to_have_url(f"{live_server.url}/agent")
    await page.wait_for_load_state("load")

    # g q: the queue view, oldest first.
    await keyboard.press("g")
    await keyboard.press("q")
    await expect(page).to_have_url(f"{live_server.url}/agent/queues")
    await page.wait_for_load_state("load")
    rows = page.locator("[data-list-row]")
    await expect(rows.locator("[data-row-open]")).to_have_text(TITLES)

    # The "Created" header sorts by age; it already does, so Enter turns it to newest first.
    await tab_to(page, "th a.sort-link[href*='sort=age']")
    await expect(page.locator(":focus")).to_have_text("Created")
    await expect(page.locator("th[aria-sort='ascending']")).to_have_text("Created")
    await keyboard.press("Enter")
    await expect(page).to_have_url(f"{live_server.url}/agent/queues?sort=age&order=desc")
    await page.wait_for_load_state("load")
    await expect(rows.locator("[data-row-open]")).to_have_text(list(reversed(TITLES)))
    newest_first = list(reversed(tickets))

    # j/x: select the three newest tickets.
    for _ in range(3):
        await keyboard.press("j")
        await keyboard.press("x")
    count = page.locator("[data-bulk-count]")
    await expect(count).to_have_text("3 tickets selected.")
    for index, ticket in enumerate(newest_first):
        box = page.get_by_label(f"Select ticket {ticket['number']}")
        if index < 3:
            await expect(box).to_be_checked()
        else:
            await expect(box).not_to_be_checked()
    await expect(page.get_by_label("Select all tickets on this page")).to_have_js_property(
        "indeterminate", True
    )
    bar = page.locator("#bulk-form")
    assert await serious_violations(page) == []

    # The bulk bar (above the list): the owner by type-ahead, then the submit button.
    await tab_to(page, "#bulk-owner", backwards=True)
    await keyboard.type("Bob")
    await expect(page.locator("#bulk-owner")).to_have_value(str(bob))
    await tab_to(page, "#bulk-form button[type=submit]")
    await expect(bar.get_by_role("button", name="Apply to selected tickets")).to_be_focused()
    await keyboard.press("Enter")

    # The result, ticket by ticket.
    await expect(page).to_have_url(f"{live_server.url}/agent/tickets/bulk")
    await page.wait_for_load_state("load")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Bulk action results")
    await expect(page.locator("[data-bulk-summary]")).to_have_text("3 of 3 tickets done, 0 failed.")
    results = page.locator("[data-list-row]")
    await expect(results).to_have_text(
        [f"Ticket#{t['number']} owner set" for t in newest_first[:3]], use_inner_text=True
    )
    assert await serious_violations(page) == []

    # j, Enter: open the first of them; n: write a note, with a subject; Enter sends it.
    await keyboard.press("j")
    await keyboard.press("Enter")
    opened = newest_first[0]
    await expect(page).to_have_url(f"{live_server.url}/agent/tickets/{opened['id']}")
    await page.wait_for_load_state("load")
    await keyboard.press("n")
    await expect(page.locator("#note-body")).to_be_focused()
    await keyboard.type("Bob takes these over.")
    await keyboard.press("Shift+Tab")
    await expect(page.locator("#note-subject")).to_be_focused()
    await keyboard.type("Handover")
    await keyboard.press("Enter")
    await expect(page).to_have_url(f"{live_server.url}/agent/tickets/{opened['id']}?done=note")
    await expect(page.get_by_role("status").filter(has_text="Note added.")).to_have_text(
        "Note added."
    )
    await page.wait_for_load_state("load")

    # g c: the chat manager.
    await keyboard.press("g")
    await keyboard.press("c")
    await expect(page).to_have_url(f"{live_server.url}/agent/chat")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Chat manager")

    with live_server.api() as api:
        owners = [
            api.get(f"/api/v1/tickets/{t['id']}", headers=headers).json()["owner_id"]
            for t in newest_first
        ]
        articles = api.get(f"/api/v1/tickets/{opened['id']}/articles", headers=headers).json()
    assert owners == [bob, bob, bob, 1]
    notes = [(a["subject"], a["body"]) for a in articles["items"] if a["channel"] == "internal"]
    assert notes == [("Handover", "Bob takes these over.")]


async def test_the_bulk_bar_fits_a_narrow_phone_in_both_themes(
    live_server: LiveServer, new_page: NewPage
) -> None:
    headers = live_server.admin_headers()
    with live_server.api() as api:
        post(
            api,
            headers,
            "/api/v1/tickets",
            {
                "title": "Narrow screen",
                "queue_id": RAW,
                "article": {"channel": "phone", "subject": "Narrow", "body": "Please help."},
            },
        )
    page = await new_page({"width": 320, "height": 800})
    await page.goto(f"{live_server.url}/login")
    await expect(page.get_by_label("Login name")).to_be_focused()
    await page.keyboard.type("admin")
    await page.keyboard.press("Tab")
    await page.keyboard.type(ADMIN_PASSWORD)
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(f"{live_server.url}/agent")
    for theme in ("light", "dark"):
        for path in ("/agent/queues", "/agent/search?query=Narrow"):
            await page.goto(f"{live_server.url}{path}")
            await page.evaluate(
                "(t) => document.documentElement.setAttribute('data-theme', t)", theme
            )
            await expect(page.locator("#bulk-form")).to_be_visible()
            assert await page.evaluate("document.documentElement.scrollWidth") <= 320, path
            assert await serious_violations(page) == [], (path, theme)


async def test_checked_rows_survive_a_live_update_and_select_all_checks_the_page(
    live_server: LiveServer, new_page: NewPage
) -> None:
    headers = live_server.admin_headers()
    ticket = {
        "queue_id": RAW,
        "article": {"channel": "phone", "subject": "Call", "body": "Please help."},
    }
    with live_server.api() as api:
        first = post(api, headers, "/api/v1/tickets", {**ticket, "title": "Screen flickers"})
    page = await new_page()
    await page.goto(f"{live_server.url}/login")
    await expect(page.get_by_label("Login name")).to_be_focused()
    await page.keyboard.type("admin")
    await page.keyboard.press("Tab")
    await page.keyboard.type(ADMIN_PASSWORD)
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(f"{live_server.url}/agent")
    await page.goto(f"{live_server.url}/agent/queues?queue_id={RAW}")
    await expect(page.locator("[data-live-list]")).to_have_attribute("data-live-state", "following")
    await page.keyboard.press("j")
    await page.keyboard.press("x")
    count = page.locator("[data-bulk-count]")
    await expect(count).to_have_text("1 ticket selected.")

    with live_server.api() as api:
        second = post(api, headers, "/api/v1/tickets", {**ticket, "title": "Keyboard sticks"})
    await expect(page.locator("[data-list-row]")).to_have_count(2)
    await expect(page.get_by_label(f"Select ticket {first['number']}")).to_be_checked()
    await expect(page.get_by_label(f"Select ticket {second['number']}")).not_to_be_checked()
    await expect(count).to_have_text("1 ticket selected.")

    # The header box: Space on it checks every row of the page, again unchecks them.
    await tab_to(page, "[data-select-all]", backwards=True)
    await page.keyboard.press("Space")
    await expect(page.locator("[data-row-select]:checked")).to_have_count(2)
    await expect(count).to_have_text("2 tickets selected.")
    await page.keyboard.press("Space")
    await expect(page.locator("[data-row-select]:checked")).to_have_count(0)
    await expect(count).to_have_text("No tickets selected.")
