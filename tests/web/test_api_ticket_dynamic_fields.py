"""Dynamic field values on tickets and articles through the REST API, on both databases: set on
create and change, shown in the ticket, in the history and the timeline, named in events,
searched with ``df.<Name>``; invalid values refused naming the field; who may read and write
which field. Every refusal stores nothing and announces nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.dynamic_fields.models import DynamicFieldValue
from frontdesk.domain.tickets.events import TicketUpdated
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.domain.tickets.people import make_agent, make_customer

Headers = dict[str, str]
RAW = 2
FIELDS_URL = "/api/v1/dynamic-fields"

# One field of every built-in type; ``Level`` and ``Contract`` reach customers.
TICKET_FIELDS: list[dict[str, Any]] = [
    {
        "name": "Contract",
        "label": "Contract number",
        "field_type": "text",
        "config": {"regex": [{"pattern": "^[A-Z]{2}-[0-9]+$", "error": "looks like AB-123"}]},
        "screens": {"customer_ticket_new": "shown", "customer_ticket_zoom": "shown"},
    },
    {"name": "Notes", "label": "Notes", "field_type": "textarea"},
    {"name": "Urgent", "label": "Urgent", "field_type": "checkbox"},
    {
        "name": "Level",
        "label": "Support level",
        "field_type": "dropdown",
        "config": {"possible_values": {"gold": "Gold", "silver": "Silver"}},
        "screens": {"customer_ticket_zoom": "shown"},
    },
    {
        "name": "Products",
        "label": "Products",
        "field_type": "multiselect",
        "config": {"possible_values": {"printer": "Printer", "fax": "Fax", "scanner": "Scanner"}},
    },
    {"name": "Due", "label": "Due date", "field_type": "date"},
    {"name": "Visit", "label": "Technician visit", "field_type": "datetime"},
]
VALUES: dict[str, Any] = {
    "Contract": "AB-123",
    "Notes": "Second floor,\nnext to the kitchen.",
    "Urgent": True,
    "Level": "gold",
    "Products": ["scanner", "printer"],
    "Due": "2026-12-24",
    "Visit": "2026-12-08T10:30:00+01:00",
}
STORED: dict[str, Any] = {
    "Contract": "AB-123",
    "Notes": "Second floor,\nnext to the kitchen.",
    "Urgent": True,
    "Level": "gold",
    "Products": ["printer", "scanner"],  # in the order of the possible values
    "Due": "2026-12-24",
    "Visit": "2026-12-08T09:30:00.000Z",
}


async def make_fields(
    client: httpx.AsyncClient, headers: Headers, fields: list[dict[str, Any]], object_type: str
) -> dict[str, int]:
    ids = {}
    for order, field in enumerate(fields, start=1):
        body = {"object_type": object_type, "field_order": order, **field}
        response = await client.post(FIELDS_URL, json=body, headers=headers)
        assert response.status_code == 201, response.text
        ids[field["name"]] = response.json()["id"]
    return ids


@pytest.fixture
async def fields(client: httpx.AsyncClient, admin_headers: Headers) -> dict[str, int]:
    return await make_fields(client, admin_headers, TICKET_FIELDS, "ticket")


async def create(
    client: httpx.AsyncClient, headers: Headers, **extra: Any
) -> tuple[httpx.Response, dict[str, Any]]:
    body: dict[str, Any] = {
        "title": "Printer on fire",
        "queue_id": RAW,
        "article": {"channel": "phone", "subject": "Call", "body": "It burns."},
        **extra,
    }
    response = await client.post("/api/v1/tickets", json=body, headers=headers)
    return response, response.json()


async def value_rows(web: WebState) -> int:
    async with unit_of_work(web.session_factory) as session:
        return int(await session.scalar(select(func.count()).select_from(DynamicFieldValue)) or 0)


def refusal(response: httpx.Response) -> tuple[int, list[str]]:
    error = response.json()["error"]
    return response.status_code, [detail["field"] for detail in error["details"]]


async def field_history(
    client: httpx.AsyncClient, headers: Headers, ticket_id: int
) -> list[tuple[str, dict[str, Any]]]:
    response = await client.get(f"/api/v1/tickets/{ticket_id}/history", headers=headers)
    assert response.status_code == 200
    return [
        (item["type"], item["values"])
        for item in response.json()["items"]
        if item["type"].startswith("DynamicFieldUpdate_")
    ]


async def test_values_set_on_create_are_shown_and_in_the_history(
    client: httpx.AsyncClient,
    admin_headers: Headers,
    fields: dict[str, int],
    events: RecordedEvents,
) -> None:
    events.clear()
    response, created = await create(client, admin_headers, dynamic_fields=VALUES)
    assert response.status_code == 201, response.text
    assert created["dynamic_fields"] == STORED
    assert list(created["dynamic_fields"]) == list(STORED)  # in field order
    fetched = (await client.get(f"/api/v1/tickets/{created['id']}", headers=admin_headers)).json()
    assert fetched["dynamic_fields"] == STORED
    assert events.kinds() == ["ticket.created", "ticket.article_created"]

    assert await field_history(client, admin_headers, created["id"]) == [
        ("DynamicFieldUpdate_Contract", {"field": "Contract", "old": None, "new": "AB-123"}),
        (
            "DynamicFieldUpdate_Notes",
            {"field": "Notes", "old": None, "new": "Second floor,\nnext to the kitchen."},
        ),
        ("DynamicFieldUpdate_Urgent", {"field": "Urgent", "old": None, "new": "1"}),
        ("DynamicFieldUpdate_Level", {"field": "Level", "old": None, "new": "gold"}),
        (
            "DynamicFieldUpdate_Products",
            {"field": "Products", "old": None, "new": "printer, scanner"},
        ),
        ("DynamicFieldUpdate_Due", {"field": "Due", "old": None, "new": "2026-12-24"}),
        (
            "DynamicFieldUpdate_Visit",
            {"field": "Visit", "old": None, "new": "2026-12-08T09:30:00.000Z"},
        ),
    ]
    # A ticket without values shows an empty object.
    response, plain = await create(client, admin_headers)
    assert plain["dynamic_fields"] == {}


async def test_patch_changes_values_names_them_in_the_event_and_the_timeline(
    client: httpx.AsyncClient,
    admin_headers: Headers,
    fields: dict[str, int],
    events: RecordedEvents,
    web: WebState,
) -> None:
    _, created = await create(client, admin_headers, dynamic_fields=VALUES)
    url = f"/api/v1/tickets/{created['id']}"
    events.clear()
    response = await client.patch(
        url,
        json={
            "title": "Printer fixed",
            # Level unchanged, Products reordered (the same set), Notes emptied.
            "dynamic_fields": {
                "Level": "gold",
                "Products": ["printer", "scanner"],
                "Urgent": False,
                "Notes": None,
                "Due": "2027-01-04",
            },
        },
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    expected = {**STORED, "Urgent": False, "Due": "2027-01-04"}
    del expected["Notes"]
    assert response.json()["dynamic_fields"] == expected
    assert len(events) == 1
    assert isinstance(events[0], TicketUpdated)
    assert events[0].fields == (
        "title",
        "dynamic_fields.Urgent",
        "dynamic_fields.Notes",
        "dynamic_fields.Due",
    )
    history = await field_history(client, admin_headers, created["id"])
    assert history[7:] == [
        ("DynamicFieldUpdate_Urgent", {"field": "Urgent", "old": "1", "new": "0"}),
        (
            "DynamicFieldUpdate_Notes",
            {"field": "Notes", "old": "Second floor,\nnext to the kitchen.", "new": None},
        ),
        ("DynamicFieldUpdate_Due", {"field": "Due", "old": "2026-12-24", "new": "2027-01-04"}),
    ]
    # Seven values at first (two rows for Products), one fewer after Notes was emptied.
    assert await value_rows(web) == 7

    timeline = await client.get(
        f"{url}/timeline", params={"types": "TicketDynamicFieldUpdate"}, headers=admin_headers
    )
    assert timeline.status_code == 200, timeline.text
    texts = [(item["kind"], item["label"], item["text"]) for item in timeline.json()["items"]]
    assert texts[:3] == [
        ("TicketDynamicFieldUpdate", "Dynamic Field Updated", "Due: 2026-12-24 → 2027-01-04"),
        (
            "TicketDynamicFieldUpdate",
            "Dynamic Field Updated",
            "Notes: Second floor,\nnext to the kitchen. → –",
        ),
        ("TicketDynamicFieldUpdate", "Dynamic Field Updated", "Urgent: 1 → 0"),
    ]
    # Ten value changes, and the ticket's creation, which the timeline always shows.
    assert len(texts) == 11
    assert texts[-1][0] == "NewTicket"

    # The same values again: nothing changes, nothing is announced.
    events.clear()
    again = await client.patch(
        url, json={"dynamic_fields": {"Urgent": False, "Level": "gold"}}, headers=admin_headers
    )
    assert again.status_code == 200
    assert events == []
    assert len(await field_history(client, admin_headers, created["id"])) == 10


INVALID: list[tuple[dict[str, Any], str, str]] = [
    ({"Level": "platinum"}, "dynamic_fields.Level", "'platinum' is not one of the field's values"),
    ({"Products": ["fax", "modem"]}, "dynamic_fields.Products", "'modem'"),
    ({"Due": "24.12.2026"}, "dynamic_fields.Due", "is not a date as YYYY-MM-DD"),
    ({"Visit": "2026-12-08T10:30:00"}, "dynamic_fields.Visit", "needs a time zone"),
    ({"Contract": "123"}, "dynamic_fields.Contract", "looks like AB-123"),
    ({"Urgent": "perhaps"}, "dynamic_fields.Urgent", "must be true or false"),
    ({"Notes": 42}, "dynamic_fields.Notes", "must be text"),
    ({"Nonexistent": "x"}, "dynamic_fields.Nonexistent", "is not a valid dynamic field"),
]


@pytest.mark.parametrize(("values", "field", "message"), INVALID)
async def test_invalid_values_are_a_422_naming_the_field_and_store_nothing(
    client: httpx.AsyncClient,
    admin_headers: Headers,
    fields: dict[str, int],
    events: RecordedEvents,
    web: WebState,
    values: dict[str, Any],
    field: str,
    message: str,
) -> None:
    _, created = await create(client, admin_headers, dynamic_fields={"Level": "silver"})
    before = await value_rows(web)
    events.clear()
    response, _ = await create(
        client, admin_headers, dynamic_fields={"Due": "2026-01-01", **values}
    )
    assert refusal(response) == (422, [field])
    assert message in response.json()["error"]["details"][0]["message"]
    response = await client.patch(
        f"/api/v1/tickets/{created['id']}",
        json={"title": "changed", "dynamic_fields": {"Level": "gold", **values}},
        headers=admin_headers,
    )
    assert refusal(response) == (422, [field])
    assert await value_rows(web) == before
    assert events == []
    ticket = (await client.get(f"/api/v1/tickets/{created['id']}", headers=admin_headers)).json()
    assert (ticket["title"], ticket["dynamic_fields"]) == ("Printer on fire", {"Level": "silver"})
    assert (await client.get("/api/v1/tickets", headers=admin_headers)).json()["total"] == 1


async def test_an_invalid_field_keeps_its_values_but_shows_and_takes_none(
    client: httpx.AsyncClient, admin_headers: Headers, fields: dict[str, int], web: WebState
) -> None:
    _, created = await create(
        client, admin_headers, dynamic_fields={"Level": "gold", "Due": "2026-12-24"}
    )
    await client.patch(
        f"{FIELDS_URL}/{fields['Level']}", json={"valid": False}, headers=admin_headers
    )
    url = f"/api/v1/tickets/{created['id']}"
    assert (await client.get(url, headers=admin_headers)).json()["dynamic_fields"] == {
        "Due": "2026-12-24"
    }
    response = await client.patch(
        url, json={"dynamic_fields": {"Level": "silver"}}, headers=admin_headers
    )
    assert refusal(response) == (422, ["dynamic_fields.Level"])
    assert await value_rows(web) == 2
    await client.patch(
        f"{FIELDS_URL}/{fields['Level']}", json={"valid": True}, headers=admin_headers
    )
    assert (await client.get(url, headers=admin_headers)).json()["dynamic_fields"] == {
        "Level": "gold",
        "Due": "2026-12-24",
    }
    # A field holding values cannot be deleted.
    response = await client.delete(f"{FIELDS_URL}/{fields['Level']}", headers=admin_headers)
    assert response.status_code == 409


async def test_writing_values_needs_rw_on_the_ticket(
    client: httpx.AsyncClient,
    admin_headers: Headers,
    fields: dict[str, int],
    events: RecordedEvents,
    web: WebState,
) -> None:
    _, created = await create(client, admin_headers, dynamic_fields={"Level": "silver"})
    _, reader = await make_agent(web, "reader", ["ro"])
    url = f"/api/v1/tickets/{created['id']}"
    assert (await client.get(url, headers=reader)).json()["dynamic_fields"] == {"Level": "silver"}
    events.clear()
    response = await client.patch(url, json={"dynamic_fields": {"Level": "gold"}}, headers=reader)
    assert response.status_code == 403
    assert events == []
    assert (await client.get(url, headers=admin_headers)).json()["dynamic_fields"] == {
        "Level": "silver"
    }
    assert await field_history(client, admin_headers, created["id"]) == [
        ("DynamicFieldUpdate_Level", {"field": "Level", "old": None, "new": "silver"})
    ]


async def test_customers_read_and_set_only_the_fields_enabled_for_them(
    client: httpx.AsyncClient,
    admin_headers: Headers,
    fields: dict[str, int],
    events: RecordedEvents,
    web: WebState,
) -> None:
    _, jane = await make_customer(web, "jane")
    events.clear()
    # Level is shown to customers but not settable on their new-ticket screen.
    response, _ = await create(client, jane, dynamic_fields={"Contract": "AB-1", "Level": "gold"})
    assert refusal(response) == (422, ["dynamic_fields.Level"])
    assert events == []
    response, created = await create(client, jane, dynamic_fields={"Contract": "AB-1"})
    assert response.status_code == 201, response.text
    assert created["dynamic_fields"] == {"Contract": "AB-1"}
    url = f"/api/v1/tickets/{created['id']}"
    await client.patch(
        url, json={"dynamic_fields": {"Level": "gold", "Urgent": True}}, headers=admin_headers
    )
    assert (await client.get(url, headers=admin_headers)).json()["dynamic_fields"] == {
        "Contract": "AB-1",
        "Urgent": True,
        "Level": "gold",
    }
    # The customer sees the fields enabled on their zoom, never Urgent.
    assert (await client.get(url, headers=jane)).json()["dynamic_fields"] == {
        "Contract": "AB-1",
        "Level": "gold",
    }
    listed = (await client.get("/api/v1/tickets", headers=jane)).json()["items"]
    assert [item["dynamic_fields"] for item in listed] == [{"Contract": "AB-1", "Level": "gold"}]
    # ... and cannot find tickets by a field hidden from them.
    response = await client.get("/api/v1/tickets", params={"df.Urgent": "1"}, headers=jane)
    assert refusal(response) == (422, ["df.Urgent"])
    found = await client.get("/api/v1/tickets", params={"df.Level": "gold"}, headers=jane)
    assert found.json()["total"] == 1
    # Customers change no ticket attributes, dynamic fields included.
    response = await client.patch(url, json={"dynamic_fields": {"Contract": "AB-2"}}, headers=jane)
    assert response.status_code == 403


ARTICLE_FIELDS: list[dict[str, Any]] = [
    {"name": "Channel", "label": "Reached us by", "field_type": "text"},
    {
        "name": "Mood",
        "label": "Mood",
        "field_type": "dropdown",
        "config": {"possible_values": {"calm": "Calm", "angry": "Angry"}},
        "screens": {"customer_ticket_zoom": "shown"},
    },
]


async def test_articles_carry_their_own_values(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    await make_fields(client, admin_headers, ARTICLE_FIELDS, "article")
    article = {
        "channel": "phone",
        "subject": "Call",
        "body": "It burns.",
        "dynamic_fields": {"Channel": "hotline", "Mood": "angry"},
    }
    response, created = await create(client, admin_headers, article=article)
    assert response.status_code == 201, response.text
    url = f"/api/v1/tickets/{created['id']}/articles"
    # A ticket field of the same name does not exist: article fields are not ticket fields.
    assert created["dynamic_fields"] == {}
    response, _ = await create(client, admin_headers, dynamic_fields={"Mood": "calm"})
    assert refusal(response) == (422, ["dynamic_fields.Mood"])
    response, _ = await create(
        client, admin_headers, article={**article, "dynamic_fields": {"Mood": "sad"}}
    )
    assert refusal(response) == (422, ["article.dynamic_fields.Mood"])

    follow_up = await client.post(
        url,
        json={"channel": "internal", "body": "Calmer now.", "dynamic_fields": {"Mood": "calm"}},
        headers=admin_headers,
    )
    assert follow_up.status_code == 201, follow_up.text
    assert follow_up.json()["dynamic_fields"] == {"Mood": "calm"}
    listed = (await client.get(url, headers=admin_headers)).json()["items"]
    assert [item["dynamic_fields"] for item in listed] == [
        {"Channel": "hotline", "Mood": "angry"},
        {"Mood": "calm"},
    ]
    bad = await client.post(
        url,
        json={"channel": "internal", "body": "x", "dynamic_fields": {"Mood": "sad"}},
        headers=admin_headers,
    )
    assert refusal(bad) == (422, ["dynamic_fields.Mood"])
    assert len((await client.get(url, headers=admin_headers)).json()["items"]) == 2


async def search(client: httpx.AsyncClient, headers: Headers, **params: str) -> list[str]:
    response = await client.get("/api/v1/tickets", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return sorted(item["title"] for item in response.json()["items"])


async def test_search_by_each_type_exact_wildcard_and_ranges(
    client: httpx.AsyncClient, admin_headers: Headers, fields: dict[str, int]
) -> None:
    tickets = {
        "one": {
            "Contract": "AB-100",
            "Notes": "Hostname 50%_off';DROP TABLE ticket;--",
            "Urgent": True,
            "Level": "gold",
            "Products": ["printer", "fax"],
            "Due": "2026-12-24",
            "Visit": "2026-12-08T09:30:00Z",
        },
        "two": {
            "Contract": "AB-200",
            "Notes": "Hostname 50 percent off",
            "Urgent": False,
            "Level": "silver",
            "Products": ["fax"],
            "Due": "2027-01-10",
            "Visit": "2026-12-09T23:30:00-02:00",
        },
        "three": {"Contract": "XY-100"},
    }
    for title, values in tickets.items():
        response, _ = await create(client, admin_headers, title=title, dynamic_fields=values)
        assert response.status_code == 201, response.text

    def find(**params: str) -> Any:
        return search(client, admin_headers, **{f"df.{k}": v for k, v in params.items()})

    assert await find(Contract="AB-100") == ["one"]
    assert await find(Contract="ab-100") == ["one"]  # text is found in any case
    assert await find(Contract="AB-*") == ["one", "two"]
    assert await find(Contract="*100") == ["one", "three"]
    assert await find(Notes="*50%_off*") == ["one"]
    assert await find(Notes="*';DROP TABLE ticket;--") == ["one"]
    assert await find(Notes="*50_*") == []
    assert await find(Notes="hostname*") == ["one", "two"]
    assert await find(Urgent="1") == ["one"]
    assert await find(Urgent="0") == ["two"]
    assert await find(Level="gold") == ["one"]
    assert await find(Products="fax") == ["one", "two"]
    assert await find(Products="printer") == ["one"]
    assert await find(Due="2026-12-24") == ["one"]
    # Ranges: from and to are inclusive, either may be left open.
    assert await search(client, admin_headers, **{"df.Due.from": "2026-12-24"}) == ["one", "two"]
    assert await search(client, admin_headers, **{"df.Due.to": "2026-12-31"}) == ["one"]
    assert await search(
        client, admin_headers, **{"df.Due.from": "2027-01-01", "df.Due.to": "2027-01-10"}
    ) == ["two"]
    assert await search(client, admin_headers, **{"df.Visit.from": "2026-12-10T00:00:00Z"}) == [
        "two"
    ]
    assert await search(client, admin_headers, **{"df.Visit.to": "2026-12-08T10:30:00+01:00"}) == [
        "one"
    ]
    # Several filters narrow together.
    assert await find(Products="fax", Level="silver") == ["two"]
    assert await find(Contract="AB-*", Urgent="1", Products="printer") == ["one"]
    assert await search(client, admin_headers, query="two", **{"df.Products": "fax"}) == ["two"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"df.Nope": "x"}, "df.Nope"),
        ({"df.Due": "tomorrow"}, "df.Due"),
        ({"df.Due.from": "24.12.2026"}, "df.Due"),
        ({"df.Visit.to": "2026-12-08T10:30"}, "df.Visit"),
        ({"df.Urgent": "maybe"}, "df.Urgent"),
        ({"df.Level.from": "a"}, "df.Level"),
        ({"df.Due.since": "2026-12-24"}, "df.Due.since"),
        ({"df.": "x"}, "df."),
        ({"df.Contract": "x" * 256}, "df.Contract"),
    ],
)
async def test_bad_field_searches_are_a_422_naming_the_parameter(
    client: httpx.AsyncClient,
    admin_headers: Headers,
    fields: dict[str, int],
    params: dict[str, str],
    field: str,
) -> None:
    response = await client.get("/api/v1/tickets", params=params, headers=admin_headers)
    assert refusal(response) == (422, [field])


async def test_a_nul_in_a_search_term_finds_nothing_instead_of_failing(
    client: httpx.AsyncClient, admin_headers: Headers, fields: dict[str, int]
) -> None:
    await create(client, admin_headers, dynamic_fields={"Contract": "AB-1"})
    assert await search(client, admin_headers, **{"df.Contract": "AB-1\x00"}) == ["Printer on fire"]
    assert await search(client, admin_headers, **{"df.Contract": "\x00"}) == []
