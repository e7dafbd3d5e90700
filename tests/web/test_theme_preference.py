"""An agent's colour theme: chosen on the preferences page, on <html data-theme> of every page."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from frontdesk.sysconfig.models import SettingValue
from frontdesk.web.state import WebState
from tests.conftest import ADMIN_PASSWORD
from tests.web.test_pages_agent import log_in


@pytest.fixture
async def agent_csrf(client: httpx.AsyncClient) -> str:
    return await log_in(client, "admin", ADMIN_PASSWORD, "agent")


async def _theme_values(web: WebState) -> list[tuple[int | None, object]]:
    async with web.session_factory() as session:
        rows = await session.execute(
            select(SettingValue.agent_id, SettingValue.value).where(
                SettingValue.name == "Agent::Theme", SettingValue.agent_id.is_not(None)
            )
        )
        return [(agent_id, value) for agent_id, value in rows]


async def test_pages_follow_the_system_until_the_agent_chooses(
    client: httpx.AsyncClient, agent_csrf: str
) -> None:
    page = await client.get("/agent/preferences")
    assert page.status_code == 200
    assert '<html lang="en" data-theme="auto">' in page.text
    assert '<label for="theme">Theme</label>' in page.text
    assert '<option value="auto" selected>Automatic (follow the system)</option>' in page.text
    assert '<option value="dark" >Dark</option>' in page.text


async def test_saving_dark_gives_dark_pages(
    client: httpx.AsyncClient, agent_csrf: str, web: WebState
) -> None:
    saved = await client.post(
        "/agent/preferences",
        data={"csrf_token": agent_csrf, "language": "en", "timezone": "UTC", "theme": "dark"},
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/agent/preferences?done=preferences"
    assert len(await _theme_values(web)) == 1

    for path in ("/agent/preferences", "/agent", "/agent/queues", "/agent/preferences/settings"):
        page = await client.get(path)
        assert page.status_code == 200, path
        assert '<html lang="en" data-theme="dark">' in page.text, path
    prefs = await client.get("/agent/preferences")
    assert '<option value="dark" selected>Dark</option>' in prefs.text

    # Back to the global value: no own value is kept.
    back = await client.post(
        "/agent/preferences",
        data={"csrf_token": agent_csrf, "language": "en", "timezone": "UTC", "theme": "auto"},
    )
    assert back.status_code == 303
    assert await _theme_values(web) == []
    assert 'data-theme="auto"' in (await client.get("/agent")).text


async def test_an_unknown_theme_is_refused_inline_and_changes_nothing(
    client: httpx.AsyncClient, agent_csrf: str, web: WebState
) -> None:
    await client.post(
        "/agent/preferences",
        data={"csrf_token": agent_csrf, "language": "en", "timezone": "UTC", "theme": "light"},
    )
    before = await _theme_values(web)
    assert [value for _, value in before] == ["light"]

    bad = await client.post(
        "/agent/preferences",
        data={"csrf_token": agent_csrf, "language": "en", "timezone": "UTC", "theme": "neon"},
    )
    assert bad.status_code == 422
    assert 'id="preferences-theme-error"' in bad.text
    assert 'aria-invalid="true"' in bad.text.split('id="theme"')[1].split(">")[0]
    assert await _theme_values(web) == before
    assert '<html lang="en" data-theme="light">' in (await client.get("/agent")).text
