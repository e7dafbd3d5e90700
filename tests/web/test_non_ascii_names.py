"""Logins and names outside ASCII: found, logged in and kept unique on both databases, whatever
the case of their letters (SQLite's own lower() folds ASCII only)."""

from __future__ import annotations

import httpx

from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents

PASSWORD = "customer-password-1"


async def test_a_non_ascii_agent_login_is_unique_and_taken_twice_is_409(
    client: httpx.AsyncClient, admin_headers: dict[str, str], events: RecordedEvents
) -> None:
    agent = {"login": "Ülrich", "first_name": "Ülrich", "last_name": "Öz", "email": "u@example.com"}
    first = await client.post("/api/v1/agents", json=agent, headers=admin_headers)
    assert first.status_code == 201, first.text
    events.clear()
    again = await client.post("/api/v1/agents", json=agent, headers=admin_headers)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "login_taken"
    assert events == []
    shouted = await client.post(
        "/api/v1/agents", json={**agent, "login": "ÜLRICH"}, headers=admin_headers
    )
    assert shouted.status_code == 409
    assert shouted.json()["error"]["code"] == "login_taken"
    assert events == []
    for term in ("Ülrich", "ülr", "ÜLRICH"):
        listed = await client.get(f"/api/v1/agents?search={term}", headers=admin_headers)
        assert [a["login"] for a in listed.json()["items"]] == ["Ülrich"], term


async def test_a_customer_with_a_non_ascii_login_logs_in_and_gets_tickets(
    client: httpx.AsyncClient, admin_headers: dict[str, str], web: WebState
) -> None:
    created = await client.post(
        "/api/v1/customer-users",
        json={
            "login": "Jörg",
            "first_name": "Jörg",
            "last_name": "Ånstrøm",
            "email": "joerg@example.com",
            "password": PASSWORD,
        },
        headers=admin_headers,
    )
    assert created.status_code == 201, created.text
    token = await client.post(
        "/api/v1/auth/token", json={"login": "JÖRG", "password": PASSWORD, "realm": "customer"}
    )
    assert token.status_code == 200, token.text
    ticket = await client.post(
        "/api/v1/tickets",
        json={
            "title": "Umlauts",
            "queue_id": 2,
            "customer_user": "jörg",
            "article": {"body": "Grüße"},
        },
        headers=admin_headers,
    )
    assert ticket.status_code == 201, ticket.text
    assert ticket.json()["customer_user"] == "Jörg"
    mine = await client.get(
        "/api/v1/tickets", headers={"Authorization": f"Bearer {token.json()['token']}"}
    )
    assert [t["title"] for t in mine.json()["items"]] == ["Umlauts"]
