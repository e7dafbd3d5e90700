"""The business calendar API: create, read, change, delete; bad calendars refused with the
field named; non-administrators refused. Every refusal changes nothing and announces nothing."""

from __future__ import annotations

from typing import Any

import httpx

from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.business_calendars.events import BusinessCalendarChanged
from frontdesk.domain.business_calendars.models import BusinessCalendar
from frontdesk.domain.business_calendars.schemas import working_calendar_of
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.web.test_api_ticket_catalogue import USERS, error_of, make_agent, without_stamps

Headers = dict[str, str]
OFFICE = [["08:00", "17:00"]]
BERLIN = {
    "name": "Berlin office",
    "time_zone": "Europe/Berlin",
    "week": {"fri": [["13:00", "17:00"], ["08:00", "12:00"]], "mon": OFFICE},
    "holidays": [
        {"date": "2026-12-25", "name": "Christmas Day", "recurring": True},
        {"date": "2026-05-01", "name": "Labour Day", "recurring": False},
    ],
}
STORED_BERLIN = {
    "name": "Berlin office",
    "time_zone": "Europe/Berlin",
    # Weekdays in order, each day's spans sorted; holidays by date.
    "week": {"mon": OFFICE, "fri": [["08:00", "12:00"], ["13:00", "17:00"]]},
    "holidays": [
        {"date": "2026-05-01", "name": "Labour Day", "recurring": False},
        {"date": "2026-12-25", "name": "Christmas Day", "recurring": True},
    ],
    "comment": None,
    "valid": True,
}


async def stored(web: WebState) -> list[tuple[Any, ...]]:
    async with unit_of_work(web.session_factory) as session:
        return [tuple(row) for row in (await session.execute(BusinessCalendar.__table__.select()))]


