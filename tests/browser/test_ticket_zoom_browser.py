"""Ticket zoom features in a real browser: the SLA selection dialog (confirm and cancel, after
the SLA list reloads for a service), the timeline view and the attachment overview (filter,
select all, archive download).

With ``FRONTDESK_SCREENSHOTS=docs/user`` the tests also save the screenshots of the user
documentation (docs/user/ticket-zoom.md) into that folder.
"""

from __future__ import annotations

import asyncio
import base64
import io
import os
import zipfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Page, expect
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import create_async_engine

from frontdesk.domain.tickets.models import Article, ArticleSeen, TicketHistory
from tests.browser.conftest import LiveServer
from tests.conftest import ADMIN_PASSWORD

NewPage = Callable[..., Awaitable[Page]]
ROOT = Path(__file__).resolve().parents[2]
MESSAGE = (
    "Premium support is billed <b>separately</b>.\nIt answers within one hour.\n"
    "Do you want to continue?"
)


async def screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("FRONTDESK_SCREENSHOTS")
    if folder:
        target = ROOT / folder
        target.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(target / name), full_page=False)


async def log_in(page: Page, url: str, login: str, password: str) -> None:
    await page.goto(url)
    await page.get_by_label("Login name").fill(login)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()


def post(api: httpx.Client, headers: dict[str, str], path: str, body: Any) -> Any:
    response = api.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def test_sla_dialog_confirm_and_cancel(live_server: LiveServer, new_page: NewPage) -> None:
    headers = live_server.admin_headers()
    with live_server.api() as api:
        hardware = post(api, headers, "/api/v1/services", {"name": "Hardware"})
        post(
            api,
            headers,
            "/api/v1/slas",
            {"name": "Premium", "service_ids": [hardware["id"]], "dialog_message": MESSAGE},
        )
        post(api, headers, "/api/v1/slas", {"name": "Basic", "service_ids": [hardware["id"]]})
        post(
            api,
            headers,
            "/api/v1/customer-users",
            {
                "login": "jane",
                "first_name": "Jane",
                "last_name": "Doe",
                "email": "jane@example.com",
                "password": "customer-secret-1",
                "valid": True,
            },
        )

    page = await new_page()
    await log_in(page, f"{live_server.url}/customer/login", "jane", "customer-secret-1")
    await page.get_by_role("link", name="New ticket", exact=True).click()
    await page.get_by_label("To").select_option(label="Misc")
    await page.get_by_label("Subject").fill("New laptop")
    await page.get_by_label("Message").fill("Please set up a laptop for our new colleague.")
    sla = page.get_by_label("SLA")
    dialog = page.get_by_role("dialog", name="Please confirm your selection")
    message = dialog.locator("[data-sla-dialog-message]")

    # The list as first loaded (no service yet: every valid SLA) asks too.
    await sla.select_option(label="Premium")
    await expect(dialog).to_be_visible()
    assert await message.inner_text() == MESSAGE  # the line breaks as written
    await dialog.get_by_role("button", name="Cancel").click()
    await expect(dialog).to_be_hidden()
    await expect(sla).to_have_value("")

    # Choosing the service reloads the SLA list (HTMX); the dialog works on the new list.
    await page.get_by_label("Service").select_option(label="Hardware")
    await expect(sla.locator("option", has_text="Premium")).to_have_count(1)
    await sla.select_option(label="Premium")
    await expect(dialog).to_be_visible()
    await expect(message).to_have_text(MESSAGE)
    assert await message.inner_text() == MESSAGE
    await expect(dialog.locator("b")).to_have_count(0)  # the message is text, never markup
    await screenshot(page, "sla-dialog.png")
    await dialog.get_by_role("button", name="Cancel").click()
    await expect(dialog).to_be_hidden()
    await expect(sla).to_have_value("")  # back to the previous choice

    await sla.select_option(label="Basic")  # no message: no dialog
    await expect(dialog).to_be_hidden()
    basic_value = await sla.input_value()
    await sla.select_option(label="Premium")
    await expect(dialog).to_be_visible()
    await page.keyboard.press("Escape")  # Escape cancels too
    await expect(dialog).to_be_hidden()
    await expect(sla).to_have_value(basic_value)

    await sla.select_option(label="Premium")
    await dialog.get_by_role("button", name="Confirm").click()
    await expect(dialog).to_be_hidden()
    await expect(sla.locator("option:checked")).to_have_text("Premium")
    await page.get_by_role("button", name="Submit ticket").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("New laptop")
    with live_server.api() as api:
        tickets = api.get("/api/v1/tickets", headers=headers).json()["items"]
    assert [(t["title"], t["service"], t["sla"]) for t in tickets] == [
        ("New laptop", "Hardware", "Premium")
    ]


