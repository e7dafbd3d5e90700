"""Every page of the product, in the light and the dark theme: axe-core finds nothing serious or
critical, and at 375 px and 320 px the page is no wider than the screen.

``PAGES`` names each page by its route and how to reach it; ``test_every_page_route_is_checked``
compares that list with the routes the application serves, so a new page cannot be forgotten.
The sweep runs on SQLite only: it checks what the pages render, which does not depend on the
database (every page's queries run on both backends in tests/web).
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, Page

from tests.browser.conftest import LiveServer
from tests.browser.test_chat_public_browser import deploy_settings, prepare_desk
from tests.browser.test_themes_browser import serious_violations
from tests.browser.test_ticket_zoom_browser import log_in
from tests.conftest import ADMIN_PASSWORD

NewPage = Callable[..., Awaitable[Page]]
JANE_PASSWORD = "customer-secret-1"
RAW = 2
THEMES = ("light", "dark")
WIDTHS = (375, 320)


@dataclass(frozen=True)
class PageCase:
    """One page: its route as the application declares it, who looks at it, and its URL."""

    route: str
    who: str  # "agent" (the admin), "customer" (jane) or "anonymous"
    url: Callable[[dict[str, Any]], str]
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.route


def fixed(path: str) -> Callable[[dict[str, Any]], str]:
    return lambda _data: path


ADMIN_SCREENS = (
    "agents",
    "groups",
    "roles",
    "customer-companies",
    "customer-users",
    "queues",
    "states",
    "priorities",
    "types",
    "services",
    "slas",
    "chat-channels",
    "business-calendars",
    "dynamic-fields",
    "system-addresses",
    "salutations",
    "signatures",
    "templates",
    "auto-responses",
    "notifications",
    "mail-accounts",
    "postmaster-filters",
)


def admin_cases() -> Iterator[PageCase]:
    for slug in ADMIN_SCREENS:
        yield PageCase("/admin/{slug}", "agent", fixed(f"/admin/{slug}"), f"/admin/{slug}")
        yield PageCase(
            "/admin/{slug}/new", "agent", fixed(f"/admin/{slug}/new"), f"/admin/{slug}/new"
        )
        yield PageCase(
            "/admin/{slug}/{item_id}",
            "agent",
            lambda data, slug=slug: f"/admin/{slug}/{data['items'][slug]}",
            f"/admin/{slug}/ID",
        )


PAGES: tuple[PageCase, ...] = (
    # The agent interface.
    PageCase("/agent", "agent", fixed("/agent")),
    PageCase("/agent/queues", "agent", fixed("/agent/queues")),
    PageCase("/agent/queues", "agent", fixed(f"/agent/queues?queue_id={RAW}"), "one queue"),
    PageCase("/agent/escalated", "agent", fixed("/agent/escalated")),
    PageCase("/agent/tickets/new", "agent", fixed("/agent/tickets/new")),
    *(
        PageCase(
            "/agent/tickets/{ticket_id}",
            "agent",
            lambda data, view=view: f"/agent/tickets/{data['ticket']}?view={view}",
            f"zoom, {view}",
        )
        for view in ("one", "all", "timeline")
    ),
    PageCase(
        "/agent/tickets/{ticket_id}/attachments",
        "agent",
        lambda data: f"/agent/tickets/{data['ticket']}/attachments",
    ),
    PageCase("/agent/tickets/{ticket_id}", "agent", fixed("/agent/tickets/999999"), "not found"),
    *(
        PageCase(
            "/agent/tickets/{ticket_id}/email",
            "agent",
            lambda data, mode=mode: (
                f"/agent/tickets/{data['ticket']}/email?mode={mode}&article_id={data['article']}"
            ),
            f"e-mail, {mode}",
        )
        for mode in ("reply", "reply_all", "forward", "new")
    ),
    PageCase("/agent/email-tickets/new", "agent", fixed("/agent/email-tickets/new")),
    PageCase("/agent/search", "agent", fixed("/agent/search?query=printer")),
    PageCase("/agent/customers", "agent", fixed("/agent/customers")),
    PageCase("/agent/customers/{login}", "agent", fixed("/agent/customers/jane")),
    PageCase("/agent/preferences", "agent", fixed("/agent/preferences")),
    PageCase("/agent/chat", "agent", fixed("/agent/chat")),
    PageCase("/agent/chat/{chat_id}", "agent", lambda data: f"/agent/chat/{data['chat']}"),
    PageCase("/agent/chat/integration", "agent", fixed("/agent/chat/integration")),
    PageCase("/agent/chat/integration/preview", "agent", fixed("/agent/chat/integration/preview")),
    # Administration and the system configuration.
    PageCase("/admin", "agent", fixed("/admin")),
    PageCase("/admin/style-guide", "agent", fixed("/admin/style-guide")),
    PageCase("/admin/mail-queue", "agent", fixed("/admin/mail-queue")),
    PageCase(
        "/admin/mail-accounts/{account_id}/fetch",
        "agent",
        lambda data: f"/admin/mail-accounts/{data['items']['mail-accounts']}/fetch",
    ),
    PageCase("/admin/mail-failures", "agent", fixed("/admin/mail-failures")),
    *admin_cases(),
    PageCase(
        "/admin/templates/{item_id}/attachments",
        "agent",
        lambda data: f"/admin/templates/{data['items']['templates']}/attachments",
    ),
    PageCase("/admin/groups/{owner_id}/agents", "agent", fixed("/admin/groups/1/agents")),
    PageCase("/admin/groups/{owner_id}/roles", "agent", fixed("/admin/groups/1/roles")),
    PageCase(
        "/admin/groups/{owner_id}/customer-users", "agent", fixed("/admin/groups/1/customer-users")
    ),
    PageCase(
        "/admin/roles/{owner_id}/agents",
        "agent",
        lambda data: f"/admin/roles/{data['items']['roles']}/agents",
    ),
    PageCase("/admin/sysconfig", "agent", fixed("/admin/sysconfig")),
    PageCase("/admin/sysconfig", "agent", fixed("/admin/sysconfig?query=theme"), "settings found"),
    PageCase("/admin/sysconfig/deploy", "agent", fixed("/admin/sysconfig/deploy")),
    PageCase("/admin/sysconfig/deployments", "agent", fixed("/admin/sysconfig/deployments")),
    PageCase(
        "/admin/sysconfig/deployments/{deployment_id}",
        "agent",
        lambda data: f"/admin/sysconfig/deployments/{data['deployment']}",
    ),
    PageCase(
        "/admin/sysconfig/settings/{name}/history",
        "agent",
        fixed(
            f"/admin/sysconfig/settings/{quote('ChatEngine::DefaultAgentName', safe='')}/history"
        ),
    ),
    PageCase(
        "/admin/sysconfig/user-values/{name}",
        "agent",
        fixed(f"/admin/sysconfig/user-values/{quote('Agent::Theme', safe='')}"),
    ),
    # The customer portal.
    PageCase("/customer/login", "anonymous", fixed("/customer/login")),
    PageCase("/customer", "customer", fixed("/customer")),
    PageCase("/customer/tickets/new", "customer", fixed("/customer/tickets/new")),
    PageCase(
        "/customer/tickets/{ticket_id}",
        "customer",
        lambda data: f"/customer/tickets/{data['ticket']}",
    ),
    PageCase("/customer/chats", "customer", fixed("/customer/chats")),
    PageCase("/customer/chats/new", "customer", fixed("/customer/chats/new")),
    PageCase(
        "/customer/chats/{chat_id}",
        "customer",
        lambda data: f"/customer/chats/{data['customer_chat']}",
    ),
    PageCase(
        "/customer/chats/{chat_id}/ticket",
        "customer",
        lambda data: f"/customer/chats/{data['customer_chat']}/ticket",
    ),
    # Public pages.
    PageCase("/login", "anonymous", fixed("/login")),
    PageCase("/public/chat", "anonymous", fixed("/public/chat")),
)

# GET routes that are not pages: fragments that pages load into themselves, files, JSON, and
# redirects. Everything else the application serves outside /api and /static must be in PAGES.
NOT_PAGES = {
    "/": "redirects to /agent",
    "/healthz": "service check",
    "/agent/dashboard/panels": "fragment of the dashboard",
    "/agent/search/suggest": "fragment of the top bar's search box",
    "/agent/email/recipients": "fragment of the e-mail screens' recipient fields",
    "/agent/tickets/{ticket_id}/articles/{article_id}/source": "an article's .eml file",
    "/agent/chat/toolbar": "fragment of the agent top bar",
    "/agent/chat/preferences": "fragment of the chat manager",
    "/agent/notifications/preferences": "fragment of the preferences page",
    "/agent/tickets/{ticket_id}/watch": "fragment of the ticket zoom",
    "/agent/chat/{chat_id}/invitable": "fragment of the chat manager",
    "/agent/preferences/settings": "the agent's settings as JSON",
    "/customer/tickets/new/slas": "fragment of the new ticket form",
    "/public/chat/widget-config": "JSON for the embed widget",
    "/public/chat/theme.css": "the public chat's colours as CSS",
    "/admin/sysconfig/deployments/{deployment_id}/export": "a YAML file",
    "/admin/mail-failures/{failure_id}/source": "a failed mail's raw message",
}


def served_page_routes() -> set[str]:
    """Every GET route the application serves outside the API and the static files."""
    from frontdesk.core.process_settings import ProcessSettings
    from frontdesk.web.app import create_app

    app = create_app(ProcessSettings(database_url="sqlite+aiosqlite:///:memory:"))

    def walk(routes: list[Any], prefix: str) -> Iterator[str]:
        for route in routes:
            included = getattr(route, "original_router", None)
            if included is not None:
                yield from walk(included.routes, prefix + route.include_context.prefix)
            elif "GET" in (getattr(route, "methods", None) or ()):
                yield prefix + route.path

    return {
        path
        for path in walk(list(app.routes), "")
        if not path.startswith(("/api/", "/static", "/docs", "/redoc"))
    }


def test_every_page_route_is_checked() -> None:
    served = served_page_routes()
    checked = {case.route for case in PAGES}
    assert served - checked - set(NOT_PAGES) == set(), "add the new page to PAGES"
    assert set(NOT_PAGES) - served == set(), "a route in NOT_PAGES is gone"
    assert checked - served == set(), "a page in PAGES is not served"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def seed(live_server: LiveServer) -> dict[str, Any]:
    """One of everything the pages show: a ticket with articles and an attachment for jane,
    a chat of jane's that the admin accepted, a role, a deployment."""
    headers = prepare_desk(live_server)
    data: dict[str, Any] = {}
    with live_server.api() as api:

        def post(path: str, body: Any, auth: dict[str, str] = headers) -> Any:
            response = api.post(path, json=body, headers=auth)
            assert response.status_code in (200, 201), (path, response.text)
            return response.json()

        post(
            "/api/v1/customer-companies",
            {"customer_id": "acme", "name": "Acme & Sons <Ltd>"},
        )
        post(
            "/api/v1/customer-users",
            {
                "login": "jane",
                "first_name": "Jane",
                "last_name": "Doe",
                "email": "jane@example.com",
                "customer_id": "acme",
                "password": JANE_PASSWORD,
            },
        )
        post("/api/v1/roles", {"name": "Night shift"})
        # A field on the ticket forms, the zoom, the lists and the search, so those pages are
        # checked with its inputs and values.
        post(
            "/api/v1/dynamic-fields",
            {
                "name": "Level",
                "label": "Support level",
                "field_type": "dropdown",
                "config": {"possible_values": {"gold": "Gold", "silver": "Silver"}},
                "screens": {
                    key: "shown"
                    for key in (
                        "agent_ticket_phone",
                        "agent_ticket_edit_fields",
                        "agent_ticket_note",
                        "agent_ticket_zoom",
                        "agent_ticket_overview",
                        "agent_ticket_search",
                        "customer_ticket_new",
                        "customer_ticket_zoom",
                    )
                },
            },
        )
        post(
            "/api/v1/business-calendars",
            {
                "name": "Berlin office",
                "time_zone": "Europe/Berlin",
                "week": {"mon": [["08:00", "17:00"]], "fri": [["08:00", "12:00"]]},
                "holidays": [{"date": "2026-12-25", "name": "Christmas Day", "recurring": True}],
            },
        )
        address = post(
            "/api/v1/system-addresses",
            {"email": "support@example.com", "display_name": "Support <ACME>", "queue_id": RAW},
        )
        post("/api/v1/salutations", {"name": "Formal", "text": "Dear <OTRS_CUSTOMER_REALNAME>,"})
        post("/api/v1/signatures", {"name": "Team", "text": "-- \nThe support team"})
        template = post(
            "/api/v1/templates",
            {"name": "Thanks", "text": "Thank you.", "queue_ids": [RAW]},
        )
        upload = api.post(
            f"/api/v1/templates/{template['id']}/attachments",
            files={"file": ("terms.pdf", b"%PDF-1.4 terms", "application/pdf")},
            headers=headers,
        )
        assert upload.status_code == 201, upload.text
        post(
            "/api/v1/auto-responses",
            {
                "name": "Received",
                "type": "reply_new_ticket",
                "subject": "We got your mail",
                "text": "Hello <OTRS_CUSTOMER_REALNAME>",
                "system_address_id": address["id"],
                "queue_ids": [RAW],
            },
        )
        post(
            "/api/v1/mail-accounts",
            {
                "type": "imaps",
                "host": "mail.example.com",
                "port": 993,
                "login": "support <at> example",
                "password": "never-shown-1",
                "dispatch": "queue",
                "queue_id": RAW,
            },
        )
        post(
            "/api/v1/postmaster-filters",
            {
                "name": "Invoices <to> Misc",
                "match": [{"header": "Subject", "pattern": "invoice", "negate": False}],
                "set": {"queue": "Misc"},
            },
        )
        ticket = post(
            "/api/v1/tickets",
            {
                "title": "Printer on floor 2 prints blank pages",
                "queue_id": RAW,
                "customer_user": "jane",
                "article": {
                    "channel": "email",
                    "sender": "customer",
                    "subject": "Blank pages",
                    "body": "The printer prints only blank pages. <b>Help</b>",
                    "attachments": [
                        {
                            "filename": "printer-status.pdf",
                            "content_type": "application/pdf",
                            "content_base64": b64(b"%PDF-1.4 status page"),
                        }
                    ],
                },
            },
        )
        data["ticket"] = ticket["id"]
        data["article"] = api.get(
            f"/api/v1/tickets/{ticket['id']}/articles", headers=headers
        ).json()["items"][0]["id"]
        post(
            f"/api/v1/tickets/{ticket['id']}/articles",
            {"channel": "email", "subject": "Re: Blank pages", "body": "A technician comes."},
        )
        token = post(
            "/api/v1/auth/token",
            {"login": "jane", "password": JANE_PASSWORD, "realm": "customer"},
            {},
        )["token"]
        chat = post(
            "/api/v1/chats", {"message": "My screen is dark"}, {"Authorization": f"Bearer {token}"}
        )
        post(f"/api/v1/chats/{chat['id']}/accept", {})
        post(
            f"/api/v1/chats/{chat['id']}/messages",
            {"text": "Is it plugged in?", "client_message_id": "every-page-1"},
        )
        data["chat"] = data["customer_chat"] = chat["id"]
        data["items"] = {}
        for slug in ADMIN_SCREENS:
            listed = api.get(f"/api/v1/{slug}", headers=headers)
            assert listed.status_code == 200, (slug, listed.text)
            items = listed.json()["items"]
            data["items"][slug] = items[0]["id"] if items else 999999
    deploy_settings(live_server, headers, {"ChatEngine::DefaultAgentName": "Support"})
    with live_server.api() as api:
        deployments = api.get("/api/v1/settings/deployments", headers=headers).json()["items"]
    data["deployment"] = deployments[0]["id"]
    return data


