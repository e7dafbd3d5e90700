"""The Content-Security-Policy in a real browser: every page with scripts runs under it with no
violation (none in the console, none reported to the server's log), and it does refuse what it
is there to refuse (an injected inline handler)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from playwright.async_api import ConsoleMessage, Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_chat_agent_browser import eventually
from tests.browser.test_ticket_journey import _log_in
from tests.conftest import ADMIN_PASSWORD

NewPage = Callable[..., Awaitable[Page]]

# Every frame records the violations it sees (the console also names them, in Chromium's words).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} ${event.blockedURI}`);
});
"""


def watch_console(page: Page) -> list[str]:
    messages: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            messages.append(message.text)

    page.on("console", keep)
    return messages


async def violations(page: Page) -> list[str]:
    seen: list[str] = []
    for frame in page.frames:
        seen += await frame.evaluate("window.__cspViolations || []")
    return seen


async def test_pages_with_scripts_run_under_the_policy_without_a_violation(
    live_server: LiveServer, new_page: NewPage
) -> None:
    headers = live_server.admin_headers()
    with live_server.api() as api:
        ticket = api.post(
            "/api/v1/tickets",
            json={
                "title": "Printer on fire",
                "queue_id": 2,
                "article": {"subject": "Help", "body": "It burns."},
            },
            headers=headers,
        )
        assert ticket.status_code == 201, ticket.text
    ticket_id = ticket.json()["id"]
    page = await new_page()
    await page.add_init_script(RECORD_VIOLATIONS)
    console = watch_console(page)
    await _log_in(page, f"{live_server.url}/login", "admin", ADMIN_PASSWORD)
    await expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    # htmx ran (it loads the chat toolbar into the top bar) and added no inline <style>.
    await expect(page.locator(".chat-toolbar *").first).to_be_attached()
    assert await page.locator("head style").count() == 0

    heading = page.locator("main h1").first
    for path, ready in [
        ("/agent/queues", heading),
        (f"/agent/tickets/{ticket_id}", page.get_by_text("Printer on fire").first),
        ("/agent/chat", heading),
        ("/agent/preferences", heading),
        ("/admin", heading),
        ("/admin/sysconfig", heading),
        ("/api/docs", page.locator(".swagger-ui .info .title")),
    ]:
        await page.goto(f"{live_server.url}{path}")
        await expect(ready).to_be_visible()

    # The integration preview runs the real loader in a framed page of this server.
    await page.goto(f"{live_server.url}/agent/chat/integration")
    await page.get_by_label("Show the widget even when no agent is available").check()
    await page.get_by_role("tab", name="Preview").click()
    site = page.frame_locator("[data-preview]")
    await expect(site.get_by_role("heading", name="Example Ltd.")).to_be_visible()
    launcher = site.get_by_role("button", name="Chat with us")
    await expect(launcher).to_be_visible()
    await launcher.click()
    await expect(site.frame_locator('iframe[title="Chat with us"]').locator("h1")).to_be_visible()

    await page.goto(f"{live_server.url}/public/chat")
    await expect(page.get_by_role("heading", name="Chat with us")).to_be_visible()

    assert await violations(page) == []
    assert console == []
    assert "csp_violation" not in live_server.log.read_text()


async def test_the_policy_refuses_an_injected_handler_and_reports_it(
    live_server: LiveServer, new_page: NewPage
) -> None:
    page = await new_page()
    await page.add_init_script(RECORD_VIOLATIONS)
    console = watch_console(page)
    await page.goto(f"{live_server.url}/login")
    await page.evaluate(
        """() => {
          const img = document.createElement("img");
          img.setAttribute("onerror", "window.__injected = true");
          img.src = "/no-such-image";
          document.body.append(img);
        }"""
    )
    await page.wait_for_function("window.__cspViolations.length > 0")
    assert await page.evaluate("window.__injected === undefined")
    assert await violations(page) == ["script-src-attr inline"]
    # Chromium names it in the console and posts a report to /csp-report; the server logs it.
    await eventually(lambda: len(console), 1)
    await eventually(lambda: "csp_violation" in live_server.log.read_text(), True)
    line = next(x for x in live_server.log.read_text().splitlines() if "csp_violation" in x)
    assert "script-src-attr" in line
    assert f"{live_server.url}/login" in line


async def test_the_dashboard_refresh_pauses_while_a_form_in_it_is_open(
    live_server: LiveServer, new_page: NewPage
) -> None:
    page = await new_page()
    await _log_in(page, f"{live_server.url}/login", "admin", ADMIN_PASSWORD)
    await expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    # The pause is dashboard.js's listener: a module script, run only once the page has parsed.
    await page.wait_for_load_state("load")
    refresh = """() => htmx.ajax("GET", "/agent/dashboard/panels",
        {source: "#dashboard-panels", target: "#dashboard-panels", swap: "outerHTML"})"""
    await page.evaluate(
        """() => {
          const form = document.createElement("details");
          form.open = true;
          document.getElementById("dashboard-panels").append(form);
        }"""
    )
    await page.evaluate(refresh)
    assert await page.locator("#dashboard-panels details[open]").count() == 1  # kept
    await page.evaluate('() => document.querySelector("#dashboard-panels details").remove()')
    await page.evaluate(
        '() => document.getElementById("dashboard-panels").setAttribute("data-old", "")'
    )
    await page.evaluate(refresh)
    await expect(page.locator("#dashboard-panels")).not_to_have_attribute("data-old", "")
