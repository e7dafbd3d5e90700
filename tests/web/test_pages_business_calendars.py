"""The business calendar admin screen: office hours per weekday and holidays as text, stored in
the API's shape; bad input answered next to the input, with nothing stored."""

from __future__ import annotations

import html

import httpx

from tests.conftest import RecordedEvents
from tests.web.test_pages_admin import (
    api_items,
    assert_created,
    field_error,
    first_column,
    log_in_admin,
)

FORM = {
    "name": "Berlin office",
    "time_zone": "Europe/Berlin",
    "mon": "08:00-12:00, 13:00-17:00",
    "tue": "",
    "wed": "08:00-17:00",
    "thu": "",
    "fri": " 08:00 - 12:00 ",
    "sat": "",
    "sun": "",
    "holidays": "2026-12-24 Company party\n\n12-25 Christmas Day\n",
    "valid": "1",
}


async def test_add_and_edit_a_calendar(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    csrf = await log_in_admin(client)
    form = await client.get("/admin/business-calendars/new")
    assert form.status_code == 200
    assert '<option value="Europe/Berlin">Europe/Berlin</option>' in form.text

    response = await client.post("/admin/business-calendars/new", data={"csrf_token": csrf, **FORM})
    assert_created(response, "business-calendars")
    (calendar,) = await api_items(client, "business-calendars", admin_headers)
    assert calendar["week"] == {
        "mon": [["08:00", "12:00"], ["13:00", "17:00"]],
        "wed": [["08:00", "17:00"]],
        "fri": [["08:00", "12:00"]],
    }
    assert calendar["holidays"] == [
        {"date": "2000-12-25", "name": "Christmas Day", "recurring": True},
        {"date": "2026-12-24", "name": "Company party", "recurring": False},
    ]
    listed = await client.get("/admin/business-calendars")
    assert first_column(listed.text, "business-calendars") == ["Berlin office"]
    assert "mon: 08:00-12:00, 13:00-17:00; wed: 08:00-17:00; fri: 08:00-12:00" in listed.text

    edit = await client.get(f"/admin/business-calendars/{calendar['id']}")
    assert 'value="08:00-12:00, 13:00-17:00"' in edit.text
    assert "12-25 Christmas Day\n2026-12-24 Company party</textarea>" in html.unescape(edit.text)

    response = await client.post(
        f"/admin/business-calendars/{calendar['id']}",
        data={"csrf_token": csrf, **FORM, "mon": "", "sat": "10:00-24:00", "holidays": ""},
    )
    assert response.status_code == 303, response.text
    (changed,) = await api_items(client, "business-calendars", admin_headers)
    assert changed["week"] == {
        "wed": [["08:00", "17:00"]],
        "fri": [["08:00", "12:00"]],
        "sat": [["10:00", "24:00"]],
    }
    assert changed["holidays"] == []


async def test_bad_calendar_forms_show_inline_errors_and_store_nothing(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    csrf = await log_in_admin(client)
    events.clear()
    cases = [
        ({"mon": "8-17"}, "mon", "'8-17' is not a span like 08:00-17:00"),
        ({"tue": "17:00-08:00"}, "tue", "tue: 17:00-08:00 ends before it starts"),
        ({"wed": "08:00-13:00, 12:00-17:00"}, "wed", "wed: office hours overlap at 12:00"),
        (
            {"mon": "", "wed": "", "fri": ""},
            "mon",
            "the week needs office hours on at least one day",
        ),
        ({"holidays": "Christmas"}, "holidays", None),
        ({"holidays": "02-30 Never"}, "holidays", "line 1: day is out of range for month"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", None),
        ({"name": ""}, "name", "String should have at least 1 character"),
    ]
    for change, name, message in cases:
        response = await client.post(
            "/admin/business-calendars/new", data={"csrf_token": csrf, **FORM, **change}
        )
        assert response.status_code == 422, (change, response.text)
        shown = field_error(response.text, name)
        assert shown is not None, change
        if message is not None:
            assert message in shown, (change, shown)
    assert await api_items(client, "business-calendars", admin_headers) == []
    assert events == []


async def test_a_queue_chooses_its_calendar_on_its_form(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    csrf = await log_in_admin(client)
    await client.post("/admin/business-calendars/new", data={"csrf_token": csrf, **FORM})
    (calendar,) = await api_items(client, "business-calendars", admin_headers)
    form = await client.get("/admin/queues/new")
    assert f'<option value="{calendar["id"]}">Berlin office</option>' in form.text
    response = await client.post(
        "/admin/queues/new",
        data={
            "csrf_token": csrf,
            "name": "Hotline",
            "group_id": "1",
            "business_calendar_id": str(calendar["id"]),
            "valid": "1",
        },
    )
    assert_created(response, "queues")
    (hotline,) = [
        q for q in await api_items(client, "queues", admin_headers) if q["name"] == "Hotline"
    ]
    assert hotline["business_calendar_id"] == calendar["id"]
    listed = await client.get("/admin/queues")
    assert "<td>Berlin office</td>" in listed.text
