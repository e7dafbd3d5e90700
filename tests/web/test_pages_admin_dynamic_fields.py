"""The dynamic field admin screen: type settings as text, one select per screen, the live
preview; bad input answered next to the input, with nothing stored."""

from __future__ import annotations

import html
from typing import Any

import httpx

from tests.conftest import RecordedEvents
from tests.web.test_pages_admin import (
    api_items,
    assert_created,
    field_error,
    first_column,
    log_in_admin,
)

FORM: dict[str, Any] = {
    "name": "Level",
    "label": "Support level",
    "field_type": "dropdown",
    "object_type": "ticket",
    "field_order": "2",
    "possible_values": "gold: Gold\n\nsilver : Silver\n",
    "default": "silver",
    "regex": "",
    "regex_error": "",
    "link": "",
    "possible_none": "yes",
    "translatable": "no",
    "screen_agent_ticket_phone": "mandatory",
    "screen_agent_ticket_zoom": "shown",
    "screen_agent_ticket_search": "",
    "valid": "1",
}


async def test_an_admin_adds_and_edits_a_field(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    csrf = await log_in_admin(client)
    overview = await client.get("/admin")
    assert '<a href="/admin/dynamic-fields">Dynamic fields</a>' in overview.text
    form = await client.get("/admin/dynamic-fields/new")
    assert form.status_code == 200
    assert '<option value="contact_with_data">' not in form.text  # configured through the API
    for value, label in (("text", "Text"), ("datetime", "Date and time")):
        assert f'<option value="{value}">{label}</option>' in form.text
    assert 'hx-post="/admin/dynamic-fields/new/preview"' in form.text

    response = await client.post("/admin/dynamic-fields/new", data={"csrf_token": csrf, **FORM})
    assert_created(response, "dynamic-fields")
    (field,) = await api_items(client, "dynamic-fields", admin_headers)
    assert {k: field[k] for k in ("name", "label", "field_type", "field_order", "config")} == {
        "name": "Level",
        "label": "Support level",
        "field_type": "dropdown",
        "field_order": 2,
        "config": {
            "possible_values": {"gold": "Gold", "silver": "Silver"},
            "possible_none": True,
            "translatable": False,
            "default": "silver",
        },
    }
    assert field["screens"] == {"agent_ticket_phone": "mandatory", "agent_ticket_zoom": "shown"}
    listed = await client.get("/admin/dynamic-fields")
    assert first_column(listed.text, "dynamic-fields") == ["Level"]
    assert "<td>Dropdown</td>" in listed.text

    edit = await client.get(f"/admin/dynamic-fields/{field['id']}")
    assert "gold: Gold\nsilver: Silver</textarea>" in html.unescape(edit.text)
    assert '<option value="mandatory" selected>Mandatory</option>' in edit.text
    assert f'hx-post="/admin/dynamic-fields/new/preview?field_id={field["id"]}"' in edit.text

    changed = {**FORM, "label": "Level", "screen_agent_ticket_phone": "", "default": ""}
    response = await client.post(
        f"/admin/dynamic-fields/{field['id']}", data={"csrf_token": csrf, **changed}
    )
    assert response.status_code == 303, response.text
    (field,) = await api_items(client, "dynamic-fields", admin_headers)
    assert (field["label"], field["screens"]) == ("Level", {"agent_ticket_zoom": "shown"})
    assert "default" not in field["config"]


async def test_bad_field_forms_show_inline_errors_and_store_nothing(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    csrf = await log_in_admin(client)
    await client.post("/admin/dynamic-fields/new", data={"csrf_token": csrf, **FORM})
    events.clear()
    cases: list[tuple[dict[str, Any], str, str | None]] = [
        ({"name": "level"}, "name", "already exists"),
        ({"name": "Level 2"}, "name", None),
        ({"name": "Other", "possible_values": "gold Gold"}, "possible_values", "key: Label"),
        ({"name": "Other", "default": "bronze"}, "default", "'bronze'"),
        ({"name": "Other", "field_type": "text", "regex": "("}, "regex", "not a regular"),
        ({"name": "Other", "field_type": "text", "link": "ftp://x/{value}"}, "link", "https://"),
        ({"name": "Other", "field_type": "date", "default": "tomorrow"}, "default", None),
        ({"name": "Other", "field_type": "nonsense"}, "field_type", None),
        ({"name": "Other", "field_order": "first"}, "field_order", "whole number"),
    ]
    for change, name, message in cases:
        response = await client.post(
            "/admin/dynamic-fields/new", data={"csrf_token": csrf, **FORM, **change}
        )
        assert response.status_code in (409, 422), (change, response.text)
        shown = field_error(response.text, name)
        assert shown is not None, (change, response.text)
        if message is not None:
            assert message in html.unescape(shown), (change, shown)
    assert len(await api_items(client, "dynamic-fields", admin_headers)) == 1
    assert events == []


async def test_the_preview_draws_the_field_as_agents_see_it(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    csrf = await log_in_admin(client)
    url = "/admin/dynamic-fields/new/preview"
    preview = await client.post(url, data={"csrf_token": csrf, **FORM})
    assert preview.status_code == 200
    assert '<select id="preview-df_Level" name="df_Level">' in preview.text
    assert '<option value="silver" selected>Silver</option>' in preview.text
    assert '<span class="field-value">Silver</span>' in preview.text
    # A half-filled form explains what is missing instead of failing.
    preview = await client.post(
        url, data={"csrf_token": csrf, **FORM, "possible_values": "gold Gold"}
    )
    assert preview.status_code == 200
    assert "line 1: write key: Label" in preview.text
    preview = await client.post(url, data={"csrf_token": csrf, "field_type": ""})
    assert "Choose a type to see the field." in preview.text
    text = {**FORM, "field_type": "text", "label": "<b>Serial</b>", "default": "A&B"}
    preview = await client.post(url, data={"csrf_token": csrf, **text})
    assert "&lt;b&gt;Serial&lt;/b&gt;" in preview.text
    assert 'value="A&amp;B"' in preview.text
