"""System configuration screens: search, edit with lock, inline errors, deploy review,
history, restore, user values and the agent's own settings."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx

from frontdesk.domain.accounts.settings import AGENT_TIMEZONE, ONLINE_MINUTES
from frontdesk.domain.chat.settings import AVAILABILITY_ON_LOGIN
from frontdesk.web.state import WebState
from tests.conftest import ADMIN_PASSWORD, RecordedEvents, login_token

CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')
MINUTES = quote(ONLINE_MINUTES.name)
ON_LOGIN = quote(AVAILABILITY_ON_LOGIN.name, safe="")


async def log_in(client: httpx.AsyncClient, login: str, password: str) -> str:
    response = await client.post("/login", data={"login": login, "password": password})
    assert response.status_code == 303, response.text
    home = await client.get("/agent")
    match = CSRF_PATTERN.search(home.text)
    assert match is not None
    return match.group(1)


async def until(condition: Callable[[], bool], seconds: float = 3.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - the settings store is a plain cache
            await asyncio.sleep(0.02)


def setting_card(page: str, name: str) -> str:
    start = page.index(f'data-setting="{name}"')
    end = page.find("</section>", start)
    return page[start:end]


async def test_search_edit_deploy_and_history(
    client: httpx.AsyncClient, web: WebState, events: RecordedEvents
) -> None:
    csrf = await log_in(client, "admin", ADMIN_PASSWORD)
    found = await client.get("/admin/sysconfig", params={"search": "counts as online"})
    assert found.status_code == 200
    assert 'data-setting="SessionActiveTime"' in found.text
    assert 'data-setting="Agent::Language"' not in found.text
    assert "1 setting" in found.text
    events.clear()

    locked = await client.post(
        f"/admin/sysconfig/settings/{MINUTES}/edit",
        data={"csrf_token": csrf, "search": "counts as online"},
    )
    assert locked.status_code == 303
    assert locked.headers["location"].startswith(
        "/admin/sysconfig?search=counts+as+online&done=locked&edit=SessionActiveTime"
    )
    editing = await client.get(locked.headers["location"])
    card = setting_card(editing.text, "SessionActiveTime")
    assert 'name="value" type="text" value="10" inputmode="numeric"' in card
    assert "From 1 to 1440" in card

    refused = await client.post(
        f"/admin/sysconfig/settings/{MINUTES}", data={"csrf_token": csrf, "value": "99999"}
    )
    assert refused.status_code == 422
    assert "must be at most 1440" in setting_card(refused.text, "SessionActiveTime")
    assert 'value="99999"' in setting_card(refused.text, "SessionActiveTime")
    assert events.kinds() == ["sysconfig.staged"]  # only the lock

    saved = await client.post(
        f"/admin/sysconfig/settings/{MINUTES}", data={"csrf_token": csrf, "value": "25"}
    )
    assert saved.status_code == 303
    listing = await client.get("/admin/sysconfig", params={"search": "SessionActiveTime"})
    card = setting_card(listing.text, "SessionActiveTime")
    assert 'data-marker="staged"' in card
    assert '<strong data-value="staged">25</strong>' in card
    assert "Deploy 1 staged change" in listing.text
    assert web.runtime.config.value(ONLINE_MINUTES) == 10

    review = await client.get("/admin/sysconfig/deploy")
    row = review.text[review.text.index('<tr data-setting="SessionActiveTime">') :]
    row = row[: row.index("</tr>")]
    assert '<td>10 <span class="muted">(default)</span></td>' in row
    assert "<td>25" in row

    deployed = await client.post(
        "/admin/sysconfig/deploy", data={"csrf_token": csrf, "comment": "Shorter <b>online</b>"}
    )
    assert deployed.status_code == 303
    details = await client.get(deployed.headers["location"])
    assert "Shorter &lt;b&gt;online&lt;/b&gt;" in details.text
    assert "Deployed: the changes are in force on every process." in details.text
    again = await client.post("/admin/sysconfig/deploy", data={"csrf_token": csrf, "comment": ""})
    assert again.status_code == 409
    assert "There are no staged changes to deploy." in again.text

    history = await client.get(f"/admin/sysconfig/settings/{MINUTES}/history")
    assert "Modified version" in history.text
    assert "<td>25</td>" in history.text
    listing = await client.get("/admin/sysconfig/deployments", params={"search": "shorter"})
    assert listing.text.count("<tr data-deployment=") == 1


async def test_lock_of_another_admin_is_shown_and_refused(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    created = await client.post(
        "/api/v1/agents",
        headers=admin_headers,
        json={
            "login": "nina",
            "first_name": "Nina",
            "last_name": "Agent",
            "email": "nina@example.com",
            "password": "nina-pass-12",
        },
    )
    await client.put(
        f"/api/v1/groups/2/agents/{created.json()['id']}",
        headers=admin_headers,
        json={"permissions": ["rw"]},
    )
    nina = {"Authorization": f"Bearer {await login_token(client, 'nina', 'nina-pass-12')}"}
    lock = await client.post(f"/api/v1/settings/{MINUTES}/lock", headers=nina)
    expires = datetime.fromisoformat(lock.json()["lock_expires_at"].replace("Z", "+00:00"))
    await client.patch(
        "/api/v1/me/preferences", headers=admin_headers, json={"timezone": "Asia/Tokyo"}
    )
    csrf = await log_in(client, "admin", ADMIN_PASSWORD)
    page = await client.get("/admin/sysconfig", params={"search": "SessionActiveTime"})
    until_tokyo = expires.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M")
    assert f"Being edited by nina until {until_tokyo}." in setting_card(
        page.text, "SessionActiveTime"
    )
    events.clear()
    refused = await client.post(
        f"/admin/sysconfig/settings/{MINUTES}/edit", data={"csrf_token": csrf}
    )
    assert refused.status_code == 409
    assert "SessionActiveTime is being edited by nina." in setting_card(
        refused.text, "SessionActiveTime"
    )
    assert events == []


async def test_non_admin_sees_no_configuration(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await client.post(
        "/api/v1/agents",
        headers=admin_headers,
        json={
            "login": "otto",
            "first_name": "Otto",
            "last_name": "Agent",
            "email": "otto@example.com",
            "password": "otto-pass-12",
        },
    )
    csrf = await log_in(client, "otto", "otto-pass-12")
    for url in ("/admin/sysconfig", "/admin/sysconfig/deployments", "/admin/sysconfig/deploy"):
        page = await client.get(url)
        assert page.status_code == 403, url
        assert "Only administrators may do this." in page.text
    refused = await client.post("/admin/sysconfig/deploy", data={"csrf_token": csrf})
    assert refused.status_code == 403

    # But their own settings are theirs.
    own = await client.get("/agent/preferences/settings")
    assert own.status_code == 200
    assert 'data-setting="Agent::TimeZone"' in own.text
    assert 'data-setting="SessionActiveTime"' not in own.text
    saved = await client.post(
        f"/agent/preferences/settings/{ON_LOGIN}", data={"csrf_token": csrf, "value": "external"}
    )
    assert saved.status_code == 303
    page = await client.get("/agent/preferences/settings")
    form = page.text[page.text.index('data-setting="ChatEngine::AvailabilityOnLogin"') :]
    form = form[: form.index("</form>")]
    assert '<option value="external" selected>' in form
    assert 'data-marker="own"' in form
    bad = await client.post(
        f"/agent/preferences/settings/{ON_LOGIN}", data={"csrf_token": csrf, "value": "away"}
    )
    assert bad.status_code == 422
    assert "must be one of: unavailable, internal, external" in bad.text
    reset = await client.post(
        f"/agent/preferences/settings/{ON_LOGIN}", data={"csrf_token": csrf, "reset": "1"}
    )
    assert reset.status_code == 303
    page = await client.get("/agent/preferences/settings")
    form = page.text[page.text.index('data-setting="ChatEngine::AvailabilityOnLogin"') :]
    assert 'data-marker="own"' not in form[: form.index("</form>")]


async def test_restore_and_user_values_screens(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    for value, comment in ((20, "twenty"), (30, "thirty")):
        await client.put(
            f"/api/v1/settings/{MINUTES}", headers=admin_headers, json={"value": value}
        )
        await client.post(
            "/api/v1/settings/deployments", headers=admin_headers, json={"comment": comment}
        )
    await client.put(
        f"/api/v1/me/settings/{ON_LOGIN}", headers=admin_headers, json={"value": "external"}
    )
    csrf = await log_in(client, "admin", ADMIN_PASSWORD)
    listing = await client.get("/admin/sysconfig/deployments")
    assert listing.text.count("<tr data-deployment=") == 2
    assert listing.text.count(">Restore</button>") == 1, "the newest deployment is not restored"
    restored = await client.post(
        "/admin/sysconfig/deployments/1/restore", data={"csrf_token": csrf}
    )
    assert restored.status_code == 200
    assert "1 setting staged." in restored.text
    assert '<tr data-setting="SessionActiveTime">' in restored.text
    missing = await client.post(
        "/admin/sysconfig/deployments/99/restore", data={"csrf_token": csrf}
    )
    assert missing.status_code == 404
    export = await client.get("/admin/sysconfig/deployments/1/export")
    assert export.text.splitlines()[1:] == ["SessionActiveTime: 20"]

    bad_import = await client.post(
        "/admin/sysconfig/import",
        data={"csrf_token": csrf},
        files={"file": ("bad.yml", b"SessionActiveTime: many\nNo::Such: 1\n", "application/yaml")},
    )
    assert bad_import.status_code == 422
    assert "SessionActiveTime: must be a whole number" in bad_import.text
    assert "No::Such: there is no such setting" in bad_import.text

    values = await client.get(f"/admin/sysconfig/user-values/{ON_LOGIN}")
    assert '<tr data-agent="admin">' in values.text
    assert "<td>external</td>" in values.text
    deleted = await client.post(
        f"/admin/sysconfig/user-values/{ON_LOGIN}/delete", data={"csrf_token": csrf}
    )
    assert deleted.status_code == 303
    assert "No user value for this setting." in (await client.get(deleted.headers["location"])).text


async def test_preferences_show_the_followed_and_the_forbidden_time_zone(
    client: httpx.AsyncClient, admin_headers: dict[str, str], web: WebState, events: RecordedEvents
) -> None:
    zone = quote(AGENT_TIMEZONE.name, safe="")
    csrf = await log_in(client, "admin", ADMIN_PASSWORD)
    page = await client.get("/agent/preferences")
    assert (
        '<p class="hint muted" id="timezone-hint" data-locale="timezone">'
        "You follow the global setting (UTC).</p>"
    ) in page.text

    await client.put(
        f"/api/v1/settings/{zone}/user-modification",
        headers=admin_headers,
        json={"allowed": False},
    )
    await client.post(
        "/api/v1/settings/deployments", headers=admin_headers, json={"comment": "One zone"}
    )
    await until(lambda: not web.runtime.config.user_modification_active(AGENT_TIMEZONE))
    page = await client.get("/agent/preferences")
    field = page.text[page.text.index('<input id="timezone"') :]
    assert " disabled " in field[: field.index(">")]
    assert "Set by your administrator for everyone." in page.text

    events.clear()
    refused = await client.post(
        "/agent/preferences",
        data={"csrf_token": csrf, "language": "en", "timezone": "Asia/Tokyo"},
    )
    assert refused.status_code == 403
    assert (
        "Your administrator does not allow changing Agent::TimeZone per user: "
        "UTC applies to everyone."
    ) in refused.text
    assert events == []
    assert (await client.get("/api/v1/me", headers=admin_headers)).json()["timezone"] == "UTC"


async def test_group_widget_offers_the_valid_groups(client: httpx.AsyncClient) -> None:
    name = "ChatEngine::PermissionGroup::ChatStartingAgents"
    csrf = await log_in(client, "admin", ADMIN_PASSWORD)
    locked = await client.post(
        f"/admin/sysconfig/settings/{quote(name, safe='')}/edit", data={"csrf_token": csrf}
    )
    editing = await client.get(locked.headers["location"])
    card = setting_card(editing.text, name)
    select = card[card.index('<select id="value-') :]
    select = select[: select.index("</select>")]
    assert re.findall(r'<option value="([^"]*)"', select) == ["admin", "stats", "users"]
    assert '<option value="users" selected>' in select
    refused = await client.post(
        f"/admin/sysconfig/settings/{quote(name, safe='')}",
        data={"csrf_token": csrf, "value": "nosuch"},
    )
    assert refused.status_code == 422
    card = setting_card(refused.text, name)
    assert "must name a valid group (one of: admin, stats, users)" in card
    assert '<option value="nosuch" selected>nosuch (not a valid group)</option>' in card


async def test_restore_page_reports_what_it_skipped(
    client: httpx.AsyncClient, web: WebState
) -> None:
    from tests.web.test_api_settings import OLD_SNAPSHOT, insert_old_deployment

    old = await insert_old_deployment(web, OLD_SNAPSHOT)
    csrf = await log_in(client, "admin", ADMIN_PASSWORD)
    restored = await client.post(
        f"/admin/sysconfig/deployments/{old}/restore", data={"csrf_token": csrf}
    )
    assert restored.status_code == 200
    report = restored.text[restored.text.index("data-restore-report") :]
    report = report[: report.index("</section>")]
    assert "1 setting staged." in report
    assert re.findall(r"<li>(.*?)</li>", report) == [
        "ChatEngine::PermissionGroup::ChatStartingAgents: old value must name a valid group "
        "(one of: admin, stats, users)",
        "No::Longer: the setting no longer exists",
        "SessionActiveTime: old value must be at most 1440",
    ]
    assert '<tr data-setting="ChatEngine::ChatOrder">' in restored.text


async def test_import_of_an_unchanged_export_says_so(
    client: httpx.AsyncClient, events: RecordedEvents
) -> None:
    csrf = await log_in(client, "admin", ADMIN_PASSWORD)
    events.clear()
    imported = await client.post(
        "/admin/sysconfig/import",
        data={"csrf_token": csrf},
        files={"file": ("empty.yml", b"# Frontdesk configuration in force\n{}\n", "text/yaml")},
    )
    assert imported.status_code == 303
    assert imported.headers["location"] == "/admin/sysconfig/deployments?done=import_unchanged"
    page = await client.get(imported.headers["location"])
    assert "The file changes no setting: nothing was staged." in page.text
    assert events == []


async def test_refusals_without_a_card_show_at_the_top(
    client: httpx.AsyncClient, admin_headers: dict[str, str], web: WebState, events: RecordedEvents
) -> None:
    csrf = await log_in(client, "admin", ADMIN_PASSWORD)
    events.clear()
    unknown = await client.post(
        "/admin/sysconfig/settings/No::Such", data={"csrf_token": csrf, "value": "1"}
    )
    assert unknown.status_code == 404
    assert (
        '<p class="error" role="alert" data-error="page">There is no setting named No::Such.</p>'
    ) in unknown.text
    # A setting the current search hides: the message still shows.
    hidden = await client.post(
        f"/admin/sysconfig/settings/{MINUTES}/reset",
        data={"csrf_token": csrf, "search": "Agent::Language", "locally": "1"},
    )
    assert hidden.status_code == 422
    assert 'data-error="page">SessionActiveTime has no user values to reset</p>' in hidden.text

    own_unknown = await client.post(
        "/agent/preferences/settings/No::Such", data={"csrf_token": csrf, "value": "1"}
    )
    assert own_unknown.status_code == 404
    assert 'data-error="page">There is no setting named No::Such.</p>' in own_unknown.text
    not_modifiable = await client.post(
        f"/agent/preferences/settings/{MINUTES}", data={"csrf_token": csrf, "value": "30"}
    )
    assert not_modifiable.status_code == 403
    assert 'data-error="page">SessionActiveTime cannot be changed per user.</p>' in (
        not_modifiable.text
    )
    await client.put(
        f"/api/v1/settings/{ON_LOGIN}/user-modification",
        headers=admin_headers,
        json={"allowed": False},
    )
    await client.post(
        "/api/v1/settings/deployments", headers=admin_headers, json={"comment": "No own"}
    )
    await until(lambda: not web.runtime.config.user_modification_active(AVAILABILITY_ON_LOGIN))
    events.clear()
    forbidden = await client.post(
        f"/agent/preferences/settings/{ON_LOGIN}", data={"csrf_token": csrf, "value": "external"}
    )
    assert forbidden.status_code == 403
    assert (
        'data-error="page">ChatEngine::AvailabilityOnLogin cannot be changed per user.</p>'
    ) in forbidden.text
    assert events == []


async def test_a_refused_multiselect_keeps_what_was_posted(client: httpx.AsyncClient) -> None:
    name = "Ticket::Frontend::Timeline::EventTypeFilterDefault"
    path = f"/admin/sysconfig/settings/{quote(name, safe='')}"
    csrf = await log_in(client, "admin", ADMIN_PASSWORD)
    await client.post(f"{path}/edit", data={"csrf_token": csrf})
    refused = await client.post(
        path,
        data={"csrf_token": csrf, "value": ["Lock", "FollowUp", "Bogus"]},
    )
    assert refused.status_code == 422
    card = setting_card(refused.text, name)
    assert "unknown options: Bogus" in card
    assert re.findall(r'<option value="([^"]+)" selected>', card) == ["FollowUp", "Lock"]

    own = await client.post(
        f"/agent/preferences/settings/{quote(name, safe='')}",
        data={"csrf_token": csrf, "value": ["Unlock", "Bogus"]},
    )
    assert own.status_code == 422
    form = own.text[own.text.index(f'data-setting="{name}"') :]
    form = form[: form.index("</form>")]
    assert "unknown options: Bogus" in form
    assert re.findall(r'<option value="([^"]+)" selected>', form) == ["Unlock"]


async def test_history_tells_flag_changes_from_resets(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    zone = quote(AGENT_TIMEZONE.name, safe="")

    async def deploy(comment: str) -> int:
        response = await client.post(
            "/api/v1/settings/deployments", headers=admin_headers, json={"comment": comment}
        )
        assert response.status_code == 201, response.text
        deployment_id: int = response.json()["id"]
        return deployment_id

    await client.put(
        f"/api/v1/settings/{zone}", headers=admin_headers, json={"value": "Europe/Berlin"}
    )
    await deploy("Berlin")
    await client.put(
        f"/api/v1/settings/{zone}/user-modification",
        headers=admin_headers,
        json={"allowed": False},
    )
    forbidden = await deploy("No own zones")
    await client.post(f"/api/v1/settings/{zone}/reset", headers=admin_headers, json={})
    await deploy("UTC again")

    history = (await client.get(f"/api/v1/settings/{zone}/history", headers=admin_headers)).json()
    assert [
        (h["comment"], h["change"], h["reset_to_default"], h["user_modification_changed"])
        for h in history["items"]
    ] == [
        ("UTC again", "reset_to_default", True, False),
        ("No own zones", "user_modification", False, True),
        ("Berlin", "modified", False, False),
    ]
    details = (
        await client.get(f"/api/v1/settings/deployments/{forbidden}", headers=admin_headers)
    ).json()
    assert [(c["name"], c["change"]) for c in details["changes"]] == [
        ("Agent::TimeZone", "user_modification")
    ]

    await log_in(client, "admin", ADMIN_PASSWORD)
    page = await client.get(f"/admin/sysconfig/settings/{zone}/history")
    labels = re.findall(r'<td data-change="[^"]+">([^<]*)</td>', page.text)
    assert labels == ["Reset to default", "User modification forbidden", "Modified version"]
    shown = await client.get(f"/admin/sysconfig/deployments/{forbidden}")
    cell = shown.text[shown.text.index('<td data-change="user_modification">') :]
    cell = cell[: cell.index("</td>")]
    assert "reset to default" not in cell
    assert "Europe/Berlin" in cell and "User modification forbidden" in cell
