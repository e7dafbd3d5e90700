"""Secret settings (the SMTP relay password): stored sealed, never shown, never exported."""

from __future__ import annotations

from urllib.parse import quote

import httpx
from sqlalchemy import select

from frontdesk.core.credentials import credential_box, is_sealed
from frontdesk.domain.outbox.settings import SMTP_AUTH_PASSWORD
from frontdesk.sysconfig.models import SettingHistory, SettingValue, StagedChange
from frontdesk.web.state import WebState
from tests.conftest import ADMIN_PASSWORD
from tests.web.test_pages_sysconfig import log_in, setting_card

PASSWORD = quote(SMTP_AUTH_PASSWORD.name)
PLAIN = "relay-Pässword-42"


async def _stored(web: WebState) -> str:
    async with web.session_factory() as session:
        value = await session.scalar(
            select(SettingValue.value).where(
                SettingValue.name == SMTP_AUTH_PASSWORD.name, SettingValue.agent_id.is_(None)
            )
        )
    assert isinstance(value, str)
    return value


async def _deploy(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    deployed = await client.post(
        "/api/v1/settings/deployments", headers=headers, json={"comment": "relay"}
    )
    assert deployed.status_code == 201, deployed.text


async def test_the_api_seals_the_value_and_shows_only_a_mask(
    client: httpx.AsyncClient, admin_headers: dict[str, str], web: WebState
) -> None:
    unset = (await client.get(f"/api/v1/settings/{PASSWORD}", headers=admin_headers)).json()
    assert (unset["type"], unset["value"], unset["default"]) == ("secret", "", "")

    staged = await client.put(
        f"/api/v1/settings/{PASSWORD}", headers=admin_headers, json={"value": PLAIN}
    )
    assert staged.status_code == 200, staged.text
    assert PLAIN not in staged.text
    review = await client.get("/api/v1/settings/staged", headers=admin_headers)
    assert PLAIN not in review.text
    await _deploy(client, admin_headers)

    shown = (await client.get(f"/api/v1/settings/{PASSWORD}", headers=admin_headers)).json()
    assert (shown["value"], shown["modified"]) == ("********", True)
    stored = await _stored(web)
    assert is_sealed(stored)
    assert PLAIN not in stored
    assert credential_box(web.runtime.settings).unseal(stored) == PLAIN
    # What the relay deliverer reads: the sealed value, opened only where it is used.
    assert web.runtime.config.global_value(SMTP_AUTH_PASSWORD) in (stored, "")

    history = await client.get(f"/api/v1/settings/{PASSWORD}/history", headers=admin_headers)
    assert [h["value"] for h in history.json()["items"]] == ["********"]
    async with web.session_factory() as session:
        entries = list(await session.scalars(select(SettingHistory.entry)))
    assert all(PLAIN not in str(entry) for entry in entries)
    listing = await client.get("/api/v1/settings", headers=admin_headers, params={"search": "SMTP"})
    assert PLAIN not in listing.text


async def test_exports_leave_secrets_out_and_imports_seal_them(
    client: httpx.AsyncClient, admin_headers: dict[str, str], web: WebState
) -> None:
    await client.put(f"/api/v1/settings/{PASSWORD}", headers=admin_headers, json={"value": PLAIN})
    await _deploy(client, admin_headers)
    exported = await client.get("/api/v1/settings/export", headers=admin_headers)
    assert exported.text == "# Frontdesk configuration in force\n{}\n"

    imported = await client.post(
        "/api/v1/settings/import",
        headers=admin_headers | {"Content-Type": "application/yaml"},
        content=b"SendmailModule::AuthPassword: from-a-file\n",
    )
    assert (imported.status_code, imported.json()) == (
        200,
        {"staged": ["SendmailModule::AuthPassword"]},
    )
    await _deploy(client, admin_headers)
    stored = await _stored(web)
    assert credential_box(web.runtime.settings).unseal(stored) == "from-a-file"


async def test_a_line_break_is_refused_and_nothing_is_staged(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    refused = await client.put(
        f"/api/v1/settings/{PASSWORD}", headers=admin_headers, json={"value": "a\r\nRCPT TO:"}
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["details"] == [
        {"field": "value", "message": "must be a single line"}
    ]
    review = await client.get("/api/v1/settings/staged", headers=admin_headers)
    assert review.json() == {"items": [], "total": 0}


async def test_the_screen_asks_for_a_password_and_empty_keeps_the_one_in_force(
    client: httpx.AsyncClient, web: WebState
) -> None:
    csrf = await log_in(client, "admin", ADMIN_PASSWORD)
    locked = await client.post(
        f"/admin/sysconfig/settings/{PASSWORD}/edit",
        data={"csrf_token": csrf, "search": "SMTP authentication"},
    )
    editing = await client.get(locked.headers["location"])
    card = setting_card(editing.text, SMTP_AUTH_PASSWORD.name)
    assert 'type="password"' in card
    assert 'autocomplete="new-password"' in card
    assert "Stored encrypted and never shown." in card

    saved = await client.post(
        f"/admin/sysconfig/settings/{PASSWORD}", data={"csrf_token": csrf, "value": PLAIN}
    )
    assert saved.status_code == 303
    deployed = await client.post(
        "/admin/sysconfig/deploy", data={"csrf_token": csrf, "comment": "relay"}
    )
    assert deployed.status_code == 303, deployed.text
    first = await _stored(web)
    page = await client.get("/admin/sysconfig", params={"search": "SMTP authentication"})
    assert PLAIN not in page.text
    assert "********" in setting_card(page.text, SMTP_AUTH_PASSWORD.name)

    await client.post(f"/admin/sysconfig/settings/{PASSWORD}/edit", data={"csrf_token": csrf})
    kept = await client.post(
        f"/admin/sysconfig/settings/{PASSWORD}", data={"csrf_token": csrf, "value": ""}
    )
    assert kept.status_code == 303
    async with web.session_factory() as session:
        staged = list(await session.scalars(select(StagedChange.name)))
    assert staged == []
    assert await _stored(web) == first
