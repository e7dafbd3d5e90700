"""The SLA selection dialog's server side on both databases: the dialog message of an SLA
(admin API), the customer's new-ticket form carrying it escaped on exactly the valid SLAs that
have one, the SLA list reloaded for a service, and the chosen SLA stored on the ticket. The
dialog itself (confirm/cancel) is driven in tests/browser/test_ticket_zoom_browser.py."""

from __future__ import annotations

import re
from typing import Any

import httpx

from frontdesk.web.state import WebState
from tests.web.test_pages_agent import CUSTOMER_PASSWORD, create_customer_user, log_in

Headers = dict[str, str]
MESSAGE = 'Premium is billed <b>separately</b> & "per hour".\nContinue?'


async def post(client: httpx.AsyncClient, headers: Headers, path: str, body: Any) -> Any:
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def catalogue(client: httpx.AsyncClient, headers: Headers) -> dict[str, int]:
    hardware = await post(client, headers, "/api/v1/services", {"name": "Hardware"})
    email = await post(client, headers, "/api/v1/services", {"name": "Email"})
    premium = await post(
        client,
        headers,
        "/api/v1/slas",
        {"name": "Premium", "service_ids": [hardware["id"]], "dialog_message": MESSAGE},
    )
    basic = await post(
        client,
        headers,
        "/api/v1/slas",
        {"name": "Basic", "service_ids": [hardware["id"], email["id"]]},
    )
    retired = await post(
        client,
        headers,
        "/api/v1/slas",
        {"name": "Retired", "dialog_message": "Never shown", "valid": False},
    )
    blank = await post(client, headers, "/api/v1/slas", {"name": "Blank", "dialog_message": "   "})
    return {
        "hardware": hardware["id"],
        "email": email["id"],
        "premium": premium["id"],
        "basic": basic["id"],
        "retired": retired["id"],
        "blank": blank["id"],
    }


def sla_options(html: str) -> list[str]:
    select = re.search(r'<select id="sla_id" name="sla_id"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    return [o.strip() for o in re.findall(r"<option ([^>]*)>", select.group(1))]


async def test_dialog_message_is_kept_as_text_by_the_admin_api(
    client: httpx.AsyncClient, admin_headers: Headers
) -> None:
    ids = await catalogue(client, admin_headers)
    premium = await client.get(f"/api/v1/slas/{ids['premium']}", headers=admin_headers)
    assert premium.json()["dialog_message"] == MESSAGE
    changed = await client.patch(
        f"/api/v1/slas/{ids['basic']}",
        json={"dialog_message": "Basic has no weekend support."},
        headers=admin_headers,
    )
    assert changed.status_code == 200
    assert changed.json()["dialog_message"] == "Basic has no weekend support."


async def test_new_ticket_form_carries_the_messages_of_valid_slas(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ids = await catalogue(client, admin_headers)
    await create_customer_user(web, "jane")
    await log_in(client, "jane", CUSTOMER_PASSWORD, "customer")
    page = await client.get("/customer/tickets/new")
    assert page.status_code == 200
    escaped = "Premium is billed &lt;b&gt;separately&lt;/b&gt; &amp; &#34;per hour&#34;.\nContinue?"
    assert sla_options(page.text) == [
        'value=""',
        f'value="{ids["basic"]}"',
        f'value="{ids["blank"]}"',
        f'value="{ids["premium"]}"  data-dialog-message="{escaped}"',
    ]
    assert "Never shown" not in page.text
    assert "<b>separately" not in page.text
    assert '<dialog class="sla-dialog" data-sla-dialog' in page.text
    assert "Please confirm your selection" in page.text
    assert '<script type="module" src="/static/js/sla-dialog.js"></script>' in page.text
    assert 'hx-get="/customer/tickets/new/slas"' in page.text

    for_email = await client.get(f"/customer/tickets/new/slas?service_id={ids['email']}")
    assert for_email.status_code == 200
    assert sla_options(for_email.text) == ['value=""', f'value="{ids["basic"]}"']
    for_hardware = await client.get(f"/customer/tickets/new/slas?service_id={ids['hardware']}")
    assert [o.split()[0] for o in sla_options(for_hardware.text)] == [
        'value=""',
        f'value="{ids["basic"]}"',
        f'value="{ids["premium"]}"',
    ]
    assert f'data-dialog-message="{escaped}"' in for_hardware.text
    for junk in ("abc", "99999999999999999999", "-1"):
        response = await client.get(f"/customer/tickets/new/slas?service_id={junk}")
        assert response.status_code == 200
        assert len(sla_options(response.text)) == 4  # no service: every valid SLA
    unknown = await client.get("/customer/tickets/new/slas?service_id=424242")
    assert unknown.status_code == 200
    assert 'id="sla_id"' not in unknown.text


async def test_customer_ticket_keeps_the_chosen_service_and_sla(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ids = await catalogue(client, admin_headers)
    await create_customer_user(web, "jane")
    csrf = await log_in(client, "jane", CUSTOMER_PASSWORD, "customer")
    created = await client.post(
        "/customer/tickets/new",
        data={
            "csrf_token": csrf,
            "queue_id": "2",
            "service_id": str(ids["hardware"]),
            "sla_id": str(ids["premium"]),
            "title": "Printer",
            "body": "Broken.",
        },
    )
    assert created.status_code == 303, created.text
    ticket_id = int(created.headers["location"].split("/")[-1].split("?")[0])
    ticket = await client.get(f"/api/v1/tickets/{ticket_id}", headers=admin_headers)
    assert (ticket.json()["service"], ticket.json()["sla"]) == ("Hardware", "Premium")

    refused = await client.post(
        "/customer/tickets/new",
        data={
            "csrf_token": csrf,
            "queue_id": "2",
            "service_id": str(ids["hardware"]),
            "sla_id": str(ids["retired"]),
            "title": "Printer",
            "body": "Broken.",
        },
    )
    assert refused.status_code == 422
    # The form comes back with the service's SLA list and nothing was created.
    assert [o.split()[0] for o in sla_options(refused.text)] == [
        'value=""',
        f'value="{ids["basic"]}"',
        f'value="{ids["premium"]}"',
    ]
    tickets = await client.get("/api/v1/tickets", headers=admin_headers)
    assert tickets.json()["total"] == 1
