"""Admin HTML pages (/admin): lists, add/edit forms, valid toggle, delete, permission matrices.

Driven like a browser: log in through the /login form and post the page forms with the CSRF
token read from the rendered HTML; the results are checked on the pages and through the API.
"""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
from sqlalchemy import select

from frontdesk.core.actor import SYSTEM
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts import actions as account_actions
from frontdesk.domain.accounts.models import Agent
from frontdesk.domain.accounts.schemas import AgentCreate
from frontdesk.domain.runtime import Tx
from frontdesk.web.state import WebState
from tests.conftest import ADMIN_PASSWORD, RecordedEvents

CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')
USERS_GROUP_ID = 1
AGENT_PASSWORD = "agent-password-1"


async def log_in(client: httpx.AsyncClient, login: str, password: str) -> str:
    """Log in through the real form; answer the CSRF token the pages carry."""
    response = await client.post("/login", data={"login": login, "password": password})
    assert response.status_code == 303, response.text
    home = await client.get("/agent")
    assert home.status_code == 200, home.text
    match = CSRF_PATTERN.search(home.text)
    assert match is not None
    return match.group(1)


async def log_in_admin(client: httpx.AsyncClient) -> str:
    return await log_in(client, "admin", ADMIN_PASSWORD)


def first_column(page: str, slug: str) -> list[str]:
    """The linked first cell of every row of an admin list, as the user reads it."""
    cells = re.findall(rf'<td><a href="/admin/{slug}/\d+">([^<]*)</a></td>', page)
    return [html.unescape(cell) for cell in cells]


def pager_link(page: str, rel: str) -> str | None:
    match = re.search(rf'<a href="([^"]+)" rel="{rel}">', page)
    return html.unescape(match.group(1)) if match else None


def field_error(page: str, name: str) -> str | None:
    match = re.search(rf'<p class="field-error" id="{name}-error">([^<]*)</p>', page)
    return html.unescape(match.group(1)) if match else None


def assert_created(response: httpx.Response, slug: str) -> None:
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/admin/{slug}?done=created"


async def api_items(
    client: httpx.AsyncClient, path: str, headers: dict[str, str]
) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/{path}", headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def create_agent(web: WebState, login: str, password: str | None = None) -> int:
    async with unit_of_work(web.session_factory) as session:
        agent = await account_actions.do_create_agent(
            Tx(session=session, runtime=web.runtime),
            SYSTEM,
            AgentCreate(
                login=login,
                first_name=login.capitalize(),
                last_name="Agent",
                email=f"{login}@example.com",
                password=password,
            ),
        )
        return agent.id


# --- lists ------------------------------------------------------------------------------------


async def test_lists_show_the_default_data(client: httpx.AsyncClient) -> None:
    await log_in_admin(client)

    overview = await client.get("/admin")
    assert overview.status_code == 200
    assert 'class="admin-layout"' in overview.text
    assert '<a href="/admin" aria-current="page">Overview</a>' in overview.text
    for slug in ("agents", "groups", "roles", "queues", "states", "priorities", "slas"):
        assert f'href="/admin/{slug}"' in overview.text

    expected = {
        "agents": ["admin"],
        "groups": ["admin", "stats", "users"],
        "queues": ["Junk", "Misc", "Postmaster", "Raw"],
        "states": [
            "closed successful",
            "closed unsuccessful",
            "merged",
            "new",
            "open",
            "pending auto close+",
            "pending auto close-",
            "pending reminder",
            "removed",
        ],
        "priorities": ["1 very low", "2 low", "3 normal", "4 high", "5 very high"],
        "types": ["Unclassified"],
    }
    for slug, names in expected.items():
        page = await client.get(f"/admin/{slug}")
        assert page.status_code == 200, slug
        assert first_column(page.text, slug) == names, slug
        assert f"1–{len(names)} of {len(names)}" in page.text
        assert '<div class="table-wrap">' in page.text
        assert f'<a href="/admin/{slug}" aria-current="page">' in page.text

    queues = await client.get("/admin/queues")
    # The queue's group by name, its comment as stored.
    assert re.search(
        r"Raw</a></td>\s*<td>users</td>\s*<td>All default incoming tickets\.</td>", queues.text
    )
    for slug in ("roles", "customer-companies", "customer-users", "services", "slas"):
        page = await client.get(f"/admin/{slug}")
        assert page.status_code == 200, slug
        assert "Nothing found." in page.text


