"""The whole e-mail road in Chromium, with the real peers: a customer's mail fetched from
Dovecot opens a ticket; the agent answers it from the zoom with a template and the queue's
signature; the answer reaches the SMTP relay (aiosmtpd) with the threading headers; the
customer's reply to it lands on the same ticket; the owner gets the follow-up notification by
e-mail; the ticket, past its solution time, shows in the escalation view.

The browser talks to a ``frontdesk serve`` process (no jobs run there); the test process runs
the jobs itself — outbox delivery, notification dispatch, escalation announcements — against
the same database, so each step happens exactly when the test says.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from frontdesk.core.clock import utcnow
from frontdesk.domain.escalations.actions import do_announce_escalations
from frontdesk.domain.notifications.dispatch import dispatch_due
from frontdesk.domain.outbox.delivery import deliver_due
from frontdesk.web.state import WebState
from tests.browser.conftest import LiveServer
from tests.conftest import ADMIN_PASSWORD
from tests.domain.escalations.clock import freeze
from tests.domain.mail_inbound.dovecot import PASSWORD, Dovecot, dovecot_server
from tests.domain.outbox.mail import use_relay
from tests.domain.outbox.relay import Relay, smtp_relay
from tests.domain.tickets.people import transaction

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

NewPage = Callable[..., Awaitable[Page]]
Headers = dict[str, str]
SUPPORT = "support@example.org"
CUSTOMER = "cora@example.com"
OWNER = "olga@example.org"
CUSTOMER_MESSAGE_ID = "<printer-1@example.com>"
SIGNATURE = "Kind regards,\nThe Frontdesk support team"
TEMPLATE_TEXT = "Your printer is fixed: we replaced its drum."


def customer_mail() -> bytes:
    return (
        f"From: Cora Customer <{CUSTOMER}>\r\n"
        f"To: Frontdesk Support <{SUPPORT}>\r\n"
        "Subject: The printer jams\r\n"
        f"Message-ID: {CUSTOMER_MESSAGE_ID}\r\n"
        "Date: Mon, 07 Dec 2026 08:00:00 +0000\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        "Every second page jams in the printer on floor 2.\r\n"
    ).encode()


def customer_reply(our_message_id: str) -> bytes:
    # No ticket number in the subject: only the threading headers lead it to the ticket.
    return (
        f"From: Cora Customer <{CUSTOMER}>\r\n"
        f"To: Frontdesk Support <{SUPPORT}>\r\n"
        "Subject: Re: The printer jams\r\n"
        "Message-ID: <printer-2@example.com>\r\n"
        f"In-Reply-To: {our_message_id}\r\n"
        f"References: {CUSTOMER_MESSAGE_ID} {our_message_id}\r\n"
        "Date: Mon, 07 Dec 2026 10:00:00 +0000\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        "Thank you, it prints again. The toner is low, though.\r\n"
    ).encode()


def created(api: httpx.Client, headers: Headers, path: str, body: dict[str, Any]) -> Any:
    response = api.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def patched(api: httpx.Client, headers: Headers, path: str, body: dict[str, Any]) -> Any:
    response = api.patch(path, json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def set_up_the_desk(live_server: LiveServer, dovecot: Dovecot) -> dict[str, int]:
    """A queue with a 30-minute solution target, its system address, salutation, signature and
    answer template; the customer; the owner-to-be; a mail account on Dovecot."""
    headers = live_server.admin_headers()
    with live_server.api() as api:
        groups = api.get("/api/v1/groups", headers=headers).json()["items"]
        users = next(g["id"] for g in groups if g["name"] == "users")
        queue = created(
            api,
            headers,
            "/api/v1/queues",
            {"name": "Printers", "group_id": users, "solution_minutes": 30},
        )
        address = created(
            api,
            headers,
            "/api/v1/system-addresses",
            {"email": SUPPORT, "display_name": "Frontdesk Support", "queue_id": queue["id"]},
        )
        salutation = created(
            api,
            headers,
            "/api/v1/salutations",
            {"name": "Personal", "text": "Dear <OTRS_CUSTOMER_UserFirstname>,"},
        )
        signature = created(
            api, headers, "/api/v1/signatures", {"name": "Support team", "text": SIGNATURE}
        )
        patched(
            api,
            headers,
            f"/api/v1/queues/{queue['id']}",
            {
                "system_address_id": address["id"],
                "salutation_id": salutation["id"],
                "signature_id": signature["id"],
            },
        )
        created(
            api,
            headers,
            "/api/v1/templates",
            {
                "name": "Printer fixed",
                "type": "answer",
                "text": TEMPLATE_TEXT,
                "queue_ids": [queue["id"]],
            },
        )
        created(
            api,
            headers,
            "/api/v1/customer-users",
            {
                "login": "cora",
                "first_name": "Cora",
                "last_name": "Customer",
                "email": CUSTOMER,
                "password": "cora-secret-1",
            },
        )
        owner = created(
            api,
            headers,
            "/api/v1/agents",
            {
                "login": "olga",
                "first_name": "Olga",
                "last_name": "Owner",
                "email": OWNER,
                "password": "olga-secret-1",
            },
        )
        response = api.put(
            f"/api/v1/groups/{users}/agents/{owner['id']}",
            json={"permissions": ["rw"]},
            headers=headers,
        )
        assert response.status_code in (200, 204), response.text
        account = created(
            api,
            headers,
            "/api/v1/mail-accounts",
            {
                "type": "imap",
                "host": "127.0.0.1",
                "port": dovecot.imap_port,
                "login": "support",
                "password": PASSWORD,
                "dispatch": "queue",
                "queue_id": queue["id"],
                "trusted": False,
            },
        )
    return {"queue": queue["id"], "owner": owner["id"], "account": account["id"]}


async def deliver(web: WebState) -> None:
    await deliver_due(web.session_factory, web.runtime, "e2e-test")


def mails(relay: Relay) -> list[tuple[list[str], EmailMessage]]:
    return [
        (item.recipients, message_from_bytes(item.data, _class=EmailMessage, policy=policy.SMTP))
        for item in relay.received
    ]


async def test_a_mail_conversation_from_dovecot_to_the_escalation_view(
    live_server: LiveServer,
    web: WebState,
    client: httpx.AsyncClient,
    admin_headers: Headers,
    new_page: NewPage,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with dovecot_server() as dovecot, smtp_relay() as relay:
        ids = set_up_the_desk(live_server, dovecot)
        await use_relay(web, relay.port)
        headers = live_server.admin_headers()

        # The customer wrote two hours ago and the ticket opened then: this process fetches the
        # first mail with the ticket actions' clock set back, so the 30-minute solution time
        # has passed by the time the agent looks at the escalation view.
        dovecot.deliver("support", "printer", customer_mail())
        freeze(monkeypatch, (utcnow() - timedelta(hours=2)).isoformat()[:19])
        fetched = await client.post(
            f"/api/v1/mail-accounts/{ids['account']}/fetch", headers=admin_headers
        )
        monkeypatch.undo()
        assert fetched.json() == {"fetched": 1, "failed": 0}, fetched.text
        assert dovecot.waiting("support") == 0
        with live_server.api() as api:
            tickets = api.get(
                "/api/v1/tickets", params={"queue_id": ids["queue"]}, headers=headers
            ).json()
        assert [t["title"] for t in tickets["items"]] == ["The printer jams"]
        ticket = tickets["items"][0]
        with live_server.api() as api:
            patched(
                api,
                headers,
                f"/api/v1/tickets/{ticket['id']}",
                {"owner_id": ids["owner"], "lock": "lock"},
            )
            articles = api.get(f"/api/v1/tickets/{ticket['id']}/articles", headers=headers)
        (first,) = articles.json()["items"]

        # The agent answers from the zoom with the template; salutation and signature are in.
        page = await new_page()
        await page.goto(f"{live_server.url}/login")
        await page.get_by_label("Login name").fill("admin")
        await page.get_by_label("Password").fill(ADMIN_PASSWORD)
        await page.get_by_role("button", name="Log in").click()
        await page.wait_for_url(f"{live_server.url}/agent")
        await page.goto(f"{live_server.url}/agent/tickets/{ticket['id']}")
        await page.get_by_role("link", name="Reply to The printer jams").click()
        await page.wait_for_url("**/email?mode=reply*")
        await page.get_by_role("combobox", name="Template").select_option(label="Printer fixed")
        await page.get_by_role("button", name="Use template").click()
        text = page.get_by_label("Text")
        # Salutation, template, signature, then the quote of the answered mail (its time is
        # the article's, two hours back, in the admin's zone UTC).
        await expect(text).to_have_value(
            re.compile(
                re.escape(f"Dear Cora,\n\n{TEMPLATE_TEXT}\n\n{SIGNATURE}\n\n")
                + r"On \d{4}-\d\d-\d\d \d\d:\d\d, "
                + re.escape(f"Cora Customer <{CUSTOMER}> wrote:\n")
                + re.escape("> Every second page jams in the printer on floor 2.")
                + r"\s*$"
            )
        )
        await expect(page.locator("input[name=to]")).to_have_value(CUSTOMER)
        await page.get_by_role("button", name="Send e-mail").click()
        await page.wait_for_url(f"{live_server.url}/agent/tickets/{ticket['id']}*")

        await deliver(web)
        ((recipients, answer),) = mails(relay)
        assert recipients == [CUSTOMER]
        assert answer["To"] == CUSTOMER
        assert answer["From"] == f"Frontdesk Support <{SUPPORT}>"
        assert answer["Subject"] == f"[Ticket#{ticket['number']}] Re: The printer jams"
        assert answer["In-Reply-To"] == CUSTOMER_MESSAGE_ID
        assert answer["References"] == CUSTOMER_MESSAGE_ID
        our_message_id = answer["Message-ID"]
        assert re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", our_message_id), our_message_id

        # The customer answers; "Fetch now" on the admin screen takes it in as a follow-up.
        dovecot.deliver("support", "printer-reply", customer_reply(our_message_id))
        await page.goto(f"{live_server.url}/admin/mail-accounts/{ids['account']}/fetch")
        await page.get_by_role("button", name="Fetch now").click()
        await expect(
            page.get_by_text("Fetched 1 messages; 0 could not be imported")
        ).to_be_visible()
        assert dovecot.waiting("support") == 0
        await page.goto(f"{live_server.url}/agent/tickets/{ticket['id']}")
        await expect(
            page.get_by_text("Thank you, it prints again. The toner is low, though.")
        ).to_be_visible()
        with live_server.api() as api:
            found = api.get(
                "/api/v1/tickets", params={"queue_id": ids["queue"]}, headers=headers
            ).json()
            listed = api.get(f"/api/v1/tickets/{ticket['id']}/articles", headers=headers).json()
        assert [t["id"] for t in found["items"]] == [ticket["id"]]
        articles_now = listed["items"]
        assert [(a["sender"], a["subject"]) for a in articles_now] == [
            ("customer", "The printer jams"),
            ("agent", f"[Ticket#{ticket['number']}] Re: The printer jams"),
            ("customer", "Re: The printer jams"),
        ]
        assert articles_now[0]["id"] == first["id"]

        # The escalation is announced; the owner is told of the follow-up by e-mail, once.
        async with transaction(web) as tx:
            announced = await do_announce_escalations(tx, utcnow())
        assert announced == [(ticket["id"], "escalation_solution")]
        await dispatch_due(web.session_factory, web.runtime)
        await deliver(web)
        # A long subject is folded onto the next header line; read back it keeps that space.
        to_owner = [mail["Subject"].strip() for rcpt, mail in mails(relay) if rcpt == [OWNER]]
        hook = f"[Ticket#{ticket['number']}]"
        # One follow-up notification among her mails: the owner change (made by the admin
        # above) and the escalation are the others.
        assert to_owner == [
            f"{hook} Ticket Owner Update to Olga Owner: The printer jams",
            f"{hook} Locked Ticket Follow-Up: Re: The printer jams",
            f"{hook} Ticket Escalation! The printer jams",
        ]

        # Past its solution time, the ticket is in the escalation view.
        await page.goto(f"{live_server.url}/agent/escalated")
        await expect(page.get_by_role("link", name="The printer jams")).to_be_visible()
