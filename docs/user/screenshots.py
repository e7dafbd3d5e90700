"""Make the screenshots of docs/user from the demo data: `make screenshots`.

Starts `frontdesk serve` on a fresh SQLite database with the demo data, logs in as the demo
agent (or the admin, for admin screens) in Debian's Chromium and photographs the screens
docs/user/workspace.md and docs/user/email.md show, in the light and the dark theme,
right-to-left and at a phone's width. Run it after changing a screen, so the documentation
shows the product as it is. `--only NAME.png …` makes just those files.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.async_api import Page, async_playwright

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AGENT, AGENT_PASSWORD = "agent1", "demo-agent-1"  # the demo's published login (frontdesk.demo)
ADMIN_PASSWORD = "screenshots-admin-1"  # noqa: S105 - a throw-away server
ADMIN = "admin"
DESKTOP = {"width": 1280, "height": 800}
# The demo's ticket opened by a received e-mail (frontdesk.demo: the last ticket it creates).
EMAIL_TICKET = 13
EMAIL_SUBJECT = "Scanner sends nothing to my inbox"
MISC = 4
PHONE = {"width": 375, "height": 800}


@dataclass(frozen=True)
class Shot:
    """One screenshot: the file, the page, how the browser is set up, what to do before."""

    name: str
    path: str
    color_scheme: str = "light"
    viewport: dict[str, int] | None = None
    # "rtl": the page as a right-to-left translation gets it (the layout sets `dir` from the
    # language; no RTL translation ships yet, so the attribute is set here)
    direction: str | None = None
    before: Callable[[Page], Awaitable[None]] | None = None
    login: str = AGENT
    # Run once before the shot, with the server's URL: data the demo does not have.
    prepare: Callable[[str], None] | None = None


async def _open_shortcuts(page: Page) -> None:
    await page.locator("body").press("?")
    await page.locator("dialog[open]").first.wait_for()


async def _reply_with_template(page: Page) -> None:
    await page.get_by_role("link", name=f"Reply to {EMAIL_SUBJECT}").click()
    await page.get_by_role("combobox", name="Template").select_option(label="Solved")
    await page.get_by_role("button", name="Use template").click()
    await page.wait_for_load_state("networkidle")


async def _show_mail_source_link(page: Page) -> None:
    await page.get_by_role("link", name="Download .eml").first.scroll_into_view_if_needed()


async def _wait_for_escalation(page: Page) -> None:
    """Reload the escalation view until the ticket given a one-minute target shows in it."""
    deadline = time.monotonic() + 120
    invoice = page.get_by_role("link", name="Invoice 2026-1183 shows the wrong VAT")
    while await invoice.count() == 0:
        if time.monotonic() > deadline:
            raise SystemExit("no demo ticket escalated within two minutes")
        await page.wait_for_timeout(3000)
        await page.reload()


def _as_admin(url: str, calls: tuple[tuple[str, str, dict[str, object]], ...]) -> None:
    with httpx.Client(base_url=url, timeout=10) as api:
        token = api.post(
            "/api/v1/auth/token",
            json={"login": ADMIN, "password": ADMIN_PASSWORD, "realm": "agent"},
        )
        token.raise_for_status()
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        for method, path, body in calls:
            api.request(method, path, json=body, headers=headers).raise_for_status()


def _add_mail_account(url: str) -> None:
    """The demo has no mail account: a demo must not poll a real mailbox."""
    account = {
        "type": "imaps",
        "host": "mail.example.com",
        "port": 993,
        "login": "support",
        "password": "demo-mailbox-1",
        "dispatch": "queue",
        "queue_id": 2,
        "trusted": False,
    }
    _as_admin(url, (("POST", "/api/v1/mail-accounts", account),))


def _escalate_a_ticket(url: str) -> None:
    """A one-minute solution target on the Misc queue, taken up by the invoice ticket at its
    next change; made just before its shot so that the other shots do not show it."""
    _as_admin(
        url,
        (
            ("PATCH", f"/api/v1/queues/{MISC}", {"solution_minutes": 1}),
            ("PATCH", "/api/v1/tickets/4", {"priority": "5 very high"}),
        ),
    )


SHOTS = (
    Shot("workspace-queue-light.png", "/agent/queues"),
    Shot("workspace-queue-dark.png", "/agent/queues", color_scheme="dark"),
    Shot("workspace-dashboard-dark.png", "/agent", color_scheme="dark"),
    Shot("workspace-zoom-light.png", "/agent/tickets/1"),
    Shot("workspace-zoom-dark.png", "/agent/tickets/1", color_scheme="dark"),
    Shot("workspace-rtl.png", "/agent/queues", direction="rtl"),
    Shot("workspace-phone.png", "/agent/queues", viewport=PHONE),
    Shot("workspace-shortcuts.png", "/agent/queues", before=_open_shortcuts),
    Shot(
        "email-reply-compose.png",
        f"/agent/tickets/{EMAIL_TICKET}",
        viewport={"width": 1280, "height": 1080},  # tall enough for the signature
        before=_reply_with_template,
    ),
    Shot("email-zoom.png", f"/agent/tickets/{EMAIL_TICKET}", before=_show_mail_source_link),
    Shot(
        "email-mail-accounts.png",
        "/admin/mail-accounts",
        login=ADMIN,
        prepare=_add_mail_account,
    ),
    Shot(
        "email-escalated.png",
        "/agent/escalated",
        prepare=_escalate_a_ticket,
        before=_wait_for_escalation,
    ),
)
PASSWORDS = {AGENT: AGENT_PASSWORD, ADMIN: ADMIN_PASSWORD}


def _start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "FRONTDESK_DATABASE_URL": f"sqlite+aiosqlite:///{data_dir / 'frontdesk.db'}",
        "FRONTDESK_PORT": str(port),
        "FRONTDESK_HOST": "127.0.0.1",
        "FRONTDESK_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "FRONTDESK_DEMO": "1",
        "FRONTDESK_RUN_JOBS": "0",
        "FRONTDESK_DATA_DIR": str(data_dir),
        "FRONTDESK_LOG_LEVEL": "WARNING",
    }
    env.pop("FRONTDESK_REDIS_URL", None)
    log = (data_dir / "server.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "frontdesk.cli", "serve"], env=env, stdout=log, stderr=log
    )


def _wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server exited while starting; see its log")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not start within 60 s")


async def _take(url: str, out: Path, shots: tuple[Shot, ...]) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for shot in shots:
            if shot.prepare is not None:
                shot.prepare(url)
            context = await browser.new_context(
                viewport=shot.viewport or DESKTOP,  # type: ignore[arg-type]
                color_scheme=shot.color_scheme,  # type: ignore[arg-type]
                reduced_motion="reduce",
            )
            page = await context.new_page()
            await page.goto(f"{url}/login")
            await page.get_by_label("Login name").fill(shot.login)
            await page.get_by_label("Password").fill(PASSWORDS[shot.login])
            await page.get_by_role("button", name="Log in").click()
            await page.wait_for_url(f"{url}/agent**")
            await page.goto(f"{url}{shot.path}")
            await page.wait_for_load_state("networkidle")
            if shot.direction:
                set_dir = "dir => { document.documentElement.dir = dir; }"
                await page.evaluate(set_dir, shot.direction)
            if shot.before is not None:
                await shot.before(page)
            await page.screenshot(path=str(out / shot.name))
            print(f"  {shot.name}")
            await context.close()
        await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the PNG files")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", nargs="*", help="file names to make (default: all)")
    args = parser.parse_args()
    shots = tuple(s for s in SHOTS if not args.only or s.name in args.only)
    url = f"http://127.0.0.1:{args.port}"
    with tempfile.TemporaryDirectory(prefix="frontdesk-shots-") as folder:
        process = _start_server(Path(folder), args.port)
        try:
            _wait_healthy(url, process)
            asyncio.run(_take(url, args.out, shots))
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