async def test_list_pages_and_searches(client: httpx.AsyncClient, web: WebState) -> None:
    await log_in_admin(client)
    for login in ("anna", "bert", "carl"):
        await create_agent(web, login)

    first = await client.get("/admin/agents?limit=2")
    assert first_column(first.text, "agents") == ["admin", "anna"]
    assert "1–2 of 4" in first.text
    assert pager_link(first.text, "prev") is None
    next_link = pager_link(first.text, "next")
    assert next_link is not None

    second = await client.get(next_link)
    assert first_column(second.text, "agents") == ["bert", "carl"]
    assert "3–4 of 4" in second.text
    assert pager_link(second.text, "next") is None
    previous = await client.get(pager_link(second.text, "prev") or "")
    assert first_column(previous.text, "agents") == ["admin", "anna"]

    found = await client.get("/admin/agents", params={"search": "ER"})
    assert first_column(found.text, "agents") == ["bert"]
    assert 'value="ER"' in found.text
    assert "1–1 of 1" in found.text

    bad = await client.get("/admin/agents?limit=0")
    assert bad.status_code == 422
    assert "limit must be between 1 and 200" in bad.text


async def test_lists_use_the_admins_own_page_size(client: httpx.AsyncClient, web: WebState) -> None:
    csrf = await log_in_admin(client)
    for login in ("anna", "bert", "carl", "dora", "emil"):
        await create_agent(web, login)
    everyone = await client.get("/admin/agents")
    assert "1–6 of 6" in everyone.text

    saved = await client.put(
        "/api/v1/me/settings/Frontend::Admin::PageSize",
        json={"value": 5},
        headers={"X-CSRF-Token": csrf},
    )
    assert saved.status_code == 200, saved.text
    mine = await client.get("/admin/agents")
    assert first_column(mine.text, "agents") == ["admin", "anna", "bert", "carl", "dora"]
    assert "1–5 of 6" in mine.text
    explicit = await client.get("/admin/agents?limit=2")  # a link's own limit still wins
    assert "1–2 of 6" in explicit.text


# --- add and edit forms -----------------------------------------------------------------------


