"""Dynamic fields on the agent's pages: the phone-ticket form, the zoom's sidebar, its "Fields"
dialog and the note form. Inputs appear only where the admin enabled them; mandatory fields and
refused values are reported inline and nothing is stored."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from frontdesk.web.state import WebState
from tests.conftest import ADMIN_PASSWORD
from tests.web.test_api_ticket_dynamic_fields import make_fields, value_rows
from tests.web.test_pages_agent import (
    CUSTOMER_PASSWORD,
    RAW_QUEUE_ID,
    create_customer_user,
    log_in,
)

Headers = dict[str, str]

FIELDS: list[dict[str, Any]] = [
    {
        "name": "Level",
        "label": "Support level",
        "field_type": "dropdown",
        "config": {"possible_values": {"gold": "Gold <VIP>", "silver": "Silver"}},
        "screens": {
            "agent_ticket_phone": "mandatory",
            "agent_ticket_zoom": "shown",
            "agent_ticket_edit_fields": "shown",
        },
    },
    {
        "name": "Serial",
        "label": "Serial number",
        "field_type": "text",
        "config": {"link": "https://inventory.example/devices?serial={value}"},
        "screens": {
            "agent_ticket_phone": "shown",
            "agent_ticket_zoom": "shown",
            "agent_ticket_edit_fields": "mandatory",
        },
    },
    {
        "name": "Urgent",
        "label": "Urgent",
        "field_type": "checkbox",
        "screens": {
            "agent_ticket_phone": "shown",
            "agent_ticket_zoom": "shown",
            "agent_ticket_edit_fields": "shown",
            "agent_ticket_note": "shown",
        },
    },
    {
        "name": "Products",
        "label": "Products",
        "field_type": "multiselect",
        "config": {"possible_values": {"printer": "Printer", "fax": "Fax"}},
        "screens": {"agent_ticket_phone": "shown", "agent_ticket_zoom": "shown"},
    },
    {
        "name": "Visit",
        "label": "Technician visit",
        "field_type": "datetime",
        "screens": {"agent_ticket_phone": "shown", "agent_ticket_zoom": "shown"},
    },
    # Shown nowhere on the agent's screens: only the API sets it.
    {"name": "Internal", "label": "Internal code", "field_type": "text"},
]


@pytest.fixture
async def csrf(client: httpx.AsyncClient, admin_headers: Headers) -> str:
    await make_fields(client, admin_headers, FIELDS, "ticket")
    return await log_in(client, "admin", ADMIN_PASSWORD, "agent")


def phone_form(csrf: str, **extra: Any) -> dict[str, Any]:
    return {
        "csrf_token": csrf,
        "title": "Printer on fire",
        "queue_id": str(RAW_QUEUE_ID),
        "body": "It burns.",
        **extra,
    }


async def api_ticket(client: httpx.AsyncClient, headers: Headers, ticket_id: int) -> Any:
    return (await client.get(f"/api/v1/tickets/{ticket_id}", headers=headers)).json()


def created_id(response: httpx.Response) -> int:
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/agent/tickets/(\d+)\?done=created", response.headers["location"])
    assert match is not None
    return int(match.group(1))


async def test_the_phone_form_shows_the_enabled_fields_and_stores_them(
    client: httpx.AsyncClient, admin_headers: Headers, csrf: str
) -> None:
    page = await client.get("/agent/tickets/new")
    assert page.status_code == 200
    html = page.text
    assert '<select id="df_Level" name="df_Level" required>' in html
    assert '<option value="gold">Gold &lt;VIP&gt;</option>' in html
    assert '<input id="df_Serial" name="df_Serial" type="text" value="" maxlength="255">' in html
    assert 'type="checkbox" id="df_Urgent" name="df_Urgent" value="1">' in html
    assert '<select id="df_Products" name="df_Products" multiple size="6">' in html
    assert 'name="df_Visit" type="datetime-local"' in html
    assert "df_Internal" not in html

    response = await client.post(
        "/agent/tickets/new",
        data=phone_form(
            csrf,
            df_Level="gold",
            df_Serial="SN 42/7",
            df_Urgent="1",
            df_Products=["fax", "printer"],
            df_Visit="2026-12-08T09:30",
        ),
    )
    ticket_id = created_id(response)
    assert (await api_ticket(client, admin_headers, ticket_id))["dynamic_fields"] == {
        "Level": "gold",
        "Serial": "SN 42/7",
        "Urgent": True,
        "Products": ["printer", "fax"],
        "Visit": "2026-12-08T09:30:00.000Z",  # the admin's time zone is UTC
    }

    zoom = (await client.get(f"/agent/tickets/{ticket_id}")).text
    assert '<dt data-field="Level">Support level</dt>' in zoom
    assert '<span class="field-value">Gold &lt;VIP&gt;</span>' in zoom
    assert (
        '<a href="https://inventory.example/devices?serial=SN%2042%2F7" rel="noopener noreferrer"'
        ' target="_blank">SN 42/7</a>'
    ) in zoom
    assert '<span class="field-value">Checked</span>' in zoom
    assert '<span class="field-value">Printer, Fax</span>' in zoom
    assert '<span class="field-value">2026-12-08 09:30</span>' in zoom
    # A value with no field on the zoom is not shown there.
    await client.patch(
        f"/api/v1/tickets/{ticket_id}",
        json={"dynamic_fields": {"Internal": "<script>x</script>"}},
        headers=admin_headers,
    )
    zoom = (await client.get(f"/agent/tickets/{ticket_id}")).text
    assert "Internal code" not in zoom
    assert "<script>x</script>" not in zoom


async def test_a_mandatory_field_left_empty_or_a_bad_value_is_refused_inline(
    client: httpx.AsyncClient, admin_headers: Headers, csrf: str, web: WebState
) -> None:
    response = await client.post(
        "/agent/tickets/new",
        data=phone_form(csrf, df_Level="", df_Serial="kept", df_Visit="not a time"),
    )
    assert response.status_code == 422
    html = response.text
    assert '<p class="field-error" id="df_Level-error">This field is mandatory.</p>' in html
    assert "df_Visit-error" in html
    # What was typed stays in the form.
    assert 'id="df_Serial" name="df_Serial" type="text" value="kept"' in html
    response = await client.post("/agent/tickets/new", data=phone_form(csrf, df_Level="platinum"))
    assert response.status_code == 422
    assert (
        '<p class="field-error" id="df_Level-error">\'platinum\' is not one of the field\'s'
        " values</p>"
    ) in response.text.replace("&#39;", "'")
    tickets = (await client.get("/api/v1/tickets", headers=admin_headers)).json()
    assert tickets["total"] == 0
    assert await value_rows(web) == 0


async def test_the_fields_dialog_changes_and_empties_values(
    client: httpx.AsyncClient, admin_headers: Headers, csrf: str, web: WebState
) -> None:
    ticket_id = created_id(
        await client.post(
            "/agent/tickets/new",
            data=phone_form(csrf, df_Level="gold", df_Serial="A1", df_Urgent="1"),
        )
    )
    zoom = (await client.get(f"/agent/tickets/{ticket_id}")).text
    assert 'data-zoom-open="fields"' in zoom
    assert 'id="fields-df_Serial" name="df_Serial" type="text" value="A1" required' in zoom
    assert '<option value="gold" selected>Gold &lt;VIP&gt;</option>' in zoom

    # Serial is mandatory in this dialog: emptying it is refused, nothing changes.
    refused = await client.post(
        f"/agent/tickets/{ticket_id}/fields",
        data={"csrf_token": csrf, "df_Level": "silver", "df_Serial": ""},
    )
    assert refused.status_code == 422
    assert 'id="fields-df_Serial-error">This field is mandatory.</p>' in refused.text
    # The dialog keeps what was chosen.
    assert '<option value="silver" selected>Silver</option>' in refused.text
    assert (await api_ticket(client, admin_headers, ticket_id))["dynamic_fields"] == {
        "Level": "gold",
        "Serial": "A1",
        "Urgent": True,
    }

    # An unchecked box sends nothing: Urgent becomes unchecked; an empty select empties Level.
    done = await client.post(
        f"/agent/tickets/{ticket_id}/fields",
        data={"csrf_token": csrf, "df_Level": "", "df_Serial": "B2"},
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/agent/tickets/{ticket_id}?done=fields"
    assert (await api_ticket(client, admin_headers, ticket_id))["dynamic_fields"] == {
        "Serial": "B2",
        "Urgent": False,
    }
    history = (
        await client.get(f"/api/v1/tickets/{ticket_id}/history", headers=admin_headers)
    ).json()["items"]
    assert [item["type"] for item in history if item["type"].startswith("Dynamic")] == [
        "DynamicFieldUpdate_Level",
        "DynamicFieldUpdate_Serial",
        "DynamicFieldUpdate_Urgent",
        "DynamicFieldUpdate_Level",
        "DynamicFieldUpdate_Serial",
        "DynamicFieldUpdate_Urgent",
    ]


async def test_the_note_form_sets_its_fields_with_the_note(
    client: httpx.AsyncClient, admin_headers: Headers, csrf: str
) -> None:
    ticket_id = created_id(
        await client.post("/agent/tickets/new", data=phone_form(csrf, df_Level="gold"))
    )
    zoom = (await client.get(f"/agent/tickets/{ticket_id}")).text
    assert 'id="note-df_Urgent" name="df_Urgent" value="1">' in zoom
    response = await client.post(
        f"/agent/tickets/{ticket_id}/note",
        data={"csrf_token": csrf, "body": "Called back.", "df_Urgent": "1"},
    )
    assert response.status_code == 303, response.text
    ticket = await api_ticket(client, admin_headers, ticket_id)
    assert ticket["dynamic_fields"] == {"Level": "gold", "Urgent": True}


SEARCH_FIELDS: list[dict[str, Any]] = [
    {
        "name": "Tier",
        "label": "Tier",
        "field_type": "dropdown",
        "config": {"possible_values": {"a": "Tier A", "b": "Tier B"}},
        "screens": {"agent_ticket_search": "shown", "agent_ticket_overview": "shown"},
    },
    {
        "name": "Asset",
        "label": "Asset tag",
        "field_type": "text",
        "screens": {"agent_ticket_search": "shown", "agent_ticket_overview": "shown"},
    },
    {
        "name": "Onsite",
        "label": "On site",
        "field_type": "datetime",
        "screens": {"agent_ticket_search": "shown"},
    },
    {
        "name": "Flag",
        "label": "Flag",
        "field_type": "checkbox",
        "screens": {"agent_ticket_search": "shown"},
    },
]


async def test_the_search_page_filters_by_fields_and_lists_them_as_columns(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    await make_fields(client, admin_headers, SEARCH_FIELDS, "ticket")
    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    for title, values in (
        (
            "first",
            {"Tier": "a", "Asset": "PC-100%", "Onsite": "2026-12-08T09:00:00Z", "Flag": True},
        ),
        ("second", {"Tier": "b", "Asset": "PC-200", "Onsite": "2026-12-09T09:00:00Z"}),
    ):
        body = {
            "title": title,
            "queue_id": RAW_QUEUE_ID,
            "article": {"channel": "phone", "body": "x"},
            "dynamic_fields": values,
        }
        assert (
            await client.post("/api/v1/tickets", json=body, headers=admin_headers)
        ).status_code == 201
    page = await client.get("/agent/search")
    assert '<select id="df-Tier" name="df.Tier">' in page.text
    assert '<option value="">Any</option>' in page.text
    assert 'name="df.Onsite.from" type="datetime-local"' in page.text
    assert '<option value="1">Checked</option>' in page.text

    def titles(html: str) -> list[str]:
        return sorted(re.findall(r"data-row-open>([^<]+)</a>", html))

    base = {"query": "", "state": "any", "queue_id": ""}
    found = await client.get("/agent/search", params={**base, "df.Tier": "", "df.Asset": ""})
    assert titles(found.text) == ["first", "second"]
    # The overview's columns: a label per field, the value as people read it.
    assert '<th scope="col">Tier</th><th scope="col">Asset tag</th>' in found.text
    assert '<td data-field="Tier">Tier A</td><td data-field="Asset">PC-100%</td>' in found.text
    found = await client.get("/agent/search", params={**base, "df.Tier": "b"})
    assert titles(found.text) == ["second"]
    assert '<option value="b" selected>Tier B</option>' in found.text
    found = await client.get("/agent/search", params={**base, "df.Asset": "pc-1*"})
    assert titles(found.text) == ["first"]
    found = await client.get("/agent/search", params={**base, "df.Asset": "*0%"})
    assert titles(found.text) == ["first"]
    found = await client.get("/agent/search", params={**base, "df.Flag": "1"})
    assert titles(found.text) == ["first"]
    found = await client.get("/agent/search", params={**base, "df.Onsite.from": "2026-12-08T12:00"})
    assert titles(found.text) == ["second"]
    refused = await client.get("/agent/search", params={**base, "df.Onsite.to": "soon"})
    assert refused.status_code == 422
    assert "Enter a date and time" in refused.text

    queue = await client.get("/agent/queues", params={"queue_id": RAW_QUEUE_ID})
    assert '<td data-field="Tier">Tier B</td><td data-field="Asset">PC-200</td>' in queue.text


CUSTOMER_FIELDS: list[dict[str, Any]] = [
    {
        "name": "OrderNo",
        "label": "Order number",
        "field_type": "text",
        "screens": {"customer_ticket_new": "mandatory", "customer_ticket_zoom": "shown"},
    },
    {
        "name": "Reason",
        "label": "Reason",
        "field_type": "dropdown",
        "config": {"possible_values": {"broken": "Broken", "late": "Late"}},
        "screens": {"customer_ticket_zoom": "shown"},
    },
    {"name": "Margin", "label": "Margin", "field_type": "text"},
]


async def test_customers_fill_and_see_only_the_fields_enabled_for_them(
    client: httpx.AsyncClient, app: Any, admin_headers: Headers, web: WebState
) -> None:
    await make_fields(client, admin_headers, CUSTOMER_FIELDS, "ticket")
    await create_customer_user(web, "carla")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as carla:
        csrf = await log_in(carla, "carla", CUSTOMER_PASSWORD, "customer")
        form = await carla.get("/customer/tickets/new")
        assert 'name="df_OrderNo" type="text" value="" required' in form.text
        assert "df_Reason" not in form.text and "df_Margin" not in form.text
        data = {"csrf_token": csrf, "queue_id": "2", "title": "Late parcel", "body": "Where?"}
        refused = await carla.post("/customer/tickets/new", data=data)
        assert refused.status_code == 422
        assert 'id="df_OrderNo-error">This field is mandatory.</p>' in refused.text
        created = await carla.post("/customer/tickets/new", data={**data, "df_OrderNo": "4711"})
        assert created.status_code == 303, created.text
        ticket_id = int(created.headers["location"].split("/")[-1].split("?")[0])
        await client.patch(
            f"/api/v1/tickets/{ticket_id}",
            json={"dynamic_fields": {"Reason": "late", "Margin": "12%"}},
            headers=admin_headers,
        )
        zoom = await carla.get(f"/customer/tickets/{ticket_id}")
        assert '<dt data-field="OrderNo">Order number</dt>' in zoom.text
        assert '<span class="field-value">4711</span>' in zoom.text
        assert '<span class="field-value">Late</span>' in zoom.text
        assert "Margin" not in zoom.text and "12%" not in zoom.text
