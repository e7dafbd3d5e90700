"""Who may administer, the permission matrices, and each user's own preferences and password.

Default data: groups users (1), admin (2), stats (3); the agent admin (1) with rw + chat_owner in
all three.
"""

from __future__ import annotations

from typing import Any

import httpx

from frontdesk.domain.accounts.events import (
    PasswordChanged,
    PermissionsChanged,
    PreferencesChanged,
)
from tests.conftest import ADMIN_PASSWORD, RecordedEvents, login_token

USERS_GROUP, ADMIN_GROUP, STATS_GROUP = 1, 2, 3
ALL_TICKET = ["ro", "move_into", "create", "note", "owner", "priority", "rw"]
ALL_CHAT = ["chat_observer", "chat_participant", "chat_owner"]


async def create_agent(
    client: httpx.AsyncClient, admin_headers: dict[str, str], login: str, password: str | None
) -> int:
    body: dict[str, Any] = {
        "login": login,
        "first_name": login.title(),
        "last_name": "Agent",
        "email": f"{login}@example.com",
    }
    if password:
        body["password"] = password
    response = await client.post("/api/v1/agents", headers=admin_headers, json=body)
    assert response.status_code == 201, response.text
    agent_id: int = response.json()["id"]
    return agent_id


async def bearer(
    client: httpx.AsyncClient, login: str, password: str, realm: str = "agent"
) -> dict[str, str]:
    return {"Authorization": f"Bearer {await login_token(client, login, password, realm)}"}


def admin_requests() -> list[tuple[str, str, dict[str, Any] | None]]:
    """One request per administration endpoint (the ids exist after ``everything_once``)."""
    agent = {"login": "x", "first_name": "X", "last_name": "Y", "email": "x@example.com"}
    return [
        ("GET", "/api/v1/agents", None),
        ("POST", "/api/v1/agents", agent),
        ("GET", "/api/v1/agents/1", None),
        ("PATCH", "/api/v1/agents/1", {"first_name": "Mallory"}),
        ("DELETE", "/api/v1/agents/1", None),
        ("GET", "/api/v1/agents/1/permissions", None),
        ("GET", "/api/v1/customer-companies", None),
        ("POST", "/api/v1/customer-companies", {"customer_id": "EVIL", "name": "Evil"}),
        ("GET", "/api/v1/customer-companies/1", None),
        ("PATCH", "/api/v1/customer-companies/1", {"name": "Evil"}),
        ("DELETE", "/api/v1/customer-companies/1", None),
        ("GET", "/api/v1/customer-users", None),
        ("POST", "/api/v1/customer-users", agent),
        ("GET", "/api/v1/customer-users/1", None),
        ("PATCH", "/api/v1/customer-users/1", {"first_name": "Evil"}),
        ("DELETE", "/api/v1/customer-users/1", None),
        ("GET", "/api/v1/groups", None),
        ("POST", "/api/v1/groups", {"name": "evil"}),
        ("GET", "/api/v1/groups/1", None),
        ("PATCH", "/api/v1/groups/1", {"name": "evil"}),
        ("DELETE", "/api/v1/groups/3", None),
        ("GET", "/api/v1/groups/2/agents", None),
        ("PUT", "/api/v1/groups/2/agents/2", {"permissions": ["rw"]}),
        ("GET", "/api/v1/groups/2/roles", None),
        ("PUT", "/api/v1/groups/2/roles/1", {"permissions": ["rw"]}),
        ("GET", "/api/v1/groups/1/customer-users", None),
        ("PUT", "/api/v1/groups/1/customer-users/1", {"permissions": ["rw"]}),
        ("GET", "/api/v1/roles", None),
        ("POST", "/api/v1/roles", {"name": "evil"}),
        ("GET", "/api/v1/roles/1", None),
        ("PATCH", "/api/v1/roles/1", {"name": "evil"}),
        ("DELETE", "/api/v1/roles/1", None),
        ("GET", "/api/v1/roles/1/agents", None),
        ("PUT", "/api/v1/roles/1/agents/2", {}),
        ("DELETE", "/api/v1/roles/1/agents/2", None),
    ]


