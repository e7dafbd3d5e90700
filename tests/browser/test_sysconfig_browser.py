"""System configuration in a real browser: search a setting, change it, deploy with a comment,
see it in the history, restore the previous deployment and deploy again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from playwright.async_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.conftest import ADMIN_PASSWORD

NewPage = Callable[..., Awaitable[Page]]


def _deploy_through_api(server: LiveServer, minutes: int, comment: str) -> None:
    headers = server.admin_headers()
    with server.api() as api:
        staged = api.put(
            "/api/v1/settings/SessionActiveTime", json={"value": minutes}, headers=headers
        )
        assert staged.status_code == 200, staged.text
        deployed = api.post(
            "/api/v1/settings/deployments", json={"comment": comment}, headers=headers
        )
        assert deployed.status_code == 201, deployed.text


def _value_in_force(server: LiveServer) -> object:
    with server.api() as api:
        shown = api.get("/api/v1/settings/SessionActiveTime", headers=server.admin_headers())
        return shown.json()["value"]


async def test_change_deploy_and_restore_a_setting(
    live_server: LiveServer, new_page: NewPage
) -> None:
    _deploy_through_api(live_server, 20, "Twenty minutes")
    page = await new_page()
    await page.goto(f"{live_server.url}/login")
    await page.get_by_label("Login name").fill("admin")
    await page.get_by_label("Password").fill(ADMIN_PASSWORD)
    await page.get_by_role("button", name="Log in").click()

    # Search, edit, save: the change is staged, not yet in force.
    await page.goto(f"{live_server.url}/admin/sysconfig")
    await page.get_by_label("Search settings").fill("counts as online")
    await page.get_by_role("button", name="Search").click()
    card = page.locator('[data-setting="SessionActiveTime"]')
    await expect(card.locator('[data-value="deployed"]')).to_have_text("20")
    await card.get_by_role("button", name="Edit").click()
    card = page.locator('[data-setting="SessionActiveTime"]')
    await card.get_by_label("Value").fill("45")
    await card.get_by_role("button", name="Save").click()
    await expect(
        page.locator('[data-setting="SessionActiveTime"] [data-value="staged"]')
    ).to_have_text("45")
    assert _value_in_force(live_server) == 20

    # Review old → new, deploy with a comment.
    await page.get_by_role("link", name="Deploy 1 staged change").click()
    row = page.locator('tr[data-setting="SessionActiveTime"]')
    await expect(row).to_contain_text("20")
    await expect(row).to_contain_text("45")
    await page.get_by_label("Comment").fill("Longer online window")
    await page.get_by_role("button", name="Deploy").click()
    await expect(page.locator("[data-comment]")).to_have_text("Longer online window")
    assert _value_in_force(live_server) == 45

    # The history lists both deployments; restore the previous one and deploy again.
    await page.get_by_role("link", name="Deployment history").click()
    rows = page.locator("tr[data-deployment]")
    await expect(rows).to_have_count(2)
    await expect(rows.first).to_contain_text("Longer online window")
    await rows.nth(1).get_by_role("button", name="Restore").click()
    await expect(page.locator("[data-restore-report]")).to_contain_text("1 setting staged.")
    await expect(page.locator('tr[data-setting="SessionActiveTime"]')).to_contain_text("45")
    await page.get_by_label("Comment").fill("Back to twenty")
    await page.get_by_role("button", name="Deploy").click()
    await expect(page.locator("[data-comment]")).to_have_text("Back to twenty")
    change = page.locator('tr[data-setting="SessionActiveTime"]')
    await expect(change.locator("td").nth(1)).to_have_text("45")
    await expect(change.locator("td").nth(2)).to_contain_text("20")
    assert _value_in_force(live_server) == 20
