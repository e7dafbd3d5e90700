"""The accounts administration API: agents, customer companies and users, groups, roles.

Default data: groups users (1), admin (2), stats (3); the agent admin (1) with rw + chat_owner in
all three; queues Raw, Junk, Misc, Postmaster in group users.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts.events import (
    AgentChanged,
    CustomerCompanyChanged,
    CustomerUserChanged,
    GroupChanged,
    PermissionsChanged,
    RoleChanged,
)
from frontdesk.domain.accounts.models import Agent, AuthToken
from frontdesk.domain.ticket_catalogue.models import Priority, Queue, TicketState
from frontdesk.domain.tickets.models import Ticket
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents, login_token

Z_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
USERS_GROUP, ADMIN_GROUP, STATS_GROUP = 1, 2, 3


def without_timestamps(body: dict[str, Any]) -> dict[str, Any]:
    """The body minus created_at/updated_at, after checking they are ISO 8601 UTC with Z."""
    rest = dict(body)
    assert Z_TIMESTAMP.match(rest.pop("created_at")), body
    assert Z_TIMESTAMP.match(rest.pop("updated_at")), body
    return rest


def error_of(response: httpx.Response) -> tuple[int, str, list[str]]:
    """Status, error code and the fields the error names."""
    error = response.json()["error"]
    details = error["details"] if isinstance(error["details"], list) else []
    return response.status_code, error["code"], [d["field"] for d in details]


# --- agents --------------------------------------------------------------------------------------


async def test_agent_create_read_update_delete(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    created = await client.post(
        "/api/v1/agents",
        headers=admin_headers,
        json={
            "login": "jane",
            "first_name": "Jane",
            "last_name": "Doe",
            "email": "jane@example.com",
            "password": "jane-secret-1",
            "valid": True,
            "timezone": "Europe/Berlin",
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert without_timestamps(body) == {
        "id": 2,
        "login": "jane",
        "first_name": "Jane",
        "last_name": "Doe",
        "email": "jane@example.com",
        "valid": True,
        "language": None,  # not given: follows the global Agent::Language
        "timezone": "Europe/Berlin",
    }
    assert "password" not in body and "password_hash" not in body
    # The password was stored hashed and works.
    assert await login_token(client, "jane", "jane-secret-1")

    fetched = await client.get("/api/v1/agents/2", headers=admin_headers)
    assert fetched.status_code == 200
    assert fetched.json() == body

    patched = await client.patch(
        "/api/v1/agents/2",
        headers=admin_headers,
        json={"first_name": "Janet", "valid": False, "timezone": "UTC"},
    )
    assert patched.status_code == 200
    assert without_timestamps(patched.json()) == without_timestamps(body) | {
        "first_name": "Janet",
        "valid": False,
        "timezone": None,  # UTC is the global value: Jane follows it again, not a copy of it
    }
    own = await client.patch(
        "/api/v1/agents/2", headers=admin_headers, json={"timezone": "Asia/Tokyo"}
    )
    assert own.json()["timezone"] == "Asia/Tokyo"

    deleted = await client.delete("/api/v1/agents/2", headers=admin_headers)
    assert deleted.status_code == 204
    assert (await client.get("/api/v1/agents/2", headers=admin_headers)).status_code == 404
    assert [e for e in events if isinstance(e, AgentChanged)] == [
        AgentChanged(agent_id=2, op="created"),
        AgentChanged(agent_id=2, op="updated"),
        AgentChanged(agent_id=2, op="updated"),
        AgentChanged(agent_id=2, op="deleted"),
    ]


async def test_deleting_an_agent_revokes_their_tokens(
    client: httpx.AsyncClient, admin_headers: dict[str, str], web: WebState
) -> None:
    await client.post(
        "/api/v1/agents",
        headers=admin_headers,
        json={
            "login": "temp",
            "first_name": "T",
            "last_name": "Emp",
            "email": "t@example.com",
            "password": "temp-secret-1",
        },
    )
    token = await login_token(client, "temp", "temp-secret-1")
    assert (await client.delete("/api/v1/agents/2", headers=admin_headers)).status_code == 204
    async with unit_of_work(web.session_factory) as session:
        left = await session.scalar(
            select(func.count()).select_from(AuthToken).where(AuthToken.user_id == 2)
        )
    assert left == 0
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401


async def test_duplicate_agent_login_is_409_case_insensitive(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    response = await client.post(
        "/api/v1/agents",
        headers=admin_headers,
        json={"login": "ADMIN", "first_name": "A", "last_name": "B", "email": "a@example.com"},
    )
    assert error_of(response) == (409, "login_taken", ["login"])
    listed = await client.get("/api/v1/agents", headers=admin_headers)
    assert listed.json()["total"] == 1
    assert events == []


async def test_renaming_an_agent_to_a_taken_login_is_409(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    await client.post(
        "/api/v1/agents",
        headers=admin_headers,
        json={"login": "jane", "first_name": "J", "last_name": "D", "email": "j@example.com"},
    )
    events.clear()
    response = await client.patch(
        "/api/v1/agents/2", headers=admin_headers, json={"login": "Admin"}
    )
    assert error_of(response) == (409, "login_taken", ["login"])
    # Keeping one's own login (in another case) is not a conflict.
    same = await client.patch("/api/v1/agents/2", headers=admin_headers, json={"login": "JANE"})
    assert same.status_code == 200
    assert same.json()["login"] == "JANE"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"login": "has space"}, "login"),
        ({"password": "short"}, "password"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"language": "xx"}, "language"),
        ({"first_name": ""}, "first_name"),
        ({"first_name": "nul\u0000byte"}, "first_name"),
    ],
)
async def test_agent_input_is_validated(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    events: RecordedEvents,
    body: dict[str, Any],
    field: str,
) -> None:
    valid = {"login": "jane", "first_name": "J", "last_name": "D", "email": "j@example.com"}
    response = await client.post("/api/v1/agents", headers=admin_headers, json=valid | body)
    assert error_of(response)[:2] == (422, "validation_failed")
    assert field in error_of(response)[2]
    patched = await client.patch("/api/v1/agents/1", headers=admin_headers, json=body)
    assert patched.status_code == 422
    assert field in error_of(patched)[2]
    listed = await client.get("/api/v1/agents", headers=admin_headers)
    assert [a["login"] for a in listed.json()["items"]] == ["admin"]
    assert listed.json()["items"][0]["first_name"] == "Admin"
    assert events == []


async def test_agent_patch_refuses_null_and_unknown_fields(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    null_login = await client.patch("/api/v1/agents/1", headers=admin_headers, json={"login": None})
    assert error_of(null_login) == (422, "validation_failed", ["login"])
    unknown = await client.patch("/api/v1/agents/1", headers=admin_headers, json={"shoe": 42})
    assert error_of(unknown) == (422, "validation_failed", ["shoe"])


async def test_admin_cannot_delete_or_invalidate_themselves(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    deleted = await client.delete("/api/v1/agents/1", headers=admin_headers)
    assert error_of(deleted)[:2] == (409, "protected")
    invalid = await client.patch("/api/v1/agents/1", headers=admin_headers, json={"valid": False})
    assert error_of(invalid)[:2] == (409, "protected")
    assert (await client.get("/api/v1/agents/1", headers=admin_headers)).json()["valid"] is True
    assert events == []


async def test_agent_who_owns_tickets_cannot_be_deleted(
    client: httpx.AsyncClient, admin_headers: dict[str, str], web: WebState, events: RecordedEvents
) -> None:
    await client.post(
        "/api/v1/agents",
        headers=admin_headers,
        json={"login": "owner", "first_name": "O", "last_name": "W", "email": "o@example.com"},
    )
    async with unit_of_work(web.session_factory) as session:
        session.add(
            Ticket(
                number="2026010100001",
                title="Printer on fire",
                queue_id=await session.scalar(select(Queue.id).where(Queue.name == "Raw")),
                state_id=await session.scalar(
                    select(TicketState.id).where(TicketState.name == "new")
                ),
                priority_id=await session.scalar(
                    select(Priority.id).where(Priority.name == "3 normal")
                ),
                owner_id=2,
                responsible_id=2,
            )
        )
    events.clear()
    response = await client.delete("/api/v1/agents/2", headers=admin_headers)
    assert error_of(response) == (409, "agent_in_use", [])
    assert "valid to false" in response.json()["error"]["message"]
    assert (await client.get("/api/v1/agents/2", headers=admin_headers)).status_code == 200
    async with unit_of_work(web.session_factory) as session:
        assert await session.get(Agent, 2) is not None
    assert events == []


async def test_agent_list_search_valid_and_paging(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    for login, email, valid in [
        ("carol", "carol@example.com", True),
        ("bob", "bob@shop.example", False),
        ("dave", "dave@shop.example", True),
    ]:
        response = await client.post(
            "/api/v1/agents",
            headers=admin_headers,
            json={"login": login, "first_name": login.title(), "last_name": "X", "email": email}
            | {"valid": valid},
        )
        assert response.status_code == 201

    async def logins(query: str) -> tuple[list[str], int]:
        response = await client.get(f"/api/v1/agents?{query}", headers=admin_headers)
        assert response.status_code == 200
        body = response.json()
        return [a["login"] for a in body["items"]], body["total"]

    assert await logins("") == (["admin", "bob", "carol", "dave"], 4)
    assert await logins("limit=2&offset=1") == (["bob", "carol"], 4)
    assert await logins("limit=2&offset=4") == ([], 4)
    assert await logins("search=SHOP") == (["bob", "dave"], 2)
    assert await logins("search=shop&valid=true") == (["dave"], 1)
    assert await logins("valid=false") == (["bob"], 1)
    assert await logins("search=%25") == ([], 0)  # "%" matches itself, not everything
    assert await logins("search=carol&limit=1") == (["carol"], 1)

    bad_limit = await client.get("/api/v1/agents?limit=0", headers=admin_headers)
    assert error_of(bad_limit) == (422, "validation_failed", ["limit"])
    bad_offset = await client.get("/api/v1/agents?offset=-1", headers=admin_headers)
    assert error_of(bad_offset) == (422, "validation_failed", ["offset"])
    bad_valid = await client.get("/api/v1/agents?valid=maybe", headers=admin_headers)
    assert error_of(bad_valid) == (422, "validation_failed", ["valid"])


# --- customer companies and users ----------------------------------------------------------------


async def test_customer_company_crud_and_in_use(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    created = await client.post(
        "/api/v1/customer-companies",
        headers=admin_headers,
        json={"customer_id": "ACME", "name": "Acme Ltd", "city": "Springfield"},
    )
    assert created.status_code == 201
    company = created.json()
    assert without_timestamps(company) == {
        "id": 1,
        "customer_id": "ACME",
        "name": "Acme Ltd",
        "street": None,
        "city": "Springfield",
        "country": None,
        "url": None,
        "comment": None,
        "valid": True,
    }
    duplicate = await client.post(
        "/api/v1/customer-companies",
        headers=admin_headers,
        json={"customer_id": "acme", "name": "Other"},
    )
    assert error_of(duplicate) == (409, "customer_id_taken", ["customer_id"])

    patched = await client.patch(
        "/api/v1/customer-companies/1",
        headers=admin_headers,
        json={"name": "Acme Inc", "city": None},
    )
    assert patched.status_code == 200
    assert (patched.json()["name"], patched.json()["city"]) == ("Acme Inc", None)
    # customer_id is the company's key: it cannot be changed.
    rekeyed = await client.patch(
        "/api/v1/customer-companies/1", headers=admin_headers, json={"customer_id": "X"}
    )
    assert error_of(rekeyed) == (422, "validation_failed", ["customer_id"])

    user = await client.post(
        "/api/v1/customer-users",
        headers=admin_headers,
        json={
            "login": "wile",
            "first_name": "Wile",
            "last_name": "Coyote",
            "email": "wile@acme.example",
            "customer_id": "ACME",
        },
    )
    assert user.status_code == 201
    events.clear()
    in_use = await client.delete("/api/v1/customer-companies/1", headers=admin_headers)
    assert error_of(in_use) == (409, "customer_company_in_use", [])
    assert "1 customer user(s)" in in_use.json()["error"]["message"]
    assert events == []

    assert (
        await client.delete("/api/v1/customer-users/1", headers=admin_headers)
    ).status_code == 204
    assert (
        await client.delete("/api/v1/customer-companies/1", headers=admin_headers)
    ).status_code == 204
    gone = await client.get("/api/v1/customer-companies/1", headers=admin_headers)
    assert error_of(gone) == (404, "not_found", [])
    assert events == [
        CustomerUserChanged(customer_user_id=1, op="deleted"),
        CustomerCompanyChanged(company_id=1, op="deleted"),
    ]


async def test_customer_user_crud(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    await client.post(
        "/api/v1/customer-companies", headers=admin_headers, json={"customer_id": "C1", "name": "C"}
    )
    created = await client.post(
        "/api/v1/customer-users",
        headers=admin_headers,
        json={
            "login": "road@runner.example",
            "first_name": "Road",
            "last_name": "Runner",
            "email": "road@runner.example",
            "password": "meep-meep-1",
            "customer_id": "C1",
            "phone": "+1 555 0100",
        },
    )
    assert created.status_code == 201
    assert without_timestamps(created.json()) == {
        "id": 1,
        "login": "road@runner.example",
        "first_name": "Road",
        "last_name": "Runner",
        "email": "road@runner.example",
        "customer_id": "C1",
        "phone": "+1 555 0100",
        "mobile": None,
        "valid": True,
        "language": "en",
        "timezone": "UTC",
    }
    assert await login_token(client, "road@runner.example", "meep-meep-1", realm="customer")

    duplicate = await client.post(
        "/api/v1/customer-users",
        headers=admin_headers,
        json={
            "login": "ROAD@runner.example",
            "first_name": "R",
            "last_name": "R",
            "email": "r@x.org",
        },
    )
    assert error_of(duplicate) == (409, "login_taken", ["login"])

    patched = await client.patch(
        "/api/v1/customer-users/1", headers=admin_headers, json={"customer_id": None, "mobile": "1"}
    )
    assert patched.status_code == 200
    assert (patched.json()["customer_id"], patched.json()["mobile"]) == (None, "1")

    listed = await client.get("/api/v1/customer-users?search=runner", headers=admin_headers)
    assert [u["id"] for u in listed.json()["items"]] == [1]
    assert listed.json()["total"] == 1
    assert [e for e in events if isinstance(e, CustomerUserChanged)] == [
        CustomerUserChanged(customer_user_id=1, op="created"),
        CustomerUserChanged(customer_user_id=1, op="updated"),
    ]


async def test_customer_user_needs_an_existing_company(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    body = {"login": "x", "first_name": "X", "last_name": "Y", "email": "x@example.com"}
    response = await client.post(
        "/api/v1/customer-users", headers=admin_headers, json=body | {"customer_id": "NOPE"}
    )
    assert error_of(response) == (422, "validation_failed", ["customer_id"])
    listed = await client.get("/api/v1/customer-users", headers=admin_headers)
    assert listed.json() == {"items": [], "total": 0}
    assert events == []

    created = await client.post("/api/v1/customer-users", headers=admin_headers, json=body)
    assert created.status_code == 201
    assert created.json()["customer_id"] is None
    moved = await client.patch(
        "/api/v1/customer-users/1", headers=admin_headers, json={"customer_id": "NOPE"}
    )
    assert error_of(moved) == (422, "validation_failed", ["customer_id"])


# --- groups and roles ----------------------------------------------------------------------------


async def test_group_crud_protection_and_in_use(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    listed = await client.get("/api/v1/groups", headers=admin_headers)
    assert [(g["id"], g["name"]) for g in listed.json()["items"]] == [
        (ADMIN_GROUP, "admin"),
        (STATS_GROUP, "stats"),
        (USERS_GROUP, "users"),
    ]
    created = await client.post(
        "/api/v1/groups", headers=admin_headers, json={"name": "support", "comment": "1st level"}
    )
    assert created.status_code == 201
    assert without_timestamps(created.json()) == {
        "id": 4,
        "name": "support",
        "comment": "1st level",
        "valid": True,
    }
    duplicate = await client.post("/api/v1/groups", headers=admin_headers, json={"name": "Users"})
    assert error_of(duplicate) == (409, "name_taken", ["name"])

    patched = await client.patch(
        "/api/v1/groups/4", headers=admin_headers, json={"name": "second", "comment": None}
    )
    assert (patched.json()["name"], patched.json()["comment"]) == ("second", None)

    events.clear()
    for change in ({"name": "root"}, {"valid": False}):
        refused = await client.patch(
            f"/api/v1/groups/{ADMIN_GROUP}", headers=admin_headers, json=change
        )
        assert error_of(refused)[:2] == (409, "protected")
    refused_delete = await client.delete(f"/api/v1/groups/{ADMIN_GROUP}", headers=admin_headers)
    assert error_of(refused_delete)[:2] == (409, "protected")
    # The queues Raw, Junk, Misc and Postmaster belong to "users".
    in_use = await client.delete(f"/api/v1/groups/{USERS_GROUP}", headers=admin_headers)
    assert error_of(in_use) == (409, "group_in_use", [])
    assert events == []
    still = await client.get(f"/api/v1/groups/{USERS_GROUP}", headers=admin_headers)
    assert still.json()["name"] == "users"

    assert (await client.delete("/api/v1/groups/4", headers=admin_headers)).status_code == 204
    assert events == [GroupChanged(group_id=4, op="deleted")]


async def test_role_crud(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    created = await client.post(
        "/api/v1/roles", headers=admin_headers, json={"name": "Supervisor", "valid": False}
    )
    assert created.status_code == 201
    assert without_timestamps(created.json()) == {
        "id": 1,
        "name": "Supervisor",
        "comment": None,
        "valid": False,
    }
    duplicate = await client.post(
        "/api/v1/roles", headers=admin_headers, json={"name": "supervisor"}
    )
    assert error_of(duplicate) == (409, "name_taken", ["name"])
    empty_name = await client.post("/api/v1/roles", headers=admin_headers, json={"name": "  "})
    assert error_of(empty_name) == (422, "validation_failed", ["name"])
    patched = await client.patch("/api/v1/roles/1", headers=admin_headers, json={"valid": True})
    assert patched.json()["valid"] is True
    listed = await client.get("/api/v1/roles?valid=true", headers=admin_headers)
    assert [r["name"] for r in listed.json()["items"]] == ["Supervisor"]

    await client.put("/api/v1/roles/1/agents/1", headers=admin_headers, json={})
    events.clear()
    assert (await client.delete("/api/v1/roles/1", headers=admin_headers)).status_code == 204
    assert events == [RoleChanged(role_id=1, op="deleted"), PermissionsChanged(agent_ids=(1,))]
    assert (await client.get("/api/v1/roles", headers=admin_headers)).json() == {
        "items": [],
        "total": 0,
    }


@pytest.mark.parametrize(
    "resource", ["agents", "customer-companies", "customer-users", "groups", "roles"]
)
async def test_unknown_ids_are_404(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    events: RecordedEvents,
    resource: str,
) -> None:
    for method, body in (("GET", None), ("PATCH", {}), ("DELETE", None)):
        response = await client.request(
            method, f"/api/v1/{resource}/999", headers=admin_headers, json=body
        )
        assert error_of(response)[:2] == (404, "not_found"), (method, response.text)
    huge = await client.get(f"/api/v1/{resource}/99999999999", headers=admin_headers)
    assert huge.status_code == 422
    assert events == []