def seed_ticket(server: LiveServer) -> dict[str, Any]:
    """A ticket with a customer email, a reply, an internal note, a chat and an SMS."""
    headers = server.admin_headers()
    with server.api() as api:
        ticket = post(
            api,
            headers,
            "/api/v1/tickets",
            {
                "title": "Printer on floor 2 prints blank pages",
                "queue_id": 2,
                "article": {
                    "channel": "email",
                    "sender": "customer",
                    "subject": "Blank pages",
                    "body": "Since this morning the printer on floor 2 prints only blank pages."
                    " We tried to restart it twice, and we replaced the paper tray, but"
                    " nothing changed. The status display shows no error at all, and the"
                    " printer on floor 3 works fine with the same documents.\n\nRegards,\nJane",
                    "attachments": [
                        {
                            "filename": "printer-status.pdf",
                            "content_type": "application/pdf",
                            "content_base64": b64(b"%PDF-1.4 status page"),
                        },
                        {
                            "filename": "photo.jpg",
                            "content_type": "image/jpeg",
                            "content_base64": b64(b"\xff\xd8\xff photo"),
                        },
                    ],
                },
            },
        )
        path = f"/api/v1/tickets/{ticket['id']}"
        for article in (
            {
                "channel": "email",
                "subject": "Re: Blank pages",
                "body": "Thank you, a technician will look at it today.",
                "attachments": [
                    {
                        "filename": "printer-status.pdf",
                        "content_type": "application/pdf",
                        "content_base64": b64(b"%PDF-1.4 our copy"),
                    }
                ],
            },
            {
                "channel": "internal",
                "subject": "Toner",
                "body": "Toner cartridge is empty; order a new one.",
                "attachments": [
                    {
                        "filename": "order.xlsx",
                        "content_type": "application/vnd.openxmlformats-officedocument"
                        ".spreadsheetml.sheet",
                        "content_base64": b64(b"PK order"),
                    }
                ],
            },
            {"channel": "chat", "sender": "customer", "subject": "Chat", "body": "Chat"},
            {"channel": "sms", "subject": "SMS", "body": "Technician arrives at 14:00."},
        ):
            post(api, headers, f"{path}/articles", article)
        for change in ({"state": "open"}, {"priority": "4 high"}, {"lock": "lock"}):
            response = api.patch(path, json=change, headers=headers)
            assert response.status_code == 200, response.text
    return ticket


async def add_channel_data(db_url: str, ticket_id: int) -> None:
    engine = create_async_engine(db_url)
    async with engine.begin() as connection:
        await connection.execute(
            update(Article)
            .where(Article.ticket_id == ticket_id, Article.channel == "chat")
            .values(
                channel_data={
                    "transcript": [
                        {"time": "2026-03-02T09:00:00Z", "from": "Jane", "text": "Is it fixed?"},
                        {
                            "time": "2026-03-02T09:01:00Z",
                            "from": "Admin Frontdesk",
                            "text": "Not yet, the toner is on its way.",
                        },
                    ]
                }
            )
        )
        await connection.execute(
            update(Article)
            .where(Article.ticket_id == ticket_id, Article.channel == "sms")
            .values(channel_data={"phone_number": "+49 170 1234567"})
        )
        # As if someone else had sent the SMS: the admin has not seen it yet.
        await connection.execute(
            delete(ArticleSeen).where(
                ArticleSeen.article_id.in_(
                    select(Article.id).where(
                        Article.ticket_id == ticket_id, Article.channel == "sms"
                    )
                )
            )
        )
        # Spread the history over the morning, as it would have happened (creation and its
        # first article stay together).
        history_ids = (
            await connection.execute(
                select(TicketHistory.id)
                .where(TicketHistory.ticket_id == ticket_id)
                .order_by(TicketHistory.id)
            )
        ).scalars()
        start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
        for step, history_id in enumerate(history_ids):
            await connection.execute(
                update(TicketHistory)
                .where(TicketHistory.id == history_id)
                .values(created_at=start + timedelta(minutes=17 * max(step - 1, 0)))
            )
    await engine.dispose()


