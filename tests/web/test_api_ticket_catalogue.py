"""The ticket catalogue API: queues, states, priorities, types, services and SLAs.

Every denied or failed write is checked to have changed nothing and announced nothing.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from frontdesk.core.actor import SYSTEM
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts import actions as account_actions
from frontdesk.domain.accounts.models import CustomerUser
from frontdesk.domain.accounts.passwords import hash_password
from frontdesk.domain.accounts.schemas import AgentCreate
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue import queries
from frontdesk.domain.ticket_catalogue.events import CatalogueChanged
from frontdesk.domain.tickets.models import Ticket
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents, login_token

Headers = dict[str, str]
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
USERS, ADMIN, STATS = 1, 2, 3
DEFAULT_QUEUES = ["Junk", "Misc", "Postmaster", "Raw"]
DEFAULT_PRIORITIES = ["1 very low", "2 low", "3 normal", "4 high", "5 very high"]


# --- helpers ----------------------------------------------------------------------------------


def without_stamps(item: dict[str, Any]) -> dict[str, Any]:
    """The item minus its timestamps, after checking they are ISO 8601 UTC with Z."""
    assert STAMP.match(item["created_at"]), item["created_at"]
    assert STAMP.match(item["updated_at"]), item["updated_at"]
    return {k: v for k, v in item.items() if k not in ("created_at", "updated_at")}


def changed(entity: str, entity_id: int, op: str) -> CatalogueChanged:
    return CatalogueChanged.model_validate({"entity": entity, "entity_id": entity_id, "op": op})


async def snapshot(web: WebState) -> dict[str, Any]:
    """Everything in the catalogue, to show a refused request changed nothing."""
    async with unit_of_work(web.session_factory) as session:
        return {
            "queues": await queries.list_queues(session),
            "states": await queries.list_states(session),
            "priorities": await queries.list_priorities(session),
            "types": await queries.list_types(session),
            "services": await queries.list_services(session),
            "slas": await queries.list_slas(session),
        }


async def make_agent(
    web: WebState, client: httpx.AsyncClient, login: str, permissions: dict[int, list[str]]
) -> Headers:
    async with unit_of_work(web.session_factory) as session:
        tx = Tx(session=session, runtime=web.runtime)
        agent = await account_actions.do_create_agent(
            tx,
            SYSTEM,
            AgentCreate(
                login=login,
                first_name="Ann",
                last_name="Agent",
                email=f"{login}@example.com",
                password="agent-password-1",
            ),
        )
        for group_id, granted in permissions.items():
            await account_actions.do_set_agent_group_permissions(
                tx, SYSTEM, group_id, agent.id, granted
            )
    token = await login_token(client, login, "agent-password-1")
    return {"Authorization": f"Bearer {token}"}


async def make_customer(web: WebState, client: httpx.AsyncClient, login: str) -> Headers:
    async with unit_of_work(web.session_factory) as session:
        session.add(
            CustomerUser(
                login=login,
                first_name="Cora",
                last_name="Customer",
                email=f"{login}@example.com",
                password_hash=await hash_password("customer-password-1"),
            )
        )
    token = await login_token(client, login, "customer-password-1", realm="customer")
    return {"Authorization": f"Bearer {token}"}


async def make_ticket(web: WebState, **refs: int) -> int:
    values: dict[str, Any] = {
        "number": "2024010110000001",
        "title": "Printer on fire",
        "queue_id": 1,
        "state_id": 1,
        "priority_id": 3,
        "owner_id": 1,
        "responsible_id": 1,
    }
    values.update(refs)
    async with unit_of_work(web.session_factory) as session:
        ticket = Ticket(**values)
        session.add(ticket)
        await session.flush()
        return ticket.id


async def create(
    client: httpx.AsyncClient, headers: Headers, path: str, body: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(f"/api/v1/{path}", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def error_of(response: httpx.Response) -> tuple[int, str, Any]:
    error = response.json()["error"]
    return response.status_code, error["code"], error["details"]


# --- queues -----------------------------------------------------------------------------------


async def test_queue_create_read_update_delete(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents
) -> None:
    events.clear()
    created = await create(
        client,
        admin_headers,
        "queues",
        {
            "name": " Sales ",
            "group_id": USERS,
            "comment": "Leads",
            "first_response_minutes": 120,
            "first_response_notify": 75,
            "solution_minutes": 2400,
            "unlock_timeout": 90,
        },
    )
    queue_id = created["id"]
    assert without_stamps(created) == {
        "id": queue_id,
        "name": "Sales",
        "group_id": USERS,
        "business_calendar_id": None,
        "system_address_id": None,
        "salutation_id": None,
        "signature_id": None,
        "follow_up": "possible",
        "first_response_minutes": 120,
        "first_response_notify": 75,
        "update_minutes": None,
        "update_notify": None,
        "solution_minutes": 2400,
        "solution_notify": None,
        "unlock_timeout": 90,
        "comment": "Leads",
        "valid": True,
    }
    assert list(events) == [changed("queue", queue_id, "created")]

    fetched = await client.get(f"/api/v1/queues/{queue_id}", headers=admin_headers)
    assert fetched.status_code == 200
    assert fetched.json() == created

    listed = await client.get("/api/v1/queues", headers=admin_headers)
    assert listed.status_code == 200
    body = listed.json()
    assert [q["name"] for q in body["items"]] == ["Junk", "Misc", "Postmaster", "Raw", "Sales"]
    assert (body["total"], body["limit"], body["offset"]) == (5, 25, 0)

    patched = await client.patch(
        f"/api/v1/queues/{queue_id}",
        json={
            "name": "Sales EU",
            "group_id": STATS,
            "comment": None,
            "valid": False,
            "first_response_minutes": None,
            "update_minutes": 60,
            "unlock_timeout": 0,
        },
        headers=admin_headers,
    )
    assert patched.status_code == 200
    assert without_stamps(patched.json()) == {
        "id": queue_id,
        "name": "Sales EU",
        "group_id": STATS,
        "business_calendar_id": None,
        "system_address_id": None,
        "salutation_id": None,
        "signature_id": None,
        "follow_up": "possible",
        "first_response_minutes": None,
        "first_response_notify": 75,
        "update_minutes": 60,
        "update_notify": None,
        "solution_minutes": 2400,
        "solution_notify": None,
        "unlock_timeout": 0,
        "comment": None,
        "valid": False,
    }
    assert patched.json()["created_at"] == created["created_at"]

    only_valid = await client.get("/api/v1/queues?valid=true", headers=admin_headers)
    assert [q["name"] for q in only_valid.json()["items"]] == DEFAULT_QUEUES
    only_invalid = await client.get("/api/v1/queues?valid=false", headers=admin_headers)
    assert [q["name"] for q in only_invalid.json()["items"]] == ["Sales EU"]
    assert only_invalid.json()["total"] == 1

    deleted = await client.delete(f"/api/v1/queues/{queue_id}", headers=admin_headers)
    assert deleted.status_code == 204
    assert deleted.content == b""
    gone = await client.get(f"/api/v1/queues/{queue_id}", headers=admin_headers)
    assert error_of(gone)[:2] == (404, "not_found")
    assert list(events) == [
        changed("queue", queue_id, "created"),
        changed("queue", queue_id, "updated"),
        changed("queue", queue_id, "deleted"),
    ]


async def test_a_queue_unlock_timeout_is_whole_minutes_from_zero(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, events: RecordedEvents
) -> None:
    default = await create(client, admin_headers, "queues", {"name": "Hotline", "group_id": 1})
    assert default["unlock_timeout"] == 0
    before = await snapshot(web)
    events.clear()
    not_whole = "Input should be a valid integer, got a number with a fractional part"
    for value, message in (
        (-1, "Input should be greater than or equal to 0"),
        (1.5, not_whole),
        ("soon", "Input should be a valid integer, unable to parse string as an integer"),
        (None, "Value error, must not be null"),
    ):
        patched = await client.patch(
            f"/api/v1/queues/{default['id']}", json={"unlock_timeout": value}, headers=admin_headers
        )
        assert error_of(patched) == (
            422,
            "validation_failed",
            [{"field": "unlock_timeout", "message": message}],
        ), value
    created = await client.post(
        "/api/v1/queues",
        json={"name": "Ghost", "group_id": 1, "unlock_timeout": 2.5},
        headers=admin_headers,
    )
    assert error_of(created) == (
        422,
        "validation_failed",
        [{"field": "unlock_timeout", "message": not_whole}],
    )
    assert await snapshot(web) == before
    assert list(events) == []

    patched = await client.patch(
        f"/api/v1/queues/{default['id']}", json={"unlock_timeout": 45}, headers=admin_headers
    )
    assert patched.status_code == 200
    fetched = await client.get(f"/api/v1/queues/{default['id']}", headers=admin_headers)
    assert fetched.json()["unlock_timeout"] == 45
    document = (await client.get("/api/openapi.json")).json()
    field = document["components"]["schemas"]["QueueUpdate"]["properties"]["unlock_timeout"]
    assert field["anyOf"][0] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 10_000_000,
        "description": "Working minutes a locked ticket may go untouched by its owner before it"
        " is unlocked (0: never).",
    }


async def test_queue_group_must_exist(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, events: RecordedEvents
) -> None:
    before = await snapshot(web)
    events.clear()
    unknown = await client.post(
        "/api/v1/queues", json={"name": "Ghost", "group_id": 99}, headers=admin_headers
    )
    assert error_of(unknown) == (
        422,
        "validation_failed",
        [{"field": "group_id", "message": "There is no group with id 99."}],
    )
    too_big = await client.patch(
        "/api/v1/queues/1", json={"group_id": 2**40}, headers=admin_headers
    )
    assert too_big.status_code == 422
    assert [d["field"] for d in too_big.json()["error"]["details"]] == ["group_id"]
    missing = await client.post("/api/v1/queues", json={"name": "Ghost"}, headers=admin_headers)
    assert [d["field"] for d in missing.json()["error"]["details"]] == ["group_id"]
    moved = await client.patch("/api/v1/queues/1", json={"group_id": 99}, headers=admin_headers)
    assert error_of(moved)[:2] == (422, "validation_failed")
    assert error_of(moved)[2][0]["field"] == "group_id"
    nulled = await client.patch("/api/v1/queues/1", json={"name": None}, headers=admin_headers)
    assert error_of(nulled)[:2] == (422, "validation_failed")
    assert error_of(nulled)[2][0] == {"field": "name", "message": "Value error, must not be null"}
    assert await snapshot(web) == before
    assert list(events) == []


# --- states, priorities, types ----------------------------------------------------------------


async def test_state_lifecycle_and_state_type(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, events: RecordedEvents
) -> None:
    events.clear()
    created = await create(
        client, admin_headers, "states", {"name": "waiting for parts", "state_type": "pending auto"}
    )
    state_id = created["id"]
    assert state_id == 10
    assert without_stamps(created) == {
        "id": 10,
        "name": "waiting for parts",
        "state_type": "pending auto",
        "comment": None,
        "valid": True,
    }
    patched = await client.patch(
        f"/api/v1/states/{state_id}", json={"state_type": "open"}, headers=admin_headers
    )
    assert patched.status_code == 200
    assert patched.json()["state_type"] == "open"
    assert patched.json()["name"] == "waiting for parts"

    before = await snapshot(web)
    bad = await client.post(
        "/api/v1/states", json={"name": "odd", "state_type": "sleeping"}, headers=admin_headers
    )
    status, code, details = error_of(bad)
    assert (status, code) == (422, "validation_failed")
    assert details == [
        {
            "field": "state_type",
            "message": "Value error, must be one of: new, open, closed, pending reminder, "
            "pending auto, merged, removed",
        }
    ]
    bad_patch = await client.patch(
        f"/api/v1/states/{state_id}", json={"state_type": "nope"}, headers=admin_headers
    )
    assert error_of(bad_patch)[2][0]["field"] == "state_type"
    assert await snapshot(web) == before

    deleted = await client.delete(f"/api/v1/states/{state_id}", headers=admin_headers)
    assert deleted.status_code == 204
    assert list(events) == [
        changed("state", 10, "created"),
        changed("state", 10, "updated"),
        changed("state", 10, "deleted"),
    ]


async def test_states_the_system_relies_on_are_kept(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, events: RecordedEvents
) -> None:
    before = await snapshot(web)
    events.clear()
    for state_id in (1, 2, 3, 4, 8, 9):  # new, open, closed (un)successful, merged, removed
        deleted = await client.delete(f"/api/v1/states/{state_id}", headers=admin_headers)
        assert error_of(deleted)[:2] == (409, "in_use"), state_id
    for change in ({"name": "fresh"}, {"state_type": "open"}, {"valid": False}):
        refused = await client.patch("/api/v1/states/1", json=change, headers=admin_headers)
        assert error_of(refused)[:2] == (409, "in_use"), change
    system_priority = await client.delete("/api/v1/priorities/3", headers=admin_headers)
    assert error_of(system_priority)[:2] == (409, "in_use")
    renamed = await client.patch(
        "/api/v1/priorities/3", json={"name": "3 medium"}, headers=admin_headers
    )
    assert error_of(renamed)[:2] == (409, "in_use")
    assert await snapshot(web) == before
    assert list(events) == []

    commented = await client.patch(
        "/api/v1/states/1", json={"comment": "Fresh tickets.", "name": "new"}, headers=admin_headers
    )
    assert commented.status_code == 200
    assert commented.json()["comment"] == "Fresh tickets."
    unused_state = await client.delete("/api/v1/states/5", headers=admin_headers)  # pending rem.
    assert unused_state.status_code == 204
    assert list(events) == [changed("state", 1, "updated"), changed("state", 5, "deleted")]


async def test_priority_and_type_lifecycle(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents
) -> None:
    events.clear()
    priority = await create(client, admin_headers, "priorities", {"name": "6 critical"})
    assert without_stamps(priority) == {"id": 6, "name": "6 critical", "valid": True}
    patched = await client.patch(
        "/api/v1/priorities/6", json={"valid": False}, headers=admin_headers
    )
    assert without_stamps(patched.json()) == {"id": 6, "name": "6 critical", "valid": False}

    ticket_type = await create(client, admin_headers, "types", {"name": "Incident"})
    assert without_stamps(ticket_type) == {"id": 2, "name": "Incident", "valid": True}
    renamed = await client.patch("/api/v1/types/2", json={"name": "Problem"}, headers=admin_headers)
    assert without_stamps(renamed.json()) == {"id": 2, "name": "Problem", "valid": True}
    types = await client.get("/api/v1/types", headers=admin_headers)
    assert [t["name"] for t in types.json()["items"]] == ["Problem", "Unclassified"]

    assert (await client.delete("/api/v1/priorities/6", headers=admin_headers)).status_code == 204
    assert (await client.delete("/api/v1/types/2", headers=admin_headers)).status_code == 204
    assert list(events) == [
        changed("priority", 6, "created"),
        changed("priority", 6, "updated"),
        changed("type", 2, "created"),
        changed("type", 2, "updated"),
        changed("priority", 6, "deleted"),
        changed("type", 2, "deleted"),
    ]


async def test_paging_and_its_validation(client: httpx.AsyncClient, admin_headers: Headers) -> None:
    page = await client.get("/api/v1/priorities?limit=2&offset=1", headers=admin_headers)
    assert page.status_code == 200
    body = page.json()
    assert [p["name"] for p in body["items"]] == ["2 low", "3 normal"]
    assert (body["total"], body["limit"], body["offset"]) == (5, 2, 1)
    beyond = await client.get("/api/v1/priorities?offset=10", headers=admin_headers)
    assert (beyond.json()["items"], beyond.json()["total"]) == ([], 5)
    states = await client.get("/api/v1/states?limit=3", headers=admin_headers)
    assert [s["name"] for s in states.json()["items"]] == [
        "closed successful",
        "closed unsuccessful",
        "merged",
    ]
    assert states.json()["total"] == 9
    for query, field in (("limit=0", "limit"), ("limit=201", "limit"), ("offset=-1", "offset")):
        refused = await client.get(f"/api/v1/queues?{query}", headers=admin_headers)
        assert error_of(refused)[:2] == (422, "validation_failed")
        assert error_of(refused)[2][0]["field"] == field
    not_a_number = await client.get("/api/v1/slas?limit=many", headers=admin_headers)
    assert error_of(not_a_number)[2][0]["field"] == "limit"


# --- services ---------------------------------------------------------------------------------


async def test_service_tree_full_names_and_cycles(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, events: RecordedEvents
) -> None:
    events.clear()
    it = await create(client, admin_headers, "services", {"name": "IT", "comment": "All IT"})
    mail = await create(client, admin_headers, "services", {"name": "Mail", "parent_id": it["id"]})
    spam = await create(
        client, admin_headers, "services", {"name": "Spam filter", "parent_id": mail["id"]}
    )
    facilities = await create(client, admin_headers, "services", {"name": "Facilities"})
    assert without_stamps(spam) == {
        "id": spam["id"],
        "name": "Spam filter",
        "full_name": "IT::Mail::Spam filter",
        "parent_id": mail["id"],
        "comment": None,
        "valid": True,
    }
    assert without_stamps(it) == {
        "id": it["id"],
        "name": "IT",
        "full_name": "IT",
        "parent_id": None,
        "comment": "All IT",
        "valid": True,
    }
    listed = await client.get("/api/v1/services", headers=admin_headers)
    assert [s["full_name"] for s in listed.json()["items"]] == [
        "Facilities",
        "IT",
        "IT::Mail",
        "IT::Mail::Spam filter",
    ]
    assert listed.json()["total"] == 4
    page = await client.get("/api/v1/services?limit=2&offset=2", headers=admin_headers)
    assert [s["full_name"] for s in page.json()["items"]] == ["IT::Mail", "IT::Mail::Spam filter"]
    assert page.json()["total"] == 4

    before = await snapshot(web)
    events.clear()
    for service_id, parent_id in ((it["id"], spam["id"]), (it["id"], it["id"])):
        cycle = await client.patch(
            f"/api/v1/services/{service_id}", json={"parent_id": parent_id}, headers=admin_headers
        )
        assert error_of(cycle) == (
            422,
            "validation_failed",
            [{"field": "parent_id", "message": "A service cannot be its own ancestor."}],
        )
    unknown = await client.post(
        "/api/v1/services", json={"name": "Lost", "parent_id": 999}, headers=admin_headers
    )
    assert error_of(unknown) == (
        422,
        "validation_failed",
        [{"field": "parent_id", "message": "There is no service with id 999."}],
    )
    separator = await client.post("/api/v1/services", json={"name": "A::B"}, headers=admin_headers)
    assert error_of(separator)[2][0]["field"] == "name"
    sibling = await client.post(
        "/api/v1/services", json={"name": "mail", "parent_id": it["id"]}, headers=admin_headers
    )
    assert error_of(sibling)[:2] == (409, "name_taken")
    top_level = await client.post("/api/v1/services", json={"name": "it"}, headers=admin_headers)
    assert error_of(top_level)[:2] == (409, "name_taken")
    has_children = await client.delete(f"/api/v1/services/{it['id']}", headers=admin_headers)
    assert error_of(has_children)[:2] == (409, "in_use")
    assert await snapshot(web) == before
    assert list(events) == []

    moved = await client.patch(
        f"/api/v1/services/{mail['id']}",
        json={"parent_id": facilities["id"]},
        headers=admin_headers,
    )
    assert moved.json()["full_name"] == "Facilities::Mail"
    child = await client.get(f"/api/v1/services/{spam['id']}", headers=admin_headers)
    assert child.json()["full_name"] == "Facilities::Mail::Spam filter"
    to_top = await client.patch(
        f"/api/v1/services/{mail['id']}", json={"parent_id": None}, headers=admin_headers
    )
    assert (to_top.json()["parent_id"], to_top.json()["full_name"]) == (None, "Mail")
    same_name_elsewhere = await create(
        client, admin_headers, "services", {"name": "Mail", "parent_id": it["id"]}
    )
    assert same_name_elsewhere["full_name"] == "IT::Mail"
    assert list(events) == [
        changed("service", mail["id"], "updated"),
        changed("service", mail["id"], "updated"),
        changed("service", same_name_elsewhere["id"], "created"),
    ]


# --- SLAs -------------------------------------------------------------------------------------


async def test_sla_lifecycle_with_services_and_dialog_message(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, events: RecordedEvents
) -> None:
    mail = await create(client, admin_headers, "services", {"name": "Mail"})
    web_service = await create(client, admin_headers, "services", {"name": "Web"})
    events.clear()
    created = await create(
        client,
        admin_headers,
        "slas",
        {
            "name": "Premium",
            "service_ids": [web_service["id"], mail["id"], mail["id"]],
            "first_response_minutes": 30,
            "first_response_notify": 80,
            "update_minutes": 0,
            "solution_minutes": None,
            "dialog_message": "Premium is billed separately. Continue?",
            "comment": "Gold customers",
        },
    )
    sla_id = created["id"]
    assert without_stamps(created) == {
        "id": sla_id,
        "name": "Premium",
        "service_ids": [mail["id"], web_service["id"]],
        "first_response_minutes": 30,
        "first_response_notify": 80,
        "update_minutes": 0,
        "update_notify": None,
        "solution_minutes": None,
        "solution_notify": None,
        "business_calendar_id": None,
        "dialog_message": "Premium is billed separately. Continue?",
        "preferences": {"dialog_message": "Premium is billed separately. Continue?"},
        "comment": "Gold customers",
        "valid": True,
    }
    fetched = await client.get(f"/api/v1/slas/{sla_id}", headers=admin_headers)
    assert fetched.json() == created

    patched = await client.patch(
        f"/api/v1/slas/{sla_id}",
        json={"dialog_message": None, "service_ids": [mail["id"]], "solution_minutes": 480},
        headers=admin_headers,
    )
    assert patched.status_code == 200
    assert without_stamps(patched.json()) == {
        "id": sla_id,
        "name": "Premium",
        "service_ids": [mail["id"]],
        "first_response_minutes": 30,
        "first_response_notify": 80,
        "update_minutes": 0,
        "update_notify": None,
        "solution_minutes": 480,
        "solution_notify": None,
        "business_calendar_id": None,
        "dialog_message": None,
        "preferences": {},
        "comment": "Gold customers",
        "valid": True,
    }

    before = await snapshot(web)
    negative = await client.post(
        "/api/v1/slas", json={"name": "Broken", "solution_minutes": -1}, headers=admin_headers
    )
    assert error_of(negative)[:2] == (422, "validation_failed")
    assert [d["field"] for d in error_of(negative)[2]] == ["solution_minutes"]
    negative_patch = await client.patch(
        f"/api/v1/slas/{sla_id}", json={"first_response_minutes": -5}, headers=admin_headers
    )
    assert [d["field"] for d in error_of(negative_patch)[2]] == ["first_response_minutes"]
    for percent in (0, 100):
        out_of_range = await client.patch(
            f"/api/v1/slas/{sla_id}", json={"update_notify": percent}, headers=admin_headers
        )
        assert [d["field"] for d in error_of(out_of_range)[2]] == ["update_notify"]
    unknown_services = await client.post(
        "/api/v1/slas", json={"name": "Broken", "service_ids": [998, 999]}, headers=admin_headers
    )
    assert error_of(unknown_services) == (
        422,
        "validation_failed",
        [{"field": "service_ids", "message": "There are no services with ids 998, 999."}],
    )
    duplicate = await client.post("/api/v1/slas", json={"name": "PREMIUM"}, headers=admin_headers)
    assert error_of(duplicate)[:2] == (409, "name_taken")
    assert await snapshot(web) == before

    # Deleting a service takes it out of the SLAs that covered it.
    assert (
        await client.delete(f"/api/v1/services/{mail['id']}", headers=admin_headers)
    ).status_code == 204
    after = await client.get(f"/api/v1/slas/{sla_id}", headers=admin_headers)
    assert after.json()["service_ids"] == []
    assert (await client.delete(f"/api/v1/slas/{sla_id}", headers=admin_headers)).status_code == 204
    listed = await client.get("/api/v1/slas", headers=admin_headers)
    assert listed.json() == {"items": [], "total": 0, "limit": 25, "offset": 0}
    assert list(events) == [
        changed("sla", sla_id, "created"),
        changed("sla", sla_id, "updated"),
        changed("service", mail["id"], "deleted"),
        changed("sla", sla_id, "deleted"),
    ]


# --- conflicts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "fresh"),
    [
        ("queues", {"name": "misc", "group_id": USERS}, {"name": "Sales", "group_id": USERS}),
        ("states", {"name": "OPEN", "state_type": "open"}, {"name": "x", "state_type": "open"}),
        ("priorities", {"name": "3 Normal"}, {"name": "6 urgent"}),
        ("types", {"name": "unclassified"}, {"name": "Incident"}),
        ("services", {"name": "MAIL"}, {"name": "Web"}),
        ("slas", {"name": "gold"}, {"name": "Silver"}),
    ],
)
async def test_duplicate_names_are_refused(
    client: httpx.AsyncClient,
    admin_headers: Headers,
    web: WebState,
    events: RecordedEvents,
    path: str,
    body: dict[str, Any],
    fresh: dict[str, Any],
) -> None:
    await create(client, admin_headers, "services", {"name": "Mail"})
    await create(client, admin_headers, "slas", {"name": "Gold"})
    other = await create(client, admin_headers, path, fresh)
    before = await snapshot(web)
    events.clear()
    response = await client.post(f"/api/v1/{path}", json=body, headers=admin_headers)
    assert error_of(response)[:2] == (409, "name_taken")
    assert response.json()["error"]["message"].endswith(f"named {body['name']!r} already exists.")
    renamed = await client.patch(
        f"/api/v1/{path}/{other['id']}", json={"name": body["name"]}, headers=admin_headers
    )
    assert error_of(renamed)[:2] == (409, "name_taken")
    assert await snapshot(web) == before
    assert list(events) == []


async def test_entries_used_by_a_ticket_cannot_be_deleted(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, events: RecordedEvents
) -> None:
    queue = await create(client, admin_headers, "queues", {"name": "Busy", "group_id": USERS})
    state = await create(
        client, admin_headers, "states", {"name": "in progress", "state_type": "open"}
    )
    priority = await create(client, admin_headers, "priorities", {"name": "6 urgent"})
    ticket_type = await create(client, admin_headers, "types", {"name": "Incident"})
    service = await create(client, admin_headers, "services", {"name": "Mail"})
    sla = await create(
        client, admin_headers, "slas", {"name": "Gold", "service_ids": [service["id"]]}
    )
    await make_ticket(
        web,
        queue_id=queue["id"],
        state_id=state["id"],
        priority_id=priority["id"],
        type_id=ticket_type["id"],
        service_id=service["id"],
        sla_id=sla["id"],
    )
    before = await snapshot(web)
    events.clear()
    for path, entry_id in (
        ("queues", queue["id"]),
        ("states", state["id"]),
        ("priorities", priority["id"]),
        ("types", ticket_type["id"]),
        ("services", service["id"]),
        ("slas", sla["id"]),
    ):
        response = await client.delete(f"/api/v1/{path}/{entry_id}", headers=admin_headers)
        status, code, _ = error_of(response)
        assert (status, code) == (409, "in_use"), path
    assert await snapshot(web) == before
    assert list(events) == []

    invalidated = await client.patch(
        f"/api/v1/queues/{queue['id']}", json={"valid": False}, headers=admin_headers
    )
    assert invalidated.json()["valid"] is False


# --- not found, not logged in, not allowed ----------------------------------------------------


@pytest.mark.parametrize("path", ["queues", "states", "priorities", "types", "services", "slas"])
async def test_unknown_ids_are_404(
    client: httpx.AsyncClient,
    admin_headers: Headers,
    web: WebState,
    events: RecordedEvents,
    path: str,
) -> None:
    before = await snapshot(web)
    events.clear()
    for entry_id in (999, 0, 2**40):
        url = f"/api/v1/{path}/{entry_id}"
        for response in (
            await client.get(url, headers=admin_headers),
            await client.patch(url, json={"valid": True}, headers=admin_headers),
            await client.delete(url, headers=admin_headers),
        ):
            assert error_of(response)[:2] == (404, "not_found"), url
    assert await snapshot(web) == before
    assert list(events) == []


async def test_no_token_is_401(client: httpx.AsyncClient, web: WebState) -> None:
    before = await snapshot(web)
    for method, url in (
        ("GET", "/api/v1/queues"),
        ("GET", "/api/v1/slas/1"),
        ("POST", "/api/v1/types"),
        ("DELETE", "/api/v1/queues/1"),
    ):
        response = await client.request(method, url, json={"name": "X"})
        assert error_of(response)[:2] == (401, "authentication_required"), url
    assert await snapshot(web) == before


async def test_agents_who_are_not_admins_cannot_write(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, events: RecordedEvents
) -> None:
    await create(client, admin_headers, "services", {"name": "Mail"})
    await create(client, admin_headers, "slas", {"name": "Gold"})
    agent = await make_agent(web, client, "ann", {USERS: ["rw"]})
    before = await snapshot(web)
    events.clear()
    writes = [
        ("POST", "/api/v1/queues", {"name": "Mine", "group_id": USERS}),
        ("PATCH", "/api/v1/queues/1", {"name": "Mine"}),
        ("DELETE", "/api/v1/queues/3", None),
        ("POST", "/api/v1/states", {"name": "mine", "state_type": "open"}),
        ("PATCH", "/api/v1/states/5", {"valid": False}),
        ("DELETE", "/api/v1/states/5", None),
        ("POST", "/api/v1/priorities", {"name": "6 mine"}),
        ("PATCH", "/api/v1/priorities/1", {"valid": False}),
        ("DELETE", "/api/v1/priorities/1", None),
        ("POST", "/api/v1/types", {"name": "Mine"}),
        ("PATCH", "/api/v1/types/1", {"name": "Mine"}),
        ("DELETE", "/api/v1/types/1", None),
        ("POST", "/api/v1/services", {"name": "Mine"}),
        ("PATCH", "/api/v1/services/1", {"name": "Mine"}),
        ("DELETE", "/api/v1/services/1", None),
        ("POST", "/api/v1/slas", {"name": "Mine"}),
        ("PATCH", "/api/v1/slas/1", {"name": "Mine"}),
        ("DELETE", "/api/v1/slas/1", None),
        ("POST", "/api/v1/slas", {"name": "Mine", "solution_minutes": -1}),  # 403 before 422
        ("DELETE", "/api/v1/slas/999", None),  # 403 before 404
    ]
    for method, url, body in writes:
        response = await client.request(method, url, json=body, headers=agent)
        assert error_of(response)[:2] == (403, "admin_only"), (method, url)
    assert await snapshot(web) == before
    assert list(events) == []


async def test_agents_read_the_catalogue_but_only_their_queues(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    stats_queue = await create(
        client, admin_headers, "queues", {"name": "Reports", "group_id": STATS}
    )
    await create(client, admin_headers, "types", {"name": "Retired", "valid": False})
    reader = await make_agent(web, client, "ann", {USERS: ["ro"]})
    chat_only = await make_agent(web, client, "bob", {USERS: ["chat_observer"]})

    queues = await client.get("/api/v1/queues", headers=reader)
    assert queues.status_code == 200
    assert [q["name"] for q in queues.json()["items"]] == DEFAULT_QUEUES
    assert queues.json()["total"] == 4
    hidden = await client.get(f"/api/v1/queues/{stats_queue['id']}", headers=reader)
    assert error_of(hidden)[:2] == (404, "not_found")
    assert hidden.json()["error"]["message"] == f"There is no queue with id {stats_queue['id']}."
    visible = await client.get("/api/v1/queues/4", headers=reader)
    assert visible.json()["name"] == "Misc"

    none_for_chat_only = await client.get("/api/v1/queues", headers=chat_only)
    assert none_for_chat_only.json() == {"items": [], "total": 0, "limit": 25, "offset": 0}

    priorities = await client.get("/api/v1/priorities", headers=reader)
    assert [p["name"] for p in priorities.json()["items"]] == DEFAULT_PRIORITIES
    types = await client.get("/api/v1/types", headers=reader)
    assert [t["name"] for t in types.json()["items"]] == ["Retired", "Unclassified"]
    state = await client.get("/api/v1/states/2", headers=reader)
    assert (state.json()["name"], state.json()["state_type"]) == ("open", "open")

    admin_view = await client.get("/api/v1/queues", headers=admin_headers)
    assert [q["name"] for q in admin_view.json()["items"]] == [
        "Junk",
        "Misc",
        "Postmaster",
        "Raw",
        "Reports",
    ]


async def test_customers_read_valid_entries_and_their_queues(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, events: RecordedEvents
) -> None:
    await create(client, admin_headers, "queues", {"name": "Reports", "group_id": STATS})
    closed = await create(
        client, admin_headers, "queues", {"name": "Closed", "group_id": USERS, "valid": False}
    )
    mail = await create(client, admin_headers, "services", {"name": "Mail"})
    old = await create(client, admin_headers, "services", {"name": "Fax", "valid": False})
    gold = await create(
        client,
        admin_headers,
        "slas",
        {"name": "Gold", "service_ids": [mail["id"]], "dialog_message": "Costs extra."},
    )
    await create(client, admin_headers, "slas", {"name": "Bronze", "valid": False})
    customer = await make_customer(web, client, "cora")

    queues = await client.get("/api/v1/queues", headers=customer)
    assert [q["name"] for q in queues.json()["items"]] == DEFAULT_QUEUES
    assert (await client.get("/api/v1/queues?valid=false", headers=customer)).json()["total"] == 0
    hidden = await client.get(f"/api/v1/queues/{closed['id']}", headers=customer)
    assert error_of(hidden)[:2] == (404, "not_found")

    services = await client.get("/api/v1/services", headers=customer)
    assert [s["name"] for s in services.json()["items"]] == ["Mail"]
    assert error_of(await client.get(f"/api/v1/services/{old['id']}", headers=customer))[0] == 404
    slas = await client.get("/api/v1/slas", headers=customer)
    assert [(s["name"], s["dialog_message"]) for s in slas.json()["items"]] == [
        ("Gold", "Costs extra.")
    ]
    assert (await client.get(f"/api/v1/slas/{gold['id']}", headers=customer)).status_code == 200

    before = await snapshot(web)
    events.clear()
    refused = await client.post("/api/v1/queues", json={"name": "Mine"}, headers=customer)
    assert error_of(refused)[:2] == (403, "admin_only")
    refused_delete = await client.delete(f"/api/v1/slas/{gold['id']}", headers=customer)
    assert error_of(refused_delete)[:2] == (403, "admin_only")
    assert await snapshot(web) == before
    assert list(events) == []


async def test_list_order_is_case_insensitive(
    client: httpx.AsyncClient, admin_headers: Headers
) -> None:
    await create(client, admin_headers, "types", {"name": "alpha"})
    await create(client, admin_headers, "types", {"name": "Beta"})
    listed = await client.get("/api/v1/types", headers=admin_headers)
    assert [t["name"] for t in listed.json()["items"]] == ["alpha", "Beta", "Unclassified"]


async def test_nul_in_a_name_is_a_422_on_every_database(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await client.post(
        "/api/v1/queues", json={"name": "Bad\x00Queue", "group_id": 1}, headers=admin_headers
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "name"
    listing = await client.get("/api/v1/queues?limit=50", headers=admin_headers)
    assert "Bad\x00Queue" not in [q["name"] for q in listing.json()["items"]]