async def page_for(browser: Browser, live_server: LiveServer, who: str, theme: str) -> Page:
    context = await browser.new_context(
        viewport={"width": WIDTHS[0], "height": 800}, color_scheme=theme
    )
    context.set_default_timeout(20_000)
    page = await context.new_page()
    if who == "agent":
        await log_in(page, f"{live_server.url}/login", "admin", ADMIN_PASSWORD)
        await page.wait_for_url(f"{live_server.url}/agent")
    elif who == "customer":
        await log_in(page, f"{live_server.url}/customer/login", "jane", JANE_PASSWORD)
        await page.wait_for_url(f"{live_server.url}/customer")
    return page


async def problems_of(page: Page, url: str) -> list[str]:
    response = await page.goto(url)
    assert response is not None
    found = [] if response.status < 500 else [f"status {response.status}"]
    await page.wait_for_load_state("load")
    found += await serious_violations(page)
    for width in WIDTHS:
        await page.set_viewport_size({"width": width, "height": 800})
        scroll = await page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            found.append(f"{scroll} px wide at {width} px")
    await page.set_viewport_size({"width": WIDTHS[0], "height": 800})
    return found


@pytest.mark.parametrize("theme", THEMES)
async def test_every_page_is_accessible_and_fits_a_phone(
    live_server: LiveServer, browser: Browser, db_url: str, theme: str
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("rendering only: the SQLite run covers every page")
    data = seed(live_server)
    pages = {who: await page_for(browser, live_server, who, theme) for who in PAGE_USERS}
    try:
        problems = {}
        for case in PAGES:
            found = await problems_of(pages[case.who], live_server.url + case.url(data))
            if found:
                problems[case.name] = found
        report = "\n".join(f"{name}: {found}" for name, found in problems.items())
        assert problems == {}, report
    finally:
        for page in pages.values():
            await page.context.close()


PAGE_USERS = ("agent", "customer", "anonymous")
