"""The platform's limits and sessions: paging bounds, request size, CSRF on the API, session
expiry and logout, login throttling on the page, and /healthz when the bus is down."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from frontdesk.core.clock import utcnow
from frontdesk.core.process_settings import ProcessSettings
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts.models import AuthToken
from frontdesk.domain.tickets.models import Ticket
from frontdesk.web.app import create_app
from frontdesk.web.state import WebState
from tests.conftest import ADMIN_PASSWORD, RecordedEvents, running_app
from tests.services import in_ci, reserve_port
from tests.web.test_pages_agent import CSRF_PATTERN, RAW_QUEUE_ID, log_in

HUGE = "9999999999999999999999999"
TICKET = {
    "title": "Printer on fire",
    "queue_id": RAW_QUEUE_ID,
    "article": {"subject": "Help", "body": "It burns."},
}


async def ticket_count(web: WebState) -> int:
    async with web.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(Ticket)) or 0)


# --- paging and ids beyond any row -------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/agents",
        "/api/v1/queues",
        "/api/v1/groups/1/agents",
        "/api/v1/settings/deployments",
        "/api/v1/tickets",
    ],
)
async def test_an_offset_beyond_any_row_is_a_422_naming_offset(
    client: httpx.AsyncClient, admin_headers: dict[str, str], path: str
) -> None:
    response = await client.get(f"{path}?offset={HUGE}", headers=admin_headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert [detail["field"] for detail in error["details"]] == ["offset"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/agent/queues?offset={HUGE}", 422),
        (f"/agent/search?query=printer&offset={HUGE}", 422),
        (f"/admin/agents?offset={HUGE}", 422),
        (f"/agent/queues?queue_id={HUGE}", 404),
        ("/agent/customers/a%00b", 404),
    ],
)
async def test_pages_answer_out_of_range_input_with_an_error_page(
    client: httpx.AsyncClient, path: str, status: int
) -> None:
    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    response = await client.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "Something went wrong" not in response.text


# --- request size ------------------------------------------------------------------------------


@pytest.fixture
async def small_app(process_settings: ProcessSettings) -> AsyncIterator[Any]:
    """The application with a 4 KiB request limit."""
    async with running_app(process_settings.model_copy(update={"max_request_bytes": 4096})) as app:
        yield app


@pytest.fixture
async def small_client(small_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=small_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def test_a_request_over_the_size_limit_is_refused_before_it_is_read(
    small_app: Any, small_client: httpx.AsyncClient
) -> None:
    web: WebState = small_app.state.frontdesk
    token = (
        await small_client.post(
            "/api/v1/auth/token",
            json={"login": "admin", "password": ADMIN_PASSWORD, "realm": "agent"},
        )
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    big = {**TICKET, "article": {"subject": "Help", "body": "x" * 5000}}

    declared = await small_client.post("/api/v1/tickets", json=big, headers=headers)
    assert declared.status_code == 413
    assert declared.json()["error"] == {
        "code": "payload_too_large",
        "message": "The request is larger than this server accepts.",
        "details": None,
    }

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it streams
        body = httpx.Request("POST", "/", json=big).content
        for start in range(0, len(body), 1000):
            yield body[start : start + 1000]

    streamed = await small_client.post(
        "/api/v1/tickets",
        content=chunks(),
        headers={**headers, "Content-Type": "application/json"},
    )
    assert streamed.status_code == 413
    assert await ticket_count(web) == 0

    small = await small_client.post("/api/v1/tickets", json=TICKET, headers=headers)
    assert small.status_code == 201, small.text


async def test_a_form_over_the_size_limit_gets_an_error_page(
    small_app: Any, small_client: httpx.AsyncClient
) -> None:
    web: WebState = small_app.state.frontdesk
    csrf = await log_in(small_client, "admin", ADMIN_PASSWORD, "agent")
    response = await small_client.post(
        "/agent/tickets/new",
        data={"csrf_token": csrf, "title": "Big", "queue_id": str(RAW_QUEUE_ID), "body": "b"},
        files={"attachment": ("big.bin", b"\0" * 8000, "application/octet-stream")},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "The request is larger than this server accepts." in response.text
    assert await ticket_count(web) == 0


# --- CSRF on the API with a browser session ---------------------------------------------------


async def test_api_writes_with_a_session_cookie_need_the_csrf_header(
    client: httpx.AsyncClient, web: WebState, events: RecordedEvents
) -> None:
    csrf = await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    events.clear()
    refused = await client.post("/api/v1/tickets", json=TICKET)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    wrong = await client.post("/api/v1/tickets", json=TICKET, headers={"X-CSRF-Token": "nope"})
    assert wrong.status_code == 403
    assert await ticket_count(web) == 0
    assert [e for e in events if e.kind.startswith("ticket")] == []

    reading = await client.get("/api/v1/me")  # reads need no token
    assert reading.status_code == 200
    accepted = await client.post("/api/v1/tickets", json=TICKET, headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 201, accepted.text
    assert await ticket_count(web) == 1


# --- sessions ------------------------------------------------------------------------------------


async def test_the_session_cookie_lives_as_long_as_the_server_session(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/login", data={"login": "admin", "password": ADMIN_PASSWORD})
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    # The server slides the session on every request; a cookie lifetime would cut it short.
    assert "max-age" not in cookie
    assert "expires" not in cookie


async def test_an_idle_session_ends_and_the_page_asks_for_login(
    client: httpx.AsyncClient, web: WebState
) -> None:
    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    assert (await client.get("/agent")).status_code == 200
    async with unit_of_work(web.session_factory) as session:
        await session.execute(update(AuthToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    page = await client.get("/agent")
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/agent"
    api = await client.get("/api/v1/me")
    assert api.status_code == 401


async def test_a_used_session_slides_its_expiry(client: httpx.AsyncClient, web: WebState) -> None:
    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    soon = utcnow() + timedelta(minutes=5)
    async with unit_of_work(web.session_factory) as session:
        await session.execute(  # last used two minutes ago: touched at most once a minute
            update(AuthToken).values(expires_at=soon, last_seen_at=utcnow() - timedelta(minutes=2))
        )
    assert (await client.get("/agent")).status_code == 200
    async with web.session_factory() as session:
        expires = await session.scalar(select(AuthToken.expires_at))
    assert expires is not None
    assert expires > utcnow() + timedelta(hours=11)


@pytest.mark.parametrize("realm", ["agent", "customer"])
async def test_logout_ends_the_session(
    client: httpx.AsyncClient, web: WebState, realm: str
) -> None:
    if realm == "customer":
        from tests.web.test_pages_agent import CUSTOMER_PASSWORD, create_customer_user

        await create_customer_user(web, "jane")
        csrf = await log_in(client, "jane", CUSTOMER_PASSWORD, "customer")
        home, logout, login = "/customer", "/customer/logout", "/customer/login"
    else:
        csrf = await log_in(client, "admin", ADMIN_PASSWORD, "agent")
        home, logout, login = "/agent", "/logout", "/login"

    forged = await client.post(logout, data={"csrf_token": "forged"})
    assert forged.status_code == 403
    assert (await client.get(home)).status_code == 200

    response = await client.post(logout, data={"csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["location"] == login
    again = await client.get(home)
    assert again.status_code == 303
    assert again.headers["location"].startswith(f"{login}?next=")
    async with web.session_factory() as session:
        revoked = await session.scalar(select(AuthToken.revoked))
    assert revoked is True


async def test_the_login_page_throttles_failed_logins(client: httpx.AsyncClient) -> None:
    for _ in range(5):
        failed = await client.post("/login", data={"login": "admin", "password": "wrong"})
        assert failed.status_code == 401
        assert "Login failed. Check your login name and password." in failed.text
    blocked = await client.post("/login", data={"login": "admin", "password": ADMIN_PASSWORD})
    assert blocked.status_code == 429
    assert "Too many failed logins. Try again in a few minutes." in blocked.text
    assert "set-cookie" not in blocked.headers
    page = await client.get("/login")
    assert CSRF_PATTERN.search(page.text) is None  # the login form itself carries no token


# --- health -----------------------------------------------------------------------------------


@pytest.mark.redis
async def test_healthz_answers_503_naming_the_bus_when_redis_is_gone(
    process_settings: ProcessSettings,
) -> None:
    server = shutil.which("redis-server")
    if server is None:
        if in_ci():
            pytest.fail("redis-server is not installed, and CI=true requires it", pytrace=False)
        pytest.skip("redis-server is not installed")
    port = reserve_port()
    redis = subprocess.Popen(  # noqa: ASYNC220 - starting a server does not block
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                await asyncio.sleep(0.05)
        settings = process_settings.model_copy(
            update={"redis_url": f"redis://127.0.0.1:{port}/0", "bus_channel": "health-test"}
        )
        application = create_app(settings)
        async with application.router.lifespan_context(application):
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                healthy = await client.get("/healthz")
                assert healthy.status_code == 200
                assert healthy.json() == {"status": "ok", "database": "ok", "bus": "ok"}
                redis.terminate()
                redis.wait(timeout=10)
                down = await client.get("/healthz")
                assert down.status_code == 503
                assert down.json() == {"status": "degraded", "database": "ok", "bus": "down"}
    finally:
        if redis.poll() is None:
            redis.kill()
            redis.wait(timeout=10)


# --- login throttling per address ---------------------------------------------------------------


def _client_from(app: Any, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def _guess(client: httpx.AsyncClient, password: str = "wrong") -> int:
    response = await client.post(
        "/api/v1/auth/token", json={"login": "admin", "password": password, "realm": "agent"}
    )
    return response.status_code


async def test_a_guesser_is_throttled_without_locking_the_user_out_elsewhere(app: Any) -> None:
    async with _client_from(app, "127.0.0.2") as guesser, _client_from(app, "127.0.0.3") as user:
        assert [await _guess(guesser) for _ in range(5)] == [401] * 5
        assert await _guess(guesser, ADMIN_PASSWORD) == 429
        assert await _guess(user, ADMIN_PASSWORD) == 200


async def test_guesses_spread_over_many_addresses_still_throttle_the_login(app: Any) -> None:
    for index in range(10):  # 5 per address is the limit there; 50 in all is the limit overall
        async with _client_from(app, f"127.0.1.{index}") as guesser:
            assert [await _guess(guesser) for _ in range(5)] == [401] * 5
    async with _client_from(app, "127.0.2.1") as fresh:
        assert await _guess(fresh, ADMIN_PASSWORD) == 429