async def test_create_read_update_delete(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents, web: WebState
) -> None:
    events.clear()
    response = await client.post("/api/v1/business-calendars", json=BERLIN, headers=admin_headers)
    assert response.status_code == 201, response.text
    created = response.json()
    calendar_id = created["id"]
    assert without_stamps(created) == {"id": calendar_id, **STORED_BERLIN}
    assert events == [BusinessCalendarChanged(calendar_id=calendar_id, op="created")]

    response = await client.get(f"/api/v1/business-calendars/{calendar_id}", headers=admin_headers)
    assert without_stamps(response.json()) == {"id": calendar_id, **STORED_BERLIN}
    listed = (await client.get("/api/v1/business-calendars", headers=admin_headers)).json()
    assert listed["total"] == 1
    assert [without_stamps(item) for item in listed["items"]] == [
        {"id": calendar_id, **STORED_BERLIN}
    ]

    events.clear()
    response = await client.patch(
        f"/api/v1/business-calendars/{calendar_id}",
        json={"week": {"sat": [["10:00", "24:00"]]}, "comment": "weekend crew"},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    assert without_stamps(response.json()) == {
        "id": calendar_id,
        **STORED_BERLIN,
        "week": {"sat": [["10:00", "24:00"]]},
        "comment": "weekend crew",
    }
    assert events == [BusinessCalendarChanged(calendar_id=calendar_id, op="updated")]
    async with unit_of_work(web.session_factory) as session:
        calendar = await session.get(BusinessCalendar, calendar_id)
        assert calendar is not None
        week = working_calendar_of(calendar).week
    assert [len(day) for day in week] == [0, 0, 0, 0, 0, 1, 0]

    events.clear()
    response = await client.delete(
        f"/api/v1/business-calendars/{calendar_id}", headers=admin_headers
    )
    assert response.status_code == 204
    assert events == [BusinessCalendarChanged(calendar_id=calendar_id, op="deleted")]
    response = await client.get(f"/api/v1/business-calendars/{calendar_id}", headers=admin_headers)
    assert error_of(response)[:2] == (404, "not_found")


async def test_bad_calendars_are_refused_naming_the_field(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents, web: WebState
) -> None:
    response = await client.post("/api/v1/business-calendars", json=BERLIN, headers=admin_headers)
    calendar_id = response.json()["id"]
    before = await stored(web)
    events.clear()
    cases: list[tuple[str, str, dict[str, Any], int, str]] = [
        ("post", "", {**BERLIN, "name": "Other", "time_zone": "Mars/Olympus"}, 422, "time_zone"),
        (
            "post",
            "",
            {**BERLIN, "name": "Other", "week": {"mon": [["17:00", "08:00"]]}},
            422,
            "week",
        ),
        ("post", "", {**BERLIN, "name": "Other", "week": {}}, 422, "week"),
        ("post", "", {**BERLIN, "name": "berlin OFFICE"}, 409, "name_taken"),
        (
            "post",
            "",
            {**BERLIN, "name": "Other", "holidays": [{"date": "2026-02-30", "name": "x"}]},
            422,
            "holidays.0.date",
        ),
        ("patch", f"/{calendar_id}", {"week": None}, 422, "week"),
        ("patch", f"/{calendar_id}", {"name": ""}, 422, "name"),
        ("patch", "/999999", {"comment": "x"}, 404, "not_found"),
    ]
    for method, suffix, body, status, where in cases:
        response = await client.request(
            method.upper(), f"/api/v1/business-calendars{suffix}", json=body, headers=admin_headers
        )
        assert response.status_code == status, (body, response.text)
        error = response.json()["error"]
        if status == 422:
            assert error["code"] == "validation_failed"
            assert [detail["field"] for detail in error["details"]] == [where], error
        else:
            assert error["code"] == where, error
    assert await stored(web) == before
    assert events == []


async def test_only_administrators_see_or_change_calendars(
    client: httpx.AsyncClient,
    admin_headers: Headers,
    events: RecordedEvents,
    web: WebState,
) -> None:
    response = await client.post("/api/v1/business-calendars", json=BERLIN, headers=admin_headers)
    calendar_id = response.json()["id"]
    agent = await make_agent(web, client, "ann", {USERS: ["rw"]})
    before = await stored(web)
    events.clear()
    for method, path, body in [
        ("GET", "/api/v1/business-calendars", None),
        ("GET", f"/api/v1/business-calendars/{calendar_id}", None),
        ("POST", "/api/v1/business-calendars", {**BERLIN, "name": "Mine"}),
        ("PATCH", f"/api/v1/business-calendars/{calendar_id}", {"comment": "mine"}),
        ("DELETE", f"/api/v1/business-calendars/{calendar_id}", None),
    ]:
        response = await client.request(method, path, json=body, headers=agent)
        assert error_of(response)[:2] == (403, "admin_only"), (method, path, response.text)
        response = await client.request(method, path, json=body)
        assert response.status_code == 401
    assert await stored(web) == before
    assert events == []


async def test_queues_and_slas_count_in_a_calendar_that_then_cannot_go(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents, web: WebState
) -> None:
    response = await client.post("/api/v1/business-calendars", json=BERLIN, headers=admin_headers)
    calendar_id = response.json()["id"]
    queue = await client.post(
        "/api/v1/queues",
        json={"name": "Hotline", "group_id": USERS, "business_calendar_id": calendar_id},
        headers=admin_headers,
    )
    assert queue.status_code == 201, queue.text
    assert queue.json()["business_calendar_id"] == calendar_id
    sla = await client.post(
        "/api/v1/slas",
        json={"name": "Gold", "business_calendar_id": calendar_id},
        headers=admin_headers,
    )
    assert sla.json()["business_calendar_id"] == calendar_id
    missing = await client.post(
        "/api/v1/queues",
        json={"name": "Nowhere", "group_id": USERS, "business_calendar_id": 999999},
        headers=admin_headers,
    )
    assert error_of(missing) == (
        422,
        "validation_failed",
        [
            {
                "field": "business_calendar_id",
                "message": "There is no business calendar with id 999999.",
            }
        ],
    )

    before = await stored(web)
    events.clear()
    refused = await client.delete(
        f"/api/v1/business-calendars/{calendar_id}", headers=admin_headers
    )
    assert error_of(refused)[:2] == (409, "in_use")
    assert refused.json()["error"]["message"] == (
        "The queue 'Hotline' counts in this calendar; give it another one first."
    )
    assert await stored(web) == before
    assert events == []

    cleared = await client.patch(
        f"/api/v1/queues/{queue.json()['id']}",
        json={"business_calendar_id": None},
        headers=admin_headers,
    )
    assert cleared.json()["business_calendar_id"] is None
    await client.patch(
        f"/api/v1/slas/{sla.json()['id']}",
        json={"business_calendar_id": None},
        headers=admin_headers,
    )
    deleted = await client.delete(
        f"/api/v1/business-calendars/{calendar_id}", headers=admin_headers
    )
    assert deleted.status_code == 204
