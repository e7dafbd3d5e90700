"""System configuration over the API: staging, deployments, history, restore, import/export,
user-specific values, reset, edit locks and every bad input (no change, no event)."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from frontdesk.domain.accounts.settings import AGENT_TIMEZONE, ONLINE_MINUTES
from frontdesk.domain.chat.settings import AVAILABILITY_ON_LOGIN
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents, login_token

MINUTES = quote(ONLINE_MINUTES.name)  # SessionActiveTime: integer 1..1440, default 10
ALWAYS = quote("CustomerGroupAlwaysGroups")  # list, default ["users"]
ON_LOGIN = quote(AVAILABILITY_ON_LOGIN.name)  # user-modifiable select, default "internal"
ZONE = quote(AGENT_TIMEZONE.name)  # user-modifiable, kept on the agent record
ADMIN_GROUP = 2


async def _until(condition: Any, seconds: float = 3.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - the store is a plain cache
            await asyncio.sleep(0.02)


async def _stage(client: httpx.AsyncClient, headers: dict[str, str], name: str, value: Any) -> None:
    response = await client.put(f"/api/v1/settings/{name}", headers=headers, json={"value": value})
    assert response.status_code == 200, response.text


async def _deploy(client: httpx.AsyncClient, headers: dict[str, str], comment: str) -> int:
    response = await client.post(
        "/api/v1/settings/deployments", headers=headers, json={"comment": comment}
    )
    assert response.status_code == 201, response.text
    deployment_id: int = response.json()["id"]
    return deployment_id


async def _agent(
    client: httpx.AsyncClient, admin_headers: dict[str, str], login: str, *, admin: bool
) -> tuple[int, dict[str, str]]:
    response = await client.post(
        "/api/v1/agents",
        headers=admin_headers,
        json={
            "login": login,
            "first_name": login.title(),
            "last_name": "Agent",
            "email": f"{login}@example.com",
            "password": f"{login}-pass-12",
        },
    )
    assert response.status_code == 201, response.text
    agent_id: int = response.json()["id"]
    if admin:
        granted = await client.put(
            f"/api/v1/groups/{ADMIN_GROUP}/agents/{agent_id}",
            headers=admin_headers,
            json={"permissions": ["rw"]},
        )
        assert granted.status_code == 200, granted.text
    token = await login_token(client, login, f"{login}-pass-12")
    return agent_id, {"Authorization": f"Bearer {token}"}


async def test_staged_change_takes_effect_only_when_deployed(
    client: httpx.AsyncClient, admin_headers: dict[str, str], web: WebState, events: RecordedEvents
) -> None:
    store = web.runtime.config
    staged = await client.put(
        f"/api/v1/settings/{MINUTES}", headers=admin_headers, json={"value": 30}
    )
    assert staged.status_code == 200
    body = staged.json()
    assert (body["value"], body["staged"], body["staged_value"], body["modified"]) == (
        10,
        True,
        30,
        False,
    )
    assert store.value(ONLINE_MINUTES) == 10
    pending = (await client.get("/api/v1/settings/staged", headers=admin_headers)).json()
    assert pending["total"] == 1
    assert pending["items"][0] | {"staged_at": None} == {
        "name": "SessionActiveTime",
        "old_value": 10,
        "new_value": 30,
        "old_is_default": True,
        "new_is_default": False,
        "old_user_modification_active": False,
        "new_user_modification_active": False,
        "staged_by": "admin",
        "staged_at": None,
    }
    assert events.kinds() == ["sysconfig.staged"]

    deployed = await client.post(
        "/api/v1/settings/deployments", headers=admin_headers, json={"comment": "Longer"}
    )
    assert deployed.status_code == 201
    details = deployed.json()
    assert details["comment"] == "Longer"
    assert details["created_by"] == "admin"
    assert details["created_at"].endswith("Z")
    assert details["changes"] == [
        {
            "name": "SessionActiveTime",
            "change": "modified",
            "previous_value": 10,
            "deployed_value": 30,
            "previous_is_default": True,
            "deployed_is_default": False,
            "previous_user_modification_active": False,
            "deployed_user_modification_active": False,
        }
    ]
    await _until(lambda: store.value(ONLINE_MINUTES) == 30)
    assert events.kinds()[1:] == ["sysconfig.deployed", "sysconfig.changed"]
    shown = (await client.get(f"/api/v1/settings/{MINUTES}", headers=admin_headers)).json()
    assert (shown["value"], shown["modified"], shown["staged"]) == (30, True, False)


async def test_bad_input_changes_nothing(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    cases: list[tuple[str, str, dict[str, Any] | str | None, int, str]] = [
        ("PUT", "/api/v1/settings/No%3A%3ASuch", {"value": 1}, 404, "unknown_setting"),
        ("GET", "/api/v1/settings/No%3A%3ASuch/history", None, 404, "unknown_setting"),
        ("PUT", f"/api/v1/settings/{MINUTES}", {"value": "ten"}, 422, "validation_failed"),
        ("PUT", f"/api/v1/settings/{MINUTES}", {"value": 0}, 422, "validation_failed"),
        ("PUT", f"/api/v1/settings/{MINUTES}", {"value": 1441}, 422, "validation_failed"),
        ("PUT", f"/api/v1/settings/{ALWAYS}", {"value": "users"}, 422, "validation_failed"),
        ("PUT", f"/api/v1/settings/{ZONE}", {"value": "Mars/Base"}, 422, "validation_failed"),
        ("POST", "/api/v1/settings/deployments", {"comment": "x"}, 409, "nothing_to_deploy"),
        ("POST", "/api/v1/settings/deployments/999/restore", None, 404, "deployment_not_found"),
        ("GET", "/api/v1/settings/deployments/999/export", None, 404, "deployment_not_found"),
        ("POST", f"/api/v1/settings/{MINUTES}/history/999/restore", None, 404,
         "history_entry_not_found"),
        ("PUT", f"/api/v1/settings/{MINUTES}/user-modification", {"allowed": True}, 403,
         "not_user_modifiable"),
        ("PUT", f"/api/v1/me/settings/{MINUTES}", {"value": 5}, 403, "not_user_modifiable"),
        ("PUT", f"/api/v1/me/settings/{ON_LOGIN}", {"value": "away"}, 422, "validation_failed"),
    ]  # fmt: skip
    for method, url, body, status, code in cases:
        response = await client.request(method, url, headers=admin_headers, json=body)
        assert response.status_code == status, (url, body, response.text)
        assert response.json()["error"]["code"] == code, (url, body)
        if status == 422:
            assert response.json()["error"]["details"][0]["field"] == "value"
    wrong = await client.put(f"/api/v1/settings/{MINUTES}", headers=admin_headers, json={})
    assert wrong.status_code == 422
    assert wrong.json()["error"]["details"][0]["field"] == "value"
    message = (
        await client.put(f"/api/v1/settings/{MINUTES}", headers=admin_headers, json={"value": 0})
    ).json()["error"]["message"]
    assert message == "must be at least 1"
    assert (await client.get("/api/v1/settings/staged", headers=admin_headers)).json() == {
        "items": [],
        "total": 0,
    }
    assert (await client.get("/api/v1/settings/deployments", headers=admin_headers)).json() == {
        "items": [],
        "total": 0,
    }
    assert events == []


async def test_only_admins_configure(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    _, agent = await _agent(client, admin_headers, "otto", admin=False)
    events.clear()
    for method, url, body in (
        ("GET", "/api/v1/settings", None),
        ("PUT", f"/api/v1/settings/{MINUTES}", {"value": 20}),
        ("POST", "/api/v1/settings/deployments", {"comment": "x"}),
        ("GET", "/api/v1/settings/deployments", None),
    ):
        response = await client.request(method, url, headers=agent, json=body)
        assert response.status_code == 403, url
    assert (await client.get("/api/v1/settings")).status_code == 401
    assert events == []


async def test_search_and_navigation(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    found = await client.get(
        "/api/v1/settings", headers=admin_headers, params={"search": "counts as online"}
    )
    assert [s["name"] for s in found.json()["items"]] == ["SessionActiveTime"]
    # A navigation group holds its subgroups: Chat::Agent is within Chat.
    chat_agent = await client.get(
        "/api/v1/settings", headers=admin_headers, params={"navigation": "Chat::Agent"}
    )
    assert [s["name"] for s in chat_agent.json()["items"]] == ["ChatEngine::AvailabilityOnLogin"]
    chat = await client.get(
        "/api/v1/settings", headers=admin_headers, params={"navigation": "Chat", "limit": 200}
    )
    names = [s["name"] for s in chat.json()["items"]]
    assert {"ChatEngine::AvailabilityOnLogin", "ChatEngine::Active"} <= set(names)
    assert all(
        n.startswith(("ChatEngine::", "PublicFrontend::", "CustomerFrontend::")) for n in names
    )
    tree = (await client.get("/api/v1/settings/navigation", headers=admin_headers)).json()
    assert {"path": "Core::Session", "label": "Session", "depth": 1, "count": 1} in tree


async def test_history_restore_and_round_trip(
    client: httpx.AsyncClient, admin_headers: dict[str, str], web: WebState
) -> None:
    await _stage(client, admin_headers, MINUTES, 20)
    first = await _deploy(client, admin_headers, "Twenty minutes")
    await _stage(client, admin_headers, MINUTES, 30)
    await _stage(client, admin_headers, ALWAYS, ["users", "stats"])
    second = await _deploy(client, admin_headers, "Thirty and stats")

    listed = (await client.get("/api/v1/settings/deployments", headers=admin_headers)).json()
    assert [(d["id"], d["comment"], d["setting_count"]) for d in listed["items"]] == [
        (second, "Thirty and stats", 2),
        (first, "Twenty minutes", 1),
    ]
    filtered = await client.get(
        "/api/v1/settings/deployments", headers=admin_headers, params={"search": "twenty"}
    )
    assert [d["id"] for d in filtered.json()["items"]] == [first]
    literal = await client.get(  # % and _ are letters to search for, not wildcards
        "/api/v1/settings/deployments", headers=admin_headers, params={"search": "%"}
    )
    assert literal.json()["items"] == []
    details = (
        await client.get(f"/api/v1/settings/deployments/{second}", headers=admin_headers)
    ).json()
    assert [(c["name"], c["previous_value"], c["deployed_value"]) for c in details["changes"]] == [
        ("CustomerGroupAlwaysGroups", ["users"], ["users", "stats"]),
        ("SessionActiveTime", 20, 30),
    ]

    exported = await client.get(
        f"/api/v1/settings/deployments/{first}/export", headers=admin_headers
    )
    assert exported.status_code == 200
    assert exported.headers["content-disposition"] == (
        f'attachment; filename="Export_Deployment_{first}.yml"'
    )
    assert exported.text.splitlines()[1:] == ["SessionActiveTime: 20"]

    restored = await client.post(
        f"/api/v1/settings/deployments/{first}/restore", headers=admin_headers
    )
    assert restored.json() == {
        "staged": ["CustomerGroupAlwaysGroups", "SessionActiveTime"],
        "skipped": [],
    }
    assert web.runtime.config.value(ONLINE_MINUTES) == 30, "restore only stages"
    pending = (await client.get("/api/v1/settings/staged", headers=admin_headers)).json()["items"]
    assert [(p["name"], p["new_value"], p["new_is_default"]) for p in pending] == [
        ("CustomerGroupAlwaysGroups", ["users"], True),
        ("SessionActiveTime", 20, False),
    ]
    third = await _deploy(client, admin_headers, "Back to the first")
    await _until(lambda: web.runtime.config.value(ONLINE_MINUTES) == 20)

    history = (await client.get(f"/api/v1/settings/{ALWAYS}/history", headers=admin_headers)).json()
    assert [(h["deployment_id"], h["value"], h["reset_to_default"]) for h in history["items"]] == [
        (third, ["users"], True),
        (second, ["users", "stats"], False),
    ]
    older = history["items"][1]["id"]
    back = await client.post(
        f"/api/v1/settings/{ALWAYS}/history/{older}/restore", headers=admin_headers
    )
    assert (back.json()["staged"], back.json()["staged_value"]) == (True, ["users", "stats"])
    await client.delete(f"/api/v1/settings/{ALWAYS}/staged", headers=admin_headers)

    # The export of the second deployment, imported, stages exactly its values again.
    yaml_text = (
        await client.get(f"/api/v1/settings/deployments/{second}/export", headers=admin_headers)
    ).text
    imported = await client.post(
        "/api/v1/settings/import",
        headers=admin_headers | {"Content-Type": "application/yaml"},
        content=yaml_text,
    )
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"staged": ["CustomerGroupAlwaysGroups", "SessionActiveTime"]}
    await _deploy(client, admin_headers, "Imported")
    current = (await client.get("/api/v1/settings/export", headers=admin_headers)).text
    assert current.splitlines()[1:] == yaml_text.splitlines()[1:]


async def test_import_refuses_the_whole_file(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    headers = admin_headers | {"Content-Type": "application/yaml"}
    for text, details in (
        ("SessionActiveTime: [", None),
        ("- just a list", [{"field": "file", "message": "must map setting names to values"}]),
        (
            "SessionActiveTime: 20\nNo::Such: 1\nCustomerGroupAlwaysGroups: stats\n",
            [
                {"field": "No::Such", "message": "there is no such setting"},
                {"field": "CustomerGroupAlwaysGroups", "message": "must be a list of text values"},
            ],
        ),
    ):
        response = await client.post("/api/v1/settings/import", headers=headers, content=text)
        assert response.status_code == 422, text
        error = response.json()["error"]
        if details is None:
            assert error["details"][0]["field"] == "file"
            assert error["message"].startswith("is not valid YAML")
        else:
            assert error["details"] == details
    assert (await client.get("/api/v1/settings/staged", headers=admin_headers)).json()["total"] == 0
    assert events == []


async def test_edit_lock_belongs_to_one_admin(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    _, nina = await _agent(client, admin_headers, "nina", admin=True)
    locked = await client.post(f"/api/v1/settings/{MINUTES}/lock", headers=nina)
    assert locked.status_code == 200
    assert locked.json()["locked_by"] == "nina"
    events.clear()

    for method, url, body in (
        ("PUT", f"/api/v1/settings/{MINUTES}", {"value": 15}),
        ("POST", f"/api/v1/settings/{MINUTES}/lock", None),
        ("POST", f"/api/v1/settings/{MINUTES}/reset", {"globally": True}),
        ("DELETE", f"/api/v1/settings/{MINUTES}/staged", None),
    ):
        refused = await client.request(method, url, headers=admin_headers, json=body)
        assert refused.status_code == 409, url
        assert refused.json()["error"] == {
            "code": "setting_locked",
            "message": "SessionActiveTime is being edited by nina.",
            "details": {"name": "SessionActiveTime", "locked_by": "nina"},
        }
    refused_import = await client.post(
        "/api/v1/settings/import",
        headers=admin_headers | {"Content-Type": "application/yaml"},
        content="SessionActiveTime: 15\n",
    )
    assert refused_import.json()["error"]["details"] == [
        {"field": "SessionActiveTime", "message": "being edited by nina"}
    ]
    # Someone else's cancel does not release the lock.
    await client.delete(f"/api/v1/settings/{MINUTES}/lock", headers=admin_headers)
    assert events == []
    assert (await client.get("/api/v1/settings/staged", headers=admin_headers)).json()["total"] == 0

    saved = await client.put(f"/api/v1/settings/{MINUTES}", headers=nina, json={"value": 15})
    assert (saved.json()["staged_value"], saved.json()["locked_by"]) == (15, None)
    assert (
        await client.put(f"/api/v1/settings/{MINUTES}", headers=admin_headers, json={"value": 16})
    ).status_code == 200


async def test_user_values_override_and_equal_to_global_removes(
    client: httpx.AsyncClient, admin_headers: dict[str, str], web: WebState, events: RecordedEvents
) -> None:
    store = web.runtime.config
    mine = await client.put(
        f"/api/v1/me/settings/{ON_LOGIN}", headers=admin_headers, json={"value": "external"}
    )
    assert mine.status_code == 200
    assert mine.json() | {"description": ""} == {
        "name": "ChatEngine::AvailabilityOnLogin",
        "type": "select",
        "description": "",
        "navigation": "Chat::Agent",
        "options": ["unavailable", "internal", "external"],
        "minimum": None,
        "maximum": None,
        "value": "external",
        "global_value": "internal",
        "own": True,
    }
    assert events.kinds() == ["sysconfig.changed"]
    await _until(lambda: store.value(AVAILABILITY_ON_LOGIN, 1) == "external")
    assert store.value(AVAILABILITY_ON_LOGIN) == "internal"
    reviewed = await client.get(f"/api/v1/settings/{ON_LOGIN}/user-values", headers=admin_headers)
    assert reviewed.json() == {
        "items": [{"agent_id": 1, "login": "admin", "value": "external"}],
        "total": 1,
    }

    same = await client.put(
        f"/api/v1/me/settings/{ON_LOGIN}", headers=admin_headers, json={"value": "internal"}
    )
    assert (same.json()["own"], same.json()["value"]) == (False, "internal")
    assert (
        await client.get(f"/api/v1/settings/{ON_LOGIN}/user-values", headers=admin_headers)
    ).json()["total"] == 0
    await _until(lambda: store.value(AVAILABILITY_ON_LOGIN, 1) == "internal")

    # Forbidden by the admin (after deployment): the stored value stays but is ignored.
    await client.put(
        f"/api/v1/me/settings/{ON_LOGIN}", headers=admin_headers, json={"value": "unavailable"}
    )
    forbid = await client.put(
        f"/api/v1/settings/{ON_LOGIN}/user-modification",
        headers=admin_headers,
        json={"allowed": False},
    )
    assert forbid.json()["staged_user_modification_active"] is False
    await _deploy(client, admin_headers, "No own availability")
    await _until(lambda: store.value(AVAILABILITY_ON_LOGIN, 1) == "internal")
    events.clear()
    refused = await client.put(
        f"/api/v1/me/settings/{ON_LOGIN}", headers=admin_headers, json={"value": "external"}
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_user_modifiable"
    names = [
        s["name"]
        for s in (await client.get("/api/v1/me/settings", headers=admin_headers)).json()["items"]
    ]
    assert "ChatEngine::AvailabilityOnLogin" not in names
    assert events == []


async def test_reset_globally_and_locally(
    client: httpx.AsyncClient, admin_headers: dict[str, str], web: WebState
) -> None:
    store = web.runtime.config
    otto_id, otto = await _agent(client, admin_headers, "otto", admin=False)
    await _stage(client, admin_headers, ON_LOGIN, "unavailable")
    await _deploy(client, admin_headers, "Start unavailable")
    for headers, value in ((admin_headers, "external"), (otto, "internal")):
        response = await client.put(
            f"/api/v1/me/settings/{ON_LOGIN}", headers=headers, json={"value": value}
        )
        assert response.json()["own"] is True
    shown = (await client.get(f"/api/v1/settings/{ON_LOGIN}", headers=admin_headers)).json()
    assert shown["user_value_count"] == 2

    one = await client.delete(
        f"/api/v1/settings/{ON_LOGIN}/user-values/{otto_id}", headers=admin_headers
    )
    assert one.json() == {"staged": False, "removed_user_values": 1}
    await client.put(f"/api/v1/me/settings/{ON_LOGIN}", headers=otto, json={"value": "internal"})

    reset = await client.post(
        f"/api/v1/settings/{ON_LOGIN}/reset",
        headers=admin_headers,
        json={"globally": True, "locally": True},
    )
    assert reset.json() == {"staged": True, "removed_user_values": 2}
    await _until(lambda: store.value(AVAILABILITY_ON_LOGIN, otto_id) == "unavailable")
    assert store.value(AVAILABILITY_ON_LOGIN, 1) == "unavailable", "global reset needs deployment"
    await _deploy(client, admin_headers, "Defaults again")
    await _until(lambda: store.value(AVAILABILITY_ON_LOGIN, 1) == "internal")

    refused = await client.post(
        f"/api/v1/settings/{MINUTES}/reset",
        headers=admin_headers,
        json={"locally": True, "globally": False},
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "options"


@pytest.mark.parametrize("via_preferences", [True, False])
async def test_time_zone_is_one_value_for_preferences_and_settings(
    client: httpx.AsyncClient, admin_headers: dict[str, str], web: WebState, via_preferences: bool
) -> None:
    if via_preferences:
        changed = await client.patch(
            "/api/v1/me/preferences", headers=admin_headers, json={"timezone": "Europe/Berlin"}
        )
    else:
        changed = await client.put(
            f"/api/v1/me/settings/{ZONE}", headers=admin_headers, json={"value": "Europe/Berlin"}
        )
    assert changed.status_code == 200
    assert (await client.get("/api/v1/me", headers=admin_headers)).json()["timezone"] == (
        "Europe/Berlin"
    )
    own = {
        s["name"]: s
        for s in (await client.get("/api/v1/me/settings", headers=admin_headers)).json()["items"]
    }
    assert (own["Agent::TimeZone"]["value"], own["Agent::TimeZone"]["own"]) == (
        "Europe/Berlin",
        True,
    )
    await _until(lambda: web.runtime.config.value(AGENT_TIMEZONE, 1) == "Europe/Berlin")

    back = await client.put(
        f"/api/v1/me/settings/{ZONE}", headers=admin_headers, json={"value": "UTC"}
    )
    assert back.json()["own"] is False
    assert (await client.get("/api/v1/me", headers=admin_headers)).json()["timezone"] == "UTC"


async def test_agents_follow_the_global_time_zone_unless_they_have_their_own(
    client: httpx.AsyncClient, admin_headers: dict[str, str], web: WebState, events: RecordedEvents
) -> None:
    store = web.runtime.config

    async def zone_of(headers: dict[str, str]) -> str:
        me = await client.get("/api/v1/me", headers=headers)
        assert me.status_code == 200, me.text
        zone: str = me.json()["timezone"]
        return zone

    async def stored_zone(agent_id: int) -> str | None:
        agent = await client.get(f"/api/v1/agents/{agent_id}", headers=admin_headers)
        zone: str | None = agent.json()["timezone"]
        return zone

    otto_id, otto = await _agent(client, admin_headers, "otto", admin=False)
    created = await client.post(
        "/api/v1/agents",
        headers=admin_headers,
        json={
            "login": "jane",
            "first_name": "Jane",
            "last_name": "Agent",
            "email": "jane@example.com",
            "password": "jane-pass-12",
            "timezone": "Asia/Tokyo",
        },
    )
    jane_id = created.json()["id"]
    jane = {"Authorization": f"Bearer {await login_token(client, 'jane', 'jane-pass-12')}"}
    assert (await stored_zone(otto_id), await stored_zone(jane_id)) == (None, "Asia/Tokyo")
    assert (await zone_of(otto), await zone_of(jane)) == ("UTC", "Asia/Tokyo")

    await _stage(client, admin_headers, ZONE, "Europe/Berlin")
    await _deploy(client, admin_headers, "Office moved")
    await _until(lambda: store.global_value(AGENT_TIMEZONE) == "Europe/Berlin")
    assert (await zone_of(otto), await zone_of(jane)) == ("Europe/Berlin", "Asia/Tokyo")
    assert await zone_of(admin_headers) == "Europe/Berlin"
    _, nina = await _agent(client, admin_headers, "nina", admin=False)
    assert await zone_of(nina) == "Europe/Berlin", "a new agent follows the global value"
    reviewed = await client.get(f"/api/v1/settings/{ZONE}/user-values", headers=admin_headers)
    assert reviewed.json() == {
        "items": [{"agent_id": jane_id, "login": "jane", "value": "Asia/Tokyo"}],
        "total": 1,
    }
    assert (await client.get(f"/api/v1/settings/{ZONE}", headers=admin_headers)).json()[
        "user_value_count"
    ] == 1

    # Choosing the global value keeps following it: no own value is stored.
    same = await client.patch(
        "/api/v1/me/preferences", headers=otto, json={"timezone": "Europe/Berlin"}
    )
    assert (same.status_code, same.json()["timezone"]) == (200, "Europe/Berlin")
    assert await stored_zone(otto_id) is None

    forbid = await client.put(
        f"/api/v1/settings/{ZONE}/user-modification",
        headers=admin_headers,
        json={"allowed": False},
    )
    assert forbid.status_code == 200
    await _deploy(client, admin_headers, "One zone for all")
    await _until(lambda: not store.user_modification_active(AGENT_TIMEZONE))
    assert await zone_of(jane) == "Europe/Berlin", "a forbidden own value no longer applies"
    assert await stored_zone(jane_id) == "Asia/Tokyo", "kept, ignored while forbidden"

    events.clear()
    refused = await client.patch(
        "/api/v1/me/preferences", headers=jane, json={"timezone": "America/New_York"}
    )
    assert refused.status_code == 403
    assert refused.json()["error"] == {
        "code": "not_user_modifiable",
        "message": "Your administrator does not allow changing Agent::TimeZone per user: "
        "Europe/Berlin applies to everyone.",
        "details": {"field": "timezone", "name": "Agent::TimeZone"},
    }
    assert await stored_zone(jane_id) == "Asia/Tokyo"
    assert await zone_of(jane) == "Europe/Berlin"
    assert events == []
    # The page form posts both fields: the global value it shows passes and changes nothing.
    unchanged = await client.patch(
        "/api/v1/me/preferences",
        headers=jane,
        json={"timezone": "Europe/Berlin", "language": "en"},
    )
    assert (unchanged.status_code, unchanged.json()["timezone"]) == (200, "Europe/Berlin")
    assert await stored_zone(jane_id) == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("ChatEngine::AgentOnlineThreshold", "must be at most 1440"),
        ("ChatEngine::ChatTTL", "must be at most 87600"),
        ("Ticket::Frontend::AttachmentOverview::MaxArchiveBytes", "must be at most 1073741824"),
    ],
)
async def test_huge_integers_are_refused(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    events: RecordedEvents,
    name: str,
    message: str,
) -> None:
    before = (await client.get(f"/api/v1/settings/{quote(name)}", headers=admin_headers)).json()
    events.clear()
    refused = await client.put(
        f"/api/v1/settings/{quote(name)}", headers=admin_headers, json={"value": 10**17}
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "validation_failed"
    assert refused.json()["error"]["details"] == [{"field": "value", "message": message}]
    after = (await client.get(f"/api/v1/settings/{quote(name)}", headers=admin_headers)).json()
    assert after == before
    assert after["staged"] is False
    staged = await client.get("/api/v1/settings/staged", headers=admin_headers)
    assert staged.json() == {"items": [], "total": 0}
    assert events == []


def test_every_declared_integer_has_a_maximum() -> None:
    from frontdesk.feature_index import load_features
    from frontdesk.sysconfig.registry import declared

    load_features()
    unbounded = [
        s.name
        for s in declared().values()
        if s.type in ("integer", "duration")
        and s.maximum is None
        and not s.name.startswith("Test::")
    ]
    assert unbounded == []


async def test_group_settings_name_a_valid_group(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    name = quote("ChatEngine::PermissionGroup::ChatStartingAgents")
    invalid = await client.post(
        "/api/v1/groups", headers=admin_headers, json={"name": "retired", "valid": False}
    )
    assert invalid.status_code == 201
    events.clear()
    expected = "must name a valid group (one of: admin, stats, users)"
    for value in ("", "nosuch", "retired", "Users"):
        refused = await client.put(
            f"/api/v1/settings/{name}", headers=admin_headers, json={"value": value}
        )
        assert refused.status_code == 422, value
        assert refused.json()["error"]["details"] == [{"field": "value", "message": expected}]
    imported = await client.post(
        "/api/v1/settings/import",
        headers=admin_headers | {"Content-Type": "application/yaml"},
        content=b"ChatEngine::PermissionGroup::ChatStartingAgents: nosuch\n",
    )
    assert imported.status_code == 422
    assert imported.json()["error"]["details"] == [
        {"field": "ChatEngine::PermissionGroup::ChatStartingAgents", "message": expected}
    ]
    staged = await client.get("/api/v1/settings/staged", headers=admin_headers)
    assert staged.json() == {"items": [], "total": 0}
    assert events == []

    accepted = await client.put(
        f"/api/v1/settings/{name}", headers=admin_headers, json={"value": "admin"}
    )
    assert (accepted.status_code, accepted.json()["staged_value"]) == (200, "admin")


OLD_SNAPSHOT = {
    "ChatEngine::ChatOrder": {"value": "append"},
    "ChatEngine::PermissionGroup::ChatStartingAgents": {"value": "gone"},
    "No::Longer": {"value": 1},
    "SessionActiveTime": {"value": 5000},
}
SKIPPED = [
    {
        "name": "ChatEngine::PermissionGroup::ChatStartingAgents",
        "reason": "old value must name a valid group (one of: admin, stats, users)",
    },
    {"name": "No::Longer", "reason": "the setting no longer exists"},
    {"name": "SessionActiveTime", "reason": "old value must be at most 1440"},
]


async def insert_old_deployment(web: WebState, snapshot: dict[str, Any]) -> int:
    """A deployment made under older declarations (values that no longer validate)."""
    from frontdesk.core.clock import utcnow
    from frontdesk.db.unit_of_work import unit_of_work
    from frontdesk.sysconfig.models import Deployment

    async with unit_of_work(web.session_factory) as session:
        deployment = Deployment(
            comment="Long ago", agent_id=1, created_at=utcnow(), snapshot=snapshot
        )
        session.add(deployment)
        await session.flush()
        return deployment.id


async def test_restore_skips_values_that_no_longer_validate(
    client: httpx.AsyncClient, admin_headers: dict[str, str], web: WebState
) -> None:
    old = await insert_old_deployment(web, OLD_SNAPSHOT)
    restored = await client.post(
        f"/api/v1/settings/deployments/{old}/restore", headers=admin_headers
    )
    assert restored.status_code == 200
    assert restored.json() == {"staged": ["ChatEngine::ChatOrder"], "skipped": SKIPPED}
    staged = (await client.get("/api/v1/settings/staged", headers=admin_headers)).json()
    assert [(c["name"], c["new_value"]) for c in staged["items"]] == [
        ("ChatEngine::ChatOrder", "append")
    ]


async def _import(client: httpx.AsyncClient, headers: dict[str, str], text: str) -> httpx.Response:
    return await client.post(
        "/api/v1/settings/import",
        headers=headers | {"Content-Type": "application/yaml"},
        content=text.encode(),
    )


async def test_export_import_round_trip_with_user_modification(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    nothing = await client.get("/api/v1/settings/export", headers=admin_headers)
    assert nothing.text == "# Frontdesk configuration in force\n{}\n"
    for empty in (nothing.text, "", "# only a comment\n"):
        imported = await _import(client, admin_headers, empty)
        assert (imported.status_code, imported.json()) == (200, {"staged": []})
    assert events == []

    await _stage(client, admin_headers, MINUTES, 30)
    forbid = await client.put(
        f"/api/v1/settings/{ZONE}/user-modification",
        headers=admin_headers,
        json={"allowed": False},
    )
    assert forbid.status_code == 200
    first = await _deploy(client, admin_headers, "Thirty,\nno own zones")
    exported = await client.get(
        f"/api/v1/settings/deployments/{first}/export", headers=admin_headers
    )
    lines = exported.text.splitlines()
    assert lines[0].startswith(f"# Frontdesk configuration as of deployment {first} (")
    assert lines[0].endswith("): Thirty, no own zones")
    assert lines[1:] == [
        "SessionActiveTime: 30",
        "_user_modification:",
        "  Agent::TimeZone: false",
    ]

    await client.post(f"/api/v1/settings/{MINUTES}/reset", headers=admin_headers, json={})
    await client.put(
        f"/api/v1/settings/{ZONE}/user-modification",
        headers=admin_headers,
        json={"allowed": True},
    )
    await _deploy(client, admin_headers, "Back to defaults")
    current = await client.get("/api/v1/settings/export", headers=admin_headers)
    assert current.text.splitlines()[1:] == ["{}"]

    imported = await _import(client, admin_headers, exported.text)
    assert imported.json() == {"staged": ["SessionActiveTime", "Agent::TimeZone"]}
    await _deploy(client, admin_headers, "Imported")
    again = await client.get("/api/v1/settings/export", headers=admin_headers)
    assert again.text.splitlines()[1:] == lines[1:]
    zone = (await client.get(f"/api/v1/settings/{ZONE}", headers=admin_headers)).json()
    assert zone["user_modification_active"] is False

    events.clear()
    refused = await _import(
        client,
        admin_headers,
        "SessionActiveTime: 40\n_user_modification:\n"
        "  SessionActiveTime: false\n  Agent::Language: maybe\n  No::Such: true\n",
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["details"] == [
        {"field": "_user_modification: SessionActiveTime", "message": "cannot be changed per user"},
        {"field": "_user_modification: Agent::Language", "message": "must be true or false"},
        {"field": "_user_modification: No::Such", "message": "there is no such setting"},
    ]
    shape = await _import(client, admin_headers, "_user_modification: [Agent::Language]\n")
    assert shape.json()["error"]["details"] == [
        {"field": "file", "message": "_user_modification must map setting names to true or false"}
    ]
    staged = await client.get("/api/v1/settings/staged", headers=admin_headers)
    assert staged.json() == {"items": [], "total": 0}
    assert events == []


async def test_discarding_a_staged_change_ends_the_edit(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await _stage(client, admin_headers, MINUTES, 30)
    locked = await client.post(f"/api/v1/settings/{MINUTES}/lock", headers=admin_headers)
    assert locked.json()["locked_by"] == "admin"
    discarded = await client.delete(f"/api/v1/settings/{MINUTES}/staged", headers=admin_headers)
    assert discarded.status_code == 200
    body = discarded.json()
    assert (body["staged"], body["locked_by"], body["lock_expires_at"]) == (False, None, None)


async def test_deploying_the_value_an_agent_chose_removes_their_own(
    client: httpx.AsyncClient, admin_headers: dict[str, str], web: WebState
) -> None:
    otto_id, otto = await _agent(client, admin_headers, "otto", admin=False)
    _, nina = await _agent(client, admin_headers, "nina", admin=False)
    for headers, value in ((otto, "external"), (nina, "unavailable")):
        await client.put(f"/api/v1/me/settings/{ON_LOGIN}", headers=headers, json={"value": value})
    await client.put(f"/api/v1/me/settings/{ZONE}", headers=otto, json={"value": "Europe/Berlin"})
    await _stage(client, admin_headers, ON_LOGIN, "external")
    await _stage(client, admin_headers, ZONE, "Europe/Berlin")
    await _deploy(client, admin_headers, "What otto chose")
    values = await client.get(f"/api/v1/settings/{ON_LOGIN}/user-values", headers=admin_headers)
    assert [(v["login"], v["value"]) for v in values.json()["items"]] == [("nina", "unavailable")]
    zones = await client.get(f"/api/v1/settings/{ZONE}/user-values", headers=admin_headers)
    assert zones.json() == {"items": [], "total": 0}
    agent = await client.get(f"/api/v1/agents/{otto_id}", headers=admin_headers)
    assert agent.json()["timezone"] is None, "otto follows the global zone now"
    own = {
        s["name"]: s
        for s in (await client.get("/api/v1/me/settings", headers=otto)).json()["items"]
    }
    assert (own["ChatEngine::AvailabilityOnLogin"]["own"], own["Agent::TimeZone"]["own"]) == (
        False,
        False,
    )
    await _until(lambda: web.runtime.config.value(AVAILABILITY_ON_LOGIN, otto_id) == "external")