async def test_add_and_edit_an_agent(
    client: httpx.AsyncClient, web: WebState, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    csrf = await log_in_admin(client)
    form = await client.get("/admin/agents/new")
    assert form.status_code == 200
    for name in ("login", "first_name", "last_name", "email", "password", "valid"):
        assert f'<label for="{name}">' in form.text
        assert f'id="{name}"' in form.text

    events.clear()
    response = await client.post(
        "/admin/agents/new",
        data={
            "csrf_token": csrf,
            "login": "jane",
            "first_name": "Jane",
            "last_name": "Doe",
            "email": "jane@example.com",
            "password": AGENT_PASSWORD,
            "valid": "1",
        },
    )
    assert_created(response, "agents")
    assert events.kinds() == ["accounts.agent_changed"]
    listed = await client.get(response.headers["location"])
    assert '<p class="flash" role="status">Created.</p>' in listed.text
    assert first_column(listed.text, "agents") == ["admin", "jane"]

    (jane,) = [a for a in await api_items(client, "agents", admin_headers) if a["login"] == "jane"]
    assert (jane["first_name"], jane["last_name"], jane["email"], jane["valid"]) == (
        "Jane",
        "Doe",
        "jane@example.com",
        True,
    )
    async with web.session_factory() as session:
        hash_before = await session.scalar(
            select(Agent.password_hash).where(Agent.id == jane["id"])
        )
    assert hash_before

    edit = await client.get(f"/admin/agents/{jane['id']}")
    assert edit.status_code == 200
    assert "<h1>Edit jane</h1>" in edit.text
    assert 'id="first_name" name="first_name" type="text" value="Jane"' in edit.text
    # The password is never sent back to the browser.
    assert AGENT_PASSWORD not in edit.text

    # An empty password keeps the current one; an unticked "valid" makes the agent invalid.
    saved = await client.post(
        f"/admin/agents/{jane['id']}",
        data={
            "csrf_token": csrf,
            "login": "jane",
            "first_name": "Janet",
            "last_name": "Doe",
            "email": "janet@example.com",
            "password": "",
        },
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/admin/agents?done=saved"
    after = (await client.get(f"/api/v1/agents/{jane['id']}", headers=admin_headers)).json()
    assert (after["first_name"], after["email"], after["valid"]) == (
        "Janet",
        "janet@example.com",
        False,
    )
    async with web.session_factory() as session:
        hash_after = await session.scalar(select(Agent.password_hash).where(Agent.id == jane["id"]))
    assert hash_after == hash_before


async def test_add_a_group_a_queue_a_service_and_an_sla(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    csrf = await log_in_admin(client)

    response = await client.post(
        "/admin/groups/new",
        data={"csrf_token": csrf, "name": "support", "comment": "First line", "valid": "1"},
    )
    assert_created(response, "groups")
    groups = await api_items(client, "groups", admin_headers)
    (support,) = [g for g in groups if g["name"] == "support"]
    assert (support["comment"], support["valid"]) == ("First line", True)

    queue_form = await client.get("/admin/queues/new")
    assert f'<option value="{support["id"]}">support</option>' in queue_form.text
    assert 'id="unlock_timeout" name="unlock_timeout" type="number"' in queue_form.text
    response = await client.post(
        "/admin/queues/new",
        data={
            "csrf_token": csrf,
            "name": "Hotline",
            "group_id": str(support["id"]),
            "unlock_timeout": "30",
            "valid": "1",
        },
    )
    assert_created(response, "queues")
    listed = await client.get("/admin/queues")
    assert first_column(listed.text, "queues") == ["Hotline", "Junk", "Misc", "Postmaster", "Raw"]
    (hotline,) = [
        q for q in await api_items(client, "queues", admin_headers) if q["name"] == "Hotline"
    ]
    assert (hotline["group_id"], hotline["comment"], hotline["valid"]) == (
        support["id"],
        None,
        True,
    )
    assert hotline["unlock_timeout"] == 30

    response = await client.post(
        "/admin/services/new", data={"csrf_token": csrf, "name": "Email", "valid": "1"}
    )
    assert_created(response, "services")
    (email,) = await api_items(client, "services", admin_headers)
    response = await client.post(
        "/admin/services/new",
        data={"csrf_token": csrf, "name": "Outage", "parent_id": str(email["id"]), "valid": "1"},
    )
    assert_created(response, "services")
    services = await client.get("/admin/services")
    assert first_column(services.text, "services") == ["Email", "Email::Outage"]
    outage = [
        s for s in await api_items(client, "services", admin_headers) if s["name"] == "Outage"
    ]
    assert outage[0]["parent_id"] == email["id"]

    sla_form = await client.get("/admin/slas/new")
    for name in (
        "name",
        "service_ids",
        "first_response_minutes",
        "first_response_notify",
        "update_minutes",
        "update_notify",
        "solution_minutes",
        "solution_notify",
        "dialog_message",
        "comment",
        "valid",
    ):
        assert f'<label for="{name}">' in sla_form.text
    assert '<select id="service_ids" name="service_ids" multiple' in sla_form.text
    response = await client.post(
        "/admin/slas/new",
        data={
            "csrf_token": csrf,
            "name": "Gold",
            "service_ids": [str(email["id"]), str(outage[0]["id"])],
            "first_response_minutes": "30",
            "first_response_notify": "80",
            "update_minutes": "",
            "update_notify": "",
            "solution_minutes": "480",
            "solution_notify": "",
            "dialog_message": "We answer within 30 minutes.",
            "comment": "",
            "valid": "1",
        },
    )
    assert_created(response, "slas")
    (gold,) = await api_items(client, "slas", admin_headers)
    assert gold["name"] == "Gold"
    assert gold["service_ids"] == sorted([email["id"], outage[0]["id"]])
    assert (gold["first_response_minutes"], gold["update_minutes"], gold["solution_minutes"]) == (
        30,
        None,
        480,
    )
    assert (gold["first_response_notify"], gold["update_notify"], gold["solution_notify"]) == (
        80,
        None,
        None,
    )
    assert gold["dialog_message"] == "We answer within 30 minutes."
    assert gold["comment"] is None
    slas = await client.get("/admin/slas")
    assert re.search(r"Gold</a></td>\s*<td>Email, Email::Outage</td>\s*<td>30</td>", slas.text)

    edit = await client.get(f"/admin/slas/{gold['id']}")
    assert f'<option value="{email["id"]}" selected>Email</option>' in edit.text
    assert ">We answer within 30 minutes.</textarea>" in edit.text


async def test_bad_forms_show_inline_errors_and_store_nothing(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    csrf = await log_in_admin(client)
    events.clear()

    empty = await client.post(
        "/admin/groups/new", data={"csrf_token": csrf, "name": "  ", "comment": "kept"}
    )
    assert empty.status_code == 422
    assert field_error(empty.text, "name") == "String should have at least 1 character"
    assert 'aria-invalid="true" aria-describedby="name-error"' in empty.text
    assert ">kept</textarea>" in empty.text

    taken = await client.post(
        "/admin/queues/new",
        data={"csrf_token": csrf, "name": "Raw", "group_id": str(USERS_GROUP_ID), "valid": "1"},
    )
    assert taken.status_code == 409
    assert field_error(taken.text, "name") == "A queue named 'Raw' already exists."
    assert 'id="name" name="name" type="text" value="Raw"' in taken.text
    assert f'<option value="{USERS_GROUP_ID}" selected>users</option>' in taken.text

    login_taken = await client.post(
        "/admin/agents/new",
        data={
            "csrf_token": csrf,
            "login": "ADMIN",
            "first_name": "Second",
            "last_name": "Admin",
            "email": "second@example.com",
        },
    )
    assert login_taken.status_code == 409
    assert field_error(login_taken.text, "login") == ("An agent with login 'ADMIN' already exists.")

    bad_minutes = await client.post(
        "/admin/slas/new",
        data={"csrf_token": csrf, "name": "Silver", "first_response_minutes": "soon"},
    )
    assert bad_minutes.status_code == 422
    assert field_error(bad_minutes.text, "first_response_minutes") is not None

    for typed, message in (
        ("-5", "Input should be greater than or equal to 0"),
        ("1.5", "Input should be a valid integer, unable to parse string as an integer"),
    ):
        bad_timeout = await client.post(
            "/admin/queues/new",
            data={
                "csrf_token": csrf,
                "name": "Hotline",
                "group_id": str(USERS_GROUP_ID),
                "unlock_timeout": typed,
            },
        )
        assert bad_timeout.status_code == 422
        assert field_error(bad_timeout.text, "unlock_timeout") == message
        assert f'name="unlock_timeout" type="number" value="{typed}"' in bad_timeout.text

    no_group = await client.post("/admin/queues/new", data={"csrf_token": csrf, "name": "Nowhere"})
    assert no_group.status_code == 422
    assert field_error(no_group.text, "group_id") is not None

    assert [g["name"] for g in await api_items(client, "groups", admin_headers)] == [
        "admin",
        "stats",
        "users",
    ]
    assert len(await api_items(client, "queues", admin_headers)) == 4
    assert len(await api_items(client, "agents", admin_headers)) == 1
    assert await api_items(client, "slas", admin_headers) == []
    assert events == []


async def test_valid_toggle_and_delete(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    csrf = await log_in_admin(client)
    await client.post("/admin/priorities/new", data={"csrf_token": csrf, "name": "6 urgent"})
    (urgent,) = [
        p for p in await api_items(client, "priorities", admin_headers) if p["name"] == "6 urgent"
    ]
    # Created unticked: invalid from the start; the row button makes it valid.
    assert urgent["valid"] is False
    listed = await client.get("/admin/priorities")
    assert 'aria-label="Set 6 urgent valid"' in listed.text

    response = await client.post(
        f"/admin/priorities/{urgent['id']}/valid",
        data={"csrf_token": csrf, "valid": "true", "back": "/admin/priorities?limit=10"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/priorities?limit=10&done=saved"
    got = await client.get(f"/api/v1/priorities/{urgent['id']}", headers=admin_headers)
    assert got.json()["valid"] is True

    # A group that queues still use cannot go: the list says why, with 409, and keeps it.
    events.clear()
    refused = await client.post(f"/admin/groups/{USERS_GROUP_ID}/delete", data={"csrf_token": csrf})
    assert refused.status_code == 409
    assert '<p class="error" role="alert" id="form-error">' in refused.text
    assert "cannot be deleted" in refused.text
    assert first_column(refused.text, "groups") == ["admin", "stats", "users"]
    assert events == []

    deleted = await client.post(
        f"/admin/priorities/{urgent['id']}/delete", data={"csrf_token": csrf}
    )
    assert deleted.status_code == 303
    assert deleted.headers["location"] == "/admin/priorities?done=deleted"
    gone = await client.get(f"/api/v1/priorities/{urgent['id']}", headers=admin_headers)
    assert gone.status_code == 404


# --- permission matrices ----------------------------------------------------------------------


async def test_group_agent_matrix_grants_permissions(
    client: httpx.AsyncClient,
    web: WebState,
    admin_headers: dict[str, str],
    events: RecordedEvents,
) -> None:
    csrf = await log_in_admin(client)
    jane_id = await create_agent(web, "jane")

    page = await client.get(f"/admin/groups/{USERS_GROUP_ID}/agents")
    assert page.status_code == 200
    assert "<h1>Agents in group users</h1>" in page.text
    assert 'aria-label="rw for jane"' in page.text
    assert 'aria-label="chat_owner for admin"' in page.text
    assert re.search(
        r'name="grant-1" type="checkbox" value="rw" checked="" aria-label="rw for admin"', page.text
    )
    assert re.search(
        rf'name="grant-{jane_id}" type="checkbox" value="rw" aria-label="rw for jane"', page.text
    )

    events.clear()
    response = await client.post(
        f"/admin/groups/{USERS_GROUP_ID}/agents",
        data={
            "csrf_token": csrf,
            "row": ["1", str(jane_id)],
            "held-1": "rw",
            "grant-1": ["rw"],
            f"held-{jane_id}": "",
            f"grant-{jane_id}": ["note", "chat_participant"],
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/groups/{USERS_GROUP_ID}/agents?done=permissions"
    # Only jane's row changed: one change, one event.
    assert events.kinds() == ["accounts.permissions_changed"]

    permissions = await api_items(client, f"agents/{jane_id}/permissions", admin_headers)
    assert permissions == [
        {
            "group_id": USERS_GROUP_ID,
            "group_name": "users",
            "permissions": ["note", "chat_observer", "chat_participant"],
            "direct": ["note", "chat_participant"],
            "via_roles": [],
        }
    ]
    again = await client.get(f"/admin/groups/{USERS_GROUP_ID}/agents?done=permissions")
    assert '<p class="flash" role="status">Permissions saved.</p>' in again.text
    assert re.search(rf'name="grant-{jane_id}" type="checkbox" value="note" checked=""', again.text)

    refused = await client.post(
        f"/admin/groups/{USERS_GROUP_ID}/agents",
        data={"csrf_token": csrf, "row": [str(jane_id)], f"grant-{jane_id}": ["fly"]},
    )
    assert refused.status_code == 422
    assert "unknown permission types: fly" in refused.text
    still = await api_items(client, f"agents/{jane_id}/permissions", admin_headers)
    assert still[0]["direct"] == ["note", "chat_participant"]


async def test_role_and_customer_user_matrices(
    client: httpx.AsyncClient, web: WebState, admin_headers: dict[str, str]
) -> None:
    csrf = await log_in_admin(client)
    jane_id = await create_agent(web, "jane")
    await client.post(
        "/admin/roles/new", data={"csrf_token": csrf, "name": "Helpers", "valid": "1"}
    )
    (role,) = await api_items(client, "roles", admin_headers)

    page = await client.get(f"/admin/roles/{role['id']}/agents")
    assert "<h1>Members of role Helpers</h1>" in page.text
    assert 'aria-label="member for jane"' in page.text
    response = await client.post(
        f"/admin/roles/{role['id']}/agents",
        data={"csrf_token": csrf, "row": [str(jane_id)], f"grant-{jane_id}": ["member"]},
    )
    assert response.status_code == 303
    members = await api_items(client, f"roles/{role['id']}/agents", admin_headers)
    assert [m["login"] for m in members] == ["jane"]

    roles_page = await client.get(f"/admin/groups/{USERS_GROUP_ID}/roles")
    assert 'aria-label="ro for Helpers"' in roles_page.text
    response = await client.post(
        f"/admin/groups/{USERS_GROUP_ID}/roles",
        data={"csrf_token": csrf, "row": [str(role["id"])], f"grant-{role['id']}": ["ro"]},
    )
    assert response.status_code == 303
    permissions = await api_items(client, f"agents/{jane_id}/permissions", admin_headers)
    assert permissions[0]["via_roles"] == ["ro"]

    await client.post(
        "/admin/customer-companies/new",
        data={"csrf_token": csrf, "customer_id": "acme", "name": "Acme Ltd", "valid": "1"},
    )
    user_form = await client.get("/admin/customer-users/new")
    assert '<option value="acme">Acme Ltd</option>' in user_form.text
    response = await client.post(
        "/admin/customer-users/new",
        data={
            "csrf_token": csrf,
            "login": "carol",
            "first_name": "Carol",
            "last_name": "Client",
            "email": "carol@acme.example",
            "customer_id": "acme",
            "valid": "1",
        },
    )
    assert_created(response, "customer-users")
    (carol,) = await api_items(client, "customer-users", admin_headers)
    assert carol["customer_id"] == "acme"
    listed = await client.get("/admin/customer-users")
    assert re.search(
        r"carol</a></td>\s*<td>Carol Client</td>\s*<td>carol@acme.example</td>"
        r"\s*<td>Acme Ltd</td>",
        listed.text,
    )

    matrix = await client.get(f"/admin/groups/{USERS_GROUP_ID}/customer-users")
    assert 'aria-label="rw for carol"' in matrix.text
    assert 'aria-label="note for carol"' not in matrix.text
    response = await client.post(
        f"/admin/groups/{USERS_GROUP_ID}/customer-users",
        data={"csrf_token": csrf, "row": [str(carol["id"])], f"grant-{carol['id']}": ["rw"]},
    )
    assert response.status_code == 303
    rows = await api_items(client, f"groups/{USERS_GROUP_ID}/customer-users", admin_headers)
    assert [(r["login"], r["permissions"]) for r in rows] == [("carol", ["rw"])]


# --- who may use the admin pages --------------------------------------------------------------


async def test_non_admins_get_403_and_change_nothing(
    client: httpx.AsyncClient,
    web: WebState,
    admin_headers: dict[str, str],
    events: RecordedEvents,
) -> None:
    bob_id = await create_agent(web, "bob", AGENT_PASSWORD)
    async with unit_of_work(web.session_factory) as session:
        await account_actions.do_set_agent_group_permissions(
            Tx(session=session, runtime=web.runtime), SYSTEM, USERS_GROUP_ID, bob_id, ["rw"]
        )
    csrf = await log_in(client, "bob", AGENT_PASSWORD)
    events.clear()

    for path in (
        "/admin",
        "/admin/queues",
        "/admin/agents/new",
        "/admin/groups/1",
        f"/admin/groups/{USERS_GROUP_ID}/agents",
        "/admin/nonsense",
    ):
        page = await client.get(path)
        assert page.status_code == 403, path
        assert "Only administrators may do this." in page.text
        assert 'class="admin-nav' not in page.text

    posts: dict[str, dict[str, Any]] = {
        "/admin/queues/new": {"name": "Sneaky", "group_id": str(USERS_GROUP_ID), "valid": "1"},
        "/admin/queues/2": {"name": "Renamed", "group_id": str(USERS_GROUP_ID)},
        "/admin/queues/3/delete": {},
        "/admin/priorities/1/valid": {"valid": "false"},
        f"/admin/groups/{USERS_GROUP_ID}/agents": {
            "row": [str(bob_id)],
            f"grant-{bob_id}": ["rw", "chat_owner"],
            f"held-{bob_id}": "rw",
        },
        "/admin/groups/2/agents": {"row": [str(bob_id)], f"grant-{bob_id}": ["rw"]},
    }
    for path, data in posts.items():
        response = await client.post(path, data={"csrf_token": csrf, **data})
        assert response.status_code == 403, path

    queues = await api_items(client, "queues", admin_headers)
    assert [q["name"] for q in queues] == ["Junk", "Misc", "Postmaster", "Raw"]
    priority = await client.get("/api/v1/priorities/1", headers=admin_headers)
    assert priority.json()["valid"] is True
    permissions = await api_items(client, f"agents/{bob_id}/permissions", admin_headers)
    assert [(p["group_name"], p["direct"]) for p in permissions] == [("users", ["rw"])]
    assert events == []


async def test_logged_out_visitors_go_to_the_login(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin/queues")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/admin/queues"


async def test_missing_objects_and_pages_are_not_found(client: httpx.AsyncClient) -> None:
    csrf = await log_in_admin(client)
    for path in (
        "/admin/queues/999",
        "/admin/queues/abc",
        "/admin/queues/99999999999",
        "/admin/nonsense",
        "/admin/groups/999/agents",
        "/admin/roles/0/agents",
    ):
        page = await client.get(path)
        assert page.status_code == 404, path
    response = await client.post("/admin/queues/999", data={"csrf_token": csrf, "name": "X"})
    assert response.status_code == 404


async def test_user_text_is_escaped(client: httpx.AsyncClient) -> None:
    csrf = await log_in_admin(client)
    name = '<script>alert("x")</script>'
    response = await client.post(
        "/admin/groups/new", data={"csrf_token": csrf, "name": name, "comment": name, "valid": "1"}
    )
    assert_created(response, "groups")
    listed = await client.get("/admin/groups")
    assert "<script>alert" not in listed.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in listed.text
    assert name in first_column(listed.text, "groups")

    nul = await client.post("/admin/groups/new", data={"csrf_token": csrf, "name": "a\x00b"})
    assert nul.status_code == 422
    assert field_error(nul.text, "name") == "must not contain NUL characters"
