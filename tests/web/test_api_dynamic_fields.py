"""The dynamic field API: create, read, change, delete field definitions; bad names, types and
configurations refused with the field named; non-administrators refused. Every refusal changes
nothing and announces nothing."""

from __future__ import annotations

from typing import Any

import httpx

from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.dynamic_fields.events import DynamicFieldChanged
from frontdesk.domain.dynamic_fields.models import DynamicField
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.web.test_api_ticket_catalogue import USERS, error_of, make_agent, without_stamps

Headers = dict[str, str]
URL = "/api/v1/dynamic-fields"
PRIORITY_CLASS = {
    "name": "CustomerClass",
    "label": "Customer class",
    "field_type": "dropdown",
    "config": {"possible_values": {"gold": "Gold", "silver": "Silver"}, "default": "silver"},
    "screens": {"agent_ticket_phone": "mandatory", "agent_ticket_zoom": "mandatory"},
}
STORED_CLASS = {
    "name": "CustomerClass",
    "label": "Customer class",
    "field_type": "dropdown",
    "object_type": "ticket",
    "field_order": 1,
    "config": {
        "possible_values": {"gold": "Gold", "silver": "Silver"},
        "possible_none": True,
        "translatable": False,
        "default": "silver",
    },
    # The zoom only displays: mandatory there means shown.
    "screens": {"agent_ticket_phone": "mandatory", "agent_ticket_zoom": "shown"},
    "valid": True,
}


async def stored(web: WebState) -> list[tuple[Any, ...]]:
    async with unit_of_work(web.session_factory) as session:
        return [tuple(row) for row in (await session.execute(DynamicField.__table__.select()))]


async def test_create_read_update_delete(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents, web: WebState
) -> None:
    events.clear()
    response = await client.post(URL, json=PRIORITY_CLASS, headers=admin_headers)
    assert response.status_code == 201, response.text
    field_id = response.json()["id"]
    assert without_stamps(response.json()) == {"id": field_id, **STORED_CLASS}
    assert events == [DynamicFieldChanged(field_id=field_id, op="created")]

    response = await client.get(f"{URL}/{field_id}", headers=admin_headers)
    assert without_stamps(response.json()) == {"id": field_id, **STORED_CLASS}
    listed = (await client.get(URL, headers=admin_headers)).json()
    assert listed["total"] == 1
    assert [without_stamps(item) for item in listed["items"]] == [{"id": field_id, **STORED_CLASS}]
    assert (await client.get(URL, params={"object_type": "article"}, headers=admin_headers)).json()[
        "total"
    ] == 0

    events.clear()
    response = await client.patch(
        f"{URL}/{field_id}",
        json={"label": "Class", "field_order": 3, "valid": False},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    assert without_stamps(response.json()) == {
        "id": field_id,
        **STORED_CLASS,
        "label": "Class",
        "field_order": 3,
        "valid": False,
    }
    assert events == [DynamicFieldChanged(field_id=field_id, op="updated")]

    events.clear()
    response = await client.delete(f"{URL}/{field_id}", headers=admin_headers)
    assert response.status_code == 204
    assert events == [DynamicFieldChanged(field_id=field_id, op="deleted")]
    assert await stored(web) == []
    response = await client.get(f"{URL}/{field_id}", headers=admin_headers)
    assert response.status_code == 404


async def test_every_built_in_type_is_created(
    client: httpx.AsyncClient, admin_headers: Headers
) -> None:
    configs: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
        "text": (
            {"default": "n/a", "regex": [{"pattern": "^[a-z/]+$", "error": "Lower case only"}]},
            {"default": "n/a", "regex": [{"pattern": "^[a-z/]+$", "error": "Lower case only"}]},
        ),
        "textarea": ({}, {"regex": []}),
        "checkbox": ({"default": True}, {"default": True}),
        "multiselect": (
            {"possible_values": {"a": "A", "b": "B"}, "default": ["b", "a"]},
            {
                "possible_values": {"a": "A", "b": "B"},
                "possible_none": True,
                "translatable": False,
                "default": ["a", "b"],
            },
        ),
        "date": ({"default": "2026-12-24"}, {"default": "2026-12-24"}),
        "datetime": (
            {"default": "2026-12-24T10:00:00+01:00"},
            {"default": "2026-12-24T09:00:00.000Z"},
        ),
    }
    for order, (field_type, (config, stored_config)) in enumerate(configs.items(), start=1):
        response = await client.post(
            URL,
            json={
                "name": f"Field{order}",
                "label": field_type,
                "field_type": field_type,
                "object_type": "article" if field_type == "textarea" else "ticket",
                "field_order": order,
                "config": config,
            },
            headers=admin_headers,
        )
        assert response.status_code == 201, (field_type, response.text)
        assert response.json()["config"] == stored_config, field_type
    listed = (await client.get(URL, headers=admin_headers)).json()
    assert [item["field_type"] for item in listed["items"]] == list(configs)


