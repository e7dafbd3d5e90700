"""Service endpoints and the auth API: /healthz, tokens, /me, logout, rate limit."""

from __future__ import annotations

import httpx

from tests.conftest import ADMIN_PASSWORD


async def test_healthz_reports_database_and_bus(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "bus": "ok"}


async def test_token_me_and_revoke(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/token", json={"login": "admin", "password": ADMIN_PASSWORD, "realm": "agent"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["login"] == "admin"
    assert body["user"]["realm"] == "agent"
    assert body["expires_at"].endswith("Z")
    headers = {"Authorization": f"Bearer {body['token']}"}

    me = await client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["login"] == "admin"
    assert me.json()["first_name"] == "Admin"

    revoked = await client.delete("/api/v1/auth/token", headers=headers)
    assert revoked.status_code == 204
    after = await client.get("/api/v1/me", headers=headers)
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "authentication_required"


async def test_bad_credentials_same_answer_for_unknown_login(client: httpx.AsyncClient) -> None:
    wrong_password = await client.post(
        "/api/v1/auth/token", json={"login": "admin", "password": "nope", "realm": "agent"}
    )
    unknown_login = await client.post(
        "/api/v1/auth/token", json={"login": "ghost", "password": "nope", "realm": "agent"}
    )
    assert wrong_password.status_code == unknown_login.status_code == 401
    assert wrong_password.json() == unknown_login.json()
    assert wrong_password.json()["error"]["code"] == "invalid_credentials"


async def test_login_is_rate_limited(client: httpx.AsyncClient) -> None:
    for _ in range(5):
        response = await client.post(
            "/api/v1/auth/token", json={"login": "admin", "password": "bad", "realm": "agent"}
        )
        assert response.status_code == 401
    blocked = await client.post(
        "/api/v1/auth/token",
        json={"login": "admin", "password": ADMIN_PASSWORD, "realm": "agent"},
    )
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "too_many_login_attempts"
    assert blocked.headers["retry-after"] == "300"


async def test_token_input_is_validated(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/auth/token", json={"login": "admin", "realm": "boss"})
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert fields == {"password", "realm"}


async def test_no_auth_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/me")
    assert response.status_code == 401


async def test_openapi_and_docs_need_no_internet(client: httpx.AsyncClient) -> None:
    document = await client.get("/api/openapi.json")
    assert document.status_code == 200
    paths = document.json()["paths"]
    for path in ("/api/v1/tickets", "/api/v1/auth/token", "/api/v1/agents", "/healthz"):
        assert path in paths
    docs = await client.get("/api/docs")
    assert docs.status_code == 200
    assert "/static/vendor/swagger-ui-5.35.0/swagger-ui-bundle.js" in docs.text
    assert "cdn.jsdelivr.net" not in docs.text
    bundle = await client.get("/static/vendor/swagger-ui-5.35.0/swagger-ui-bundle.js")
    assert bundle.status_code == 200
