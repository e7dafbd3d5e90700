"""The security headers of every class of response (issue 19, item 8), the login forms' refusal
of other sites, and the CSP report endpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from structlog.testing import capture_logs

from frontdesk.core.process_settings import ProcessSettings
from frontdesk.domain.accounts.models import AuthToken, LoginAttempt
from frontdesk.web.state import WebState
from tests.conftest import ADMIN_PASSWORD, running_app
from tests.domain.chat.desk import set_settings
from tests.web.test_pages_agent import CUSTOMER_PASSWORD, create_customer_user, log_in

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self' ws://testserver wss://testserver; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'; report-uri /csp-report"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
PERMISSIONS = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
PAGE_HEADERS = {
    "content-security-policy": PAGE_CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "permissions-policy": PERMISSIONS,
}
API_HEADERS = {
    "content-security-policy": API_CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
NAMES = (*PAGE_HEADERS, "strict-transport-security")


def security_headers(response: httpx.Response) -> dict[str, str]:
    return {name: response.headers[name] for name in NAMES if name in response.headers}


async def test_agent_and_admin_pages_may_not_be_framed_and_run_only_own_scripts(
    client: httpx.AsyncClient,
) -> None:
    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    for path in ("/agent", "/agent/queues", "/admin", "/agent/chat", "/admin/sysconfig"):
        page = await client.get(path)
        assert page.status_code == 200, path
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert security_headers(page) == PAGE_HEADERS, path


async def test_customer_and_login_pages_carry_the_page_headers(
    client: httpx.AsyncClient, web: WebState
) -> None:
    for path in ("/login", "/customer/login"):
        assert security_headers(await client.get(path)) == PAGE_HEADERS, path
    await create_customer_user(web, "carla")
    await log_in(client, "carla", CUSTOMER_PASSWORD, "customer")
    page = await client.get("/customer")
    assert page.status_code == 200
    assert security_headers(page) == PAGE_HEADERS


async def test_the_public_chat_may_be_framed_by_its_allowed_origins_only(
    client: httpx.AsyncClient, web: WebState
) -> None:
    framed_by = PAGE_CSP.replace("frame-ancestors 'none'", "frame-ancestors {}")
    page = await client.get("/public/chat", params={"iframe": "1"})
    assert security_headers(page) == {
        **PAGE_HEADERS,
        "content-security-policy": framed_by.format("'self'"),
        "referrer-policy": "no-referrer",
    }
    await set_settings(
        web,
        {
            "ChatEngine::PublicInterface::AllowedOrigins": [
                "https://shop.example",
                "https://x.example; script-src *",
            ]
        },
    )
    page = await client.get("/public/chat", params={"iframe": "1"})
    assert page.headers["content-security-policy"] == framed_by.format(
        "'self' https://shop.example"
    )


async def test_the_integration_preview_site_is_framed_by_this_server_only(
    client: httpx.AsyncClient,
) -> None:
    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    page = await client.get("/agent/chat/integration/preview")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == PAGE_CSP.replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'"
    ).replace("frame-ancestors 'none'", "frame-ancestors 'self'")
    assert "<script>" not in page.text
    assert '<script src="/static/js/integration-preview.js"></script>' in page.text


async def test_api_docs_run_swagger_from_files_under_the_page_policy(
    client: httpx.AsyncClient,
) -> None:
    docs = await client.get("/api/docs")
    assert docs.status_code == 200
    assert security_headers(docs) == PAGE_HEADERS
    assert "<script>" not in docs.text
    assert '<script src="/static/js/api-docs.js"></script>' in docs.text
    init = await client.get("/static/js/api-docs.js")
    assert init.status_code == 200
    assert "SwaggerUIBundle(" in init.text


async def test_api_service_and_static_answers(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    me = await client.get("/api/v1/me", headers=admin_headers)
    assert me.status_code == 200
    assert security_headers(me) == API_HEADERS
    assert security_headers(await client.get("/api/v1/me")) == API_HEADERS  # the 401 too
    assert security_headers(await client.get("/healthz")) == API_HEADERS
    assert security_headers(await client.get("/api/openapi.json")) == API_HEADERS
    css = await client.get("/static/css/frontdesk.css")
    assert css.status_code == 200
    # No policy on sub-resources (the embed loader runs on other sites, under theirs).
    assert security_headers(css) == {
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
    }


async def test_error_pages_carry_the_headers(client: httpx.AsyncClient) -> None:
    page = await client.get("/no-such-page")
    assert page.status_code == 404
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert security_headers(page) == PAGE_HEADERS
    api = await client.get("/api/v1/no-such-resource")
    assert api.status_code == 404
    assert security_headers(api) == API_HEADERS


async def test_a_route_that_sets_its_own_policy_keeps_it(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    """Attachment downloads carry their own sandbox policy; the middleware leaves it."""
    created = await client.post(
        "/api/v1/tickets",
        json={
            "title": "Files",
            "queue_id": 2,
            "article": {
                "subject": "Files",
                "body": "See attached.",
                "attachments": [
                    {"filename": "a.html", "content_type": "text/html", "content_base64": "PGI+"}
                ],
            },
        },
        headers=admin_headers,
    )
    assert created.status_code == 201, created.text
    ticket = created.json()
    articles = await client.get(f"/api/v1/tickets/{ticket['id']}/articles", headers=admin_headers)
    article = articles.json()["items"][0]
    attachment = article["attachments"][0]
    download = await client.get(
        f"/api/v1/tickets/{ticket['id']}/articles/{article['id']}/attachments/{attachment['id']}",
        headers=admin_headers,
    )
    assert download.status_code == 200
    assert download.headers["content-security-policy"] == "default-src 'none'; sandbox"


# --- HSTS -------------------------------------------------------------------------------------


@pytest.fixture
async def secure_client(process_settings: ProcessSettings) -> AsyncIterator[httpx.AsyncClient]:
    settings = process_settings.model_copy(update={"secure_cookies": True})
    async with running_app(settings) as application:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


async def test_hsts_only_with_secure_cookies(
    client: httpx.AsyncClient, secure_client: httpx.AsyncClient
) -> None:
    for path in ("/login", "/healthz", "/static/css/frontdesk.css"):
        assert "strict-transport-security" not in (await client.get(path)).headers
        secure = await secure_client.get(path)
        assert secure.headers["strict-transport-security"] == "max-age=31536000", path


# --- login from another site ------------------------------------------------------------------


async def session_rows(web: WebState) -> tuple[int, int]:
    async with web.session_factory() as session:
        tokens = await session.scalar(select(func.count()).select_from(AuthToken))
        attempts = await session.scalar(select(func.count()).select_from(LoginAttempt))
    return int(tokens or 0), int(attempts or 0)


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/login", {"Origin": "https://evil.example"}),
        ("/login", {"Origin": "null"}),
        ("/login", {"Origin": "http://testserver.evil.example"}),
        ("/login", {"Referer": "https://evil.example/page"}),
        ("/customer/login", {"Origin": "https://evil.example"}),
        # Origin decides when both are sent, even if Referer looks like this server.
        ("/login", {"Origin": "https://evil.example", "Referer": "http://testserver/login"}),
    ],
)
async def test_a_login_form_sent_from_another_site_is_refused(
    client: httpx.AsyncClient, web: WebState, path: str, headers: dict[str, str]
) -> None:
    before = await session_rows(web)
    response = await client.post(
        path, data={"login": "admin", "password": ADMIN_PASSWORD}, headers=headers
    )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers
    assert (
        '<p class="error" role="alert" id="login-error">This login was sent from another web '
        "site and was refused. Log in here on this page instead.</p>"
    ) in response.text
    assert security_headers(response) == PAGE_HEADERS
    assert await session_rows(web) == before
    assert client.cookies == {}


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver"},
        {"Origin": "https://testserver"},  # TLS ended at a proxy: the app sees http
        {"Origin": "http://testserver:80"},
        {"Referer": "http://testserver/login?next=/agent"},
        {},  # no browser: curl, scripts
    ],
)
async def test_a_login_form_from_this_server_logs_in(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.post(
        "/login", data={"login": "admin", "password": ADMIN_PASSWORD}, headers=headers
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/agent"
    assert "frontdesk_agent" in client.cookies
    assert (await client.get("/agent")).status_code == 200


async def test_behind_a_proxy_the_host_it_passes_is_this_server(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/login",
        data={"login": "admin", "password": ADMIN_PASSWORD},
        headers={"Host": "help.example.com", "Origin": "https://help.example.com"},
    )
    assert response.status_code == 303


# --- CSP reports ------------------------------------------------------------------------------

REPORT: dict[str, Any] = {
    "csp-report": {
        "document-uri": "http://testserver/agent/tickets/7?token=secret#frag",
        "referrer": "http://testserver/agent?token=secret",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": PAGE_CSP,
        "disposition": "enforce",
        "blocked-uri": "inline",
        "line-number": 12,
        "column-number": 3,
        "source-file": "http://testserver/agent/tickets/7?token=secret",
        "status-code": 200,
        "script-sample": "",
    }
}


async def test_a_csp_report_becomes_one_log_line_without_queries(
    client: httpx.AsyncClient,
) -> None:
    with capture_logs() as logs:
        response = await client.post(
            "/csp-report",
            json=REPORT,
            headers={"Content-Type": "application/csp-report"},
        )
    assert response.status_code == 204
    assert security_headers(response) == API_HEADERS
    violations = [entry for entry in logs if entry["event"] == "csp_violation"]
    assert violations == [
        {
            "event": "csp_violation",
            "log_level": "warning",
            "document_uri": "http://testserver/agent/tickets/7",
            "violated_directive": "script-src-elem",
            "effective_directive": "script-src-elem",
            "blocked_uri": "inline",
            "source_file": "http://testserver/agent/tickets/7",
            "line_number": 12,
            "column_number": 3,
            "disposition": "enforce",
            "status_code": 200,
        }
    ]


async def test_reporting_api_reports_are_logged_too(client: httpx.AsyncClient) -> None:
    body = [
        {
            "type": "csp-violation",
            "body": {"documentURL": "http://testserver/login", "effectiveDirective": "img-src"},
        }
    ]
    with capture_logs() as logs:
        response = await client.post(
            "/csp-report", json=body, headers={"Content-Type": "application/reports+json"}
        )
    assert response.status_code == 204
    assert [e for e in logs if e["event"] == "csp_violation"] == [
        {
            "event": "csp_violation",
            "log_level": "warning",
            "document_uri": "http://testserver/login",
            "effective_directive": "img-src",
        }
    ]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"\xff\xfe",
        b"[]",
        b"42",
        b'{"csp-report": "x"}',
        b'{"csp-report": {"unknown": 1}}',
        b'[{"type": "csp-violation", "body": 7}]',
    ],
)
async def test_junk_reports_are_refused_without_a_server_error(
    client: httpx.AsyncClient, content: bytes
) -> None:
    with capture_logs() as logs:
        response = await client.post("/csp-report", content=content)
    assert response.status_code == 400
    assert [e for e in logs if e["event"] == "csp_violation"] == []


async def test_an_oversized_report_is_refused(client: httpx.AsyncClient) -> None:
    big = {"csp-report": {"document-uri": "http://testserver/", "x": "a" * 20_000}}
    response = await client.post("/csp-report", json=big)
    assert response.status_code == 413
    long_field = {"csp-report": {"blocked-uri": "https://cdn.example/" + "a" * 5_000}}
    with capture_logs() as logs:
        response = await client.post("/csp-report", json=long_field)
    assert response.status_code == 204
    (line,) = [e for e in logs if e["event"] == "csp_violation"]
    assert line["blocked_uri"] == ("https://cdn.example/" + "a" * 5_000)[:200]