async def test_bad_definitions_are_refused_with_the_field_named(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents, web: WebState
) -> None:
    created = await client.post(URL, json=PRIORITY_CLASS, headers=admin_headers)
    assert created.status_code == 201
    before = await stored(web)
    events.clear()
    cases: list[tuple[dict[str, Any], int, str, str]] = [
        ({"name": "customerclass"}, 409, "name_taken", ""),
        ({"name": "Customer-Class"}, 422, "validation_failed", "name"),
        ({"name": "Customer Class"}, 422, "validation_failed", "name"),
        ({"field_type": "spreadsheet"}, 422, "validation_failed", "field_type"),
        ({"object_type": "queue"}, 422, "validation_failed", "object_type"),
        ({"config": {"possible_values": {}}}, 422, "validation_failed", "config.possible_values"),
        (
            {"config": {"possible_values": {"a": "A"}, "default": "b"}},
            422,
            "validation_failed",
            "config.default",
        ),
        ({"screens": {"agent_ticket_fax": "shown"}}, 422, "validation_failed", "screens"),
        ({"screens": {"agent_ticket_phone": "always"}}, 422, "validation_failed", "screens"),
        (
            {"field_type": "text", "config": {"regex": [{"pattern": "(", "error": "x"}]}},
            422,
            "validation_failed",
            "config.regex",
        ),
        (
            {"field_type": "text", "config": {"link": "javascript:alert(1)"}},
            422,
            "validation_failed",
            "config.link",
        ),
        (
            {"field_type": "date", "config": {"default": "24.12.2026"}},
            422,
            "validation_failed",
            "config.default",
        ),
    ]
    for change, status, code, field in cases:
        body = {**PRIORITY_CLASS, "name": "Other", **change}
        response = await client.post(URL, json=body, headers=admin_headers)
        got_status, got_code, details = error_of(response)
        assert (got_status, got_code) == (status, code), (change, response.text)
        if field:
            assert field in str(details), (change, details)
    assert await stored(web) == before
    assert events == []


async def test_only_administrators_manage_fields(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents, web: WebState
) -> None:
    field_id = (await client.post(URL, json=PRIORITY_CLASS, headers=admin_headers)).json()["id"]
    agent = await make_agent(web, client, "agent1", {USERS: ["rw"]})
    before = await stored(web)
    events.clear()
    for method, path, body in (
        ("GET", URL, None),
        ("POST", URL, {**PRIORITY_CLASS, "name": "Other"}),
        ("GET", f"{URL}/{field_id}", None),
        ("PATCH", f"{URL}/{field_id}", {"label": "Mine"}),
        ("DELETE", f"{URL}/{field_id}", None),
    ):
        response = await client.request(method, path, json=body, headers=agent)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["error"]["code"] == "admin_only"
    assert (await client.get(URL)).status_code == 401
    assert await stored(web) == before
    assert events == []
