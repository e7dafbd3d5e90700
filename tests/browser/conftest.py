"""Browser tests: a real server process per test and Debian's Chromium driven by Playwright.

The server runs ``frontdesk serve`` against the test's database (SQLite and PostgreSQL, like every
database test), so the browser exercises exactly what an installation runs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.conftest import ADMIN_PASSWORD
from tests.services import CHROMIUM, chromium_available, require, reserve_port

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

# Assertions wait for the page; a loaded CI machine needs more than Playwright's default 5 s.
expect.set_options(timeout=15_000)


class ServerLauncher:
    """The worker's launcher process (tests/browser/server_launcher.py): it forks servers that
    have the application imported already, which saves seconds per browser test."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.browser.server_launcher"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._read()["ready"]

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the server launcher exited ({self.process.wait(timeout=10)})")
        return dict(json.loads(line))

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return self._read()

    def start(self, env: dict[str, str], log: Path) -> LaunchedServer:
        return LaunchedServer(
            self, int(self.ask({"op": "start", "env": env, "log": str(log)})["pid"])
        )

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()


@dataclass
class LaunchedServer:
    """A forked ``frontdesk serve``, handled like a ``subprocess.Popen``."""

    launcher: ServerLauncher
    pid: int
    returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.launcher.ask({"op": "poll", "pid": self.pid})["returncode"]
        return self.returncode

    def wait(self, timeout: float) -> int:
        if self.returncode is None:
            request = {"op": "wait", "pid": self.pid, "timeout": timeout}
            self.returncode = self.launcher.ask(request)["returncode"]
        if self.returncode is None:
            raise subprocess.TimeoutExpired(f"frontdesk serve (pid {self.pid})", timeout)
        return self.returncode

    def send_signal(self, number: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, number)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


@pytest.fixture(scope="session")
def server_launcher() -> Iterator[ServerLauncher]:
    launcher = ServerLauncher()
    yield launcher
    launcher.close()


@dataclass
class LiveServer:
    url: str
    process: LaunchedServer
    log: Path

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10)

    def admin_headers(self) -> dict[str, str]:
        with self.api() as client:
            response = client.post(
                "/api/v1/auth/token",
                json={"login": "admin", "password": ADMIN_PASSWORD, "realm": "agent"},
            )
            response.raise_for_status()
            return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def live_server(
    db_url: str, tmp_path: Path, request: pytest.FixtureRequest, server_launcher: ServerLauncher
) -> Iterator[LiveServer]:
    port = reserve_port()
    log = tmp_path / "server.log"
    request.node.server_log = log  # shown with the failure report (pytest_runtest_makereport)
    env = {
        **os.environ,
        "FRONTDESK_DATABASE_URL": db_url,
        "FRONTDESK_PORT": str(port),
        "FRONTDESK_HOST": "127.0.0.1",
        "FRONTDESK_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "FRONTDESK_DEMO": "0",
        "FRONTDESK_RUN_JOBS": "0",
        "FRONTDESK_DATA_DIR": str(tmp_path),
        "FRONTDESK_LOG_LEVEL": "WARNING",
    }
    env.pop("FRONTDESK_REDIS_URL", None)
    process = server_launcher.start(env, log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # generous: a busy CI machine starts Python slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited early:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    else:
        process.kill()
        process.wait(timeout=10)
        pytest.fail(f"server did not start within 60 s:\n{log.read_text()}")
    server = LiveServer(url=url, process=process, log=log)
    yield server
    if process.poll() is not None:
        pytest.fail(
            f"the server exited during the test (code {process.returncode}):\n{log.read_text()}"
        )
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    require(chromium_available(), f"Chromium ({CHROMIUM})")
    async with async_playwright() as playwright:
        instance = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        await instance.close()


@pytest.fixture
async def new_page(browser: Browser, request: pytest.FixtureRequest) -> AsyncIterator[object]:
    """A factory of fresh pages (each in its own context: separate cookies per user)."""
    contexts = []

    async def _make(viewport: dict[str, int] | None = None) -> Page:
        context = await browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        contexts.append(context)
        return await context.new_page()

    yield _make
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for index, context in enumerate(contexts):
            for number, page in enumerate(context.pages):
                name = f"{request.node.name}-{index}-{number}.png".replace("/", "_")
                await page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    for context in contexts:
        await context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[object]:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    log = getattr(item, "server_log", None)
    if report.failed and log is not None and log.exists():
        # The server's side of a failure: a traceback, or that it was gone.
        report.sections.append(
            ("frontdesk serve log (last 4000 characters)", log.read_text()[-4000:])
        )
    return report
