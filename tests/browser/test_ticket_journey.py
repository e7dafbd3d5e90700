"""The core journey in a real browser: a customer opens a ticket, an agent answers it, the
customer reads the answer. Driven by labels and roles, as a person (or a screen reader) would."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from playwright.async_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.conftest import ADMIN_PASSWORD

NewPage = Callable[..., Awaitable[Page]]


def _create_customer(server: LiveServer) -> None:
    headers = server.admin_headers()
    with server.api() as api:
        company = api.post(
            "/api/v1/customer-companies",
            json={"customer_id": "acme", "name": "Acme Corp", "valid": True},
            headers=headers,
        )
        assert company.status_code == 201, company.text
        user = api.post(
            "/api/v1/customer-users",
            json={
                "login": "jane",
                "first_name": "Jane",
                "last_name": "Doe",
                "email": "jane@example.com",
                "password": "customer-secret-1",
                "customer_id": "acme",
                "valid": True,
            },
            headers=headers,
        )
        assert user.status_code == 201, user.text


async def _log_in(page: Page, url: str, login: str, password: str) -> None:
    await page.goto(url)
    await page.get_by_label("Login name").fill(login)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()


async def test_customer_asks_agent_answers_customer_reads(
    live_server: LiveServer, new_page: NewPage
) -> None:
    _create_customer(live_server)

    # The customer opens a ticket.
    customer = await new_page()
    await _log_in(customer, f"{live_server.url}/customer/login", "jane", "customer-secret-1")
    await expect(customer.get_by_role("heading", name="My tickets")).to_be_visible()
    await customer.get_by_role("link", name="New ticket", exact=True).click()
    await customer.get_by_label("To").select_option(label="Misc")
    await customer.get_by_label("Subject").fill("Printer <b>on fire</b>")
    await customer.get_by_label("Message").fill("The printer on floor 2 is smoking.\nHelp!")
    await customer.get_by_role("button", name="Submit ticket").click()
    heading = customer.get_by_role("heading", level=1)
    await expect(heading).to_contain_text("Printer <b>on fire</b>")
    number = re.search(r"Ticket#(\d+)", await heading.inner_text())
    assert number is not None

    # An agent finds it in the queue view and answers.
    agent = await new_page()
    await _log_in(agent, f"{live_server.url}/login", "admin", ADMIN_PASSWORD)
    await agent.get_by_role("link", name="Queues").click()
    await agent.get_by_role("link", name="Printer <b>on fire</b>").click()
    await expect(agent.get_by_role("heading", level=1)).to_contain_text(number.group(1))
    await expect(agent.get_by_text("The printer on floor 2 is smoking.")).to_be_visible()
    # "Reply" opens the e-mail compose screen, addressed to the customer and quoting her.
    await agent.get_by_role("link", name="Reply", exact=True).click()
    await expect(agent.get_by_role("heading", level=1)).to_have_text("Reply by e-mail")
    await expect(agent.get_by_role("combobox", name="To", exact=True)).to_have_value(
        "Jane Doe <jane@example.com>"
    )
    await expect(agent.get_by_label("Subject", exact=True)).to_have_value(
        "Re: Printer <b>on fire</b>"
    )
    await expect(agent.get_by_role("textbox", name="Text", exact=True)).to_have_value(
        re.compile(r"^> The printer on floor 2 is smoking\.$", re.M)
    )
    await agent.get_by_role("textbox", name="Text", exact=True).fill("A technician is on the way.")
    await agent.get_by_role("button", name="Send e-mail").click()
    await expect(agent.get_by_text("E-mail queued for sending.")).to_be_visible()
    await expect(agent.get_by_text("A technician is on the way.")).to_be_visible()
    await agent.get_by_role("button", name="Note", exact=True).click()
    await agent.locator("#note-body").fill("Internal: call facilities.")
    await agent.get_by_role("button", name="Add note").click()
    await expect(agent.get_by_text("Internal: call facilities.")).to_be_visible()

    # The customer sees the answer, not the internal note.
    await customer.reload()
    await expect(customer.get_by_text("A technician is on the way.")).to_be_visible()
    await expect(customer.get_by_text("Internal: call facilities.")).to_have_count(0)
    # User text stays text: the title shows the angle brackets, no bold element exists.
    await expect(customer.locator("h1 b")).to_have_count(0)


async def test_pages_work_on_a_phone(live_server: LiveServer, new_page: NewPage) -> None:
    phone = await new_page(viewport={"width": 390, "height": 844})
    await _log_in(phone, f"{live_server.url}/login", "admin", ADMIN_PASSWORD)
    await expect(phone.get_by_role("link", name="Dashboard")).to_be_visible()
    width = await phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    await phone.get_by_role("link", name="New phone ticket").click()
    await expect(phone.get_by_role("heading", level=1)).to_be_visible()
    assert await phone.evaluate("document.documentElement.scrollWidth") <= 390