async def test_timeline_and_attachment_overview(
    live_server: LiveServer, new_page: NewPage, db_url: str
) -> None:
    ticket = seed_ticket(live_server)
    await add_channel_data(db_url, ticket["id"])
    page = await new_page(viewport={"width": 1280, "height": 1000})
    await log_in(page, f"{live_server.url}/login", "admin", ADMIN_PASSWORD)

    # Straight to the timeline: any view of the ticket would mark the SMS as seen.
    await page.goto(f"{live_server.url}/agent/tickets/{ticket['id']}?view=timeline")
    timeline = page.locator(".timeline")
    await expect(timeline).to_be_visible()
    await expect(timeline.locator(".timeline-label").first).to_have_text("Ticket Locked")
    await expect(timeline.locator(".chat-bubble", has_text="Is it fixed?")).to_be_visible()
    await expect(timeline.get_by_text("+49 170 1234567")).to_be_visible()
    unread = timeline.locator(".badge-unread")
    await expect(unread).to_have_count(1)
    await expect(
        timeline.locator(".timeline-item", has=page.locator(".badge-unread")).locator(
            ".timeline-label"
        )
    ).to_have_text("SMS Added")
    await screenshot(page, "ticket-timeline.png")
    await page.get_by_text("Show full text").first.click()
    await expect(page.get_by_text("works fine with the same documents.").last).to_be_visible()

    # The filter: only state changes (and "Ticket Created", which always shows).
    await page.get_by_text("Event type filter").click()
    await page.get_by_label("Show these event types").select_option(["StateUpdate"])
    await page.get_by_role("button", name="Apply filter").click()
    await expect(page.locator(".timeline-label")).to_have_text(["State Updated", "Ticket Created"])

    # The views switch through their links; the last used one sticks. The SMS is seen now.
    await page.get_by_role("link", name="Show all articles").click()
    await expect(page.get_by_role("heading", name="Articles", exact=True)).to_be_visible()
    await page.get_by_role("link", name="Show ticket timeline").click()
    await expect(page.locator(".timeline")).to_be_visible()
    await page.goto(f"{live_server.url}/agent/tickets/{ticket['id']}")
    await expect(page.locator(".timeline")).to_be_visible()
    await expect(page.locator(".timeline-label", has_text="SMS Added")).to_have_count(1)
    await expect(page.locator(".badge-unread")).to_have_count(0)

    await page.get_by_role("link", name="Attachments", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Attachments of Ticket#")
    rows = page.locator("tr[data-attachment-row]")
    await expect(rows).to_have_count(4)
    await page.get_by_label("Filter attachments").fill("printer")
    await expect(rows.locator("visible=true")).to_have_count(2)
    await page.get_by_label("Select all").check()
    await screenshot(page, "attachment-overview.png")
    async with page.expect_download() as info:
        await page.get_by_role("button", name="Download selected files as archive").click()
    download = await info.value
    assert download.suggested_filename == f"Attachments-Ticket-{ticket['number']}.zip"
    packed = await asyncio.to_thread(Path(await download.path()).read_bytes)
    with zipfile.ZipFile(io.BytesIO(packed)) as archive:
        assert archive.namelist() == ["printer-status.pdf", "printer-status-1.pdf"]
        assert archive.read("printer-status-1.pdf") == b"%PDF-1.4 our copy"