async def everything_once(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    """A role (1) with a member, a company (1) and a customer user (1)."""
    for path, body in [
        ("/api/v1/roles", {"name": "Support"}),
        ("/api/v1/customer-companies", {"customer_id": "ACME", "name": "Acme"}),
        (
            "/api/v1/customer-users",
            {"login": "c", "first_name": "C", "last_name": "U", "email": "c@example.com"},
        ),
    ]:
        assert (await client.post(path, headers=admin_headers, json=body)).status_code == 201
    member = await client.put("/api/v1/roles/1/agents/1", headers=admin_headers, json={})
    assert member.status_code == 200


async def snapshot(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> list[Any]:
    """Everything the administration endpoints could change, as the admin sees it."""
    paths = [
        "/api/v1/agents",
        "/api/v1/customer-companies",
        "/api/v1/customer-users",
        "/api/v1/groups",
        "/api/v1/roles",
        "/api/v1/roles/1/agents",
        "/api/v1/groups/1/customer-users",
        *[f"/api/v1/groups/{g}/{kind}" for g in (1, 2, 3) for kind in ("agents", "roles")],
    ]
    return [(await client.get(path, headers=admin_headers)).json() for path in paths]


# --- who may administer --------------------------------------------------------------------------


async def test_every_admin_endpoint_needs_auth_and_the_admin_group(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    await everything_once(client, admin_headers)
    await create_agent(client, admin_headers, "mallory", "mallory-pass-1")
    mallory = await bearer(client, "mallory", "mallory-pass-1")
    # rw everywhere but in "admin" is still no administrator; ro in admin is not enough either.
    for group, permissions in ((USERS_GROUP, ["rw", "chat_owner"]), (ADMIN_GROUP, ["ro"])):
        response = await client.put(
            f"/api/v1/groups/{group}/agents/2",
            headers=admin_headers,
            json={"permissions": permissions},
        )
        assert response.status_code == 200
    before = await snapshot(client, admin_headers)
    events.clear()

    for method, path, body in admin_requests():
        anonymous = await client.request(method, path, json=body)
        assert anonymous.status_code == 401, (method, path)
        assert anonymous.json()["error"]["code"] == "authentication_required"
        denied = await client.request(method, path, json=body, headers=mallory)
        assert denied.status_code == 403, (method, path, denied.text)
        assert denied.json()["error"]["code"] == "admin_only"
        # Even an invalid body is answered 403, not 422: nothing is revealed to a non-admin.
        if body is not None and body:
            garbage = await client.request(method, path, json={"??": 1}, headers=mallory)
            assert garbage.status_code == 403, (method, path)

    assert await snapshot(client, admin_headers) == before
    assert events == []


async def test_customer_tokens_are_not_admins(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    await client.post(
        "/api/v1/customer-users",
        headers=admin_headers,
        json={
            "login": "cust",
            "first_name": "C",
            "last_name": "U",
            "email": "c@example.com",
            "password": "customer-pass-1",
        },
    )
    customer = await bearer(client, "cust", "customer-pass-1", realm="customer")
    events.clear()
    for method, path, body in admin_requests()[:6]:
        response = await client.request(method, path, json=body, headers=customer)
        assert response.status_code == 403, (method, path)
    assert events == []


async def test_granting_admin_rw_makes_an_administrator(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await create_agent(client, admin_headers, "nina", "nina-pass-12")
    nina = await bearer(client, "nina", "nina-pass-12")
    assert (await client.get("/api/v1/groups", headers=nina)).status_code == 403
    await client.put(
        f"/api/v1/groups/{ADMIN_GROUP}/agents/2",
        headers=admin_headers,
        json={"permissions": ["rw"]},
    )
    assert (await client.get("/api/v1/groups", headers=nina)).status_code == 200


# --- group ↔ agent -------------------------------------------------------------------------------


async def test_group_agent_permissions_replace_and_remove(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    agent_id = await create_agent(client, admin_headers, "sam", None)
    events.clear()
    put = await client.put(
        f"/api/v1/groups/{STATS_GROUP}/agents/{agent_id}",
        headers=admin_headers,
        json={"permissions": ["note", "ro", "chat_observer", "ro"]},
    )
    assert put.status_code == 200
    assert put.json() == {
        "group_id": STATS_GROUP,
        "agent_id": agent_id,
        "permissions": ["ro", "note", "chat_observer"],
    }
    assert events == [PermissionsChanged(agent_ids=(agent_id,))]

    matrix = await client.get(f"/api/v1/groups/{STATS_GROUP}/agents", headers=admin_headers)
    assert matrix.json() == {
        "items": [
            {
                "agent_id": 1,
                "login": "admin",
                "first_name": "Admin",
                "last_name": "Frontdesk",
                "valid": True,
                "permissions": ["rw", "chat_owner"],
            },
            {
                "agent_id": agent_id,
                "login": "sam",
                "first_name": "Sam",
                "last_name": "Agent",
                "valid": True,
                "permissions": ["ro", "note", "chat_observer"],
            },
        ],
        "total": 2,
    }
    paged = await client.get(
        f"/api/v1/groups/{STATS_GROUP}/agents?limit=1&offset=1", headers=admin_headers
    )
    assert [i["login"] for i in paged.json()["items"]] == ["sam"]
    assert paged.json()["total"] == 2

    replaced = await client.put(
        f"/api/v1/groups/{STATS_GROUP}/agents/{agent_id}",
        headers=admin_headers,
        json={"permissions": ["owner"]},
    )
    assert replaced.json()["permissions"] == ["owner"]
    removed = await client.put(
        f"/api/v1/groups/{STATS_GROUP}/agents/{agent_id}",
        headers=admin_headers,
        json={"permissions": []},
    )
    assert removed.json()["permissions"] == []
    effective = await client.get(f"/api/v1/agents/{agent_id}/permissions", headers=admin_headers)
    assert effective.json() == {"items": [], "total": 0}


async def test_group_agent_permissions_refuse_bad_input(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    agent_id = await create_agent(client, admin_headers, "sam", None)
    events.clear()
    before = (
        await client.get(f"/api/v1/groups/{USERS_GROUP}/agents", headers=admin_headers)
    ).json()

    unknown = await client.put(
        f"/api/v1/groups/{USERS_GROUP}/agents/{agent_id}",
        headers=admin_headers,
        json={"permissions": ["ro", "superuser"]},
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"]["details"][0]["field"] == "permissions"
    assert "superuser" in unknown.json()["error"]["message"]
    missing = await client.put(
        f"/api/v1/groups/{USERS_GROUP}/agents/{agent_id}", headers=admin_headers, json={}
    )
    assert missing.status_code == 422
    assert missing.json()["error"]["details"][0]["field"] == "permissions"
    for path in (
        f"/api/v1/groups/999/agents/{agent_id}",
        f"/api/v1/groups/{USERS_GROUP}/agents/999",
    ):
        response = await client.put(path, headers=admin_headers, json={"permissions": ["ro"]})
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert (await client.get("/api/v1/groups/999/agents", headers=admin_headers)).status_code == 404

    after = (await client.get(f"/api/v1/groups/{USERS_GROUP}/agents", headers=admin_headers)).json()
    assert after == before
    assert events == []


# --- roles ---------------------------------------------------------------------------------------


async def test_role_permissions_reach_members_and_expand(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    agent_id = await create_agent(client, admin_headers, "rita", None)
    await client.post("/api/v1/roles", headers=admin_headers, json={"name": "Chat lead"})
    events.clear()

    grant = await client.put(
        f"/api/v1/groups/{USERS_GROUP}/roles/1",
        headers=admin_headers,
        json={"permissions": ["chat_participant", "rw"]},
    )
    assert grant.json() == {
        "group_id": USERS_GROUP,
        "role_id": 1,
        "permissions": ["rw", "chat_participant"],
    }
    join = await client.put(f"/api/v1/roles/1/agents/{agent_id}", headers=admin_headers, json={})
    assert join.status_code == 200
    assert join.json() == {"role_id": 1, "agent_id": agent_id}
    again = await client.put(f"/api/v1/roles/1/agents/{agent_id}", headers=admin_headers, json={})
    assert again.status_code == 200
    # Nobody was in the role when it got its permissions; joining (once) changes rita's.
    assert events == [PermissionsChanged(agent_ids=()), PermissionsChanged(agent_ids=(agent_id,))]

    await client.put(
        f"/api/v1/groups/{USERS_GROUP}/agents/{agent_id}",
        headers=admin_headers,
        json={"permissions": ["note"]},
    )
    effective = await client.get(f"/api/v1/agents/{agent_id}/permissions", headers=admin_headers)
    assert effective.json() == {
        "items": [
            {
                "group_id": USERS_GROUP,
                "group_name": "users",
                # rw → every ticket type; chat_participant → chat_observer too, not chat_owner.
                "permissions": [*ALL_TICKET, "chat_observer", "chat_participant"],
                "direct": ["note"],
                "via_roles": ["rw", "chat_participant"],
            }
        ],
        "total": 1,
    }
    roles = await client.get(f"/api/v1/groups/{USERS_GROUP}/roles", headers=admin_headers)
    assert roles.json() == {
        "items": [
            {
                "role_id": 1,
                "name": "Chat lead",
                "valid": True,
                "permissions": ["rw", "chat_participant"],
            }
        ],
        "total": 1,
    }
    members = await client.get("/api/v1/roles/1/agents", headers=admin_headers)
    assert members.json() == {
        "items": [
            {
                "agent_id": agent_id,
                "login": "rita",
                "first_name": "Rita",
                "last_name": "Agent",
                "valid": True,
            }
        ],
        "total": 1,
    }

    # An invalid role grants nothing; neither does an invalid group.
    events.clear()
    await client.patch("/api/v1/roles/1", headers=admin_headers, json={"valid": False})
    assert events[-1] == PermissionsChanged(agent_ids=(agent_id,))
    effective = await client.get(f"/api/v1/agents/{agent_id}/permissions", headers=admin_headers)
    assert effective.json()["items"][0]["permissions"] == ["note"]
    await client.patch("/api/v1/roles/1", headers=admin_headers, json={"valid": True})
    await client.put(
        f"/api/v1/groups/{STATS_GROUP}/agents/{agent_id}",
        headers=admin_headers,
        json={"permissions": ["chat_owner"]},
    )
    effective = await client.get(f"/api/v1/agents/{agent_id}/permissions", headers=admin_headers)
    stats = effective.json()["items"][0]
    assert (stats["group_name"], stats["permissions"]) == ("stats", ALL_CHAT)
    events.clear()
    await client.patch(
        f"/api/v1/groups/{STATS_GROUP}", headers=admin_headers, json={"valid": False}
    )
    assert events[-1] == PermissionsChanged(agent_ids=(1, agent_id))
    effective = await client.get(f"/api/v1/agents/{agent_id}/permissions", headers=admin_headers)
    assert [i["group_name"] for i in effective.json()["items"]] == ["users"]

    events.clear()
    left = await client.delete(f"/api/v1/roles/1/agents/{agent_id}", headers=admin_headers)
    assert left.status_code == 204
    assert events == [PermissionsChanged(agent_ids=(agent_id,))]
    effective = await client.get(f"/api/v1/agents/{agent_id}/permissions", headers=admin_headers)
    assert effective.json()["items"][0]["permissions"] == ["note"]
    assert (await client.get("/api/v1/roles/1/agents", headers=admin_headers)).json() == {
        "items": [],
        "total": 0,
    }


async def test_role_member_and_role_group_errors(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    await client.post("/api/v1/roles", headers=admin_headers, json={"name": "R"})
    events.clear()
    for method, path, body in [
        ("PUT", "/api/v1/roles/999/agents/1", {}),
        ("PUT", "/api/v1/roles/1/agents/999", {}),
        ("DELETE", "/api/v1/roles/1/agents/999", None),
        ("GET", "/api/v1/roles/999/agents", None),
        ("PUT", "/api/v1/groups/999/roles/1", {"permissions": []}),
        ("PUT", "/api/v1/groups/1/roles/999", {"permissions": []}),
        ("GET", "/api/v1/agents/999/permissions", None),
    ]:
        response = await client.request(method, path, headers=admin_headers, json=body)
        assert response.status_code == 404, (method, path)
    extra = await client.put("/api/v1/roles/1/agents/1", headers=admin_headers, json={"x": 1})
    assert extra.status_code == 422
    bad = await client.put(
        "/api/v1/groups/1/roles/1", headers=admin_headers, json={"permissions": ["root"]}
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["field"] == "permissions"
    assert (await client.get("/api/v1/groups/1/roles", headers=admin_headers)).json()["items"][0][
        "permissions"
    ] == []
    assert events == []


# --- group ↔ customer user -----------------------------------------------------------------------


async def test_group_customer_user_permissions(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    await client.post(
        "/api/v1/customer-users",
        headers=admin_headers,
        json={"login": "cu", "first_name": "C", "last_name": "U", "email": "c@example.com"},
    )
    events.clear()
    put = await client.put(
        f"/api/v1/groups/{STATS_GROUP}/customer-users/1",
        headers=admin_headers,
        json={"permissions": ["rw", "ro"]},
    )
    assert put.json() == {
        "group_id": STATS_GROUP,
        "customer_user_id": 1,
        "permissions": ["ro", "rw"],
    }
    assert events == [PermissionsChanged(customer_user_ids=(1,))]
    events.clear()
    refused = await client.put(
        f"/api/v1/groups/{STATS_GROUP}/customer-users/1",
        headers=admin_headers,
        json={"permissions": ["owner"]},
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "permissions"
    assert events == []
    matrix = await client.get(f"/api/v1/groups/{STATS_GROUP}/customer-users", headers=admin_headers)
    assert matrix.json() == {
        "items": [
            {
                "customer_user_id": 1,
                "login": "cu",
                "first_name": "C",
                "last_name": "U",
                "valid": True,
                "permissions": ["ro", "rw"],
            }
        ],
        "total": 1,
    }
    cleared = await client.put(
        f"/api/v1/groups/{STATS_GROUP}/customer-users/1",
        headers=admin_headers,
        json={"permissions": []},
    )
    assert cleared.json()["permissions"] == []
    missing = await client.put(
        f"/api/v1/groups/{STATS_GROUP}/customer-users/999",
        headers=admin_headers,
        json={"permissions": []},
    )
    assert missing.status_code == 404


# --- one's own account ---------------------------------------------------------------------------


async def test_agent_changes_own_preferences(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    response = await client.patch(
        "/api/v1/me/preferences",
        headers=admin_headers,
        json={"language": "en", "timezone": "America/New_York"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "realm": "agent",
        "id": 1,
        "login": "admin",
        "first_name": "Admin",
        "last_name": "Frontdesk",
        "email": "admin@example.com",
        "language": "en",
        "timezone": "America/New_York",
        "customer_id": None,
    }
    assert events == [PreferencesChanged(realm="agent", user_id=1)]
    me = await client.get("/api/v1/me", headers=admin_headers)
    assert me.json()["timezone"] == "America/New_York"

    events.clear()
    for body, field in (
        ({"timezone": "Nowhere/Special"}, "timezone"),
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"language": "tlh"}, "language"),
        ({"login": "root"}, "login"),
        ({"timezone": None}, "timezone"),
    ):
        refused = await client.patch("/api/v1/me/preferences", headers=admin_headers, json=body)
        assert refused.status_code == 422, body
        assert refused.json()["error"]["details"][0]["field"] == field
    assert (await client.get("/api/v1/me", headers=admin_headers)).json()["timezone"] == (
        "America/New_York"
    )
    assert events == []
    assert (
        await client.patch("/api/v1/me/preferences", json={"language": "en"})
    ).status_code == 401


async def test_agent_changes_own_password_and_keeps_other_sessions(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    other_session = await bearer(client, "admin", ADMIN_PASSWORD)
    events.clear()
    wrong = await client.post(
        "/api/v1/me/password",
        headers=admin_headers,
        json={"current_password": "not-it", "new_password": "brand-new-pass"},
    )
    assert wrong.status_code == 422
    assert wrong.json()["error"]["details"][0]["field"] == "current_password"
    short = await client.post(
        "/api/v1/me/password",
        headers=admin_headers,
        json={"current_password": ADMIN_PASSWORD, "new_password": "short"},
    )
    assert short.status_code == 422
    assert short.json()["error"]["details"][0]["field"] == "new_password"
    assert events == []

    changed = await client.post(
        "/api/v1/me/password",
        headers=admin_headers,
        json={"current_password": ADMIN_PASSWORD, "new_password": "brand-new-pass"},
    )
    assert changed.status_code == 204
    assert events == [PasswordChanged(realm="agent", user_id=1)]
    assert (await client.get("/api/v1/me", headers=other_session)).status_code == 200
    assert (await client.get("/api/v1/me", headers=admin_headers)).status_code == 200
    old = await client.post(
        "/api/v1/auth/token", json={"login": "admin", "password": ADMIN_PASSWORD, "realm": "agent"}
    )
    assert old.status_code == 401
    assert await login_token(client, "admin", "brand-new-pass")


async def test_customer_changes_own_preferences_and_password(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    await client.post(
        "/api/v1/customer-companies", headers=admin_headers, json={"customer_id": "C9", "name": "C"}
    )
    await client.post(
        "/api/v1/customer-users",
        headers=admin_headers,
        json={
            "login": "cust",
            "first_name": "Cus",
            "last_name": "Tomer",
            "email": "c@example.com",
            "password": "customer-pass-1",
            "customer_id": "C9",
        },
    )
    customer = await bearer(client, "cust", "customer-pass-1", realm="customer")
    events.clear()
    prefs = await client.patch(
        "/api/v1/me/preferences", headers=customer, json={"timezone": "Asia/Tokyo"}
    )
    assert prefs.status_code == 200
    assert (prefs.json()["realm"], prefs.json()["timezone"], prefs.json()["customer_id"]) == (
        "customer",
        "Asia/Tokyo",
        "C9",
    )
    changed = await client.post(
        "/api/v1/me/password",
        headers=customer,
        json={"current_password": "customer-pass-1", "new_password": "customer-pass-2"},
    )
    assert changed.status_code == 204
    assert events == [
        PreferencesChanged(realm="customer", user_id=1),
        PasswordChanged(realm="customer", user_id=1),
    ]
    assert (await client.get("/api/v1/me", headers=customer)).status_code == 200
    assert await login_token(client, "cust", "customer-pass-2", realm="customer")
